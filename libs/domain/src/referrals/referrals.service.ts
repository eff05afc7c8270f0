import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@amani/database';
import { UnprocessableProblem, ValidationProblem } from '@amani/http';
import type { CaseActor } from '@amani/domain/cases';
import { CaseClosedProblem, CaseShreddedError } from '@amani/domain/cases';
import type { ReferralFieldValues } from '@amani/domain/cases';
import { ServicesDirectoryService } from '@amani/domain/services-directory';
import { isReferrer, ReferralActor } from './referral-actor';
import { ReferralAuditor, ReferralAuditTarget } from './referral-auditor';
import {
  ACTION_SIDE,
  FOLLOW_UP_MAX_MS,
  FOLLOW_UP_MIN_MS,
  nextReferralState,
  ReferralAction,
} from './referral-codes';
import type { CompleteReferralCommand, CreateReferralCommand, DeclineReferralCommand, ReferralListQuery } from './referral-commands';
import { PacketDestroyedError, ReferralForbiddenProblem, ReferralNotVisibleError, ReferralStateProblem } from './referral-errors';
import { ReferralPacketShredder } from './referral-packet-shredder';
import {
  ReferralDetailView,
  ReferralNoteView,
  ReferralPacketView,
  ReferralPage,
  ReferralView,
  ServiceRecordView,
  toReferralView,
} from './referral-views';
import { ReferralRecord, ReferralsRepository, ReferralStep } from './referrals.repository';

type TransitionCommand = Partial<DeclineReferralCommand & CompleteReferralCommand>;

/**
 * Referrals (DESIGN §2): a case referred to a receiving agency for one service type, sharing a
 * packet of exactly the fields the survivor's referral consent lists, encrypted under the
 * packet's own key. The referring side sees what its case scope allows; a provider sees only
 * referrals addressed to their agency. Everything else answers 404 and is audited.
 * The rules live here; every statement and all sealing is the repository's.
 */
@Injectable()
export class ReferralsService {
  constructor(
    private readonly tx: TransactionHost,
    private readonly repo: ReferralsRepository,
    private readonly auditor: ReferralAuditor,
    private readonly directory: ServicesDirectoryService,
    private readonly shredder: ReferralPacketShredder,
  ) {}

  create(actor: CaseActor, caseId: string, cmd: CreateReferralCommand): Promise<ReferralDetailView> {
    const target: ReferralAuditTarget = { action: 'referral.create', targetType: 'case', targetId: caseId };
    return this.auditor.run(actor, target, () =>
      this.tx.run(async (em) => {
        const c = await this.repo.loadCaseInScope(actor, caseId);
        if (c.stage === 'closed') throw new CaseClosedProblem();
        this.checkFollowUp(cmd.followUpDueAt);
        await this.checkRecipient(actor, cmd);
        const consentId = await this.coveringConsent(actor, caseId, cmd);
        const fields: ReferralFieldValues = consentId
          ? await this.repo.consentedFields(actor, caseId, { consentId, serviceType: cmd.serviceType, recipientAgencyId: cmd.recipientAgencyId })
          : {};
        const override = consentId === null;
        const saved = await this.repo.insert({
          caseId,
          referringAgencyId: actor.agencyId,
          recipientAgencyId: cmd.recipientAgencyId,
          serviceType: cmd.serviceType,
          serviceId: cmd.serviceId ?? null,
          consentId,
          consentOverride: override,
          overrideReason: override ? cmd.overrideReason! : null,
          referredById: actor.id,
          followUpDueAt: cmd.followUpDueAt,
          packet: fields,
        });
        await this.repo.recordService(caseId, cmd.serviceType, 'referred', saved.id, actor.id);

        const created: ReferralAuditTarget = { action: 'referral.create', targetType: 'referral', targetId: saved.id };
        await this.auditor.success(
          actor,
          created,
          { case: caseId, recipient: cmd.recipientAgencyId, serviceType: cmd.serviceType, consent: consentId, override, fields: Object.keys(fields).length },
          em,
        );
        if (override) {
          await this.auditor.success(actor, { ...created, action: 'referral.consent_override' }, { case: caseId, recipient: cmd.recipientAgencyId, serviceType: cmd.serviceType }, em);
        }
        return { ...toReferralView(saved, 'referrer'), overrideReason: cmd.overrideReason ?? null, notes: [] };
      }),
    );
  }

