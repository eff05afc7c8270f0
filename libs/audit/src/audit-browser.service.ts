import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { AuditOutcome } from './audit-event.entity';

/**
 * What an administrator may see of one audit event: who (actor id and role), did what
 * (action, outcome), to which record (type and id) and when. Never the details, the
 * request id, the agency or the hashes: the browser answers "who touched what", not "what
 * it said".
 */
export interface AuditEventSummary {
  seq: string;
  occurredAt: Date;
  action: string;
  outcome: AuditOutcome;
  actorId: string | null;
  actorRole: string | null;
  targetType: string | null;
  targetId: string | null;
}

export interface AuditEventFilter {
  /** An action, or the start of one ("user." is every user action). */
  action?: string;
  actorId?: string;
  /** Inclusive lower bound on occurred_at. */
  from?: Date;
  /** Exclusive upper bound on occurred_at. */
  to?: Date;
  /** Keyset: only events with a smaller seq (the next, older page). */
  beforeSeq?: string;
  limit: number;
}

export interface AuditChainState {
  /** The newest sequenced event, or null while the chain is empty. */
  headSeq: string | null;
  /** Events written but not sequenced yet. */
  queued: number;
  lastCheckpoint: { seq: string; signedAt: Date } | null;
  /** The last verification that was run (by anyone), from the chain itself. */
  lastVerification: { at: Date; ok: boolean; verifiedLength: number | null; firstBrokenSeq: number | null; reason: string | null } | null;
}

export const AUDIT_ACTION_PREFIX = /^[a-z][a-z0-9_.:-]{0,63}$/;

/** Read-only views of the audit chain for the administrators' console. */
@Injectable()
export class AuditBrowser {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Newest first, keyset on seq; `limit + 1` rows are read to know whether there is more. */
  async list(filter: AuditEventFilter): Promise<{ items: AuditEventSummary[]; nextBeforeSeq: string | null }> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, value: unknown) => {
      params.push(value);
      where.push(sql.replace(/\?/g, `$${params.length}`));
    };
    if (filter.action && AUDIT_ACTION_PREFIX.test(filter.action)) add('left(action, length(?::text)) = ?::text', filter.action);
    if (filter.actorId) add('actor_id = ?::uuid', filter.actorId);
    if (filter.from) add('occurred_at >= ?', filter.from);
    if (filter.to) add('occurred_at < ?', filter.to);
    if (filter.beforeSeq && /^\d{1,19}$/.test(filter.beforeSeq)) add('seq < ?::bigint', filter.beforeSeq);
    const limit = Math.max(1, Math.min(200, Math.floor(filter.limit)));
    params.push(limit + 1);
    const rows: { seq: string; occurred_at: Date; action: string; outcome: AuditOutcome; actor_id: string | null; actor_role: string | null; target_type: string | null; target_id: string | null }[] =
      await this.dataSource.query(
        `SELECT seq, occurred_at, action, outcome, actor_id, actor_role, target_type, target_id
           FROM audit_events ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
          ORDER BY seq DESC LIMIT $${params.length}`,
        params,
      );
    const more = rows.length > limit;
    const items = rows.slice(0, limit).map((r) => ({
      seq: String(r.seq),
      occurredAt: r.occurred_at,
      action: r.action,
      outcome: r.outcome,
      actorId: r.actor_id,
      actorRole: r.actor_role,
      targetType: r.target_type,
      targetId: r.target_id,
    }));
    return { items, nextBeforeSeq: more ? items[items.length - 1].seq : null };
  }

  async state(): Promise<AuditChainState> {
    const [head] = await this.dataSource.query<{ seq: string | null }[]>('SELECT max(seq)::text AS seq FROM audit_events');
    const [queue] = await this.dataSource.query<{ n: string }[]>('SELECT count(*)::text AS n FROM audit_queue');
    const checkpoints = await this.dataSource.query<{ seq: string; signed_at: Date }[]>('SELECT seq::text AS seq, signed_at FROM audit_checkpoints ORDER BY seq DESC LIMIT 1');
    const verifies = await this.dataSource.query<{ occurred_at: Date; outcome: string; details: Record<string, unknown> }[]>(
      `SELECT occurred_at, outcome, details FROM audit_events WHERE action = 'audit.verify' ORDER BY seq DESC LIMIT 1`,
    );
    const v = verifies[0];
    const num = (x: unknown) => (typeof x === 'number' && Number.isFinite(x) ? x : null);
    return {
      headSeq: head?.seq ?? null,
      queued: Number(queue?.n ?? 0),
      lastCheckpoint: checkpoints[0] ? { seq: checkpoints[0].seq, signedAt: checkpoints[0].signed_at } : null,
      lastVerification: v
        ? {
            at: v.occurred_at,
            ok: v.outcome === 'success',
            verifiedLength: num(v.details?.length),
            firstBrokenSeq: num(v.details?.firstBrokenSeq),
            reason: typeof v.details?.reason === 'string' ? v.details.reason : null,
          }
        : null,
    };
  }
}
