import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@amani/database';
import type { RetentionCutoffs } from './retention-rule';

export interface ExpiringCase {
  id: string;
  agencyId: string;
  closedAt: Date;
}

/**
 * The case retention job's statements: coded columns and ids only (no key is opened). Runs on
 * the transaction open in the caller's context; rows are locked SKIP LOCKED, so workers racing
 * on the same day each take different cases.
 */
export abstract class CaseRetentionRepository {
  /** Marks up to `limit` closed cases inside the warning window and not yet warned since closing as warned `at`; returns them. */
  abstract markWarned(c: RetentionCutoffs, at: Date, limit: number): Promise<ExpiringCase[]>;
  /**
   * One `case_retention_warning` to the case's assigned caseworker (else its creator) and its
   * agency's supervisors, active ones only; `daysLeft` is the only number it carries. The
   * notifications' unique key holds one per person and case: a case reopened and closed again
   * re-arms that person's warning (new date, unread again) instead of adding a second. Returns
   * how many people were told.
   */
  abstract notify(c: ExpiringCase, daysLeft: number, at: Date): Promise<number>;
  /** One expired (and duly warned) case, locked; null when none is left. */
  abstract lockExpired(c: RetentionCutoffs): Promise<ExpiringCase | null>;
}

const LIVE_CLOSED = `erased_at IS NULL AND stage = 'closed'`;

@Injectable()
export class TypeOrmCaseRetentionRepository extends CaseRetentionRepository {
  constructor(private readonly tx: TransactionHost) {
    super();
  }

  async markWarned(c: RetentionCutoffs, at: Date, limit: number): Promise<ExpiringCase[]> {
    const rows: { id: string; agency_id: string; closed_at: Date }[] = await this.tx.manager.query(
      // Wrapped in a SELECT: TypeORM answers a bare UPDATE ... RETURNING with [rows, count].
      `WITH due AS (
         SELECT id FROM cases
          WHERE ${LIVE_CLOSED} AND closed_at <= $1 AND (retention_warned_at IS NULL OR retention_warned_at < closed_at)
          ORDER BY closed_at, id LIMIT $3 FOR UPDATE SKIP LOCKED),
       marked AS (UPDATE cases c SET retention_warned_at = $2 FROM due WHERE c.id = due.id RETURNING c.id, c.agency_id, c.closed_at)
       SELECT id, agency_id, closed_at FROM marked`,
      [c.warnClosedBy.toISOString(), at.toISOString(), limit],
    );
    return rows.map((r) => ({ id: r.id, agencyId: r.agency_id, closedAt: new Date(r.closed_at) }));
  }

  async notify(c: ExpiringCase, daysLeft: number, at: Date): Promise<number> {
    const rows: unknown[] = await this.tx.manager.query(
      `INSERT INTO notifications (user_id, kind, target_type, target_id, case_id, counts, created_at)
       SELECT u.id, 'case_retention_warning', 'case', c.id, c.id, $2::jsonb, $3::timestamptz
         FROM cases c JOIN users u ON u.agency_id = c.agency_id AND u.status = 'active' AND u.disabled_at IS NULL
          AND (u.role = 'supervisor' OR (u.role = 'caseworker' AND u.id = COALESCE(c.assigned_caseworker_id, c.created_by)))
        WHERE c.id = $1
       ON CONFLICT (kind, target_id, user_id) DO UPDATE SET counts = EXCLUDED.counts, created_at = EXCLUDED.created_at, read_at = NULL
         WHERE notifications.created_at < EXCLUDED.created_at
       RETURNING id`,
      [c.id, JSON.stringify({ daysLeft }), at.toISOString()],
    );
    return rows.length;
  }

  async lockExpired(c: RetentionCutoffs): Promise<ExpiringCase | null> {
    const [row]: { id: string; agency_id: string; closed_at: Date }[] = await this.tx.manager.query(
      `SELECT id, agency_id, closed_at FROM cases
        WHERE ${LIVE_CLOSED} AND closed_at <= $1
          AND ($2::timestamptz IS NULL OR (retention_warned_at >= closed_at AND retention_warned_at <= $2::timestamptz))
        ORDER BY closed_at, id LIMIT 1 FOR UPDATE SKIP LOCKED`,
      [c.shredClosedBy.toISOString(), c.shredWarnedBy?.toISOString() ?? null],
    );
    return row ? { id: row.id, agencyId: row.agency_id, closedAt: new Date(row.closed_at) } : null;
  }
}
