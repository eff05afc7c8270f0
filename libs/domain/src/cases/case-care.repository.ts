import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { EntityManager, QueryFailedError } from 'typeorm';
import { TransactionHost } from '@amani/database';
import type { ServiceType } from '@amani/auth';
import type { CaseActor } from './case-actor';
import { CaseActionPlanItem } from './case-action-plan-item.entity';
import { CaseApproval } from './case-approval.entity';
import { CaseAssessmentNeed } from './case-assessment-need.entity';
import type { ActionPlanStatus, ApprovalKind, CaseStage, ClosureReason, GoalStatus, NeedArea, NeedLevel } from './case-codes';
import { updateCaseIfVersion } from './case-row';
import { CaseSafetyPlan } from './case-safety-plan.entity';
import { CaseScope } from './case-scope';
import { CaseKeyHandle, CaseVault } from './case-vault';
import type { ActionPlanItemView, ApprovalView, AssessmentNeedView, PendingApprovalView, SafetyPlanView } from './case-views';

/** The case as the case-care rules see it: its coded columns, nothing sealed. */
export interface CareCase {
  id: string;
  agencyId: string;
  stage: CaseStage;
  version: number;
  assignedCaseworkerId: string | null;
}

export interface NewActionPlanItem {
  createdById: string;
  description: string;
  serviceType: ServiceType | null;
  needArea: NeedArea | null;
  dueDate: string | null;
}

/** The fields an update changes; absent means unchanged. */
export interface ActionPlanItemChanges {
  description?: string;
  serviceType?: ServiceType | null;
  status?: ActionPlanStatus;
  needArea?: NeedArea | null;
  goalStatus?: GoalStatus | null;
  dueDate?: string | null;
}

export interface AssessedNeed {
  area: NeedArea;
  level: NeedLevel;
  notes?: string | null;
}

/** Safety plan fields to write; absent means unchanged, null clears. */
export interface SafetyPlanFields {
  risks?: string | null;
  safeContacts?: string | null;
  safePlaces?: string | null;
  agreedActions?: string | null;
  inPlaceOn?: string | null;
}

export interface NewApproval {
  kind: ApprovalKind;
  closureReason: ClosureReason | null;
  comment: string | null;
  requestedById: string;
}

/** An approval's coded columns (no comments). */
export type ApprovalRecord = PendingApprovalView & Pick<CaseApproval, 'agencyId' | 'status'>;

export interface ApprovalDecisionWrite {
  status: 'approved' | 'returned';
  decidedById: string;
  comment: string | null;
}

/** Safety plan fields and the column each is sealed in. */
const PLAN_FIELDS = [
  ['risks', 'risks'],
  ['safeContacts', 'safe_contacts'],
  ['safePlaces', 'safe_places'],
  ['agreedActions', 'agreed_actions'],
] as const;

/**
 * Persistence of a case's care plan: action plan items, assessment needs, the safety plan and
 * supervisor approvals. Every statement runs on the transaction open in the caller's async
 * context (TransactionHost.manager). Plaintext in, plaintext out: fields are sealed and opened
 * here under the case key, in the columns CASE_SEALED_COLUMNS lists for these tables.
 */
export abstract class CaseCareRepository {
  /** The case if the actor may see it; else RecordNotVisibleError (not found / out of scope). */
  abstract loadCaseInScope(actor: CaseActor, caseId: string): Promise<CareCase>;

  // Action plan.
  abstract insertActionPlanItem(c: CareCase, item: NewActionPlanItem): Promise<ActionPlanItemView>;
  abstract actionPlanItems(c: CareCase): Promise<ActionPlanItemView[]>;
  /** The item's version, or null when the case holds no such item. */
  abstract actionPlanItemVersion(caseId: string, itemId: string): Promise<number | null>;
  /** Writes the changes if the item is still at `version`; null when it was not. */
  abstract updateActionPlanItem(c: CareCase, itemId: string, version: number, changes: ActionPlanItemChanges): Promise<ActionPlanItemView | null>;
  abstract hasActionPlanItems(caseId: string): Promise<boolean>;

  // Assessment.
  /** Each area given replaces that area's earlier need (level, notes, assessor); returns all the case's needs. */
  abstract saveNeeds(c: CareCase, assessedById: string, needs: AssessedNeed[]): Promise<AssessmentNeedView[]>;
  /** The case's needs, in no particular order. */
  abstract needs(c: CareCase): Promise<AssessmentNeedView[]>;
  abstract hasAssessment(caseId: string): Promise<boolean>;

