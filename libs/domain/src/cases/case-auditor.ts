import { Injectable, Logger } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AuditService } from '@amani/audit';
import { IntegrityError } from '@amani/crypto';
import { DomainException, NotFoundProblem } from '@amani/http';
import type { CaseActor } from './case-actor';
import {
  CaseIntegrityError,
  CaseShreddedError,
  CaseShreddedProblem,
  IntegrityProblem,
  RecordNotVisibleError,
} from './case-errors';

export type CaseTargetType = 'case' | 'case_incident' | 'case_note' | 'case_consent' | 'case_action_plan_item' | 'case_share';

export interface CaseAuditTarget {
  action: string;
  targetType: CaseTargetType;
  targetId: string | null;
}

type Details = Record<string, string | number | boolean | null>;

/**
 * Audits every case-store operation (who, action, record id, outcome; never the data) and
 * maps internal failures to their public answer: out of scope → the same 404 as missing,
 * failed decryption → a generic 500 'integrity_error'.
 */
@Injectable()
export class CaseAuditor {
  private readonly logger = new Logger('CaseAudit');

  constructor(private readonly audit: AuditService) {}

  /** A success event; pass the transaction's manager so it commits with the change. */
  async success(actor: CaseActor, target: CaseAuditTarget, details: Details = {}, em?: EntityManager): Promise<void> {
    await this.record(actor, target, 'success', details, em);
  }

  /**
   * Runs an operation; on failure records the outcome (outside the rolled-back transaction)
   * and rethrows the public problem.
   */
  async run<T>(actor: CaseActor, target: CaseAuditTarget, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      throw await this.fail(actor, target, e);
    }
  }

  private async fail(actor: CaseActor, target: CaseAuditTarget, e: unknown): Promise<unknown> {
    if (e instanceof RecordNotVisibleError) {
      await this.safeRecord(actor, target, e.reason === 'out_of_scope' ? 'denied' : 'failure', { reason: e.reason, record: e.what });
      return new NotFoundProblem(e.what === 'action_plan_item' ? 'action plan item' : e.what);
    }
    if (e instanceof IntegrityError || e instanceof CaseIntegrityError) {
      await this.safeRecord(actor, target, 'error', { reason: 'integrity', integrity: e.reason });
      return new IntegrityProblem();
    }
    if (e instanceof CaseShreddedError) {
      await this.safeRecord(actor, target, 'failure', { reason: 'shredded' });
      return new CaseShreddedProblem();
    }
    if (e instanceof DomainException) {
      await this.safeRecord(actor, target, e.status >= 500 ? 'error' : 'failure', { reason: e.code });
      return e;
    }
    await this.safeRecord(actor, target, 'error', { reason: 'internal' });
    return e;
  }

  // The original failure must reach the caller even if the audit store is down too.
  private async safeRecord(actor: CaseActor, target: CaseAuditTarget, outcome: 'failure' | 'denied' | 'error', details: Details): Promise<void> {
    try {
      await this.record(actor, target, outcome, details);
    } catch (err) {
      this.logger.error({ err: { type: err instanceof Error ? err.name : 'unknown' }, action: target.action }, 'audit write failed');
    }
  }

  private record(actor: CaseActor, target: CaseAuditTarget, outcome: 'success' | 'failure' | 'denied' | 'error', details: Details, em?: EntityManager): Promise<void> {
    return this.audit.record(
      {
        action: target.action,
        outcome,
        actorId: actor.id,
        actorRole: actor.role,
        agencyId: actor.agencyId,
        targetType: target.targetType,
        targetId: target.targetId,
        details,
        requestId: actor.requestId ?? null,
      },
      em,
    );
  }
}
