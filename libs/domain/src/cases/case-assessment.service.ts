import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { TransactionHost } from '@amani/database';
import { NotFoundProblem, ValidationProblem } from '@amani/http';
import type { CaseActor } from './case-actor';
import { CaseAssessmentNeed } from './case-assessment-need.entity';
import { CaseAuditor, CaseAuditTarget } from './case-auditor';
import { NEED_AREAS } from './case-codes';
import type { RecordAssessmentCommand, SaveSafetyPlanCommand } from './case-commands';
import { CaseClosedProblem, StaleVersionProblem } from './case-errors';
import { CaseSafetyPlan } from './case-safety-plan.entity';
import { CaseScope } from './case-scope';
import { CaseKeyHandle, CaseVault } from './case-vault';
import type { AssessmentView, SafetyPlanView } from './case-views';

const PLAN_FIELDS = [
  ['risks', 'risks'],
  ['safeContacts', 'safe_contacts'],
  ['safePlaces', 'safe_places'],
  ['agreedActions', 'agreed_actions'],
] as const;

/**
 * The survivor assessment (coded need level per area, encrypted notes) and the safety plan
 * (encrypted content, a plain "in place on" date). Both live under the case's data key and
 * within the case scope; every read and write is audited.
 */
@Injectable()
export class CaseAssessmentService {
  constructor(
    private readonly tx: TransactionHost,
    private readonly vault: CaseVault,
    private readonly scope: CaseScope,
    private readonly auditor: CaseAuditor,
  ) {}

  recordAssessment(actor: CaseActor, caseId: string, cmd: RecordAssessmentCommand): Promise<AssessmentView> {
    const target: CaseAuditTarget = { action: 'case.assessment.record', targetType: 'case', targetId: caseId };
    return this.auditor.run(actor, target, () =>
      this.tx.run(async (em) => {
        const areas = cmd.needs.map((n) => n.area);
        if (new Set(areas).size !== areas.length) {
          throw new ValidationProblem([{ field: 'needs', message: 'must name each area at most once' }]);
        }
        const c = await this.scope.load(em, actor, caseId);
        if (c.stage === 'closed') throw new CaseClosedProblem();
        return this.vault.withKey(em, c, async (key) => {
          for (const need of cmd.needs) {
            const existing = await em.findOne(CaseAssessmentNeed, { where: { caseId, area: need.area } });
            if (existing) {
              await em.update(
                CaseAssessmentNeed,
                { id: existing.id },
                {
                  level: need.level,
                  notes: this.vault.sealOptional(key, 'case_assessment_needs', 'notes', existing.id, need.notes),
                  assessedById: actor.id,
                },
              );
            } else {
              const id = randomUUID();
              await em.insert(CaseAssessmentNeed, {
                id,
                caseId,
                agencyId: c.agencyId,
                area: need.area,
                level: need.level,
                notes: this.vault.sealOptional(key, 'case_assessment_needs', 'notes', id, need.notes),
                assessedById: actor.id,
              });
            }
          }
          const view = await this.assessmentView(em, key, caseId);
          await this.auditor.success(actor, target, { areas: cmd.needs.length }, em);
          return view;
        });
      }),
    );
  }

  getAssessment(actor: CaseActor, caseId: string): Promise<AssessmentView> {
    const target: CaseAuditTarget = { action: 'case.assessment.read', targetType: 'case', targetId: caseId };
    return this.auditor.run(actor, target, async () => {
      const em = this.tx.manager;
      const c = await this.scope.load(em, actor, caseId);
      const view = await this.vault.withKey(em, c, (key) => this.assessmentView(em, key, caseId));
      await this.auditor.success(actor, target, { areas: view.needs.length });
      return view;
    });
  }

  saveSafetyPlan(actor: CaseActor, caseId: string, cmd: SaveSafetyPlanCommand): Promise<SafetyPlanView> {
    const target: CaseAuditTarget = { action: 'case.safety_plan.save', targetType: 'case', targetId: caseId };
    return this.auditor.run(actor, target, () =>
      this.tx.run(async (em) => {
        const c = await this.scope.load(em, actor, caseId);
        if (c.stage === 'closed') throw new CaseClosedProblem();
        const existing = await em.findOne(CaseSafetyPlan, { where: { caseId } });
        if (existing && cmd.version === undefined) {
          throw new ValidationProblem([{ field: 'version', message: 'is required to change an existing safety plan' }]);
        }
        if (existing && existing.version !== cmd.version) throw new StaleVersionProblem();
        if (!existing && cmd.version !== undefined) throw new StaleVersionProblem();
        return this.vault.withKey(em, c, async (key) => {
          const sets: Record<string, unknown> = {};
          for (const [field, column] of PLAN_FIELDS) {
            if (cmd[field] !== undefined) sets[field] = this.vault.sealOptional(key, 'case_safety_plans', column, caseId, cmd[field]);
          }
          if (cmd.inPlaceOn !== undefined) sets.inPlaceOn = cmd.inPlaceOn;
          if (Object.keys(sets).length === 0) throw new ValidationProblem([{ field: 'body', message: 'holds no field to save' }]);
          if (existing) {
            const result = await em
              .createQueryBuilder()
              .update(CaseSafetyPlan)
              .set({ ...sets, updatedById: actor.id, version: () => 'version + 1' })
              .where('case_id = :caseId AND version = :version', { caseId, version: existing.version })
              .execute();
            if (result.affected !== 1) throw new StaleVersionProblem();
          } else {
            await em.insert(CaseSafetyPlan, { caseId, agencyId: c.agencyId, updatedById: actor.id, ...sets });
          }
          const view = this.safetyPlanView(key, await em.findOneByOrFail(CaseSafetyPlan, { caseId }));
          await this.auditor.success(actor, target, { fields: Object.keys(sets).length, created: !existing }, em);
          return view;
        });
      }),
    );
  }

  getSafetyPlan(actor: CaseActor, caseId: string): Promise<SafetyPlanView> {
    const target: CaseAuditTarget = { action: 'case.safety_plan.read', targetType: 'case', targetId: caseId };
    return this.auditor.run(actor, target, async () => {
      const em = this.tx.manager;
      const c = await this.scope.load(em, actor, caseId);
      const plan = await em.findOne(CaseSafetyPlan, { where: { caseId } });
      if (!plan) throw new NotFoundProblem('safety plan');
      const view = await this.vault.withKey(em, c, (key) => this.safetyPlanView(key, plan));
      await this.auditor.success(actor, target);
      return view;
    });
  }

  private async assessmentView(em: EntityManager, key: CaseKeyHandle, caseId: string): Promise<AssessmentView> {
    const rows = await em.find(CaseAssessmentNeed, { where: { caseId } });
    rows.sort((a, b) => NEED_AREAS.indexOf(a.area) - NEED_AREAS.indexOf(b.area));
    return {
      caseId,
      needs: rows.map((r) => ({
        area: r.area,
        level: r.level,
        notes: this.vault.openOptional(key, 'case_assessment_needs', 'notes', r.id, r.notes),
        assessedById: r.assessedById,
        updatedAt: r.updatedAt,
      })),
    };
  }

  private safetyPlanView(key: CaseKeyHandle, p: CaseSafetyPlan): SafetyPlanView {
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
}
