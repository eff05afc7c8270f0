import { Injectable, OnModuleInit } from '@nestjs/common';
import { EntityManager, IsNull } from 'typeorm';
import { ConsentWithdrawalHooks, ConsentWithdrawnEvent } from '@amani/domain/cases';
import type { PacketDestroyReason } from './referral-codes';
import { AuditActor, ReferralAuditor } from './referral-auditor';
import { ReferralPacketKey } from './referral-keys.entity';
import { Referral } from './referral.entity';

/**
 * Crypto-shreds referral packets: deletes the packet's wrapped key (and its ciphertext) so no
 * one can read it again. Hooked into consent withdrawal, inside the withdrawing transaction:
 * withdrawing a referral consent destroys every packet built under it. Erasing a case needs no
 * code here: the packet keys' foreign key to case_keys cascades.
 */
@Injectable()
export class ReferralPacketShredder implements OnModuleInit {
  constructor(
    private readonly hooks: ConsentWithdrawalHooks,
    private readonly auditor: ReferralAuditor,
  ) {}

  onModuleInit(): void {
    this.hooks.register((em, event) => this.onConsentWithdrawn(em, event));
  }

  async onConsentWithdrawn(em: EntityManager, event: ConsentWithdrawnEvent): Promise<void> {
    if (event.purpose !== 'referral') return;
    const live = await em.find(Referral, {
      select: { id: true, caseId: true },
      where: { consentId: event.consentId, packetDestroyedAt: IsNull() },
      order: { id: 'ASC' },
      lock: { mode: 'pessimistic_write' },
    });
    for (const r of live) await this.destroy(em, event.actor, r, 'consent_withdrawn');
  }

  /** Idempotent; audits only the call that actually destroyed the packet. */
  async destroy(em: EntityManager, actor: AuditActor, r: Pick<Referral, 'id' | 'caseId'>, reason: PacketDestroyReason): Promise<boolean> {
    await em.delete(ReferralPacketKey, { referralId: r.id });
    const result = await em
      .createQueryBuilder()
      .update(Referral)
      .set({ packet: null, packetDestroyedAt: () => 'now()', packetDestroyedReason: reason })
      .where('id = :id AND packet_destroyed_at IS NULL', { id: r.id })
      .execute();
    if (result.affected !== 1) return false;
    await this.auditor.success(actor, { action: 'referral.packet.destroy', targetType: 'referral', targetId: r.id }, { reason, case: r.caseId }, em);
    return true;
  }
}
