import { Injectable, OnModuleInit } from '@nestjs/common';
import { TransactionHost } from '@amani/database';
import type { EntityManager } from 'typeorm';
import { CaseErasedEvent, CaseErasureHooks, ConsentWithdrawalHooks, ConsentWithdrawnEvent } from '@amani/domain/cases';
import type { PacketDestroyReason } from './referral-codes';
import { AuditActor, ReferralAuditor } from './referral-auditor';
import { ReferralsRepository } from './referrals.repository';

/**
 * Crypto-shreds referral packets: deletes the packet's wrapped key (and its ciphertext) so no
 * one can read it again. Hooked into consent withdrawal, inside the withdrawing transaction:
 * withdrawing a referral consent destroys every packet built under it. Hooked into case
 * erasure too: the case's open referrals are revoked, every packet destroyed ('case_erased'),
 * referral notes and notifications about the case deleted (the record keys go with the case's
 * data key through their foreign key).
 */
@Injectable()
export class ReferralPacketShredder implements OnModuleInit {
  constructor(
    private readonly hooks: ConsentWithdrawalHooks,
    private readonly auditor: ReferralAuditor,
    private readonly repo: ReferralsRepository,
    private readonly erasureHooks: CaseErasureHooks,
  ) {}

  onModuleInit(): void {
    this.hooks.register((em, event) => this.onConsentWithdrawn(em, event));
    this.erasureHooks.register((em, event) => this.onCaseErased(em, event));
  }

  /** Inside the erasing transaction (see onConsentWithdrawn). */
  async onCaseErased(em: EntityManager, event: CaseErasedEvent): Promise<void> {
    const referrals = await this.repo.referralsOfCaseForUpdate(event.caseId);
    const open = referrals.filter((r) => r.state === 'pending' || r.state === 'accepted');
    await this.repo.revokeForErasure(
      open.map((r) => r.id),
      event.actor.id,
    );
    for (const r of open) {
      await this.auditor.success(event.actor, { action: 'referral.revoke', targetType: 'referral', targetId: r.id }, { reason: 'case_erased', case: r.caseId }, em);
    }
    for (const r of referrals) if (r.packetDestroyedAt === null) await this.destroy(event.actor, r, 'case_erased', em);
    await this.repo.forgetCase(event.caseId);
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
