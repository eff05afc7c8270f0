import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { EntityManager, IsNull, Not } from 'typeorm';
import { UnprocessableProblem, ValidationProblem } from '@amani/http';
import { Agency } from '@amani/auth';
import type { CaseActor } from '@amani/domain/cases';
import { CaseConsent } from '@amani/domain/cases';
import { CaseConsentsService } from '@amani/domain/cases';
import { CaseClosedProblem, CaseShreddedError } from '@amani/domain/cases';
import { CaseReferralSource, ReferralFieldValues } from '@amani/domain/cases';
import { CaseScope } from '@amani/domain/cases';
import { Case } from '@amani/domain/cases';
import { ServicesDirectoryService } from '@amani/domain/services-directory';
import { CaseServiceRecord } from './case-service-record.entity';
import { isReferrer, ReferralActor } from './referral-actor';
import { ReferralAuditor, ReferralAuditTarget } from './referral-auditor';
import {
  ACTION_SIDE,
  FOLLOW_UP_MAX_MS,
  FOLLOW_UP_MIN_MS,
  nextReferralState,
  ReferralAction,
  ServiceOutcome,
} from './referral-codes';
import type { CompleteReferralCommand, CreateReferralCommand, DeclineReferralCommand, ReferralListQuery } from './referral-commands';
import { PacketDestroyedError, ReferralForbiddenProblem, ReferralNotVisibleError, ReferralStateProblem } from './referral-errors';
import { ReferralNote } from './referral-note.entity';
import { ReferralPacketShredder } from './referral-packet-shredder';
import { ReferralKeyHandle, ReferralVault } from './referral-vault';
import {
  ReferralDetailView,
  ReferralNoteView,
  ReferralPacketView,
  ReferralPage,
  ReferralView,
  ServiceRecordView,
  toReferralView,
} from './referral-views';
import { Referral } from './referral.entity';
import { TransactionHost } from '@amani/database';

type TransitionCommand = Partial<DeclineReferralCommand & CompleteReferralCommand>;

/**
 * Referrals (DESIGN §2): a case referred to a receiving agency for one service type, sharing a
 * packet of exactly the fields the survivor's referral consent lists, encrypted under the
 * packet's own key. The referring side sees what its case scope allows; a provider sees only
 * referrals addressed to their agency. Everything else answers 404 and is audited.
 */
@Injectable()
export class ReferralsService {
  constructor(
    private readonly tx: TransactionHost,
    private readonly vault: ReferralVault,
    private readonly auditor: ReferralAuditor,
    private readonly scope: CaseScope,
    private readonly consents: CaseConsentsService,
    private readonly source: CaseReferralSource,
    private readonly directory: ServicesDirectoryService,
    private readonly shredder: ReferralPacketShredder,
  ) {}

  create(actor: CaseActor, caseId: string, cmd: CreateReferralCommand): Promise<ReferralDetailView> {
    const target: ReferralAuditTarget = { action: 'referral.create', targetType: 'case', targetId: caseId };
    return this.auditor.run(actor, target, () =>
      this.tx.run(async (em) => {
        const c = await this.scope.load(em, actor, caseId);
        if (c.stage === 'closed') throw new CaseClosedProblem();
        this.checkFollowUp(cmd.followUpDueAt);
        await this.checkRecipient(em, actor, cmd);
        const consentId = await this.coveringConsent(em, actor, caseId, cmd);
        const fields: ReferralFieldValues = consentId
          ? (await this.source.consentedFields(actor, caseId, { consentId, serviceType: cmd.serviceType, recipientAgencyId: cmd.recipientAgencyId }, em)).fields
          : {};

        const id = randomUUID();
        const packetKey = this.vault.newKey(id, 'packet');
        const recordKey = this.vault.newKey(id, 'record');
        try {
          const override = consentId === null;
          await em.insert(Referral, {
            id,
            caseId,
            referringAgencyId: actor.agencyId,
            recipientAgencyId: cmd.recipientAgencyId,
            serviceType: cmd.serviceType,
            serviceId: cmd.serviceId ?? null,
            consentId,
            consentOverride: override,
            overrideReason: override ? this.vault.seal(recordKey, 'referrals', 'override_reason', id, actor.agencyId, cmd.overrideReason!) : null,
            referredById: actor.id,
            followUpDueAt: cmd.followUpDueAt,
            packet: this.vault.sealPacket(packetKey, cmd.recipientAgencyId, fields),
            packetFields: Object.keys(fields) as Referral['packetFields'],
          });
          await this.vault.saveKey(em, packetKey, caseId);
          await this.vault.saveKey(em, recordKey, caseId);
        } finally {
          this.vault.dispose(packetKey);
          this.vault.dispose(recordKey);
        }
        await this.recordService(em, caseId, cmd.serviceType, 'referred', id, actor.id);

        const created: ReferralAuditTarget = { action: 'referral.create', targetType: 'referral', targetId: id };
        await this.auditor.success(
          actor,
          created,
          { case: caseId, recipient: cmd.recipientAgencyId, serviceType: cmd.serviceType, consent: consentId, override: consentId === null, fields: Object.keys(fields).length },
          em,
        );
        if (consentId === null) {
          await this.auditor.success(actor, { ...created, action: 'referral.consent_override' }, { case: caseId, recipient: cmd.recipientAgencyId, serviceType: cmd.serviceType }, em);
        }
        const saved = await em.findOneByOrFail(Referral, { id });
        return { ...toReferralView(saved, 'referrer'), overrideReason: cmd.overrideReason ?? null, notes: [] };
      }),
    );
  }

