import { Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Pool } from 'pg';
import { DataSource } from 'typeorm';
import { AppConfig, InjectConfig } from '@amani/config';
import { poolOf } from './pool';

/**
 * Watches the connection pool for a wedge: requests waiting for a connection while none has
 * been handed out for `DATABASE_POOL_STUCK_MS`. Liveness reports it so an orchestrator
 * restarts the process instead of leaving it answering nothing.
 */
@Injectable()
export class PoolMonitor implements OnModuleInit, OnModuleDestroy {
  private pool?: Pool;
  private lastCheckout = Date.now();
  private waitingSince: number | null = null;
  private timer?: NodeJS.Timeout;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.pool = poolOf(this.dataSource);
    this.pool.on('acquire', () => {
      this.lastCheckout = Date.now();
    });
    this.timer = setInterval(() => this.sample(), 500);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  /** How long requests have waited with no connection handed out; 0 when the pool is moving. */
  stuckForMs(now = Date.now()): number {
    this.sample(now);
    if (this.waitingSince === null) return 0;
    return now - Math.max(this.waitingSince, this.lastCheckout);
  }

  isStuck(now = Date.now()): boolean {
    return this.stuckForMs(now) >= this.config.database.poolStuckMs;
  }

  stats(): { total: number; idle: number; waiting: number } {
    const p = this.pool;
    return { total: p?.totalCount ?? 0, idle: p?.idleCount ?? 0, waiting: p?.waitingCount ?? 0 };
  }

  private sample(now = Date.now()): void {
    const waiting = this.pool?.waitingCount ?? 0;
    if (waiting === 0) this.waitingSince = null;
    else if (this.waitingSince === null) this.waitingSince = now;
  }
}
