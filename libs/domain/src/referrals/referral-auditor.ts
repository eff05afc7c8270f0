import { Injectable } from '@nestjs/common';
import { AuditActor, AuditService, AuditTarget, FailureVerdict, OperationAuditor } from '@amani/audit';
import { NotFoundProblem } from '@amani/http';
import { caseFailureVerdict } from '@amani/domain/cases';
import { PacketDestroyedError, PacketGoneProblem, ReferralNotVisibleError } from './referral-errors';

export type ReferralAuditTarget = AuditTarget<'case' | 'referral'>;
export type { AuditActor };

/**
 * Audits every referral operation (codes only). Out of scope answers exactly like missing
 * (404), a destroyed packet 410; case-store failures read as they do there.
 */
@Injectable()
export class ReferralAuditor extends OperationAuditor<'case' | 'referral'> {
  constructor(audit: AuditService) {
    super(audit);
  }

  protected classify(e: unknown): FailureVerdict | undefined {
    if (e instanceof ReferralNotVisibleError) {
      return {
        outcome: e.reason === 'out_of_scope' ? 'denied' : 'failure',
        details: { reason: e.reason, record: 'referral' },
        problem: new NotFoundProblem('referral'),
      };
    }
    if (e instanceof PacketDestroyedError) {
      return { outcome: 'failure', details: { reason: 'packet_destroyed', destroyed: e.reason }, problem: new PacketGoneProblem() };
    }
    return caseFailureVerdict(e);
  }
}
