import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { TransactionHost } from '@amani/database';
import type { SeaStatus } from './sea-codes';
import { shredSeaComplaints } from './sea-shredder';

/**
 * The SEA housekeeping job's statements (worker side: needs no key). Runs on the transaction
 * open in the caller's context.
 */
export abstract class SeaRetentionRepository {
  /**
   * Up to `limit` live complaints in `status` unchanged since before `cutoff.closedBefore`, and
   * (unless `warnedOnOrBefore` is null) warned of it on or before that day, locked (skipping locked ones).
   */
  abstract lockExpired(status: SeaStatus, cutoff: { closedBefore: string; warnedOnOrBefore: string | null }, limit: number): Promise<string[]>;
  /**
   * Holds the retention warning for this transaction: workers racing on the same day queue
   * here, so the complaints warned and the focal points' notification are counted once.
   */
  abstract lockWarnings(): Promise<void>;
  /** Marks live complaints in `status` unchanged since before `closedBefore` and not yet warned as warned `today`; how many. */
  abstract markWarned(status: SeaStatus, closedBefore: string, today: string): Promise<number>;
  /**
   * One `sea_retention_warning` for the day to each active focal point: the number of
   * complaints by status, nothing that names one. Returns how many were inserted.
   */
  abstract notifyFocalPoints(day: string, at: Date, counts: Partial<Record<SeaStatus, number>>): Promise<number>;
  /**
   * Crypto-shreds the complaints (shredSeaComplaints): content, receipt material, grants, conversation, notes, evidence,
   * pending assistance payloads, victims' descriptions and the entity referral's note (their coded columns stay).
   */
  abstract shred(ids: string[], today: string): Promise<void>;
  /** Deletes what is left of receipts withdrawn before `cutoff` (tag and verifier); how many. */
  abstract deleteWithdrawnReceipts(cutoff: string): Promise<number>;
  /** Deletes unlocked-key copies of expired or revoked sessions; how many. */
  abstract deleteDeadSessionKeys(): Promise<number>;
  abstract intakeCounts(day: string): Promise<{ submitted: number; complainantMessages: number }>;
  /** Records the day's summary once; false when the day was already summarised. */
  abstract insertAuditDay(day: string, submitted: number, complainantMessages: number, accesses: number | null): Promise<boolean>;
}

@Injectable()
export class TypeOrmSeaRetentionRepository extends SeaRetentionRepository {
  constructor(private readonly tx: TransactionHost) {
    super();
  }

  private get em(): EntityManager {
    return this.tx.manager;
  }

  async lockExpired(status: SeaStatus, cutoff: { closedBefore: string; warnedOnOrBefore: string | null }, limit: number): Promise<string[]> {
    const rows: { id: string }[] = await this.em.query(
      `SELECT id FROM sea_complaints WHERE shredded_on IS NULL AND status = $1 AND status_changed_on < $2
          AND ($4::date IS NULL OR retention_warned_on <= $4::date)
        ORDER BY id LIMIT $3 FOR UPDATE SKIP LOCKED`,
      [status, cutoff.closedBefore, limit, cutoff.warnedOnOrBefore],
    );
    return rows.map((r) => r.id);
  }

  async lockWarnings(): Promise<void> {
    await this.em.query(`SELECT pg_advisory_xact_lock(hashtext('amani:sea.retention.warn'))`);
  }

  async markWarned(status: SeaStatus, closedBefore: string, today: string): Promise<number> {
    const [{ n }]: { n: number }[] = await this.em.query(
      `WITH marked AS (UPDATE sea_complaints SET retention_warned_on = $3
         WHERE shredded_on IS NULL AND status = $1 AND status_changed_on < $2 AND retention_warned_on IS NULL RETURNING id)
       SELECT count(*)::int AS n FROM marked`,
      [status, closedBefore, today],
    );
    return n;
  }

  async notifyFocalPoints(day: string, at: Date, counts: Partial<Record<SeaStatus, number>>): Promise<number> {
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    const rows: unknown[] = await this.em.query(
      `INSERT INTO notifications (user_id, kind, target_type, target_id, item_count, counts, created_at)
       SELECT u.id, 'sea_retention_warning', 'digest', md5('sea_retention_warning:' || u.id::text || ':' || $1)::uuid, $2, $3::jsonb, $4::timestamptz
         FROM users u
        WHERE u.role = 'psea_focal_point' AND u.status = 'active' AND u.disabled_at IS NULL
       ON CONFLICT (kind, target_id, user_id) DO NOTHING
       RETURNING id`,
      [day, total, JSON.stringify(counts), at.toISOString()],
    );
    return rows.length;
  }

  shred(ids: string[], today: string): Promise<void> {
    return shredSeaComplaints(this.em, ids, today);
  }

  async deleteWithdrawnReceipts(cutoff: string): Promise<number> {
    // Counted in a SELECT: TypeORM answers a bare DELETE ... RETURNING with [rows, count], whose length is always 2.
    const [{ n }]: { n: number }[] = await this.em.query(`WITH d AS (DELETE FROM sea_withdrawn_receipts WHERE withdrawn_on < $1 RETURNING id) SELECT count(*)::int AS n FROM d`, [cutoff]);
    return n;
  }

  async deleteDeadSessionKeys(): Promise<number> {
    const [{ n }]: { n: number }[] = await this.em.query(
      `WITH d AS (DELETE FROM sea_session_keys k USING auth_sessions s
        WHERE s.id = k.session_id AND (s.expires_at <= now() OR s.revoked_at IS NOT NULL) RETURNING k.session_id)
       SELECT count(*)::int AS n FROM d`,
    );
    return n;
  }

  async intakeCounts(day: string): Promise<{ submitted: number; complainantMessages: number }> {
    const [counts]: { submitted: string; messages: string }[] = await this.em.query(
      `SELECT (SELECT count(*) FROM sea_complaints WHERE received_on = $1) AS submitted,
              (SELECT count(*) FROM sea_complaint_messages WHERE sent_on = $1 AND author = 'complainant') AS messages`,
      [day],
    );
    return { submitted: Number(counts.submitted), complainantMessages: Number(counts.messages) };
  }

  async insertAuditDay(day: string, submitted: number, complainantMessages: number, accesses: number | null): Promise<boolean> {
    const inserted: unknown[] = await this.em.query(
      `INSERT INTO sea_audit_days (day, submitted, complainant_messages, accesses) VALUES ($1, $2, $3, $4)
       ON CONFLICT (day) DO NOTHING RETURNING day`,
      [day, submitted, complainantMessages, accesses],
    );
    return inserted.length > 0;
  }
}
