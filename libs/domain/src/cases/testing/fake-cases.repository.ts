import { randomUUID } from 'node:crypto';
import type { AuditRecord } from '@amani/audit';
import { ConflictProblem } from '@amani/http';
import type { ServiceType } from '@amani/auth';
import { FakeAuditService } from '../../testing/unit-fakes';
import type { CaseActor } from '../case-actor';
import type { ConsentPurpose, ErasureReason } from '../case-codes';
import type { CaseListQuery } from '../case-commands';
import { CaseConsent } from '../case-consent.entity';
import { CaseShreddedError, RecordNotVisibleError, StaleVersionProblem } from '../case-errors';
import { CaseIncident } from '../case-incident.entity';
import { CaseNote } from '../case-note.entity';
import { CaseShare } from '../case-share.entity';
import type { StoredCaseKey } from '../case-vault';
import { Case } from '../case.entity';
import {
  CaseListResult,
  CasesRepository,
  CreatedCaseRow,
  InlineAudit,
  NewCaseRow,
  NewConsent,
  NewIncident,
  NewNote,
  SealedSurvivorCode,
} from '../cases.repository';

/** A fake audit service that also takes the audit rows a statement writes itself (successInsert). */
export class FakeCaseAuditService extends FakeAuditService {
  queueInsert(event: AuditRecord): { sql: string; params: unknown[] } {
    this.events.push({ ...event, inTransaction: true });
    return { sql: '', params: [] };
  }
}

const LIST_FILTERS = ['stage', 'sex', 'ageBand', 'regionCode', 'displacementStatus', 'nationalityStatus', 'assignedCaseworkerId'] as const;

/** In-memory case store with CaseScope's rules, holding what the database would: sealed columns and wrapped keys. */
export class FakeCasesRepository implements CasesRepository {
  readonly cases = new Map<string, Case>();
  readonly keys = new Map<string, StoredCaseKey>();
  readonly shares: CaseShare[] = [];
  readonly incidents: CaseIncident[] = [];
  readonly notes: CaseNote[] = [];
  readonly consents: CaseConsent[] = [];
  readonly agencies = new Set<string>();
  /** Active caseworkers by user id → agency id. */
  readonly caseworkers = new Map<string, string>();
  /** Case ids whose reporting projection was refreshed, in order. */
  readonly refreshes: string[] = [];
  readonly consentLocks: string[] = [];
  private clock = Date.UTC(2026, 0, 1);

  private now(): Date {
    return new Date((this.clock += 1000));
  }

  private canSee(actor: CaseActor, c: Case): boolean {
    if (c.agencyId !== actor.agencyId) return false;
    if (actor.role === 'supervisor' || c.assignedCaseworkerId === actor.id) return true;
    return this.shares.some((s) => s.caseId === c.id && s.userId === actor.id);
  }

  private inScope(actor: CaseActor, c: Case | undefined): Case {
    if (!c) throw new RecordNotVisibleError('not_found');
    if (!this.canSee(actor, c)) throw new RecordNotVisibleError('out_of_scope');
    if (c.erasedAt !== null) throw new CaseShreddedError();
    return c;
  }

  private copy<T extends object>(o: T): T {
    return Object.assign(Object.create(Object.getPrototypeOf(o) as object) as T, o);
  }

  /** Shreds a case's key, as erasure does. */
  shred(caseId: string): void {
    this.keys.delete(caseId);
  }

  readonly erasures: { caseId: string; reason: ErasureReason }[] = [];

  erase(caseId: string, reason: ErasureReason): Promise<void> {
    const c = this.cases.get(caseId)!;
    Object.assign(c, {
      survivorCodeIndex: null,
      phoneIndex: null,
      survivorCode: null,
      survivorName: null,
      survivorAliases: null,
      contactDetails: null,
      address: null,
      dateOfBirth: null,
      caregiverDetails: null,
      narrative: null,
      erasedAt: this.now(),
      erasureReason: reason,
      version: c.version + 1,
    });
    for (const list of [this.shares, this.notes]) {
      for (let i = list.length - 1; i >= 0; i--) if (list[i].caseId === caseId) list.splice(i, 1);
    }
    this.keys.delete(caseId);
    this.erasures.push({ caseId, reason });
    return Promise.resolve();
  }

  loadInScope(actor: CaseActor, caseId: string): Promise<Case> {
    return Promise.resolve().then(() => this.copy(this.inScope(actor, this.cases.get(caseId))));
  }

  loadInScopeWithKey(actor: CaseActor, caseId: string): Promise<{ case: Case; key: StoredCaseKey | null }> {
    return Promise.resolve().then(() => ({ case: this.copy(this.inScope(actor, this.cases.get(caseId))), key: this.keys.get(caseId) ?? null }));
  }

  findKey(caseId: string): Promise<StoredCaseKey | null> {
    return Promise.resolve(this.keys.get(caseId) ?? null);
  }

