import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@amani/database';
import { ConflictProblem, UnprocessableProblem, ValidationProblem } from '@amani/http';
import type { CaseActor } from './case-actor';
import { CaseAuditor, CaseAuditTarget } from './case-auditor';
import { CaseCareRepository } from './case-care.repository';
import type { DecideApprovalCommand, RequestApprovalCommand } from './case-commands';
import { CaseClosedProblem, CaseForbiddenProblem, RecordNotVisibleError, StaleVersionProblem } from './case-errors';
import { checkStageTransition } from './case-stage-machine';
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
    private readonly repo: CaseCareRepository,
    private readonly auditor: CaseAuditor,
  ) {}

  request(actor: CaseActor, caseId: string, cmd: RequestApprovalCommand): Promise<ApprovalView> {
    const target: CaseAuditTarget = { action: 'case.approval.request', targetType: 'case', targetId: caseId };
    return this.auditor.run(actor, target, () =>
      this.tx.run(async (em) => {
        const closing = cmd.kind === 'closure';
        if (closing && !cmd.closureReason) throw new ValidationProblem([{ field: 'closureReason', message: 'is required to request closure' }]);
        if (!closing && cmd.closureReason) throw new ValidationProblem([{ field: 'closureReason', message: 'is only accepted with a closure request' }]);
        const c = await this.repo.loadCaseInScope(actor, caseId);
        if (c.stage === 'closed') throw new CaseClosedProblem();
        if (cmd.kind === 'assessment' && !(await this.repo.hasAssessment(caseId))) {
          throw new UnprocessableProblem('assessment_missing', 'Record the assessment before asking for its approval.', [
            { field: 'kind', message: 'needs a recorded assessment' },
          ]);
        }
        if (cmd.kind === 'action_plan' && !(await this.repo.hasActionPlanItems(caseId))) {
          throw new UnprocessableProblem('action_plan_empty', 'Add action plan items before asking for its approval.', [
            { field: 'kind', message: 'needs at least one action plan item' },
          ]);
        }
        if (await this.repo.pendingApprovalExists(caseId, cmd.kind)) throw pendingConflict();
        const approval = await this.repo.insertApproval(c, {
          kind: cmd.kind,
          closureReason: closing ? (cmd.closureReason ?? null) : null,
          comment: cmd.comment ?? null,
          requestedById: actor.id,
        });
        if (!approval) throw pendingConflict();
        await this.auditor.success(actor, { ...target, targetType: 'case_approval', targetId: approval.id }, { case: caseId, kind: cmd.kind }, em);
        return approval;
      }),
    );
  }

  list(actor: CaseActor, caseId: string): Promise<ApprovalView[]> {
    const target: CaseAuditTarget = { action: 'case.approval.list', targetType: 'case', targetId: caseId };
    return this.auditor.run(actor, target, async () => {
      const c = await this.repo.loadCaseInScope(actor, caseId);
      const views = await this.repo.approvals(c);
      await this.auditor.success(actor, target, { count: views.length });
      return views;
    });
  }

  /** A supervisor's work list: the agency's pending requests, oldest first, ids and codes only. */
  pending(actor: CaseActor): Promise<PendingApprovalView[]> {
    const target: CaseAuditTarget = { action: 'case.approval.pending', targetType: 'case', targetId: null };
    return this.auditor.run(actor, target, async () => {
      if (actor.role !== 'supervisor') throw new CaseForbiddenProblem('forbidden', 'Only a supervisor has an approval work list.');
      const rows = await this.repo.pendingApprovals(actor.agencyId, PENDING_LIST_LIMIT);
      await this.auditor.success(actor, target, { count: rows.length });
      return rows;
    });
  }

  decide(actor: CaseActor, approvalId: string, cmd: DecideApprovalCommand): Promise<ApprovalView> {
    const target: CaseAuditTarget = { action: 'case.approval.decide', targetType: 'case_approval', targetId: approvalId };
    return this.auditor.run(actor, target, () =>
      this.tx.run(async (em) => {
        const approval = await this.repo.findApproval(approvalId);
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
        const c = await this.repo.loadCaseInScope(actor, approval.caseId);
        if (c.stage === 'closed') throw new CaseClosedProblem();
        const closes = approval.kind === 'closure' && cmd.decision === 'approve';
        if (closes && checkStageTransition(c.stage, 'closed', actor.role) !== null) throw new CaseClosedProblem();

        const view = await this.repo.decideApproval(c, approvalId, cmd.version, {
          status: cmd.decision === 'approve' ? 'approved' : 'returned',
          decidedById: actor.id,
          comment: cmd.comment ?? null,
        });
        if (!view) throw new StaleVersionProblem();
        if (closes) {
          await this.repo.closeCase(c, approval.closureReason);
          await this.auditor.success(actor, { action: 'case.stage', targetType: 'case', targetId: c.id }, { from: c.stage, to: 'closed', approval: approvalId }, em);
        }
        await this.auditor.success(actor, target, { case: c.id, kind: approval.kind, decision: cmd.decision }, em);
        return view;
      }),
    );
  }
}

function pendingConflict(): ConflictProblem {
  return new ConflictProblem('approval_pending', 'A request of this kind is already waiting for a decision.');
}
