import { OnApplicationShutdown, OnModuleDestroy } from '@nestjs/common';
import type { ThrottlerStorage } from '@nestjs/throttler';
import type { ThrottlerStorageRecord } from '@nestjs/throttler/dist/throttler-storage-record.interface';

interface Window {
  hits: number;
  windowEnd: number;
  blockedUntil: number;
}

/**
 * Fixed-window counters in this process's memory: no timer and no round trip per request.
 * Expired windows are swept once per `sweepMs`.
 */
export class MemoryThrottlerStorage implements ThrottlerStorage, OnApplicationShutdown {
  private readonly windows = new Map<string, Window>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(sweepMs = 60_000) {
    this.sweeper = setInterval(() => this.sweep(), sweepMs);
    this.sweeper.unref();
  }

  increment(key: string, ttl: number, limit: number, blockDuration: number): Promise<ThrottlerStorageRecord> {
    const now = Date.now();
    let w = this.windows.get(key);
    if (!w || now >= w.windowEnd) {
      w = { hits: 0, windowEnd: now + ttl, blockedUntil: w && w.blockedUntil > now ? w.blockedUntil : 0 };
      this.windows.set(key, w);
    }
    w.hits++;
    if (w.blockedUntil <= now && w.hits > limit) w.blockedUntil = now + blockDuration;
    const isBlocked = w.blockedUntil > now;
    return Promise.resolve({
      totalHits: w.hits,
      timeToExpire: Math.ceil((w.windowEnd - now) / 1000),
      isBlocked,
      timeToBlockExpire: isBlocked ? Math.ceil((w.blockedUntil - now) / 1000) : 0,
    });
  }

  onApplicationShutdown(): void {
    clearInterval(this.sweeper);
  }

  private sweep(): void {
    const now = Date.now();
    for (const [key, w] of this.windows) if (w.windowEnd <= now && w.blockedUntil <= now) this.windows.delete(key);
  }
}

/**
 * The general limit (`default`) counts in this process; the strict classes (`auth`, `public`)
 * count in the shared store. So an authenticated request makes no Redis round trip, while the
 * budgets that stop password guessing and anonymous-intake abuse hold across API processes.
 * With N API processes behind a balancer, the general limit becomes up to N × THROTTLE_LIMIT
 * per source: it is a coarse flood guard, and the sources that matter are bounded by the
 * shared budgets, the per-account lockout and the SEA receipt-failure budget.
 */
export class SplitThrottlerStorage implements ThrottlerStorage, OnModuleDestroy {
  constructor(
    private readonly local: MemoryThrottlerStorage,
    private readonly shared: ThrottlerStorage & { onModuleDestroy?: () => unknown },
  ) {}

  increment(key: string, ttl: number, limit: number, blockDuration: number, throttlerName: string): Promise<ThrottlerStorageRecord> {
    const store = throttlerName === 'default' ? this.local : this.shared;
    return store.increment(key, ttl, limit, blockDuration, throttlerName);
  }

  onModuleDestroy(): void {
    this.local.onApplicationShutdown();
    this.shared.onModuleDestroy?.();
  }
}