  // Safety plan.
  /** The plan's version, or null when the case has none. */
  abstract safetyPlanVersion(caseId: string): Promise<number | null>;
  abstract insertSafetyPlan(c: CareCase, updatedById: string, fields: SafetyPlanFields): Promise<SafetyPlanView>;
  /** Writes the fields if the plan is still at `version`; null when it was not. */
  abstract updateSafetyPlan(c: CareCase, version: number, updatedById: string, fields: SafetyPlanFields): Promise<SafetyPlanView | null>;
  abstract safetyPlan(c: CareCase): Promise<SafetyPlanView | null>;

  // Approvals.
  abstract pendingApprovalExists(caseId: string, kind: ApprovalKind): Promise<boolean>;
  /** Null when another pending request of the kind won the race (the partial unique index). */
  abstract insertApproval(c: CareCase, approval: NewApproval): Promise<ApprovalView | null>;
  /** Newest first. */
  abstract approvals(c: CareCase): Promise<ApprovalView[]>;
  /** The agency's pending requests, oldest first. */
  abstract pendingApprovals(agencyId: string, limit: number): Promise<PendingApprovalView[]>;
  abstract findApproval(id: string): Promise<ApprovalRecord | null>;
  /** Decides the request if it is still pending at `version`; null when it was not. */
  abstract decideApproval(c: CareCase, id: string, version: number, decision: ApprovalDecisionWrite): Promise<ApprovalView | null>;

  /** Closes the case if it is still at its version (else StaleVersionProblem). */
  abstract closeCase(c: CareCase, closureReason: ClosureReason | null): Promise<void>;
}

@Injectable()
export class TypeOrmCaseCareRepository extends CaseCareRepository {
  constructor(
    private readonly tx: TransactionHost,
    private readonly vault: CaseVault,
    private readonly scope: CaseScope,
  ) {
    super();
  }

  private get em(): EntityManager {
    return this.tx.manager;
  }

  loadCaseInScope(actor: CaseActor, caseId: string): Promise<CareCase> {
    return this.scope.load(this.em, actor, caseId);
  }

  // --- Action plan -------------------------------------------------------------------------

  insertActionPlanItem(c: CareCase, item: NewActionPlanItem): Promise<ActionPlanItemView> {
    const em = this.em;
    const id = randomUUID();
    return this.vault.withKey(em, c, async (key) => {
      await em.insert(CaseActionPlanItem, {
        id,
        caseId: c.id,
        agencyId: c.agencyId,
        createdById: item.createdById,
        serviceType: item.serviceType,
        needArea: item.needArea,
        dueDate: item.dueDate,
        description: this.vault.seal(key, 'case_action_plan_items', 'description', id, item.description),
      });
      return this.itemView(key, await em.findOneByOrFail(CaseActionPlanItem, { id }));
    });
  }

  async actionPlanItems(c: CareCase): Promise<ActionPlanItemView[]> {
    const em = this.em;
    const rows = await em.find(CaseActionPlanItem, { where: { caseId: c.id }, order: { createdAt: 'ASC', id: 'ASC' } });
    return this.vault.withKey(em, c, (key) => rows.map((r) => this.itemView(key, r)));
  }

  async actionPlanItemVersion(caseId: string, itemId: string): Promise<number | null> {
    const item = await this.em.findOne(CaseActionPlanItem, { where: { id: itemId, caseId } });
    return item?.version ?? null;
  }

  updateActionPlanItem(c: CareCase, itemId: string, version: number, changes: ActionPlanItemChanges): Promise<ActionPlanItemView | null> {
    const em = this.em;
    return this.vault.withKey(em, c, async (key) => {
      const sets: Record<string, unknown> = {};
      if (changes.status !== undefined) sets.status = changes.status;
      if (changes.serviceType !== undefined) sets.serviceType = changes.serviceType;
      if (changes.needArea !== undefined) sets.needArea = changes.needArea;
      if (changes.goalStatus !== undefined) sets.goalStatus = changes.goalStatus;
      if (changes.dueDate !== undefined) sets.dueDate = changes.dueDate;
      if (changes.description !== undefined) {
        sets.description = this.vault.seal(key, 'case_action_plan_items', 'description', itemId, changes.description);
      }
      const result = await em
        .createQueryBuilder()
        .update(CaseActionPlanItem)
        .set({ ...sets, version: () => 'version + 1' })
        .where('id = :itemId AND version = :version', { itemId, version })
        .execute();
      if (result.affected !== 1) return null;
      return this.itemView(key, await em.findOneByOrFail(CaseActionPlanItem, { id: itemId }));
    });
  }

  hasActionPlanItems(caseId: string): Promise<boolean> {
    return this.em.exists(CaseActionPlanItem, { where: { caseId } });
  }

  // --- Assessment --------------------------------------------------------------------------

