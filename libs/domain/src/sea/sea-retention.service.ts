import { Injectable, Logger } from '@nestjs/common';
import { AuditService } from '@amani/audit';
import { AppConfig, InjectConfig } from '@amani/config';
import { TransactionHost } from '@amani/database';
import { Clock } from '@amani/jobs';
import { retentionDayCutoffs, RetentionPeriod } from '@amani/domain/retention';
import { SEA_WITHDRAWN_RECEIPT_DAYS, SeaStatus, utcToday } from './sea-codes';
import { SeaIntakeThrottle } from './sea-intake-throttle';
import { SeaRetentionRepository } from './sea-retention.repository';

const BATCH = 100;

/** Statuses with a retention period (`withdrawn` complaints are shredded when withdrawn). */
const RETAINED_STATUSES = ['received', 'assessment', 'referred_for_investigation', 'closed'] as const satisfies readonly SeaStatus[];

export interface RetentionResult {
  /** Complaints newly warned of, and the focal points told (one notification each, counts only). */
  warned: number;
  notified: number;
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
 *  - warns the focal points (a count by status, no complaint named) of complaints whose status
 *    will outlive its time to live (RETENTION_SEA_*_DAYS) within RETENTION_WARNING_DAYS, once per
 *    complaint and status;
 *  - crypto-shreds complaints whose status has outlived its time to live and whose notice has
 *    run: ciphertexts, receipt material, key grants, messages, notes and pending assistance
 *    payloads go; the coded columns stay for statistics;
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
    private readonly clock: Clock,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  period(status: (typeof RETAINED_STATUSES)[number]): RetentionPeriod {
    return { keepDays: this.config.retention.sea[status], warningDays: this.config.retention.warningDays };
  }

  async run(today: string = utcToday(this.clock.now())): Promise<RetentionResult> {
    const { warned, notified } = await this.warn(today);
    let shredded = 0;
    for (const status of RETAINED_STATUSES) {
      const c = retentionDayCutoffs(today, this.period(status));
      if (c === null) continue;
      const cutoff = { closedBefore: c.shredClosedBefore, warnedOnOrBefore: c.shredWarnedOnOrBefore };
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
    return { warned, notified, shredded, sessionKeysDeleted, withdrawnReceiptsDeleted, summarisedDay };
  }

  /** Marks the complaints entering their notice as warned and tells the focal points how many, in one transaction held against racing workers. */
  private warn(today: string): Promise<{ warned: number; notified: number }> {
    if (this.config.retention.warningDays === 0) return Promise.resolve({ warned: 0, notified: 0 });
    return this.tx.run(async (em) => {
      await this.repo.lockWarnings();
      const counts: Partial<Record<SeaStatus, number>> = {};
      let warned = 0;
      for (const status of RETAINED_STATUSES) {
        const c = retentionDayCutoffs(today, this.period(status));
        if (c === null) continue;
        const n = await this.repo.markWarned(status, c.warnClosedBefore, today);
        if (n > 0) counts[status] = n;
        warned += n;
      }
      if (warned === 0) return { warned, notified: 0 };
      const notified = await this.repo.notifyFocalPoints(today, this.clock.now(), counts);
      await this.audit.record(
        { action: 'sea.retention.warn', outcome: 'success', actorId: null, actorRole: 'system', targetType: 'digest', targetId: null, details: { day: today, warned, notified, ...counts } },
        em,
      );
      this.logger.log({ job: 'sea.retention', warned, notified }, 'SEA retention warning sent');
      return { warned, notified };
    });
  }

  private shredBatch(status: SeaStatus, cutoff: { closedBefore: string; warnedOnOrBefore: string | null }, today: string): Promise<number> {
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
