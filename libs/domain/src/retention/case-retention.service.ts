import { Injectable, Logger } from '@nestjs/common';
import { AuditService } from '@amani/audit';
import { AppConfig, InjectConfig } from '@amani/config';
import { TransactionHost } from '@amani/database';
import { CasesService } from '@amani/domain/cases';
import { Clock } from '@amani/jobs';
import { CaseRetentionRepository } from './case-retention.repository';
import { RetentionPeriod, retentionCutoffs } from './retention-rule';

const DAY_MS = 86_400_000;
const WARN_BATCH = 100;

export interface CaseRetentionResult {
  warned: number;
  notified: number;
  erased: number;
}

/**
 * The daily case retention job (RETENTION_CASE_CLOSED_DAYS, RETENTION_WARNING_DAYS): warns
 * the people of each closed case that is due, once per closing, then erases every closed case
 * that has expired and whose notice has run, through the same erasure as DELETE /cases/:id
 * (reason `retention_expired`). Audited per case with ids and numbers only; never opens a key.
 * Idempotent, and safe with several workers (rows are claimed with SKIP LOCKED).
 */
@Injectable()
export class CaseRetentionService {
  private readonly logger = new Logger(CaseRetentionService.name);

  constructor(
    private readonly tx: TransactionHost,
    private readonly repo: CaseRetentionRepository,
    private readonly cases: CasesService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  period(): RetentionPeriod {
    return { keepDays: this.config.retention.caseClosedDays, warningDays: this.config.retention.warningDays };
  }

  async run(): Promise<CaseRetentionResult> {
    const now = this.clock.now();
    const period = this.period();
    const cutoffs = retentionCutoffs(now, period);
    if (cutoffs === null) return { warned: 0, notified: 0, erased: 0 };
    let warned = 0;
    let notified = 0;
    if (cutoffs.shredWarnedBy !== null) {
      for (;;) {
        const batch = await this.tx.run(async (em) => {
          const due = await this.repo.markWarned(cutoffs, now, WARN_BATCH);
          let told = 0;
          for (const c of due) {
            // Days until the erasure: the end of the period, or the full notice if that is later.
            const expires = c.closedAt.getTime() + period.keepDays! * DAY_MS;
            const daysLeft = Math.max(Math.ceil((expires - now.getTime()) / DAY_MS), period.warningDays);
            const n = await this.repo.notify(c, daysLeft, now);
            told += n;
            await this.audit.record(
              { action: 'case.retention.warn', outcome: 'success', actorId: null, actorRole: 'system', agencyId: c.agencyId, targetType: 'case', targetId: c.id, details: { daysLeft, notified: n } },
              em,
            );
          }
          return { cases: due.length, told };
        });
        warned += batch.cases;
        notified += batch.told;
        if (batch.cases < WARN_BATCH) break;
      }
    }
    let erased = 0;
    for (;;) {
      const done = await this.tx.run(async () => {
        const c = await this.repo.lockExpired(cutoffs);
        if (c === null) return null;
        return this.cases.eraseExpired(c.id, c.agencyId);
      });
      if (done === null) break;
      if (done) erased += 1;
    }
    if (warned + erased > 0) this.logger.log({ job: 'case.retention', warned, notified, erased }, 'case retention');
    return { warned, notified, erased };
  }
}
