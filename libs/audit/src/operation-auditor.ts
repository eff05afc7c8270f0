import { Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { IntegrityError } from '@amani/crypto';
import { DomainException, IntegrityProblem } from '@amani/http';
import type { AuditOutcome } from './audit-event.entity';
import type { AuditDetails } from './audit-hash';
import { AuditRecord, AuditService } from './audit.service';

/** Who acted: a staff member, or nobody (anonymous intake). */
export interface AuditActor {
  id: string | null;
  role: string | null;
  agencyId: string | null;
  requestId?: string | null;
}

export interface AuditTarget<T extends string = string> {
  action: string;
  targetType: T | null;
  targetId: string | null;
}

/** How a feature's own failure is audited and what the caller is told. */
export interface FailureVerdict {
  outcome: Exclude<AuditOutcome, 'success'>;
  details: AuditDetails;
  /** The public problem to throw instead (e.g. a 404 that looks like a missing record). */
  problem?: unknown;
}

/**
 * Audits a feature's operations (who, action, record id, outcome; never the data) and maps
 * failures to their public answer. Features say how their own errors read (`classify`);
 * failed decryption always fails closed as a generic 500 'integrity_error'.
 */
export abstract class OperationAuditor<T extends string = string> {
  private readonly logger = new Logger(this.constructor.name);

  constructor(protected readonly audit: AuditService) {}

  /** The verdict for a feature-specific error, or undefined to use the common rules. */
  protected abstract classify(e: unknown): FailureVerdict | undefined;

  /** A success event; pass the transaction's manager so it commits with the change. */
  success(actor: AuditActor, target: AuditTarget<T>, details: AuditDetails = {}, em?: EntityManager): Promise<void> {
    return this.record(actor, target, 'success', details, em);
  }

  /** A success event as SQL for the caller's own statement (see AuditService.queueInsert). */
  successInsert(actor: AuditActor, target: AuditTarget<T>, details: AuditDetails, first: number, from = '', countSql?: string): { sql: string; params: unknown[] } {
    return this.audit.queueInsert(this.toRecord(actor, target, 'success', details), first, from, countSql);
  }

  /** Runs an operation; on failure records the outcome (outside the rolled-back transaction) and rethrows the public problem. */
  async run<R>(actor: AuditActor, target: AuditTarget<T>, fn: () => Promise<R>): Promise<R> {
    try {
      return await fn();
    } catch (e) {
      const verdict = this.classify(e) ?? commonVerdict(e);
      await this.safeRecord(actor, target, verdict.outcome, verdict.details);
      throw verdict.problem ?? e;
    }
  }

  record(actor: AuditActor, target: AuditTarget<T>, outcome: AuditOutcome, details: AuditDetails, em?: EntityManager): Promise<void> {
    return this.audit.record(this.toRecord(actor, target, outcome, details), em);
  }

  private toRecord(actor: AuditActor, target: AuditTarget<T>, outcome: AuditOutcome, details: AuditDetails): AuditRecord {
    return {
      action: target.action,
      outcome,
      actorId: actor.id,
      actorRole: actor.role,
      agencyId: actor.agencyId,
      targetType: target.targetType,
      targetId: target.targetId,
      details,
      requestId: actor.requestId ?? null,
    };
  }

  // The original failure must reach the caller even if the audit store is down too.
  private async safeRecord(actor: AuditActor, target: AuditTarget<T>, outcome: AuditOutcome, details: AuditDetails): Promise<void> {
    try {
      await this.record(actor, target, outcome, details);
    } catch (err) {
      this.logger.error({ err: { type: err instanceof Error ? err.name : 'unknown' }, action: target.action }, 'audit write failed');
    }
  }
}

function commonVerdict(e: unknown): FailureVerdict {
  if (e instanceof IntegrityError) {
    return { outcome: 'error', details: { reason: 'integrity', integrity: e.reason }, problem: new IntegrityProblem() };
  }
  if (e instanceof DomainException) {
    return { outcome: e.status >= 500 ? 'error' : 'failure', details: { reason: e.code } };
  }
  return { outcome: 'error', details: { reason: 'internal' } };
}
