import { Injectable } from '@nestjs/common';
import { AuditActor, AuditService, AuditTarget, FailureVerdict, OperationAuditor } from '@amani/audit';
import { DomainException, IntegrityProblem } from '@amani/http';
import { SeaIntegrityError } from './sea-errors';

type SeaTargetType = 'sea_complaint' | 'sea_focal_point_key' | 'sea_assistance_request' | 'sea_entity' | 'user';
export type SeaAuditTarget = AuditTarget<SeaTargetType>;
/** A focal point, or the agency caseworker or supervisor answering an assistance request. */
export type SeaAuditActor = AuditActor & { id: string };

/**
 * Audits focal point (and assistance) operations: who, action, record id, outcome, never the
 * data. A refused or locked record is audited as denied.
 */
@Injectable()
export class SeaAuditor extends OperationAuditor<SeaTargetType> {
  constructor(audit: AuditService) {
    super(audit);
  }

  protected classify(e: unknown): FailureVerdict | undefined {
    if (e instanceof SeaIntegrityError) {
      return { outcome: 'error', details: { reason: 'integrity', integrity: e.reason }, problem: new IntegrityProblem() };
    }
    if (e instanceof DomainException && [403, 404, 423].includes(e.status)) {
      return { outcome: 'denied', details: { reason: e.code } };
    }
    return undefined;
  }
}
