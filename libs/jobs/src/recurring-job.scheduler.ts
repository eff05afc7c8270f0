import { InjectQueue } from '@nestjs/bullmq';
import { Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type { Queue } from 'bullmq';
import type { JobPayload } from './job-payload';
import { JobName, MAIN_QUEUE } from './queues';

export interface RecurringJob {
  /** BullMQ job-scheduler id; the same id from every worker is one schedule. */
  id: string;
  job: JobName;
  repeat: { every: number } | { pattern: string; tz?: string };
  data?: JobPayload;
}

const RETRY_MS = 30_000;

/**
 * Worker only: keeps a feature's recurring jobs as BullMQ job schedulers. Upserting the same
 * scheduler id from N workers is idempotent, so each schedule fires once per period. Start-up
 * never fails on it: while Redis is unreachable it retries in the background.
 */
export abstract class RecurringJobScheduler implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(this.constructor.name);
  private retry?: NodeJS.Timeout;
  private stopped = false;

  constructor(@InjectQueue(MAIN_QUEUE) private readonly queue: Queue) {}

  protected abstract recurringJobs(): RecurringJob[];

  onApplicationBootstrap(): void {
    void this.upsert();
  }

  onModuleDestroy(): void {
    this.stopped = true;
    if (this.retry) clearTimeout(this.retry);
  }

  /** Never throws; answers whether every schedule is in place. */
  async upsert(): Promise<boolean> {
    try {
      for (const r of this.recurringJobs()) {
        await this.queue.upsertJobScheduler(r.id, r.repeat, { name: r.job, data: r.data ?? {} });
      }
      return true;
    } catch (e) {
      this.logger.warn({ err: { type: (e as Error)?.name } }, 'could not schedule recurring jobs; will retry');
      if (!this.stopped) {
        this.retry = setTimeout(() => void this.upsert(), RETRY_MS);
        this.retry.unref();
      }
      return false;
    }
  }
}
