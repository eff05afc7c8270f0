import { randomUUID } from 'node:crypto';
import type { CaseActor } from '../case-actor';
import type {
  ActionPlanItemChanges,
  ApprovalDecisionWrite,
  ApprovalRecord,
  AssessedNeed,
  CareCase,
  CaseCareRepository,
  NewActionPlanItem,
  NewApproval,
  SafetyPlanFields,
} from '../case-care.repository';
import type { ApprovalKind, ClosureReason } from '../case-codes';
import { CaseShreddedError, RecordNotVisibleError, StaleVersionProblem } from '../case-errors';
import type { ActionPlanItemView, ApprovalView, AssessmentNeedView, PendingApprovalView, SafetyPlanView } from '../case-views';

export interface FakeCareCase extends CareCase {
  sharedWith: string[];
  closureReason: ClosureReason | null;
  /** False once the case key is shredded: opening anything then fails as the vault would. */
  keyed: boolean;
}

/** Scope as CaseScope applies it: own agency, and a supervisor, the assignee or a share. */
export function fakeCanSee(actor: CaseActor, c: { agencyId: string; assignedCaseworkerId: string | null; sharedWith: string[] }): boolean {
  if (c.agencyId !== actor.agencyId) return false;
  return actor.role === 'supervisor' || c.assignedCaseworkerId === actor.id || c.sharedWith.includes(actor.id);
}

/** In-memory case-care store (plaintext, the ciphertext is the real repository's business), for unit tests. */
export class FakeCaseCareRepository implements CaseCareRepository {
  readonly cases = new Map<string, FakeCareCase>();
  readonly items = new Map<string, ActionPlanItemView & { agencyId: string }>();
  readonly needRows = new Map<string, AssessmentNeedView & { caseId: string }>();
  readonly plans = new Map<string, SafetyPlanView>();
  readonly approvalRows = new Map<string, ApprovalView & { agencyId: string }>();
  /** How often a case key was opened (the real repository unwraps it once per call that seals or opens). */
  keyOpens = 0;
  private clock = 1_000;

  addCase(c: Partial<FakeCareCase> & Pick<FakeCareCase, 'agencyId'>): FakeCareCase {
    const row: FakeCareCase = { id: randomUUID(), stage: 'assessment', version: 1, assignedCaseworkerId: null, sharedWith: [], closureReason: null, keyed: true, ...c };
    this.cases.set(row.id, row);
    return row;
  }

  private now(): Date {
    return new Date((this.clock += 1_000));
  }

  private key(c: CareCase): void {
    this.keyOpens += 1;
    if (!this.cases.get(c.id)?.keyed) throw new CaseShreddedError();
  }

  loadCaseInScope(actor: CaseActor, caseId: string): Promise<CareCase> {
    const c = this.cases.get(caseId);
    if (!c) return Promise.reject(new RecordNotVisibleError('not_found'));
    if (!fakeCanSee(actor, c)) return Promise.reject(new RecordNotVisibleError('out_of_scope'));
    return Promise.resolve({ id: c.id, agencyId: c.agencyId, stage: c.stage, version: c.version, assignedCaseworkerId: c.assignedCaseworkerId });
  }

  insertActionPlanItem(c: CareCase, item: NewActionPlanItem): Promise<ActionPlanItemView> {
    this.key(c);
    const at = this.now();
    const row = { id: randomUUID(), caseId: c.id, agencyId: c.agencyId, status: 'planned' as const, goalStatus: null, createdAt: at, updatedAt: at, version: 1, ...item };
    this.items.set(row.id, row);
    return Promise.resolve(strip(row));
  }

  actionPlanItems(c: CareCase): Promise<ActionPlanItemView[]> {
    this.key(c);
    return Promise.resolve([...this.items.values()].filter((i) => i.caseId === c.id).map(strip));
  }

  actionPlanItemVersion(caseId: string, itemId: string): Promise<number | null> {
    const item = this.items.get(itemId);
    return Promise.resolve(item && item.caseId === caseId ? item.version : null);
  }

  updateActionPlanItem(c: CareCase, itemId: string, version: number, changes: ActionPlanItemChanges): Promise<ActionPlanItemView | null> {
    this.key(c);
    const item = this.items.get(itemId);
    if (!item || item.version !== version) return Promise.resolve(null);
    Object.assign(item, changes, { version: version + 1, updatedAt: this.now() });
    return Promise.resolve(strip(item));
  }

  hasActionPlanItems(caseId: string): Promise<boolean> {
    return Promise.resolve([...this.items.values()].some((i) => i.caseId === caseId));
  }

  saveNeeds(c: CareCase, assessedById: string, needs: AssessedNeed[]): Promise<AssessmentNeedView[]> {
    this.key(c);
    for (const n of needs) {
      this.needRows.set(`${c.id}/${n.area}`, { caseId: c.id, area: n.area, level: n.level, notes: n.notes ?? null, assessedById, updatedAt: this.now() });
    }
    return this.needViews(c.id);
  }

  needs(c: CareCase): Promise<AssessmentNeedView[]> {
    this.key(c);
    return this.needViews(c.id);
  }

