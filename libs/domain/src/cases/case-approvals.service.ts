import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { QueryFailedError } from 'typeorm';
import { TransactionHost } from '@amani/database';
import { ConflictProblem, UnprocessableProblem, ValidationProblem } from '@amani/http';
import type { CaseActor } from './case-actor';
import { CaseActionPlanItem } from './case-action-plan-item.entity';
import { CaseApproval } from './case-approval.entity';
import { CaseAssessmentNeed } from './case-assessment-need.entity';
import { CaseAuditor, CaseAuditTarget } from './case-auditor';
import type { DecideApprovalCommand, RequestApprovalCommand } from './case-commands';
import { CaseClosedProblem, CaseForbiddenProblem, RecordNotVisibleError, StaleVersionProblem } from './case-errors';
import { updateCaseIfVersion } from './case-row';
import { CaseScope } from './case-scope';
import { checkStageTransition } from './case-stage-machine';
import { CaseKeyHandle, CaseVault } from './case-vault';
import type { ApprovalView, PendingApprovalView } from './case-views';

const PENDING_LIST_LIMIT = 200;

/**
 * Supervisor approvals of case-management steps (assessment, action plan, closure). Anyone
 * working the case may ask; a supervisor of the agency other than the requester decides. An
 * approved closure closes the case; a returned request leaves it as it was, with the
 * supervisor's comment (encrypted) for the caseworker.
 */
@Injectable()
export class CaseApprovalsService {
  constructor(
    private readonly tx: TransactionHost,
    private readonly vault: CaseVault,
    private readonly scope: CaseScope,
    private readonly auditor: CaseAuditor,
  ) {}

  request(actor: CaseActor, caseId: string, cmd: RequestApprovalCommand): Promise<ApprovalView> {
    const target: CaseAuditTarget = { action: 'case.approval.request', targetType: 'case', targetId: caseId };
    return this.auditor.run(actor, target, () =>
      this.tx.run(async (em) => {
        const closing = cmd.kind === 'closure';
        if (closing && !cmd.closureReason) throw new ValidationProblem([{ field: 'closureReason', message: 'is required to request closure' }]);
        if (!closing && cmd.closureReason) throw new ValidationProblem([{ field: 'closureReason', message: 'is only accepted with a closure request' }]);
        const c = await this.scope.load(em, actor, caseId);
        if (c.stage === 'closed') throw new CaseClosedProblem();
        if (cmd.kind === 'assessment' && !(await em.exists(CaseAssessmentNeed, { where: { caseId } }))) {
          throw new UnprocessableProblem('assessment_missing', 'Record the assessment before asking for its approval.', [
            { field: 'kind', message: 'needs a recorded assessment' },
          ]);
        }
        if (cmd.kind === 'action_plan' && !(await em.exists(CaseActionPlanItem, { where: { caseId } }))) {
          throw new UnprocessableProblem('action_plan_empty', 'Add action plan items before asking for its approval.', [
            { field: 'kind', message: 'needs at least one action plan item' },
          ]);
        }
        if (await em.exists(CaseApproval, { where: { caseId, kind: cmd.kind, status: 'pending' } })) throw pendingConflict();
        const id = randomUUID();
        const approval = await this.vault.withKey(em, c, async (key) => {
          try {
            await em.insert(CaseApproval, {
              id,
              caseId,
              agencyId: c.agencyId,
              kind: cmd.kind,
              closureReason: closing ? cmd.closureReason : null,
              requestComment: this.vault.sealOptional(key, 'case_approvals', 'request_comment', id, cmd.comment),
              requestedById: actor.id,
            });
          } catch (e) {
            // Two requests raced past the check above; the partial unique index kept one.
            if (e instanceof QueryFailedError && (e.driverError as { code?: string }).code === '23505') throw pendingConflict();
            throw e;
          }
          return this.view(key, await em.findOneByOrFail(CaseApproval, { id }));
        });
        await this.auditor.success(actor, { ...target, targetType: 'case_approval', targetId: id }, { case: caseId, kind: cmd.kind }, em);
        return approval;
      }),
    );
  }

  list(actor: CaseActor, caseId: string): Promise<ApprovalView[]> {
    const target: CaseAuditTarget = { action: 'case.approval.list', targetType: 'case', targetId: caseId };
    return this.auditor.run(actor, target, async () => {
      const em = this.tx.manager;
      const c = await this.scope.load(em, actor, caseId);
      const rows = await em.find(CaseApproval, { where: { caseId }, order: { requestedAt: 'DESC', id: 'DESC' } });
      const views = await this.vault.withKey(em, c, (key) => rows.map((r) => this.view(key, r)));
      await this.auditor.success(actor, target, { count: views.length });
      return views;
    });
  }

