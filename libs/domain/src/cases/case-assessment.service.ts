import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@amani/database';
import { NotFoundProblem, ValidationProblem } from '@amani/http';
import type { CaseActor } from './case-actor';
import { CaseAuditor, CaseAuditTarget } from './case-auditor';
import { CaseCareRepository, SafetyPlanFields } from './case-care.repository';
import { NEED_AREAS } from './case-codes';
import type { RecordAssessmentCommand, SaveSafetyPlanCommand } from './case-commands';
import { CaseClosedProblem, StaleVersionProblem } from './case-errors';
import type { AssessmentNeedView, AssessmentView, SafetyPlanView } from './case-views';

const PLAN_FIELDS = ['risks', 'safeContacts', 'safePlaces', 'agreedActions', 'inPlaceOn'] as const;

/**
 * The survivor assessment (coded need level per area, encrypted notes) and the safety plan
 * (encrypted content, a plain "in place on" date). Both live under the case's data key and
 * within the case scope; every read and write is audited.
 */
@Injectable()
export class CaseAssessmentService {
  constructor(
    private readonly tx: TransactionHost,
    private readonly repo: CaseCareRepository,
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
        const c = await this.repo.loadCaseInScope(actor, caseId);
        if (c.stage === 'closed') throw new CaseClosedProblem();
        const view = assessmentView(caseId, await this.repo.saveNeeds(c, actor.id, cmd.needs));
        await this.auditor.success(actor, target, { areas: cmd.needs.length }, em);
        return view;
      }),
    );
  }

  getAssessment(actor: CaseActor, caseId: string): Promise<AssessmentView> {
    const target: CaseAuditTarget = { action: 'case.assessment.read', targetType: 'case', targetId: caseId };
    return this.auditor.run(actor, target, async () => {
      const c = await this.repo.loadCaseInScope(actor, caseId);
      const view = assessmentView(caseId, await this.repo.needs(c));
      await this.auditor.success(actor, target, { areas: view.needs.length });
      return view;
    });
  }

  saveSafetyPlan(actor: CaseActor, caseId: string, cmd: SaveSafetyPlanCommand): Promise<SafetyPlanView> {
    const target: CaseAuditTarget = { action: 'case.safety_plan.save', targetType: 'case', targetId: caseId };
    return this.auditor.run(actor, target, () =>
      this.tx.run(async (em) => {
        const c = await this.repo.loadCaseInScope(actor, caseId);
        if (c.stage === 'closed') throw new CaseClosedProblem();
        const existing = await this.repo.safetyPlanVersion(caseId);
        if (existing !== null && cmd.version === undefined) {
          throw new ValidationProblem([{ field: 'version', message: 'is required to change an existing safety plan' }]);
        }
        if (existing !== null && existing !== cmd.version) throw new StaleVersionProblem();
        if (existing === null && cmd.version !== undefined) throw new StaleVersionProblem();
        const fields: SafetyPlanFields = {};
        for (const field of PLAN_FIELDS) if (cmd[field] !== undefined) fields[field] = cmd[field];
        const count = Object.keys(fields).length;
        if (count === 0) throw new ValidationProblem([{ field: 'body', message: 'holds no field to save' }]);
        const view = existing === null ? await this.repo.insertSafetyPlan(c, actor.id, fields) : await this.repo.updateSafetyPlan(c, existing, actor.id, fields);
        if (!view) throw new StaleVersionProblem();
        await this.auditor.success(actor, target, { fields: count, created: existing === null }, em);
        return view;
      }),
    );
  }

  getSafetyPlan(actor: CaseActor, caseId: string): Promise<SafetyPlanView> {
    const target: CaseAuditTarget = { action: 'case.safety_plan.read', targetType: 'case', targetId: caseId };
    return this.auditor.run(actor, target, async () => {
      const c = await this.repo.loadCaseInScope(actor, caseId);
      const view = await this.repo.safetyPlan(c);
      if (!view) throw new NotFoundProblem('safety plan');
      await this.auditor.success(actor, target);
      return view;
    });
  }
}

/** Needs in the order of NEED_AREAS. */
function assessmentView(caseId: string, needs: AssessmentNeedView[]): AssessmentView {
  return { caseId, needs: [...needs].sort((a, b) => NEED_AREAS.indexOf(a.area) - NEED_AREAS.indexOf(b.area)) };
}
