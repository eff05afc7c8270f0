import { randomUUID } from 'node:crypto';
import { UnprocessableProblem } from '@amani/http';
import type { CaseActor } from '../../cases/case-actor';
import type { CaseStage } from '../../cases/case-codes';
import { RecordNotVisibleError } from '../../cases/case-errors';
import type { ReferralFieldValues, ReferralRequest } from '../../cases/case-referral-source.service';
import type { ServiceType } from '@amani/auth';
import type { PacketDestroyReason, ReferralState, ServiceOutcome } from '../referral-codes';
import type { ServiceRecordView } from '../referral-views';
import { NewReferral, ReferralListFilter, ReferralNoteRecord, ReferralRecord, ReferralsRepository, ReferralStep } from '../referrals.repository';

export interface FakeCase {
  id: string;
  agencyId: string;
  assignedCaseworkerId: string | null;
  sharedWith: string[];
  stage: CaseStage;
  /** The case's fields, as the cases context would decrypt them. */
  fields: ReferralFieldValues;
}

export interface FakeConsent {
  id: string;
  caseId: string;
  serviceType: ServiceType | null;
  recipientAgencyId: string | null;
  withdrawn: boolean;
  shareable: (keyof ReferralFieldValues)[];
}

interface StoredReferral {
  record: ReferralRecord;
  overrideReason: string | null;
  packet: ReferralFieldValues | null;
  packetKey: boolean;
  recordKey: boolean;
}

/** In-memory referral store with the same scope rules as the case store, for unit tests. */
export class FakeReferralsRepository implements ReferralsRepository {
  readonly agencies = new Set<string>();
  readonly cases = new Map<string, FakeCase>();
  readonly consents = new Map<string, FakeConsent>();
  readonly referrals = new Map<string, StoredReferral>();
  readonly notes: ReferralNoteRecord[] = [];
  readonly serviceRecord = new Map<string, { outcome: ServiceOutcome; referralId: string; updatedById: string }>();
  readonly consentLocks: string[] = [];
  readonly lockedReads: string[] = [];
  private clock = 1_000;

  addCase(c: Partial<FakeCase> & Pick<FakeCase, 'agencyId'>): FakeCase {
    const row: FakeCase = { id: randomUUID(), assignedCaseworkerId: null, sharedWith: [], stage: 'intake', fields: {}, ...c };
    this.cases.set(row.id, row);
    return row;
  }

  addConsent(c: Partial<FakeConsent> & Pick<FakeConsent, 'caseId'>): FakeConsent {
    const row: FakeConsent = { id: randomUUID(), serviceType: null, recipientAgencyId: null, withdrawn: false, shareable: [], ...c };
    this.consents.set(row.id, row);
    return row;
  }

  /** Erases the case's keys as the case store would: every referral key of the case goes. */
  eraseKeys(caseId: string): void {
    for (const r of this.referrals.values()) {
      if (r.record.caseId === caseId) {
        r.packetKey = false;
        r.recordKey = false;
      }
    }
  }

  private canSee(actor: CaseActor, c: FakeCase): boolean {
    if (c.agencyId !== actor.agencyId) return false;
    return actor.role === 'supervisor' || c.assignedCaseworkerId === actor.id || c.sharedWith.includes(actor.id);
  }

  loadCaseInScope(actor: CaseActor, caseId: string): Promise<{ id: string; stage: CaseStage }> {
    const c = this.cases.get(caseId);
    if (!c) return Promise.reject(new RecordNotVisibleError('not_found'));
    if (!this.canSee(actor, c)) return Promise.reject(new RecordNotVisibleError('out_of_scope'));
    return Promise.resolve(c);
  }

  caseVisibleTo(actor: CaseActor, caseId: string): Promise<boolean> {
    const c = this.cases.get(caseId);
    return Promise.resolve(c !== undefined && this.canSee(actor, c));
  }

  lockActiveReferralConsents(caseId: string): Promise<void> {
    this.consentLocks.push(caseId);
    return Promise.resolve();
  }

  activeReferralConsentId(caseId: string, serviceType: ServiceType, recipientAgencyId: string): Promise<string | null> {
    const k = [...this.consents.values()].reverse().find((c) => c.caseId === caseId && this.covers(c, serviceType, recipientAgencyId));
    return Promise.resolve(k?.id ?? null);
  }