  listForCase(actor: CaseActor, caseId: string, q: ReferralListQuery): Promise<ReferralPage> {
    const target: ReferralAuditTarget = { action: 'referral.list', targetType: 'case', targetId: caseId };
    return this.auditor.run(actor, target, async () => {
      await this.repo.loadCaseInScope(actor, caseId);
      const [rows, total] = await this.repo.listForCase(caseId, q);
      await this.auditor.success(actor, target, { count: rows.length });
      return { items: rows.map((r) => toReferralView(r, 'referrer')), page: q.page, pageSize: q.pageSize, total };
    });
  }

  /** A provider's inbox: referrals addressed to their agency. */
  incoming(actor: ReferralActor, q: ReferralListQuery): Promise<ReferralPage> {
    const target: ReferralAuditTarget = { action: 'referral.incoming.list', targetType: 'referral', targetId: null };
    return this.auditor.run(actor, target, async () => {
      if (actor.role !== 'provider') throw new ReferralForbiddenProblem('forbidden', 'Only a provider has an inbox of incoming referrals.');
      const [rows, total] = await this.repo.listIncoming(actor.agencyId, q);
      await this.auditor.success(actor, target, { count: rows.length });
      return { items: rows.map((r) => toReferralView(r, 'recipient')), page: q.page, pageSize: q.pageSize, total };
    });
  }

  get(actor: ReferralActor, referralId: string): Promise<ReferralDetailView> {
    const target: ReferralAuditTarget = { action: 'referral.read', targetType: 'referral', targetId: referralId };
    return this.auditor.run(actor, target, async () => {
      const r = await this.loadVisible(actor, referralId);
      const side = isReferrer(actor) ? 'referrer' : 'recipient';
      // The override reason is the referring side's alone.
      const { overrideReason, notes } = await this.repo.openRecord(r, side === 'referrer');
      const detail: ReferralDetailView = { ...toReferralView(r, side), overrideReason, notes };
      await this.auditor.success(actor, target, { notes: notes.length, override: r.consentOverride });
      return detail;
    });
  }

  /** The packet: the receiving provider (or the referring side, to see what was sent). Every read is audited. */
  readPacket(actor: ReferralActor, referralId: string): Promise<ReferralPacketView> {
    const target: ReferralAuditTarget = { action: 'referral.packet.read', targetType: 'referral', targetId: referralId };
    return this.auditor.run(actor, target, async () => {
      const r = await this.loadVisible(actor, referralId);
      if (r.packetDestroyedReason) throw new PacketDestroyedError(r.packetDestroyedReason);
      // Defence in depth behind the withdrawal hook: never serve a packet whose consent is gone.
      if (r.consentId && (await this.repo.consentWithdrawn(r.consentId))) {
        await this.tx.run(() => this.shredder.destroy(actor, r, 'consent_withdrawn'));
        throw new PacketDestroyedError('consent_withdrawn');
      }
      const fields = await this.repo.openPacket(r);
      if (!fields) throw new PacketDestroyedError('case_erased');
      await this.auditor.success(actor, target, { fields: Object.keys(fields).length });
      return { referralId, serviceType: r.serviceType, fields };
    });
  }

  accept(actor: ReferralActor, referralId: string): Promise<ReferralView> {
    return this.transition(actor, referralId, 'accept', {});
  }

  decline(actor: ReferralActor, referralId: string, cmd: DeclineReferralCommand): Promise<ReferralView> {
    return this.transition(actor, referralId, 'decline', cmd);
  }

  complete(actor: ReferralActor, referralId: string, cmd: CompleteReferralCommand): Promise<ReferralView> {
    return this.transition(actor, referralId, 'complete', cmd);
  }