  saveNeeds(c: CareCase, assessedById: string, needs: AssessedNeed[]): Promise<AssessmentNeedView[]> {
    const em = this.em;
    return this.vault.withKey(em, c, async (key) => {
      for (const need of needs) {
        const existing = await em.findOne(CaseAssessmentNeed, { where: { caseId: c.id, area: need.area } });
        if (existing) {
          await em.update(
            CaseAssessmentNeed,
            { id: existing.id },
            { level: need.level, notes: this.vault.sealOptional(key, 'case_assessment_needs', 'notes', existing.id, need.notes), assessedById },
          );
        } else {
          const id = randomUUID();
          await em.insert(CaseAssessmentNeed, {
            id,
            caseId: c.id,
            agencyId: c.agencyId,
            area: need.area,
            level: need.level,
            notes: this.vault.sealOptional(key, 'case_assessment_needs', 'notes', id, need.notes),
            assessedById,
          });
        }
      }
      return this.needViews(key, c.id);
    });
  }

  needs(c: CareCase): Promise<AssessmentNeedView[]> {
    return this.vault.withKey(this.em, c, (key) => this.needViews(key, c.id));
  }

  private async needViews(key: CaseKeyHandle, caseId: string): Promise<AssessmentNeedView[]> {
    const rows = await this.em.find(CaseAssessmentNeed, { where: { caseId } });
    return rows.map((r) => ({
      area: r.area,
      level: r.level,
      notes: this.vault.openOptional(key, 'case_assessment_needs', 'notes', r.id, r.notes),
      assessedById: r.assessedById,
      updatedAt: r.updatedAt,
    }));
  }

  hasAssessment(caseId: string): Promise<boolean> {
    return this.em.exists(CaseAssessmentNeed, { where: { caseId } });
  }

  // --- Safety plan -------------------------------------------------------------------------

  async safetyPlanVersion(caseId: string): Promise<number | null> {
    const plan = await this.em.findOne(CaseSafetyPlan, { where: { caseId } });
    return plan?.version ?? null;
  }

  insertSafetyPlan(c: CareCase, updatedById: string, fields: SafetyPlanFields): Promise<SafetyPlanView> {
    const em = this.em;
    return this.vault.withKey(em, c, async (key) => {
      await em.insert(CaseSafetyPlan, { caseId: c.id, agencyId: c.agencyId, updatedById, ...this.planSets(key, c.id, fields) });
      return this.planView(key, await em.findOneByOrFail(CaseSafetyPlan, { caseId: c.id }));
    });
  }

  updateSafetyPlan(c: CareCase, version: number, updatedById: string, fields: SafetyPlanFields): Promise<SafetyPlanView | null> {
    const em = this.em;
    return this.vault.withKey(em, c, async (key) => {
      const result = await em
        .createQueryBuilder()
        .update(CaseSafetyPlan)
        .set({ ...this.planSets(key, c.id, fields), updatedById, version: () => 'version + 1' })
        .where('case_id = :caseId AND version = :version', { caseId: c.id, version })
        .execute();
      if (result.affected !== 1) return null;
      return this.planView(key, await em.findOneByOrFail(CaseSafetyPlan, { caseId: c.id }));
    });
  }

  async safetyPlan(c: CareCase): Promise<SafetyPlanView | null> {
    const em = this.em;
    const plan = await em.findOne(CaseSafetyPlan, { where: { caseId: c.id } });
    if (!plan) return null;
    return this.vault.withKey(em, c, (key) => this.planView(key, plan));
  }

  // --- Approvals ---------------------------------------------------------------------------

  pendingApprovalExists(caseId: string, kind: ApprovalKind): Promise<boolean> {
    return this.em.exists(CaseApproval, { where: { caseId, kind, status: 'pending' } });
  }

  insertApproval(c: CareCase, approval: NewApproval): Promise<ApprovalView | null> {
    const em = this.em;
    const id = randomUUID();
    return this.vault.withKey(em, c, async (key) => {
      try {
        await em.insert(CaseApproval, {
          id,
          caseId: c.id,
          agencyId: c.agencyId,
          kind: approval.kind,
          closureReason: approval.closureReason,
          requestComment: this.vault.sealOptional(key, 'case_approvals', 'request_comment', id, approval.comment),
          requestedById: approval.requestedById,
        });
      } catch (e) {
        // Two requests raced past the service's check; the partial unique index kept one.
        if (e instanceof QueryFailedError && (e.driverError as { code?: string }).code === '23505') return null;
        throw e;
      }
      return this.approvalView(key, await em.findOneByOrFail(CaseApproval, { id }));
    });
  }

