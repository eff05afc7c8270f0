import { Injectable, Logger } from '@nestjs/common';
import { AuditService } from '@amani/audit';
import { SEA_RETENTION_DAYS, SEA_STATUSES, SEA_WITHDRAWN_RECEIPT_DAYS, SeaStatus, utcToday } from './sea-codes';
import { SeaIntakeThrottle } from './sea-intake-throttle';
import { SeaRetentionRepository } from './sea-retention.repository';
import { TransactionHost } from '@amani/database';

const BATCH = 100;

export interface RetentionResult {
  shredded: number;
  sessionKeysDeleted: number;
  withdrawnReceiptsDeleted: number;
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
 *  - deletes what is left of receipts withdrawn SEA_WITHDRAWN_RECEIPT_DAYS ago;
 *  - deletes unlocked-key records of expired sessions (revoked ones go at once, by trigger);
 *  - writes yesterday's audit summary of the anonymous intake (counts only).
 * Idempotent: shredded rows are skipped, a summarised day is never summarised again.
 */
@Injectable()
export class SeaRetentionService {
  private readonly logger = new Logger(SeaRetentionService.name);

  constructor(
    private readonly tx: TransactionHost,
    private readonly repo: SeaRetentionRepository,
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
    const sessionKeysDeleted = await this.repo.deleteDeadSessionKeys();
    const withdrawnReceiptsDeleted = await this.tx.run(() => this.repo.deleteWithdrawnReceipts(dayBefore(today, SEA_WITHDRAWN_RECEIPT_DAYS)));
    const summarisedDay = await this.summariseIntake(dayBefore(today));
    if (shredded > 0) this.logger.log({ shredded }, 'SEA complaints crypto-shredded');
    return { shredded, sessionKeysDeleted, withdrawnReceiptsDeleted, summarisedDay };
  }

  private shredBatch(status: SeaStatus, cutoff: string, today: string): Promise<number> {
    return this.tx.run(async (em) => {
      const ids = await this.repo.lockExpired(status, cutoff, BATCH);
      if (ids.length === 0) return 0;
      await this.repo.shred(ids, today);
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
      const counts = await this.repo.intakeCounts(day);
      if (!(await this.repo.insertAuditDay(day, counts.submitted, counts.complainantMessages, accesses))) return null;
      await this.audit.record(
        {
          action: 'sea.intake.daily',
          outcome: 'success',
          targetType: 'sea_intake_day',
          targetId: day,
          details: { submitted: counts.submitted, complainantMessages: counts.complainantMessages, accesses: accesses ?? null },
        },
        em,
      );
      return day;
    });
  }
}
