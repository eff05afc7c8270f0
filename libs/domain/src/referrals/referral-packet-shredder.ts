import { Injectable, OnModuleInit } from '@nestjs/common';
import { TransactionHost } from '@amani/database';
import type { EntityManager } from 'typeorm';
import { ConsentWithdrawalHooks, ConsentWithdrawnEvent } from '@amani/domain/cases';
import type { PacketDestroyReason } from './referral-codes';
import { AuditActor, ReferralAuditor } from './referral-auditor';
import { ReferralsRepository } from './referrals.repository';

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
    private readonly repo: ReferralsRepository,
  ) {}

  onModuleInit(): void {
    this.hooks.register((em, event) => this.onConsentWithdrawn(em, event));
  }

  /**
   * Runs inside the withdrawing transaction: the hooks are notified from within its
   * TransactionHost.run, so the repository (on TransactionHost.manager) joins it; `em` is that
   * same transaction's manager, passed on to the audit so the event commits with it.
   */
  async onConsentWithdrawn(em: EntityManager, event: ConsentWithdrawnEvent): Promise<void> {
    if (event.purpose !== 'referral') return;
    for (const r of await this.repo.livePacketsUnderConsent(event.consentId)) await this.destroy(event.actor, r, 'consent_withdrawn', em);
  }

  /**
   * Idempotent; audits only the call that actually destroyed the packet. Call it inside a
   * transaction (TransactionHost.run): the audit event commits with the destruction.
   */
  async destroy(actor: AuditActor, r: { id: string; caseId: string }, reason: PacketDestroyReason, em: EntityManager | undefined = TransactionHost.active()): Promise<boolean> {
    if (!(await this.repo.destroyPacket(r.id, reason))) return false;
    await this.auditor.success(actor, { action: 'referral.packet.destroy', targetType: 'referral', targetId: r.id }, { reason, case: r.caseId }, em);
    return true;
  }
}