  async approvals(c: CareCase): Promise<ApprovalView[]> {
    const em = this.em;
    const rows = await em.find(CaseApproval, { where: { caseId: c.id }, order: { requestedAt: 'DESC', id: 'DESC' } });
    return this.vault.withKey(em, c, (key) => rows.map((r) => this.approvalView(key, r)));
  }

  async pendingApprovals(agencyId: string, limit: number): Promise<PendingApprovalView[]> {
    const rows = await this.em.find(CaseApproval, { where: { agencyId, status: 'pending' }, order: { requestedAt: 'ASC', id: 'ASC' }, take: limit });
    return rows.map((r) => ({
      id: r.id,
      caseId: r.caseId,
      kind: r.kind,
      closureReason: r.closureReason,
      requestedById: r.requestedById,
      requestedAt: r.requestedAt,
      version: r.version,
    }));
  }

  async findApproval(id: string): Promise<ApprovalRecord | null> {
    const r = await this.em.findOne(CaseApproval, { where: { id } });
    if (!r) return null;
    return {
      id: r.id,
      caseId: r.caseId,
      agencyId: r.agencyId,
      kind: r.kind,
      status: r.status,
      closureReason: r.closureReason,
      requestedById: r.requestedById,
      requestedAt: r.requestedAt,
      version: r.version,
    };
  }

  decideApproval(c: CareCase, id: string, version: number, decision: ApprovalDecisionWrite): Promise<ApprovalView | null> {
    const em = this.em;
    return this.vault.withKey(em, c, async (key) => {
      const result = await em
        .createQueryBuilder()
        .update(CaseApproval)
        .set({
          status: decision.status,
          decidedById: decision.decidedById,
          decidedAt: () => 'now()',
          decisionComment: this.vault.sealOptional(key, 'case_approvals', 'decision_comment', id, decision.comment),
          version: () => 'version + 1',
        })
        .where('id = :id AND version = :version AND status = :pending', { id, version, pending: 'pending' })
        .execute();
      if (result.affected !== 1) return null;
      return this.approvalView(key, await em.findOneByOrFail(CaseApproval, { id }));
    });
  }

  closeCase(c: CareCase, closureReason: ClosureReason | null): Promise<void> {
    return updateCaseIfVersion(this.em, c.id, c.version, { stage: 'closed', closureReason, closedAt: () => 'now()' });
  }

  // --- Sealing and opening -----------------------------------------------------------------

  private itemView(key: CaseKeyHandle, r: CaseActionPlanItem): ActionPlanItemView {
    return {
      id: r.id,
      caseId: r.caseId,
      description: this.vault.open(key, 'case_action_plan_items', 'description', r.id, r.description),
      serviceType: r.serviceType,
      status: r.status,
      needArea: r.needArea,
      goalStatus: r.goalStatus,
      dueDate: r.dueDate,
      createdById: r.createdById,
      createdAt: r.createdAt,
      updatedAt: r.updatedAt,
      version: r.version,
    };
  }

  private planSets(key: CaseKeyHandle, caseId: string, fields: SafetyPlanFields): Record<string, unknown> {
    const sets: Record<string, unknown> = {};
    for (const [field, column] of PLAN_FIELDS) {
      if (fields[field] !== undefined) sets[field] = this.vault.sealOptional(key, 'case_safety_plans', column, caseId, fields[field]);
    }
    if (fields.inPlaceOn !== undefined) sets.inPlaceOn = fields.inPlaceOn;
    return sets;
  }

  private planView(key: CaseKeyHandle, p: CaseSafetyPlan): SafetyPlanView {
    const open = (column: string, value: Buffer | null) => this.vault.openOptional(key, 'case_safety_plans', column, p.caseId, value);
    return {
      caseId: p.caseId,
      risks: open('risks', p.risks),
      safeContacts: open('safe_contacts', p.safeContacts),
      safePlaces: open('safe_places', p.safePlaces),
      agreedActions: open('agreed_actions', p.agreedActions),
      inPlaceOn: p.inPlaceOn,
      updatedById: p.updatedById,
      createdAt: p.createdAt,
      updatedAt: p.updatedAt,
      version: p.version,
    };
  }

  private approvalView(key: CaseKeyHandle, r: CaseApproval): ApprovalView {
    return {
      id: r.id,
      caseId: r.caseId,
      kind: r.kind,
      status: r.status,
      closureReason: r.closureReason,
      requestComment: this.vault.openOptional(key, 'case_approvals', 'request_comment', r.id, r.requestComment),
      requestedById: r.requestedById,
      requestedAt: r.requestedAt,
      decidedById: r.decidedById,
      decidedAt: r.decidedAt,
      decisionComment: this.vault.openOptional(key, 'case_approvals', 'decision_comment', r.id, r.decisionComment),
      version: r.version,
    };
  }
}