  /** Reverse insertion order, so a test sees the service order them. */
  private needViews(caseId: string): Promise<AssessmentNeedView[]> {
    return Promise.resolve(
      [...this.needRows.values()]
        .filter((n) => n.caseId === caseId)
        .reverse()
        .map(({ caseId: _caseId, ...view }) => view),
    );
  }

  hasAssessment(caseId: string): Promise<boolean> {
    return Promise.resolve([...this.needRows.values()].some((n) => n.caseId === caseId));
  }

  safetyPlanVersion(caseId: string): Promise<number | null> {
    return Promise.resolve(this.plans.get(caseId)?.version ?? null);
  }

  insertSafetyPlan(c: CareCase, updatedById: string, fields: SafetyPlanFields): Promise<SafetyPlanView> {
    this.key(c);
    const at = this.now();
    const plan: SafetyPlanView = { caseId: c.id, risks: null, safeContacts: null, safePlaces: null, agreedActions: null, inPlaceOn: null, updatedById, createdAt: at, updatedAt: at, version: 1, ...fields };
    this.plans.set(c.id, plan);
    return Promise.resolve({ ...plan });
  }

  updateSafetyPlan(c: CareCase, version: number, updatedById: string, fields: SafetyPlanFields): Promise<SafetyPlanView | null> {
    this.key(c);
    const plan = this.plans.get(c.id);
    if (!plan || plan.version !== version) return Promise.resolve(null);
    Object.assign(plan, fields, { updatedById, version: version + 1, updatedAt: this.now() });
    return Promise.resolve({ ...plan });
  }

  safetyPlan(c: CareCase): Promise<SafetyPlanView | null> {
    const plan = this.plans.get(c.id);
    if (!plan) return Promise.resolve(null);
    this.key(c);
    return Promise.resolve({ ...plan });
  }

  pendingApprovalExists(caseId: string, kind: ApprovalKind): Promise<boolean> {
    return Promise.resolve([...this.approvalRows.values()].some((a) => a.caseId === caseId && a.kind === kind && a.status === 'pending'));
  }

  /** Set to make the next insert lose the race to a concurrent request (the unique index). */
  raceNextApproval = false;

  insertApproval(c: CareCase, approval: NewApproval): Promise<ApprovalView | null> {
    this.key(c);
    if (this.raceNextApproval) {
      this.raceNextApproval = false;
      return Promise.resolve(null);
    }
    const row = {
      id: randomUUID(),
      caseId: c.id,
      agencyId: c.agencyId,
      kind: approval.kind,
      status: 'pending' as const,
      closureReason: approval.closureReason,
      requestComment: approval.comment,
      requestedById: approval.requestedById,
      requestedAt: this.now(),
      decidedById: null,
      decidedAt: null,
      decisionComment: null,
      version: 1,
    };
    this.approvalRows.set(row.id, row);
    return Promise.resolve(strip(row));
  }

  approvals(c: CareCase): Promise<ApprovalView[]> {
    this.key(c);
    return Promise.resolve(
      [...this.approvalRows.values()]
        .filter((a) => a.caseId === c.id)
        .sort((a, b) => b.requestedAt.getTime() - a.requestedAt.getTime())
        .map(strip),
    );
  }

  pendingApprovals(agencyId: string, limit: number): Promise<PendingApprovalView[]> {
    return Promise.resolve(
      [...this.approvalRows.values()]
        .filter((a) => a.agencyId === agencyId && a.status === 'pending')
        .sort((a, b) => a.requestedAt.getTime() - b.requestedAt.getTime())
        .slice(0, limit)
        .map((a) => ({ id: a.id, caseId: a.caseId, kind: a.kind, closureReason: a.closureReason, requestedById: a.requestedById, requestedAt: a.requestedAt, version: a.version })),
    );
  }

  findApproval(id: string): Promise<ApprovalRecord | null> {
    const a = this.approvalRows.get(id);
    if (!a) return Promise.resolve(null);
    return Promise.resolve({
      id: a.id,
      caseId: a.caseId,
      agencyId: a.agencyId,
      kind: a.kind,
      status: a.status,
      closureReason: a.closureReason,
      requestedById: a.requestedById,
      requestedAt: a.requestedAt,
      version: a.version,
    });
  }

  decideApproval(c: CareCase, id: string, version: number, decision: ApprovalDecisionWrite): Promise<ApprovalView | null> {
    this.key(c);
    const a = this.approvalRows.get(id);
    if (!a || a.version !== version || a.status !== 'pending') return Promise.resolve(null);
    Object.assign(a, { status: decision.status, decidedById: decision.decidedById, decidedAt: this.now(), decisionComment: decision.comment, version: version + 1 });
    return Promise.resolve(strip(a));
  }

  closeCase(c: CareCase, closureReason: ClosureReason | null): Promise<void> {
    const row = this.cases.get(c.id);
    if (!row || row.version !== c.version) return Promise.reject(new StaleVersionProblem());
    Object.assign(row, { stage: 'closed', closureReason, version: row.version + 1 });
    return Promise.resolve();
  }
}

function strip<T extends { agencyId: string }>(row: T): Omit<T, 'agencyId'> {
  const { agencyId: _agencyId, ...view } = row;
  return view;
}
