import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
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

/**
 * Appends audit events. Writers only insert into the queue, in their own (or the caller's)
 * transaction; the sequencer links them into the hash chain, so writers never wait on
 * one another.
 */
@Injectable()
export class AuditService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async record(event: AuditRecord, em?: EntityManager): Promise<void> {
    const manager = em ?? this.dataSource.manager;
    await manager.insert(AuditQueueEntry, {
      occurredAt: new Date(),
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
