import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Queue, RedisOptions } from 'bullmq';
import { DataSource } from 'typeorm';
import { AppConfig, InjectConfig } from '@amani/config';
import { MAIN_QUEUE } from '../queues';
import { redisOptionsFromUrl } from '../redis-options';
import { OutboxMessage } from './outbox.entity';

const BATCH = 100;

/**
 * Moves outbox rows to BullMQ. Several relays may run (one per worker): rows are claimed
 * with SKIP LOCKED, and jobId = outbox-<id> makes a republish after a crash a no-op.
 */
@Injectable()
export class OutboxRelayService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(OutboxRelayService.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<number>;
  private stopped = false;

  /**
   * Its own publisher, failing fast while Redis is down (no offline queue) so a pass ends
   * and leaves the rows for the next one instead of waiting on a dead connection.
   */
  private readonly queue: Queue;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectConfig() private readonly config: AppConfig,
  ) {
    this.queue = new Queue(MAIN_QUEUE, {
      prefix: config.redis.prefix,
      connection: { ...redisOptionsFromUrl(config.redis.url), enableOfflineQueue: false, maxRetriesPerRequest: 1 } as RedisOptions,
    });
    this.queue.on('error', () => undefined); // reported by the failed pass
  }

  onApplicationBootstrap(): void {
    this.schedule();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running?.catch(() => undefined);
    await this.queue.close();
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.relayOnce().catch((e: unknown) => {
        this.logger.warn({ err: { type: (e as Error)?.name } }, 'outbox relay pass failed; will retry');
        return 0;
      });
      void this.running.finally(() => this.schedule());
    }, this.config.outbox.pollMs);
  }

  /** Publishes one batch; returns how many rows it published. */
  async relayOnce(): Promise<number> {
    return this.dataSource.transaction(async (em) => {
      const rows = await em
        .getRepository(OutboxMessage)
        .createQueryBuilder('o')
        .where('o.published_at IS NULL')
        .orderBy('o.id', 'ASC')
        .limit(BATCH)
        .setLock('pessimistic_write')
        .setOnLocked('skip_locked')
        .getMany();
      let published = 0;
      for (const row of rows) {
        try {
          await this.queue.add(row.name, row.payload, {
            jobId: `outbox-${row.id}`,
            attempts: 5,
            backoff: { type: 'exponential', delay: 1000 },
            removeOnComplete: { age: 24 * 3600, count: 10000 },
            removeOnFail: { age: 7 * 24 * 3600 },
          });
          await em.update(OutboxMessage, { id: row.id }, { publishedAt: new Date(), attempts: row.attempts + 1 });
          published++;
        } catch (e) {
          await em.update(OutboxMessage, { id: row.id }, {
            attempts: row.attempts + 1,
            lastError: String((e as Error)?.name ?? 'Error').slice(0, 200),
          });
          break; // Redis is likely down: keep order, try the rest next pass.
        }
      }
      return published;
    });
  }
}
