import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { TransactionHost } from '@amani/database';
import { AuditOutcome, AuditQueueEntry } from './audit-event.entity';

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

  private async insert(manager: EntityManager, event: AuditRecord, occurredAt: Date): Promise<void> {
    await manager.insert(AuditQueueEntry, {
      occurredAt,
      action: event.action,
      outcome: event.outcome,
      actorId: event.actorId ?? null,
      actorRole: event.actorRole ?? null,
      agencyId: event.agencyId ?? null,
      targetType: event.targetType ?? null,
      targetId: event.targetId ?? null,
      details: event.details ?? {},
      requestId: event.requestId ?? null,
    });
  }
}
