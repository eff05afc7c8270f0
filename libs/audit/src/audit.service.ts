import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { preparedQuery, TransactionHost } from '@amani/database';
import { AuditOutcome } from './audit-event.entity';

/** One audit event: who, what, which record, outcome. Never the data itself. */
export interface AuditRecord {
  action: string;
  outcome: AuditOutcome;
  actorId?: string | null;
  actorRole?: string | null;
  agencyId?: string | null;
  targetType?: string | null;
  targetId?: string | null;
  details?: Record<string, string | number | boolean | null>;
  requestId?: string | null;
}

const CODE = /^[A-Za-z0-9_.:-]{0,64}$/;

/** A programming error: audit details are codes, ids and numbers, never free text. */
export class UncodedAuditDetailError extends Error {
  constructor(key: string) {
    super(`audit detail "${key.slice(0, 64)}" is not a code`);
    this.name = 'UncodedAuditDetailError';
  }
}

function assertDetailsAreCoded(details: AuditRecord['details']): void {
  for (const [key, value] of Object.entries(details ?? {})) {
    if (!CODE.test(key)) throw new UncodedAuditDetailError('(key)');
    const ok =
      value === null ||
      typeof value === 'boolean' ||
      (typeof value === 'number' && Number.isFinite(value)) ||
      (typeof value === 'string' && CODE.test(value));
    if (!ok) throw new UncodedAuditDetailError(key);
  }
}

/**
 * Appends audit events. Writers only insert into the queue, in their own (or the caller's)
 * transaction; the sequencer links them into the hash chain, so writers never wait on
 * one another.
 */
@Injectable()
export class AuditService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * With `em`, the event commits or rolls back with that transaction. Without it, the event is
   * written on its own, after the transaction open in this context (if any) has ended: a
   * refusal stays audited when the refused operation rolls back.
   */
  async record(event: AuditRecord, em?: EntityManager): Promise<void> {
    assertDetailsAreCoded(event.details);
    const occurredAt = new Date();
    if (em) return this.insert(em, event, occurredAt);
    await TransactionHost.afterEnd(() => this.insert(this.dataSource.manager, event, occurredAt));
  }

  /**
   * The event as an `INSERT INTO audit_queue ... SELECT` for the caller to run inside its own
   * statement (a CTE member), so the write it audits and the audit row commit as one. The same
   * row `record` would queue; `from` restricts it (e.g. `FROM c`: written only if c yields a row);
   * `countSql`, a scalar subquery, becomes details.count. Parameters are numbered from `first`.
   */
  queueInsert(event: AuditRecord, first: number, from = '', countSql?: string): { sql: string; params: unknown[] } {
    assertDetailsAreCoded(event.details);
    // A count known only inside the caller's statement (e.g. the rows of a page): a number, so coded.
    const details = countSql === undefined ? `$${first + 8}::jsonb` : `$${first + 8}::jsonb || jsonb_build_object('count', (${countSql}))`;
    const p = (i: number, type: string) => `$${first + i}::${type}`;
    return {
      sql: `INSERT INTO audit_queue (occurred_at, actor_id, actor_role, agency_id, action, target_type, target_id, outcome, details, request_id)
        SELECT ${p(0, 'timestamptz')}, ${p(1, 'uuid')}, ${p(2, 'varchar')}, ${p(3, 'uuid')}, ${p(4, 'varchar')}, ${p(5, 'varchar')},
               ${p(6, 'varchar')}, ${p(7, 'varchar')}, ${details}, ${p(9, 'varchar')} ${from}`,
      params: [
        new Date(),
        event.actorId ?? null,
        event.actorRole ?? null,
        event.agencyId ?? null,
        event.action,
        event.targetType ?? null,
        event.targetId ?? null,
        event.outcome,
        JSON.stringify(event.details ?? {}),
        event.requestId ?? null,
      ],
    };
  }

  private async insert(manager: EntityManager, event: AuditRecord, occurredAt: Date): Promise<void> {
    // The row AuditQueueEntry maps, as a prepared statement (every audited request writes one).
    await preparedQuery(
      manager,
      `INSERT INTO audit_queue (occurred_at, actor_id, actor_role, agency_id, action, target_type, target_id, outcome, details, request_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [
        occurredAt,
        event.actorId ?? null,
        event.actorRole ?? null,
        event.agencyId ?? null,
        event.action,
        event.targetType ?? null,
        event.targetId ?? null,
        event.outcome,
        JSON.stringify(event.details ?? {}),
        event.requestId ?? null,
      ],
    );
  }
}
