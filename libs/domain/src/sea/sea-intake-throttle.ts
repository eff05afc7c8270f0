import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import { AppConfig, InjectConfig } from '@amani/config';
import { sourceTracker } from '@amani/http';
import { redisOptionsFromUrl } from '@amani/jobs';
import { ReceiptAttemptsExhaustedProblem } from './sea-errors';

const ACCESS_COUNT_TTL_SECONDS = 3 * 24 * 3600;

/**
 * Redis counters of the anonymous intake: budgets of failed receipt attempts, and per-day
 * counts of receipt follow-ups for the daily audit summary.
 *
 * Failed receipts are budgeted per source (a keyed hash of the client address, as the
 * throttler keys it) and counted across all sources. Past the all-sources limit the intake is
 * under attack and every source's budget shrinks; a source that has not failed is never
 * refused, so a few hundred addresses can no longer lock every complainant out of their
 * follow-up (a blanket 429 was a denial of service for the price of one window's guesses).
 * Keys hold a window number, a day and at most that hash, never an address. Like the
 * throttler, it fails open while Redis is unreachable.
 */
@Injectable()
export class SeaIntakeThrottle implements OnApplicationShutdown {
  private readonly logger = new Logger(SeaIntakeThrottle.name);
  private readonly redis: Redis;
  private readonly prefix: string;
  private readonly windowMs: number;
  private readonly limit: number;
  private readonly sourceLimit: number;
  private readonly sourceLimitUnderAttack: number;
  private readonly trackerKey: Buffer;
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
    this.sourceLimit = config.sea.sourceFailureLimit;
    this.sourceLimitUnderAttack = Math.min(config.sea.sourceFailureLimitUnderAttack, config.sea.sourceFailureLimit);
    this.trackerKey = config.secrets.trackerKey;
  }

  /**
   * 429 for this source once its failures in the window reach its budget: the normal one, or
   * the smaller one while all sources together are past the limit.
   */
  async assertReceiptAttemptsOpen(address: string | undefined): Promise<void> {
    const [all, mine] = await this.safely(async () => {
      const [a, m] = await this.redis.mget(this.failureKey(), this.sourceKey(address));
      return [Number(a ?? 0), Number(m ?? 0)];
    }, [0, 0]);
    const budget = all >= this.limit ? this.sourceLimitUnderAttack : this.sourceLimit;
    if (mine >= budget) throw new ReceiptAttemptsExhaustedProblem();
  }

  async recordReceiptFailure(address: string | undefined): Promise<void> {
    await this.safely(async () => {
      const all = this.failureKey();
      const mine = this.sourceKey(address);
      await this.redis.multi().incr(all).pexpire(all, this.windowMs * 2).incr(mine).pexpire(mine, this.windowMs * 2).exec();
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
    return `${this.prefix}receipt-failures:${this.window()}`;
  }

  private sourceKey(address: string | undefined): string {
    return `${this.prefix}receipt-failures:${this.window()}:${sourceTracker(this.trackerKey, address)}`;
  }

  private window(): number {
    return Math.floor(Date.now() / this.windowMs);
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