  /** A supervisor's work list: the agency's pending requests, oldest first, ids and codes only. */
  pending(actor: CaseActor): Promise<PendingApprovalView[]> {
    const target: CaseAuditTarget = { action: 'case.approval.pending', targetType: 'case', targetId: null };
    return this.auditor.run(actor, target, async () => {
      if (actor.role !== 'supervisor') throw new CaseForbiddenProblem('forbidden', 'Only a supervisor has an approval work list.');
      const rows = await this.tx.manager.find(CaseApproval, {
        where: { agencyId: actor.agencyId, status: 'pending' },
        order: { requestedAt: 'ASC', id: 'ASC' },
        take: PENDING_LIST_LIMIT,
      });
      await this.auditor.success(actor, target, { count: rows.length });
      return rows.map((r) => ({
        id: r.id,
        caseId: r.caseId,
        kind: r.kind,
        closureReason: r.closureReason,
        requestedById: r.requestedById,
        requestedAt: r.requestedAt,
        version: r.version,
      }));
    });
  }

  decide(actor: CaseActor, approvalId: string, cmd: DecideApprovalCommand): Promise<ApprovalView> {
    const target: CaseAuditTarget = { action: 'case.approval.decide', targetType: 'case_approval', targetId: approvalId };
    return this.auditor.run(actor, target, () =>
      this.tx.run(async (em) => {
        const approval = await em.findOne(CaseApproval, { where: { id: approvalId } });
        if (!approval) throw new RecordNotVisibleError('not_found', 'approval');
        if (approval.agencyId !== actor.agencyId) throw new RecordNotVisibleError('out_of_scope', 'approval');
        if (actor.role !== 'supervisor') throw new CaseForbiddenProblem('approval_needs_supervisor', 'Only a supervisor may decide an approval request.');
        if (approval.requestedById === actor.id) {
          throw new CaseForbiddenProblem('approval_by_requester', 'A request is decided by a supervisor other than the one who made it.');
        }
        if (approval.version !== cmd.version) throw new StaleVersionProblem();
        if (approval.status !== 'pending') throw new ConflictProblem('approval_decided', 'The request has already been decided.');
        if (cmd.decision === 'return' && !cmd.comment) {
          throw new ValidationProblem([{ field: 'comment', message: 'is required to return a request' }]);
        }
        const c = await this.scope.load(em, actor, approval.caseId);
        if (c.stage === 'closed') throw new CaseClosedProblem();
        const closes = approval.kind === 'closure' && cmd.decision === 'approve';
        if (closes && checkStageTransition(c.stage, 'closed', actor.role) !== null) throw new CaseClosedProblem();

        const view = await this.vault.withKey(em, c, async (key) => {
          const result = await em
            .createQueryBuilder()
            .update(CaseApproval)
            .set({
              status: cmd.decision === 'approve' ? 'approved' : 'returned',
              decidedById: actor.id,
              decidedAt: () => 'now()',
              decisionComment: this.vault.sealOptional(key, 'case_approvals', 'decision_comment', approvalId, cmd.comment),
              version: () => 'version + 1',
            })
            .where('id = :approvalId AND version = :version AND status = :pending', { approvalId, version: cmd.version, pending: 'pending' })
            .execute();
          if (result.affected !== 1) throw new StaleVersionProblem();
          return this.view(key, await em.findOneByOrFail(CaseApproval, { id: approvalId }));
        });
        if (closes) {
          await updateCaseIfVersion(em, c.id, c.version, { stage: 'closed', closureReason: approval.closureReason, closedAt: () => 'now()' });
          await this.auditor.success(actor, { action: 'case.stage', targetType: 'case', targetId: c.id }, { from: c.stage, to: 'closed', approval: approvalId }, em);
        }
        await this.auditor.success(actor, target, { case: c.id, kind: approval.kind, decision: cmd.decision }, em);
        return view;
      }),
    );
  }

  private view(key: CaseKeyHandle, r: CaseApproval): ApprovalView {
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

function pendingConflict(): ConflictProblem {
  return new ConflictProblem('approval_pending', 'A request of this kind is already waiting for a decision.');
}