  revoke(actor: ReferralActor, referralId: string): Promise<ReferralView> {
    return this.transition(actor, referralId, 'revoke', {});
  }

  /** A short encrypted note from the receiving provider back to the referrer. */
  addNote(actor: ReferralActor, referralId: string, body: string): Promise<ReferralNoteView> {
    const target: ReferralAuditTarget = { action: 'referral.note.create', targetType: 'referral', targetId: referralId };
    return this.auditor.run(actor, target, () =>
      this.tx.run(async (em) => {
        const r = await this.loadVisible(actor, referralId, true);
        if (actor.role !== 'provider') throw new ReferralForbiddenProblem('recipient_only', 'Only the receiving agency sends notes on a referral.');
        if (r.state === 'revoked' || r.state === 'declined') throw new ReferralStateProblem();
        const note = await this.insertNote(actor, r, body);
        await this.auditor.success(actor, target, { note: note.id }, em);
        return note;
      }),
    );
  }

  /** The case's GBVIMS service record: per service type, the latest outcome and its referral. */
  serviceRecord(actor: CaseActor, caseId: string): Promise<ServiceRecordView[]> {
    const target: ReferralAuditTarget = { action: 'case.service_record.read', targetType: 'case', targetId: caseId };
    return this.auditor.run(actor, target, async () => {
      await this.repo.loadCaseInScope(actor, caseId);
      const rows = await this.repo.serviceRecords(caseId);
      await this.auditor.success(actor, target, { count: rows.length });
      return rows;
    });
  }

  private transition(actor: ReferralActor, referralId: string, action: ReferralAction, cmd: TransitionCommand): Promise<ReferralView> {
    const target: ReferralAuditTarget = { action: `referral.${action}`, targetType: 'referral', targetId: referralId };
    return this.auditor.run(actor, target, () =>
      this.tx.run(async (em) => {
        const r = await this.loadVisible(actor, referralId, true);
        const recipientStep = ACTION_SIDE[action] === 'recipient';
        if (recipientStep !== (actor.role === 'provider')) {
          throw new ReferralForbiddenProblem('wrong_side', recipientStep ? 'Only the receiving agency takes this step.' : 'Only the referring agency takes this step.');
        }
        const to = nextReferralState(r.state, action);
        if (!to) throw new ReferralStateProblem();
        if (!(await this.repo.step(referralId, r.state, stepOf(action, to, actor.id, cmd)))) throw new ReferralStateProblem();
        if (cmd.note) await this.insertNote(actor, r, cmd.note);
        if (action === 'complete') await this.repo.recordService(r.caseId, r.serviceType, cmd.outcome!, r.id, actor.id);
        if (action === 'decline' || action === 'revoke') await this.shredder.destroy(actor, r, action === 'revoke' ? 'revoked' : 'declined');
        await this.auditor.success(
          actor,
          target,
          { from: r.state, to, reason: cmd.reason ?? null, outcome: cmd.outcome ?? null, note: Boolean(cmd.note) },
          em,
        );
        const after = await this.repo.findById(referralId);
        if (!after) throw new ReferralNotVisibleError('not_found');
        return toReferralView(after, isReferrer(actor) ? 'referrer' : 'recipient');
      }),
    );
  }

  /**
   * The referral if the actor may see it: a provider only when it is addressed to their
   * agency; the referring side only within the case's scope. Else the same error as missing.
   */
  private async loadVisible(actor: ReferralActor, referralId: string, lock = false): Promise<ReferralRecord> {
    const r = await this.repo.findById(referralId, lock);
    if (!r) throw new ReferralNotVisibleError('not_found');
    if (actor.role === 'provider') {
      if (r.recipientAgencyId !== actor.agencyId) throw new ReferralNotVisibleError('out_of_scope');
      return r;
    }
    if (r.referringAgencyId !== actor.agencyId || !isReferrer(actor)) throw new ReferralNotVisibleError('out_of_scope');
    if (!(await this.repo.caseVisibleTo(actor, r.caseId))) throw new ReferralNotVisibleError('out_of_scope');
    return r;
  }