  listForCase(actor: CaseActor, caseId: string, q: ReferralListQuery): Promise<ReferralPage> {
    const target: ReferralAuditTarget = { action: 'referral.list', targetType: 'case', targetId: caseId };
    return this.auditor.run(actor, target, async () => {
      const em = this.tx.manager;
      await this.scope.load(em, actor, caseId);
      const [rows, total] = await em.findAndCount(Referral, {
        where: { caseId, ...(q.state ? { state: q.state } : {}) },
        order: { createdAt: 'DESC', id: 'DESC' },
        skip: (q.page - 1) * q.pageSize,
        take: q.pageSize,
      });
      await this.auditor.success(actor, target, { count: rows.length });
      return { items: rows.map((r) => toReferralView(r, 'referrer')), page: q.page, pageSize: q.pageSize, total };
    });
  }

  /** A provider's inbox: referrals addressed to their agency. */
  incoming(actor: ReferralActor, q: ReferralListQuery): Promise<ReferralPage> {
    const target: ReferralAuditTarget = { action: 'referral.incoming.list', targetType: 'referral', targetId: null };
    return this.auditor.run(actor, target, async () => {
      if (actor.role !== 'provider') throw new ReferralForbiddenProblem('forbidden', 'Only a provider has an inbox of incoming referrals.');
      const [rows, total] = await this.tx.manager.findAndCount(Referral, {
        where: { recipientAgencyId: actor.agencyId, ...(q.state ? { state: q.state } : {}) },
        order: { createdAt: 'DESC', id: 'DESC' },
        skip: (q.page - 1) * q.pageSize,
        take: q.pageSize,
      });
      await this.auditor.success(actor, target, { count: rows.length });
      return { items: rows.map((r) => toReferralView(r, 'recipient')), page: q.page, pageSize: q.pageSize, total };
    });
  }

  get(actor: ReferralActor, referralId: string): Promise<ReferralDetailView> {
    const target: ReferralAuditTarget = { action: 'referral.read', targetType: 'referral', targetId: referralId };
    return this.auditor.run(actor, target, async () => {
      const em = this.tx.manager;
      const r = await this.loadVisible(em, actor, referralId);
      const side = isReferrer(actor) ? 'referrer' : 'recipient';
      const notes = await em.find(ReferralNote, { where: { referralId }, order: { createdAt: 'ASC', id: 'ASC' } });
      const key = notes.length || (side === 'referrer' && r.overrideReason) ? await this.vault.openKey(em, referralId, 'record') : null;
      try {
        // No record key: the case was erased, and everything sealed under it with it.
        const detail: ReferralDetailView = {
          ...toReferralView(r, side),
          overrideReason: key && side === 'referrer' && r.overrideReason
            ? this.vault.open(key, 'referrals', 'override_reason', r.id, r.referringAgencyId, r.overrideReason)
            : null,
          notes: key ? notes.map((n) => this.noteView(key, n)) : [],
        };
        await this.auditor.success(actor, target, { notes: detail.notes.length, override: r.consentOverride });
        return detail;
      } finally {
        this.vault.dispose(key);
      }
    });
  }

