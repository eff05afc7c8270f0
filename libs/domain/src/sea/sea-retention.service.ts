import { Injectable, Logger } from '@nestjs/common';
import { AuditService } from '@amani/audit';
import { SEA_RETENTION_DAYS, SEA_STATUSES, utcToday } from './sea-codes';
import { SeaIntakeThrottle } from './sea-intake-throttle';
import { TransactionHost } from '@amani/database';

const BATCH = 100;

export interface RetentionResult {
  shredded: number;
  sessionKeysDeleted: number;
  summarisedDay: string | null;
}

function dayBefore(isoDate: string, days = 1): string {
  const d = new Date(`${isoDate}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - days);
  return d.toISOString().slice(0, 10);
}

/**
 * The daily SEA housekeeping job:
 *  - crypto-shreds complaints whose status has outlived its time to live: ciphertexts,
 *    receipt material, key grants, messages, notes and pending assistance payloads go;
 *    the coded columns stay for statistics;
 *  - deletes unlocked-key records of expired sessions (revoked ones go at once, by trigger);
 *  - writes yesterday's audit summary of the anonymous intake (counts only).
 * Idempotent: shredded rows are skipped, a summarised day is never summarised again.
 */
@Injectable()
export class SeaRetentionService {
  private readonly logger = new Logger(SeaRetentionService.name);

  constructor(
    private readonly tx: TransactionHost,
    private readonly audit: AuditService,
    private readonly counters: SeaIntakeThrottle,
  ) {}

  async run(today: string = utcToday()): Promise<RetentionResult> {
    let shredded = 0;
    for (const status of SEA_STATUSES) {
      const cutoff = dayBefore(today, SEA_RETENTION_DAYS[status]);
      for (;;) {
        const n = await this.shredBatch(status, cutoff, today);
        shredded += n;
        if (n < BATCH) break;
      }
    }
    const deleted: unknown[] = await this.tx.manager.query(
      `DELETE FROM sea_session_keys k USING auth_sessions s
        WHERE s.id = k.session_id AND (s.expires_at <= now() OR s.revoked_at IS NOT NULL) RETURNING k.session_id`,
    );
    const summarisedDay = await this.summariseIntake(dayBefore(today));
    if (shredded > 0) this.logger.log({ shredded }, 'SEA complaints crypto-shredded');
    return { shredded, sessionKeysDeleted: deleted.length, summarisedDay };
  }

  private shredBatch(status: string, cutoff: string, today: string): Promise<number> {
    return this.tx.run(async (em) => {
      const rows: { id: string }[] = await em.query(
        `SELECT id FROM sea_complaints WHERE shredded_on IS NULL AND status = $1 AND status_changed_on < $2
          ORDER BY id LIMIT ${BATCH} FOR UPDATE SKIP LOCKED`,
        [status, cutoff],
      );
      if (rows.length === 0) return 0;
      const ids = rows.map((r) => r.id);
      await em.query(`DELETE FROM sea_complaint_grants WHERE complaint_id = ANY($1)`, [ids]);
      await em.query(`DELETE FROM sea_complaint_messages WHERE complaint_id = ANY($1)`, [ids]);
      await em.query(`DELETE FROM sea_complaint_notes WHERE complaint_id = ANY($1)`, [ids]);
      await em.query(`DELETE FROM sea_assistance_requests WHERE complaint_id = ANY($1) AND status = 'pending'`, [ids]);
      await em.query(
        `UPDATE sea_complaints SET narrative = NULL, contact = NULL, receipt_tag = NULL, receipt_verifier = NULL,
                receipt_wrapped_key = NULL, shredded_on = $2
          WHERE id = ANY($1)`,
        [ids, today],
      );
      for (const id of ids) {
        await this.audit.record(
          { action: 'sea.complaint.shred', outcome: 'success', targetType: 'sea_complaint', targetId: id, details: { status, via: 'retention' } },
          em,
        );
      }
      return ids.length;
    });
  }

  /** Counts of the anonymous intake on one (finished) day, as one audit event. */
  private async summariseIntake(day: string): Promise<string | null> {
    const accesses = await this.counters.accessesOn(day);
    return this.tx.run(async (em) => {
      const [counts]: { submitted: string; messages: string }[] = await em.query(
        `SELECT (SELECT count(*) FROM sea_complaints WHERE received_on = $1) AS submitted,
                (SELECT count(*) FROM sea_complaint_messages WHERE sent_on = $1 AND author = 'complainant') AS messages`,
        [day],
      );
      const inserted: unknown[] = await em.query(
        `INSERT INTO sea_audit_days (day, submitted, complainant_messages, accesses) VALUES ($1, $2, $3, $4)
         ON CONFLICT (day) DO NOTHING RETURNING day`,
        [day, Number(counts.submitted), Number(counts.messages), accesses],
      );
      if (inserted.length === 0) return null;
      await this.audit.record(
        {
          action: 'sea.intake.daily',
          outcome: 'success',
          targetType: 'sea_intake_day',
          targetId: day,
          details: { submitted: Number(counts.submitted), complainantMessages: Number(counts.messages), accesses: accesses ?? null },
        },
        em,
      );
      return day;
    });
  }
}