  private checkFollowUp(due: Date): void {
    const ahead = due.getTime() - Date.now();
    if (!Number.isFinite(ahead) || ahead < FOLLOW_UP_MIN_MS || ahead > FOLLOW_UP_MAX_MS) {
      throw new ValidationProblem([{ field: 'followUpDueAt', message: 'must lie between one hour and one year ahead' }]);
    }
  }

  private async checkRecipient(actor: CaseActor, cmd: CreateReferralCommand): Promise<void> {
    if (cmd.recipientAgencyId === actor.agencyId) {
      throw new UnprocessableProblem('invalid_recipient', 'A referral goes to another agency.', [
        { field: 'recipientAgencyId', message: 'must be another agency than yours' },
      ]);
    }
    if (!(await this.repo.agencyExists(cmd.recipientAgencyId))) {
      throw new UnprocessableProblem('unknown_agency', 'The receiving agency does not exist.', [{ field: 'recipientAgencyId', message: 'is not a known agency' }]);
    }
    if (!(await this.directory.hasOpenOffering(cmd.recipientAgencyId, cmd.serviceType, cmd.serviceId))) {
      throw new UnprocessableProblem('service_not_offered', 'The receiving agency lists no open service of that type in the directory.', [
        { field: cmd.serviceId ? 'serviceId' : 'serviceType', message: 'must be an open directory service of the receiving agency' },
      ]);
    }
  }

  /**
   * The consent to share under, or null for a supervisor's override. The active referral
   * consents of the case are share-locked first, so a concurrent withdrawal either finishes
   * before (and is seen here) or waits for this referral (and then shreds its packet).
   */
  private async coveringConsent(actor: CaseActor, caseId: string, cmd: CreateReferralCommand): Promise<string | null> {
    await this.repo.lockActiveReferralConsents(caseId);
    const consentId = cmd.consentId ?? (await this.repo.activeReferralConsentId(caseId, cmd.serviceType, cmd.recipientAgencyId));
    if (consentId) {
      if (cmd.overrideReason) {
        throw new UnprocessableProblem('override_not_needed', 'A referral consent covers this referral; no override is needed.', [
          { field: 'overrideReason', message: 'must be absent when a referral consent covers the referral' },
        ]);
      }
      return consentId;
    }
    if (!cmd.overrideReason) {
      throw new UnprocessableProblem(
        'referral_consent_missing',
        `The survivor's referral consent is missing: no active 'referral' consent of this case covers service type '${cmd.serviceType}' and the receiving agency.`,
        [{ field: 'consentId', message: `requires an active 'referral' consent covering service type '${cmd.serviceType}' and the receiving agency` }],
      );
    }
    if (actor.role !== 'supervisor') {
      throw new ReferralForbiddenProblem('override_needs_supervisor', 'Only a supervisor may refer without a covering consent.');
    }
    return null;
  }

  private async insertNote(actor: ReferralActor, r: ReferralRecord, body: string): Promise<ReferralNoteView> {
    const note = await this.repo.insertNote(r, actor, body);
    if (!note) throw new CaseShreddedError();
    return note;
  }
}

/** The columns a step sets besides its state: who took it, its reason or outcome, and when (now). */
function stepOf(action: ReferralAction, to: ReferralStep['to'], actorId: string, cmd: TransitionCommand): ReferralStep {
  switch (action) {
    case 'accept':
      return { to, stamp: 'acceptedAt', set: { respondedById: actorId } };
    case 'decline':
      return { to, stamp: 'declinedAt', set: { declineReason: cmd.reason, respondedById: actorId } };
    case 'complete':
      return { to, stamp: 'completedAt', set: { outcome: cmd.outcome, completedById: actorId } };
    case 'revoke':
      return { to, stamp: 'revokedAt', set: { revokedById: actorId } };
  }
}
