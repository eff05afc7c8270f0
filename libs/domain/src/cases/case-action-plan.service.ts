import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@amani/database';
import { ValidationProblem } from '@amani/http';
import type { CaseActor } from './case-actor';
import { CaseAuditor, CaseAuditTarget } from './case-auditor';
import { ActionPlanItemChanges, CaseCareRepository } from './case-care.repository';
import type { CreateActionPlanItemCommand, UpdateActionPlanItemCommand } from './case-commands';
import { CaseClosedProblem, RecordNotVisibleError, StaleVersionProblem } from './case-errors';
import type { ActionPlanItemView } from './case-views';

/** Action plan items: encrypted description, coded service type and status. */
@Injectable()
export class CaseActionPlanService {
  constructor(
    private readonly tx: TransactionHost,
    private readonly repo: CaseCareRepository,
    private readonly auditor: CaseAuditor,
  ) {}

  create(actor: CaseActor, caseId: string, cmd: CreateActionPlanItemCommand): Promise<ActionPlanItemView> {
    const target: CaseAuditTarget = { action: 'case.action_plan.create', targetType: 'case', targetId: caseId };
    return this.auditor.run(actor, target, () =>
      this.tx.run(async (em) => {
        const c = await this.repo.loadCaseInScope(actor, caseId);
        if (c.stage === 'closed') throw new CaseClosedProblem();
        const view = await this.repo.insertActionPlanItem(c, {
          createdById: actor.id,
          description: cmd.description,
          serviceType: cmd.serviceType ?? null,
          needArea: cmd.needArea ?? null,
          dueDate: cmd.dueDate ?? null,
        });
        await this.auditor.success(actor, { ...target, targetType: 'case_action_plan_item', targetId: view.id }, { case: caseId }, em);
        return view;
      }),
    );
  }

  list(actor: CaseActor, caseId: string): Promise<ActionPlanItemView[]> {
    const target: CaseAuditTarget = { action: 'case.action_plan.list', targetType: 'case', targetId: caseId };
    return this.auditor.run(actor, target, async () => {
      const c = await this.repo.loadCaseInScope(actor, caseId);
      const items = await this.repo.actionPlanItems(c);
      await this.auditor.success(actor, target, { count: items.length });
      return items;
    });
  }

  update(actor: CaseActor, caseId: string, itemId: string, cmd: UpdateActionPlanItemCommand): Promise<ActionPlanItemView> {
    const target: CaseAuditTarget = { action: 'case.action_plan.update', targetType: 'case', targetId: caseId };
    return this.auditor.run(actor, target, () =>
      this.tx.run(async (em) => {
        const c = await this.repo.loadCaseInScope(actor, caseId);
        const version = await this.repo.actionPlanItemVersion(caseId, itemId);
        if (version === null) throw new RecordNotVisibleError('not_found', 'action_plan_item');
        if (c.stage === 'closed') throw new CaseClosedProblem();
        if (version !== cmd.version) throw new StaleVersionProblem();
        const changes: ActionPlanItemChanges = {};
        if (cmd.status !== undefined) changes.status = cmd.status;
        if (cmd.serviceType !== undefined) changes.serviceType = cmd.serviceType;
        if (cmd.needArea !== undefined) changes.needArea = cmd.needArea;
        if (cmd.goalStatus !== undefined) changes.goalStatus = cmd.goalStatus;
        if (cmd.dueDate !== undefined) changes.dueDate = cmd.dueDate;
        if (cmd.description !== undefined) changes.description = cmd.description;
        if (Object.keys(changes).length === 0) throw new ValidationProblem([{ field: 'body', message: 'holds no field to change' }]);
        const view = await this.repo.updateActionPlanItem(c, itemId, cmd.version, changes);
        if (!view) throw new StaleVersionProblem();
        await this.auditor.success(actor, { ...target, targetType: 'case_action_plan_item', targetId: itemId }, { case: caseId }, em);
        return view;
      }),
    );
  }
}
