import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { ValidationProblem } from '@amani/http';
import type { CaseActor } from './case-actor';
import { CaseActionPlanItem } from './case-action-plan-item.entity';
import { CaseAuditor, CaseAuditTarget } from './case-auditor';
import type { CreateActionPlanItemCommand, UpdateActionPlanItemCommand } from './case-commands';
import { CaseClosedProblem, RecordNotVisibleError, StaleVersionProblem } from './case-errors';
import { CaseScope } from './case-scope';
import { CaseKeyHandle, CaseVault } from './case-vault';
import type { ActionPlanItemView } from './case-views';
import { TransactionHost } from '@amani/database';

/** Action plan items: encrypted description, coded service type and status. */
@Injectable()
export class CaseActionPlanService {
  constructor(
    private readonly tx: TransactionHost,
    private readonly vault: CaseVault,
    private readonly scope: CaseScope,
    private readonly auditor: CaseAuditor,
  ) {}

  create(actor: CaseActor, caseId: string, cmd: CreateActionPlanItemCommand): Promise<ActionPlanItemView> {
    const id = randomUUID();
    const target: CaseAuditTarget = { action: 'case.action_plan.create', targetType: 'case', targetId: caseId };
    return this.auditor.run(actor, target, () =>
      this.tx.run(async (em) => {
        const c = await this.scope.load(em, actor, caseId);
        if (c.stage === 'closed') throw new CaseClosedProblem();
        return this.vault.withKey(em, c, async (key) => {
          await em.insert(CaseActionPlanItem, {
            id,
            caseId,
            agencyId: c.agencyId,
            createdById: actor.id,
            serviceType: cmd.serviceType ?? null,
            needArea: cmd.needArea ?? null,
            dueDate: cmd.dueDate ?? null,
            description: this.vault.seal(key, 'case_action_plan_items', 'description', id, cmd.description),
          });
          const view = this.decrypt(key, await em.findOneByOrFail(CaseActionPlanItem, { id }));
          await this.auditor.success(actor, { ...target, targetType: 'case_action_plan_item', targetId: id }, { case: caseId }, em);
          return view;
        });
      }),
    );
  }

  list(actor: CaseActor, caseId: string): Promise<ActionPlanItemView[]> {
    const target: CaseAuditTarget = { action: 'case.action_plan.list', targetType: 'case', targetId: caseId };
    return this.auditor.run(actor, target, async () => {
      const em = this.tx.manager;
      const c = await this.scope.load(em, actor, caseId);
      const rows = await em.find(CaseActionPlanItem, { where: { caseId }, order: { createdAt: 'ASC', id: 'ASC' } });
      const items = await this.vault.withKey(em, c, (key) => rows.map((r) => this.decrypt(key, r)));
      await this.auditor.success(actor, target, { count: items.length });
      return items;
    });
  }

  update(actor: CaseActor, caseId: string, itemId: string, cmd: UpdateActionPlanItemCommand): Promise<ActionPlanItemView> {
    const target: CaseAuditTarget = { action: 'case.action_plan.update', targetType: 'case', targetId: caseId };
    return this.auditor.run(actor, target, () =>
      this.tx.run(async (em) => {
        const c = await this.scope.load(em, actor, caseId);
        const item = await em.findOne(CaseActionPlanItem, { where: { id: itemId, caseId } });
        if (!item) throw new RecordNotVisibleError('not_found', 'action_plan_item');
        if (c.stage === 'closed') throw new CaseClosedProblem();
        if (item.version !== cmd.version) throw new StaleVersionProblem();
        return this.vault.withKey(em, c, async (key) => {
          const sets: Record<string, unknown> = {};
          if (cmd.status !== undefined) sets.status = cmd.status;
          if (cmd.serviceType !== undefined) sets.serviceType = cmd.serviceType;
          if (cmd.needArea !== undefined) sets.needArea = cmd.needArea;
          if (cmd.goalStatus !== undefined) sets.goalStatus = cmd.goalStatus;
          if (cmd.dueDate !== undefined) sets.dueDate = cmd.dueDate;
          if (cmd.description !== undefined) {
            sets.description = this.vault.seal(key, 'case_action_plan_items', 'description', itemId, cmd.description);
          }
          if (Object.keys(sets).length === 0) throw new ValidationProblem([{ field: 'body', message: 'holds no field to change' }]);
          const result = await em
            .createQueryBuilder()
            .update(CaseActionPlanItem)
            .set({ ...sets, version: () => 'version + 1' })
            .where('id = :itemId AND version = :version', { itemId, version: cmd.version })
            .execute();
          if (result.affected !== 1) throw new StaleVersionProblem();
          const view = this.decrypt(key, await em.findOneByOrFail(CaseActionPlanItem, { id: itemId }));
          await this.auditor.success(actor, { ...target, targetType: 'case_action_plan_item', targetId: itemId }, { case: caseId }, em);
          return view;
        });
      }),
    );
  }

  private decrypt(key: CaseKeyHandle, r: CaseActionPlanItem): ActionPlanItemView {
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
}
