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
 * Longest a single publish may take. A command written to Redis just before it dies can stay
 * pending until the client's reconnect logic gives up on it; the pass must not wait that long
 * with its rows locked, or no relay (this one or another) records the attempt.
 */
const PUBLISH_TIMEOUT_MS = 3000;
/** Longest shutdown waits for a pass in flight before closing the publisher anyway. */
const SHUTDOWN_WAIT_MS = 5000;

class PublishTimeoutError extends Error {
  override name = 'PublishTimeoutError';
}

/** Settles with the promise, or rejects once `ms` have passed; never leaves a timer behind. */
async function within<T>(ms: number, promise: Promise<T>, onTimeout: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onTimeout()), ms);
  });
  try {
    return await Promise.race([promise, expired]);
  } finally {
    clearTimeout(timer);
  }
}

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
    if (this.running) {
      await within(SHUTDOWN_WAIT_MS, this.running, () => new PublishTimeoutError()).catch(() => undefined);
    }
    // With Redis down a graceful close waits for a reconnection that may never come.
    await within(SHUTDOWN_WAIT_MS, this.queue.close(), () => new PublishTimeoutError()).catch(() =>
      this.queue.disconnect(),
    );
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.relayOnce().catch((e: unknown) => {
        this.logger.warn({ event: 'outbox.relay.failed', errorType: (e as Error)?.name ?? 'unknown' }, 'outbox relay pass failed; will retry');
        return 0;
      });
      void this.running.finally(() => this.schedule());
    }, this.config.outbox.pollMs);
  }

  /**
   * Publishes one batch; returns how many rows it published. No transaction is held across
   * the Redis round trip: a dying Redis connection or a slow publish must never keep a pooled
   * connection idle in a transaction or rows locked for the other relays. Two relays may
   * publish the same row at once; the fixed jobId makes the second publish a no-op, so the
   * job still runs once, and marking a row published is conditional.
   */
  async relayOnce(): Promise<number> {
    const repo = this.dataSource.getRepository(OutboxMessage);
    const rows = await repo.createQueryBuilder('o').where('o.published_at IS NULL').orderBy('o.id', 'ASC').limit(BATCH).getMany();
    let published = 0;
    for (const row of rows) {
      try {
        // A publish that times out may still land later: the fixed jobId makes the next
        // pass's republish of the same row a no-op, so the job still runs once.
        await within(
          PUBLISH_TIMEOUT_MS,
          this.queue.add(row.name, row.payload, {
            jobId: `outbox-${row.id}`,
            attempts: 5,
            backoff: { type: 'exponential', delay: 1000 },
            removeOnComplete: { age: 24 * 3600, count: 10000 },
            removeOnFail: { age: 7 * 24 * 3600 },
          }),
          () => new PublishTimeoutError(),
        );
        await repo
          .createQueryBuilder()
          .update()
          .set({ publishedAt: () => 'now()', attempts: () => 'attempts + 1' })
          .where('id = :id AND published_at IS NULL', { id: row.id })
          .execute();
        published++;
      } catch (e) {
        await repo
          .createQueryBuilder()
          .update()
          .set({ attempts: () => 'attempts + 1', lastError: String((e as Error)?.name ?? 'Error').slice(0, 200) })
          .where('id = :id AND published_at IS NULL', { id: row.id })
          .execute();
        break; // Redis is likely down: keep order, try the rest next pass.
      }
    }
    return published;
  }
}
