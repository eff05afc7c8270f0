import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { MAIN_QUEUE } from '@amani/jobs';

export const AUDIT_CHECKPOINT_EVERY_MS = 3_600_000;
const RETRY_MS = 30_000;

/**
 * Worker only: keeps an hourly `audit.checkpoint` job scheduler in BullMQ. Upserting the
 * same scheduler id from every worker is idempotent, so N workers still give one job an hour.
 */
@Injectable()
export class AuditCheckpointScheduler implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(AuditCheckpointScheduler.name);
  private retry?: NodeJS.Timeout;
  private stopped = false;

  constructor(@InjectQueue(MAIN_QUEUE) private readonly queue: Queue) {}

  onApplicationBootstrap(): void {
    void this.upsert();
  }

  onModuleDestroy(): void {
    this.stopped = true;
    if (this.retry) clearTimeout(this.retry);
  }

  /** Never throws: while Redis is unreachable it retries in the background. */
  async upsert(): Promise<boolean> {
    try {
      await this.queue.upsertJobScheduler(
        'audit.checkpoint',
        { every: AUDIT_CHECKPOINT_EVERY_MS },
        { name: 'audit.checkpoint', data: {} },
      );
      return true;
    } catch (e) {
      this.logger.warn({ err: { type: (e as Error)?.name } }, 'could not schedule audit checkpoints; will retry');
      if (!this.stopped) {
        this.retry = setTimeout(() => void this.upsert(), RETRY_MS);
        this.retry.unref();
      }
      return false;
    }
  }
}