  /** The packet: the receiving provider (or the referring side, to see what was sent). Every read is audited. */
  readPacket(actor: ReferralActor, referralId: string): Promise<ReferralPacketView> {
    const target: ReferralAuditTarget = { action: 'referral.packet.read', targetType: 'referral', targetId: referralId };
    return this.auditor.run(actor, target, async () => {
      const em = this.tx.manager;
      const r = await this.loadVisible(em, actor, referralId);
      if (r.packetDestroyedReason) throw new PacketDestroyedError(r.packetDestroyedReason);
      // Defence in depth behind the withdrawal hook: never serve a packet whose consent is gone.
      if (r.consentId && (await em.exists(CaseConsent, { where: { id: r.consentId, withdrawnAt: Not(IsNull()) } }))) {
        await this.tx.run((tx) => this.shredder.destroy(tx, actor, r, 'consent_withdrawn'));
        throw new PacketDestroyedError('consent_withdrawn');
      }
      const key = await this.vault.openKey(em, referralId, 'packet');
      if (!key || !r.packet) throw new PacketDestroyedError('case_erased');
      try {
        const fields = this.vault.openPacket(key, r.recipientAgencyId, r.packet);
        await this.auditor.success(actor, target, { fields: Object.keys(fields).length });
        return { referralId, serviceType: r.serviceType, fields };
      } finally {
        this.vault.dispose(key);
      }
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
        const r = await this.loadVisible(em, actor, referralId, true);
        if (actor.role !== 'provider') throw new ReferralForbiddenProblem('recipient_only', 'Only the receiving agency sends notes on a referral.');
        if (r.state === 'revoked' || r.state === 'declined') throw new ReferralStateProblem();
        const note = await this.insertNote(em, actor, r, body);
        await this.auditor.success(actor, target, { note: note.id }, em);
        return note;
      }),
    );
  }

  /** The case's GBVIMS service record: per service type, the latest outcome and its referral. */
  serviceRecord(actor: CaseActor, caseId: string): Promise<ServiceRecordView[]> {
    const target: ReferralAuditTarget = { action: 'case.service_record.read', targetType: 'case', targetId: caseId };
    return this.auditor.run(actor, target, async () => {
      const em = this.tx.manager;
      await this.scope.load(em, actor, caseId);
      const rows = await em.find(CaseServiceRecord, { where: { caseId }, relations: { referral: true }, order: { serviceType: 'ASC' } });
      await this.auditor.success(actor, target, { count: rows.length });
      return rows.map((s) => ({
        serviceType: s.serviceType,
        outcome: s.outcome,
        referralId: s.referralId,
        referralState: s.referral?.state ?? null,
        updatedAt: s.updatedAt,
      }));
    });
  }

  private transition(actor: ReferralActor, referralId: string, action: ReferralAction, cmd: TransitionCommand): Promise<ReferralView> {
    const target: ReferralAuditTarget = { action: `referral.${action}`, targetType: 'referral', targetId: referralId };
    return this.auditor.run(actor, target, () =>
      this.tx.run(async (em) => {
        const r = await this.loadVisible(em, actor, referralId, true);
        const recipientStep = ACTION_SIDE[action] === 'recipient';
        if (recipientStep !== (actor.role === 'provider')) {
          throw new ReferralForbiddenProblem('wrong_side', recipientStep ? 'Only the receiving agency takes this step.' : 'Only the referring agency takes this step.');
        }
        const to = nextReferralState(r.state, action);
        if (!to) throw new ReferralStateProblem();
        const sets: Record<string, unknown> = { state: to };
        if (action === 'accept') Object.assign(sets, { acceptedAt: () => 'now()', respondedById: actor.id });
        if (action === 'decline') Object.assign(sets, { declinedAt: () => 'now()', declineReason: cmd.reason, respondedById: actor.id });
        if (action === 'complete') Object.assign(sets, { completedAt: () => 'now()', outcome: cmd.outcome, completedById: actor.id });
        if (action === 'revoke') Object.assign(sets, { revokedAt: () => 'now()', revokedById: actor.id });
        const result = await em
          .createQueryBuilder()
          .update(Referral)
          .set(sets)
          .where('id = :id AND state = :from', { id: referralId, from: r.state })
          .execute();
        if (result.affected !== 1) throw new ReferralStateProblem();
        if (cmd.note) await this.insertNote(em, actor, r, cmd.note);
        if (action === 'complete') await this.recordService(em, r.caseId, r.serviceType, cmd.outcome!, r.id, actor.id);
        if (action === 'decline' || action === 'revoke') await this.shredder.destroy(em, actor, r, action === 'revoke' ? 'revoked' : 'declined');
        await this.auditor.success(
          actor,
          target,
          { from: r.state, to, reason: cmd.reason ?? null, outcome: cmd.outcome ?? null, note: Boolean(cmd.note) },
          em,
        );
        return toReferralView(await em.findOneByOrFail(Referral, { id: referralId }), isReferrer(actor) ? 'referrer' : 'recipient');
      }),
    );
  }

  /**
   * The referral if the actor may see it: a provider only when it is addressed to their
   * agency; the referring side only within the case's scope. Else the same error as missing.
   */
  private async loadVisible(em: EntityManager, actor: ReferralActor, referralId: string, lock = false): Promise<Referral> {
    const r = await em.findOne(Referral, { where: { id: referralId }, ...(lock ? { lock: { mode: 'pessimistic_write' as const } } : {}) });
    if (!r) throw new ReferralNotVisibleError('not_found');
    if (actor.role === 'provider') {
      if (r.recipientAgencyId !== actor.agencyId) throw new ReferralNotVisibleError('out_of_scope');
      return r;
    }
    if (r.referringAgencyId !== actor.agencyId || !isReferrer(actor)) throw new ReferralNotVisibleError('out_of_scope');
    const c = await em.findOne(Case, { where: { id: r.caseId } });
    if (!c || !(await this.scope.canSee(em, actor, c))) throw new ReferralNotVisibleError('out_of_scope');
    return r;
  }

  private checkFollowUp(due: Date): void {
    const ahead = due.getTime() - Date.now();
    if (!Number.isFinite(ahead) || ahead < FOLLOW_UP_MIN_MS || ahead > FOLLOW_UP_MAX_MS) {
      throw new ValidationProblem([{ field: 'followUpDueAt', message: 'must lie between one hour and one year ahead' }]);
    }
  }

  private async checkRecipient(em: EntityManager, actor: CaseActor, cmd: CreateReferralCommand): Promise<void> {
    if (cmd.recipientAgencyId === actor.agencyId) {
      throw new UnprocessableProblem('invalid_recipient', 'A referral goes to another agency.', [
        { field: 'recipientAgencyId', message: 'must be another agency than yours' },
      ]);
    }
    if (!(await em.exists(Agency, { where: { id: cmd.recipientAgencyId } }))) {
      throw new UnprocessableProblem('unknown_agency', 'The receiving agency does not exist.', [{ field: 'recipientAgencyId', message: 'is not a known agency' }]);
    }
    if (!(await this.directory.findOpenOffering(em, cmd.recipientAgencyId, cmd.serviceType, cmd.serviceId))) {
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
  private async coveringConsent(em: EntityManager, actor: CaseActor, caseId: string, cmd: CreateReferralCommand): Promise<string | null> {
    await em.query(`SELECT id FROM case_consents WHERE case_id = $1 AND purpose = 'referral' AND withdrawn_at IS NULL FOR SHARE`, [caseId]);
    const consentId = cmd.consentId ?? (await this.consents.activeReferralConsent(em, caseId, cmd.serviceType, cmd.recipientAgencyId))?.id ?? null;
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

  private async insertNote(em: EntityManager, actor: ReferralActor, r: Referral, body: string): Promise<ReferralNoteView> {
    const key = await this.vault.openKey(em, r.id, 'record');
    if (!key) throw new CaseShreddedError();
    try {
      const id = randomUUID();
      await em.insert(ReferralNote, {
        id,
        referralId: r.id,
        authorId: actor.id,
        authorAgencyId: actor.agencyId,
        body: this.vault.seal(key, 'referral_notes', 'body', id, actor.agencyId, body),
      });
      const saved = await em.findOneByOrFail(ReferralNote, { id });
      return { id, referralId: r.id, authorId: actor.id, authorAgencyId: actor.agencyId, body, createdAt: saved.createdAt };
    } finally {
      this.vault.dispose(key);
    }
  }

  private noteView(key: ReferralKeyHandle, n: ReferralNote): ReferralNoteView {
    return {
      id: n.id,
      referralId: n.referralId,
      authorId: n.authorId,
      authorAgencyId: n.authorAgencyId,
      body: this.vault.open(key, 'referral_notes', 'body', n.id, n.authorAgencyId, n.body),
      createdAt: n.createdAt,
    };
  }

  private async recordService(em: EntityManager, caseId: string, serviceType: Referral['serviceType'], outcome: ServiceOutcome, referralId: string, userId: string): Promise<void> {
    await em
      .createQueryBuilder()
      .insert()
      .into(CaseServiceRecord)
      .values({ caseId, serviceType, outcome, referralId, updatedById: userId })
      .orUpdate(['outcome', 'referral_id', 'updated_by', 'updated_at'], ['case_id', 'service_type'])
      .execute();
  }
}
