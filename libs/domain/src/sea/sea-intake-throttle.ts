import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import { AppConfig, InjectConfig } from '@amani/config';
import { redisOptionsFromUrl } from '@amani/jobs';
import { ReceiptAttemptsExhaustedProblem } from './sea-errors';

const ACCESS_COUNT_TTL_SECONDS = 3 * 24 * 3600;

/**
 * Redis counters of the anonymous intake: the global budget of failed receipt attempts
 * (every source together; per-source limits are the throttler's), and per-day counts of
 * receipt follow-ups for the daily audit summary. Keys hold a window number or a day, never
 * anything about a client. Like the throttler, it fails open while Redis is unreachable.
 */
@Injectable()
export class SeaIntakeThrottle implements OnApplicationShutdown {
  private readonly logger = new Logger(SeaIntakeThrottle.name);
  private readonly redis: Redis;
  private readonly prefix: string;
  private readonly windowMs: number;
  private readonly limit: number;
  private connecting?: Promise<void>;

  constructor(@InjectConfig() config: AppConfig) {
    this.redis = new Redis({
      ...redisOptionsFromUrl(config.redis.url),
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      connectTimeout: 1000,
    });
    this.redis.on('error', () => undefined);
    this.prefix = `${config.redis.prefix}:sea:`;
    this.windowMs = config.throttle.ttlSeconds * 1000;
    this.limit = config.sea.receiptFailureLimit;
  }

  /** 429 for everyone once the window's failures reach the limit. */
  async assertReceiptAttemptsOpen(): Promise<void> {
    const failures = await this.safely(async () => Number((await this.redis.get(this.failureKey())) ?? 0), 0);
    if (failures >= this.limit) throw new ReceiptAttemptsExhaustedProblem();
  }

  async recordReceiptFailure(): Promise<void> {
    await this.safely(async () => {
      const key = this.failureKey();
      await this.redis.multi().incr(key).pexpire(key, this.windowMs * 2).exec();
    }, undefined);
  }

  async countAccess(day: string): Promise<void> {
    await this.safely(async () => {
      const key = `${this.prefix}accesses:${day}`;
      await this.redis.multi().incr(key).expire(key, ACCESS_COUNT_TTL_SECONDS).exec();
    }, undefined);
  }

  /** Follow-ups counted on that day, or null when Redis could not tell. */
  accessesOn(day: string): Promise<number | null> {
    return this.safely(async () => Number((await this.redis.get(`${this.prefix}accesses:${day}`)) ?? 0), null);
  }

  onApplicationShutdown(): void {
    this.redis.disconnect();
  }

  private failureKey(): string {
    return `${this.prefix}receipt-failures:${Math.floor(Date.now() / this.windowMs)}`;
  }

  private async safely<T>(fn: () => Promise<T>, fallback: T): Promise<T> {
    try {
      if (this.redis.status === 'wait' || this.redis.status === 'end') {
        this.connecting ??= this.redis.connect().finally(() => (this.connecting = undefined));
      }
      if (this.connecting) await this.connecting;
      return await fn();
    } catch (e) {
      this.logger.warn({ err: { type: (e as Error)?.name } }, 'SEA intake counters unavailable');
      return fallback;
    }
  }
}
