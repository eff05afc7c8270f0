import { Injectable, Logger } from '@nestjs/common';
import { AuditService } from '@amani/audit';
import { AppConfig, InjectConfig } from '@amani/config';
import { TransactionHost } from '@amani/database';
import { Clock } from '@amani/jobs';
import { utcToday } from './sea-codes';
import { SeaDigestBounds, SeaDigestCounts, SeaDigestRepository } from './sea-digest.repository';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/**
 * The exclusive bound on the receipt day for a deadline of `hours`: complaints keep only the
 * day they arrived (no time), so their clock starts at 00:00 UTC that day, and one received
 * on day D is overdue once D 00:00 + hours has passed.
 */
export function receivedBefore(now: Date, hours: number): string {
  const latest = now.getTime() - hours * HOUR_MS; // a complaint whose day started before this is overdue
  const dayStart = Math.floor(latest / DAY_MS) * DAY_MS;
  return utcToday(new Date(dayStart === latest ? dayStart : dayStart + DAY_MS));
}

export interface SeaDigestResult {
  day: string;
  counts: SeaDigestCounts;
  notified: number;
}

/**
 * Once a day, each focal point gets one notification counting new complaints (received the
 * day before) and those past the triage, victim-assistance and entity-referral deadlines
 * (SEA_*_DEADLINE_HOURS). Numbers only: no complaint id, nothing that dates a submission more
 * finely than the day the team already sees. Nothing to report, no notification. Two workers
 * running it at once notify each focal point once (see SeaDigestRepository).
 */
@Injectable()
export class SeaDigestService {
  private readonly logger = new Logger(SeaDigestService.name);

  constructor(
    private readonly tx: TransactionHost,
    private readonly repo: SeaDigestRepository,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  bounds(now: Date): SeaDigestBounds {
    const { triageHours, assistanceHours, entityReferralHours } = this.config.sea.deadlines;
    return {
      newOn: utcToday(new Date(now.getTime() - DAY_MS)),
      triageBefore: receivedBefore(now, triageHours),
      assistanceBefore: receivedBefore(now, assistanceHours),
      entityReferralBefore: receivedBefore(now, entityReferralHours),
    };
  }

  async run(): Promise<SeaDigestResult> {
    const now = this.clock.now();
    const day = utcToday(now);
    return this.tx.run(async (em) => {
      const counts = await this.repo.counts(this.bounds(now));
      if (counts.needingAttention === 0) return { day, counts, notified: 0 };
      const notified = await this.repo.notifyFocalPoints(day, now, counts);
      if (notified > 0) {
        await this.audit.record(
          { action: 'sea.digest', outcome: 'success', actorId: null, actorRole: 'system', targetType: 'digest', details: { day, notified } },
          em,
        );
        this.logger.log({ job: 'sea.digest', day, notified }, 'SEA digest sent');
      }
      return { day, counts, notified };
    });
  }
}