  consentedFields(actor: CaseActor, caseId: string, request: ReferralRequest): Promise<ReferralFieldValues> {
    const c = this.cases.get(caseId);
    if (!c || !this.canSee(actor, c)) return Promise.reject(new RecordNotVisibleError(c ? 'out_of_scope' : 'not_found'));
    const k = this.consents.get(request.consentId);
    if (!k || k.caseId !== caseId || !this.covers(k, request.serviceType, request.recipientAgencyId)) {
      return Promise.reject(
        new UnprocessableProblem('consent_not_valid', 'No active referral consent of this case covers that referral.', [{ field: 'consentId', message: 'must be an active referral consent' }]),
      );
    }
    const out: Record<string, unknown> = {};
    for (const f of k.shareable) if (f in c.fields) out[f] = c.fields[f];
    return Promise.resolve(out as ReferralFieldValues);
  }

  private covers(k: FakeConsent, serviceType: ServiceType, recipientAgencyId: string): boolean {
    return !k.withdrawn && (k.serviceType === null || k.serviceType === serviceType) && (k.recipientAgencyId === null || k.recipientAgencyId === recipientAgencyId);
  }

  consentWithdrawn(consentId: string): Promise<boolean> {
    return Promise.resolve(this.consents.get(consentId)?.withdrawn ?? false);
  }

  agencyExists(agencyId: string): Promise<boolean> {
    return Promise.resolve(this.agencies.has(agencyId));
  }

  insert(n: NewReferral): Promise<ReferralRecord> {
    const now = new Date(this.clock++);
    const record: ReferralRecord = {
      id: randomUUID(),
      caseId: n.caseId,
      referringAgencyId: n.referringAgencyId,
      recipientAgencyId: n.recipientAgencyId,
      serviceType: n.serviceType,
      serviceId: n.serviceId,
      consentId: n.consentId,
      consentOverride: n.consentOverride,
      referredById: n.referredById,
      state: 'pending',
      declineReason: null,
      outcome: null,
      followUpDueAt: n.followUpDueAt,
      overdueAt: null,
      acceptedAt: null,
      declinedAt: null,
      completedAt: null,
      revokedAt: null,
      respondedById: null,
      completedById: null,
      revokedById: null,
      packetFields: Object.keys(n.packet) as ReferralRecord['packetFields'],
      packetDestroyedAt: null,
      packetDestroyedReason: null,
      createdAt: now,
      updatedAt: now,
      hasPacket: true,
      hasOverrideReason: n.overrideReason !== null,
    };
    this.referrals.set(record.id, { record, overrideReason: n.overrideReason, packet: { ...n.packet }, packetKey: true, recordKey: true });
    return Promise.resolve({ ...record });
  }

  findById(id: string, lock = false): Promise<ReferralRecord | null> {
    if (lock) this.lockedReads.push(id);
    const r = this.referrals.get(id);
    return Promise.resolve(r ? { ...r.record } : null);
  }

  listForCase(caseId: string, q: ReferralListFilter): Promise<[ReferralRecord[], number]> {
    return this.page((r) => r.caseId === caseId, q);
  }

  listIncoming(recipientAgencyId: string, q: ReferralListFilter): Promise<[ReferralRecord[], number]> {
    return this.page((r) => r.recipientAgencyId === recipientAgencyId, q);
  }

  private page(match: (r: ReferralRecord) => boolean, q: ReferralListFilter): Promise<[ReferralRecord[], number]> {
    const all = [...this.referrals.values()]
      .map((r) => r.record)
      .filter((r) => match(r) && (!q.state || r.state === q.state))
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
    return Promise.resolve([all.slice((q.page - 1) * q.pageSize, q.page * q.pageSize).map((r) => ({ ...r })), all.length]);
  }

  step(id: string, from: ReferralState, step: ReferralStep): Promise<boolean> {
    const r = this.referrals.get(id);
    if (!r || r.record.state !== from) return Promise.resolve(false);
    Object.assign(r.record, step.set, { state: step.to, [step.stamp]: new Date(this.clock++) });
    return Promise.resolve(true);
  }