  insertCase(row: NewCaseRow, code: SealedSurvivorCode, audit: InlineAudit): Promise<CreatedCaseRow | null> {
    if ([...this.cases.values()].some((c) => code.anyVersion.some((i) => c.survivorCodeIndex?.equals(i)))) return Promise.resolve(null);
    const { key, createdById, indexVersion, ...rest } = row;
    const at = this.now();
    const c = Object.assign(new Case(), {
      ...rest,
      createdById,
      stage: 'intake',
      closureReason: null,
      closedAt: null,
      survivorCodeIndex: code.index,
      survivorCodeIndexVersion: indexVersion,
      phoneIndexVersion: indexVersion,
      survivorCode: code.sealed,
      erasedAt: null,
      erasureReason: null,
      retentionWarnedAt: null,
      createdAt: at,
      updatedAt: at,
      version: 1,
    } satisfies Omit<Case, 'agency' | 'createdBy' | 'assignedCaseworker'>);
    this.cases.set(c.id, c);
    this.keys.set(c.id, { ...key });
    audit(25, 'FROM c');
    return Promise.resolve({ stage: c.stage, closure_reason: null, created_at: at, updated_at: at, closed_at: null, version: 1 });
  }

  listPage(actor: CaseActor, q: CaseListQuery, after: { at: string; id: string } | null, audit: InlineAudit): Promise<CaseListResult> {
    const scoped = [...this.cases.values()]
      .filter((c) => c.agencyId === actor.agencyId && c.erasedAt === null && this.canSee(actor, c))
      .filter((c) => LIST_FILTERS.every((f) => q[f] === undefined || c[f] === q[f]))
      .filter((c) => q.gbvType === undefined || this.incidents.some((i) => i.caseId === c.id && i.gbvType === q.gbvType))
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || b.id.localeCompare(a.id));
    const afterAt = after ? Date.parse(after.at) : 0;
    const rest = after ? scoped.filter((c) => c.createdAt.getTime() < afterAt || (c.createdAt.getTime() === afterAt && c.id < after.id)) : scoped;
    const offset = after ? 0 : (q.page - 1) * q.pageSize;
    const page = rest.slice(offset, offset + q.pageSize + 1);
    audit(2, '', 'count');
    return Promise.resolve({
      rows: page.map((c) => ({
        id: c.id,
        stage: c.stage,
        closure_reason: c.closureReason,
        sex: c.sex,
        age_band: c.ageBand,
        nationality_status: c.nationalityStatus,
        displacement_status: c.displacementStatus,
        disability: c.disability,
        vulnerabilities: c.vulnerabilities,
        region_code: c.regionCode,
        assigned_caseworker_id: c.assignedCaseworkerId,
        created_at: c.createdAt,
        updated_at: c.updatedAt,
        closed_at: c.closedAt,
        version: c.version,
        cursor_at: c.createdAt.toISOString().replace('Z', '000Z'),
      })),
      counted: Math.min(scoped.length, 1001),
    });
  }

  findById(caseId: string): Promise<Case> {
    const c = this.cases.get(caseId);
    return c ? Promise.resolve(this.copy(c)) : Promise.reject(new Error(`no case ${caseId}`));
  }

  updateIfVersion(caseId: string, version: number, sets: Record<string, unknown>): Promise<void> {
    const c = this.cases.get(caseId);
    if (!c || c.version !== version) return Promise.reject(new StaleVersionProblem());
    const at = this.now();
    for (const [k, v] of Object.entries(sets)) (c as unknown as Record<string, unknown>)[k] = typeof v === 'function' ? at : v;
    c.version += 1;
    c.updatedAt = at;
    return Promise.resolve();
  }

  inScopeBySurvivorCodeIndex(actor: CaseActor, indexes: Buffer[]): Promise<Case[]> {
    return Promise.resolve([...this.cases.values()].filter((c) => indexes.some((i) => c.survivorCodeIndex?.equals(i)) && this.canSee(actor, c)).map((c) => this.copy(c)));
  }

  reindex(caseId: string, version: number, survivorCodeIndex: Buffer | null, phoneIndex: Buffer | null): Promise<void> {
    const c = this.cases.get(caseId);
    if (c && !c.erasedAt) {
      if (survivorCodeIndex) Object.assign(c, { survivorCodeIndex, survivorCodeIndexVersion: version });
      if (phoneIndex) Object.assign(c, { phoneIndex, phoneIndexVersion: version });
    }
    return Promise.resolve();
  }

  survivorCodeIndexExists(indexes: Buffer[]): Promise<boolean> {
    return Promise.resolve([...this.cases.values()].some((c) => indexes.some((i) => c.survivorCodeIndex?.equals(i))));
  }

  inScopeByPhoneIndex(actor: CaseActor, indexes: Buffer[], limit: number): Promise<Case[]> {
    return Promise.resolve(
      [...this.cases.values()]
        .filter((c) => c.phoneIndex !== null && indexes.some((i) => c.phoneIndex!.equals(i)) && this.canSee(actor, c))
        .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())
        .slice(0, limit)
        .map((c) => this.copy(c)),
    );
  }

  isActiveCaseworker(agencyId: string, userId: string): Promise<boolean> {
    return Promise.resolve(this.caseworkers.get(userId) === agencyId);
  }

  refreshReporting(caseId: string): Promise<void> {
    this.refreshes.push(caseId);
    return Promise.resolve();
  }

  addShare(caseId: string, userId: string, sharedById: string): Promise<CaseShare> {
    let share = this.shares.find((s) => s.caseId === caseId && s.userId === userId);
    if (!share) {
      share = Object.assign(new CaseShare(), { caseId, userId, sharedById, createdAt: this.now() });
      this.shares.push(share);
    }
    return Promise.resolve(this.copy(share));
  }

  removeShare(caseId: string, userId: string): Promise<void> {
    const i = this.shares.findIndex((s) => s.caseId === caseId && s.userId === userId);
    if (i >= 0) this.shares.splice(i, 1);
    return Promise.resolve();
  }

  listShares(caseId: string): Promise<CaseShare[]> {
    return Promise.resolve(this.shares.filter((s) => s.caseId === caseId).map((s) => this.copy(s)));
  }

  insertIncident(row: NewIncident): Promise<CaseIncident> {
    const incident = Object.assign(new CaseIncident(), row, { createdAt: this.now() });
    this.incidents.push(incident);
    return Promise.resolve(this.copy(incident));
  }

  listIncidents(caseId: string): Promise<CaseIncident[]> {
    return Promise.resolve(this.incidents.filter((i) => i.caseId === caseId).map((i) => this.copy(i)));
  }

  insertNote(row: NewNote): Promise<CaseNote> {
    const note = Object.assign(new CaseNote(), row, { createdAt: this.now() });
    this.notes.push(note);
    return Promise.resolve(this.copy(note));
  }

  listNotes(caseId: string, page: number, pageSize: number): Promise<[CaseNote[], number]> {
    const all = this.notes.filter((n) => n.caseId === caseId).reverse();
    return Promise.resolve([all.slice((page - 1) * pageSize, page * pageSize).map((n) => this.copy(n)), all.length]);
  }

  agencyExists(agencyId: string): Promise<boolean> {
    return Promise.resolve(this.agencies.has(agencyId));
  }

  activeConsentExists(caseId: string, purpose: ConsentPurpose): Promise<boolean> {
    return Promise.resolve(this.consents.some((k) => k.caseId === caseId && k.purpose === purpose && k.withdrawnAt === null));
  }

  insertConsent(row: NewConsent): Promise<CaseConsent> {
    if (row.purpose !== 'referral' && this.consents.some((k) => k.caseId === row.caseId && k.purpose === row.purpose && k.withdrawnAt === null)) {
      return Promise.reject(new ConflictProblem('consent_already_active', 'An active consent for this purpose exists; withdraw it first.'));
    }
    const consent = Object.assign(new CaseConsent(), row, { id: randomUUID(), withdrawnAt: null, withdrawnById: null });
    this.consents.push(consent);
    return Promise.resolve(this.copy(consent));
  }

  listConsents(caseId: string): Promise<CaseConsent[]> {
    return Promise.resolve(this.consents.filter((k) => k.caseId === caseId).map((k) => this.copy(k)));
  }

  findConsent(caseId: string, consentId: string): Promise<CaseConsent | null> {
    const k = this.consents.find((x) => x.id === consentId && x.caseId === caseId);
    return Promise.resolve(k ? this.copy(k) : null);
  }

  findConsentForUpdate(caseId: string, consentId: string): Promise<CaseConsent | null> {
    this.consentLocks.push(consentId);
    const k = this.consents.find((x) => x.id === consentId && x.caseId === caseId);
    return Promise.resolve(k ? this.copy(k) : null);
  }

  markConsentWithdrawn(consentId: string, withdrawnById: string): Promise<CaseConsent> {
    const k = this.consents.find((x) => x.id === consentId)!;
    Object.assign(k, { withdrawnAt: this.now(), withdrawnById });
    return Promise.resolve(this.copy(k));
  }

  activeReferralConsent(caseId: string, serviceType: ServiceType, recipientAgencyId: string): Promise<CaseConsent | null> {
    const k = [...this.consents]
      .reverse()
      .find(
        (x) =>
          x.caseId === caseId &&
          x.purpose === 'referral' &&
          x.withdrawnAt === null &&
          (x.serviceType === null || x.serviceType === serviceType) &&
          (x.recipientAgencyId === null || x.recipientAgencyId === recipientAgencyId),
      );
    return Promise.resolve(k ? this.copy(k) : null);
  }
}
