import { Injectable } from '@nestjs/common';
import { AuditActor, AuditService, AuditTarget, FailureVerdict, OperationAuditor } from '@amani/audit';
import { NotFoundProblem } from '@amani/http';
import { CaseIntegrityError, CaseShreddedError, CaseShreddedProblem, IntegrityProblem, RecordNotVisibleError } from './case-errors';

export type CaseTargetType = 'case' | 'case_incident' | 'case_note' | 'case_consent' | 'case_action_plan_item' | 'case_share' | 'case_approval' | 'case_attachment';
export type CaseAuditTarget = AuditTarget<CaseTargetType> & { targetType: CaseTargetType };
export type { AuditActor };

/** How the case store's own failures read: out of scope answers exactly like missing (404). */
export function caseFailureVerdict(e: unknown): FailureVerdict | undefined {
  if (e instanceof RecordNotVisibleError) {
    return {
      outcome: e.reason === 'out_of_scope' ? 'denied' : 'failure',
      details: { reason: e.reason, record: e.what },
      problem: new NotFoundProblem(e.what === 'action_plan_item' ? 'action plan item' : e.what),
    };
  }
  if (e instanceof CaseIntegrityError) {
    return { outcome: 'error', details: { reason: 'integrity', integrity: e.reason }, problem: new IntegrityProblem() };
  }
  if (e instanceof CaseShreddedError) return { outcome: 'failure', details: { reason: 'shredded' }, problem: new CaseShreddedProblem() };
  return undefined;
}

/** Audits every case-store operation; see OperationAuditor. */
@Injectable()
export class CaseAuditor extends OperationAuditor<CaseTargetType> {
  constructor(audit: AuditService) {
    super(audit);
  }

  protected classify(e: unknown): FailureVerdict | undefined {
    return caseFailureVerdict(e);
  }
}