  openRecord(r: ReferralRecord, withOverrideReason: boolean): Promise<{ overrideReason: string | null; notes: ReferralNoteRecord[] }> {
    const stored = this.referrals.get(r.id)!;
    if (!stored.recordKey) return Promise.resolve({ overrideReason: null, notes: [] });
    return Promise.resolve({
      overrideReason: withOverrideReason ? stored.overrideReason : null,
      notes: this.notes.filter((n) => n.referralId === r.id),
    });
  }

  openPacket(r: ReferralRecord): Promise<ReferralFieldValues | null> {
    const stored = this.referrals.get(r.id)!;
    return Promise.resolve(stored.packetKey && stored.packet ? { ...stored.packet } : null);
  }

  insertNote(r: Pick<ReferralRecord, 'id'>, author: { id: string; agencyId: string }, body: string): Promise<ReferralNoteRecord | null> {
    if (!this.referrals.get(r.id)?.recordKey) return Promise.resolve(null);
    const note: ReferralNoteRecord = { id: randomUUID(), referralId: r.id, authorId: author.id, authorAgencyId: author.agencyId, body, createdAt: new Date(this.clock++) };
    this.notes.push(note);
    return Promise.resolve(note);
  }

  destroyPacket(id: string, reason: PacketDestroyReason): Promise<boolean> {
    const r = this.referrals.get(id);
    if (!r) return Promise.resolve(false);
    r.packetKey = false;
    if (r.record.packetDestroyedAt) return Promise.resolve(false);
    r.packet = null;
    Object.assign(r.record, { packetDestroyedAt: new Date(this.clock++), packetDestroyedReason: reason, hasPacket: false });
    return Promise.resolve(true);
  }

  referralsOfCaseForUpdate(caseId: string): Promise<Pick<ReferralRecord, 'id' | 'caseId' | 'state' | 'packetDestroyedAt'>[]> {
    return Promise.resolve(
      [...this.referrals.values()]
        .map((r) => r.record)
        .filter((r) => r.caseId === caseId)
        .map((r) => ({ id: r.id, caseId: r.caseId, state: r.state, packetDestroyedAt: r.packetDestroyedAt })),
    );
  }

  revokeForErasure(ids: string[], actorId: string | null): Promise<void> {
    for (const id of ids) {
      const r = this.referrals.get(id)!.record;
      if (r.state === 'pending' || r.state === 'accepted') Object.assign(r, { state: 'revoked', revokedAt: new Date(this.clock++), revokedById: actorId });
    }
    return Promise.resolve();
  }

  forgetCase(caseId: string): Promise<void> {
    const ids = new Set([...this.referrals.values()].filter((r) => r.record.caseId === caseId).map((r) => r.record.id));
    for (let i = this.notes.length - 1; i >= 0; i--) if (ids.has(this.notes[i].referralId)) this.notes.splice(i, 1);
    return Promise.resolve();
  }

  livePacketsUnderConsent(consentId: string): Promise<Pick<ReferralRecord, 'id' | 'caseId'>[]> {
    return Promise.resolve(
      [...this.referrals.values()]
        .map((r) => r.record)
        .filter((r) => r.consentId === consentId && r.packetDestroyedAt === null)
        .map((r) => ({ id: r.id, caseId: r.caseId })),
    );
  }

  recordService(caseId: string, serviceType: ServiceType, outcome: ServiceOutcome, referralId: string, userId: string): Promise<void> {
    this.serviceRecord.set(`${caseId}/${serviceType}`, { outcome, referralId, updatedById: userId });
    return Promise.resolve();
  }

  serviceRecords(caseId: string): Promise<ServiceRecordView[]> {
    return Promise.resolve(
      [...this.serviceRecord.entries()]
        .filter(([k]) => k.startsWith(`${caseId}/`))
        .map(([k, v]) => ({
          serviceType: k.split('/')[1] as ServiceType,
          outcome: v.outcome,
          referralId: v.referralId,
          referralState: this.referrals.get(v.referralId)?.record.state ?? null,
          updatedAt: new Date(this.clock),
        }))
        .sort((a, b) => a.serviceType.localeCompare(b.serviceType)),
    );
  }
}
