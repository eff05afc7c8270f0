import { AsyncLocalStorage } from 'node:async_hooks';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Pool, PoolClient } from 'pg';
import { DataSource, EntityManager } from 'typeorm';

/** The transaction open in the current async context, and what must happen once it ends. */
interface TransactionFrame {
  em: EntityManager;
  open: boolean;
  afterEnd: (() => Promise<void>)[];
}

const frames = new AsyncLocalStorage<TransactionFrame>();

/**
 * Thrown instead of waiting when code holding a connection inside a transaction asks the pool
 * for another: with a pool of N, N such requests would wait on each other forever.
 */
export class SecondConnectionError extends Error {
  constructor() {
    super('a pooled connection was requested while this context holds an open transaction; pass its EntityManager on');
    this.name = 'SecondConnectionError';
  }
}

/**
 * One transaction per use case. `run` opens a transaction, or joins the one already open in
 * this async context, so a use case that calls another never takes a second connection.
 * Work that must outlive a rollback (the audit event of a refusal) is queued with
 * `afterEnd` and runs on the pool once the transaction has ended, whatever its outcome.
 */
@Injectable()
export class TransactionHost {
  private readonly logger = new Logger(TransactionHost.name);

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The manager of the transaction open in this async context, if any. */
  static active(): EntityManager | undefined {
    const frame = frames.getStore();
    return frame?.open ? frame.em : undefined;
  }

  /** The open transaction's manager, or the pool's: reads made inside a use case join its transaction. */
  get manager(): EntityManager {
    return TransactionHost.active() ?? this.dataSource.manager;
  }

  async run<T>(fn: (em: EntityManager) => Promise<T>): Promise<T> {
    const current = frames.getStore();
    if (current?.open) return fn(current.em);
    let frame: TransactionFrame | undefined;
    try {
      return await this.dataSource.transaction((em) => {
        frame = { em, open: true, afterEnd: [] };
        return frames.run(frame, () => fn(em));
      });
    } finally {
      if (frame) {
        frame.open = false;
        await this.flush(frame.afterEnd);
      }
    }
  }

  /**
   * Runs `work` once the transaction open in this context has ended (committed or rolled
   * back); with none open, runs it now. Returns when `work` has run or has been queued.
   */
  static async afterEnd(work: () => Promise<void>): Promise<void> {
    const frame = frames.getStore();
    if (frame?.open) frame.afterEnd.push(work);
    else await work();
  }

  private async flush(queue: (() => Promise<void>)[]): Promise<void> {
    for (const work of queue) {
      try {
        await work();
      } catch (err) {
        // The caller's own outcome (its result or its error) must reach it even if this fails.
        this.logger.error({ err: { type: err instanceof Error ? err.name : 'unknown' } }, 'deferred work after a transaction failed');
      }
    }
  }
}

/**
 * Makes the pool refuse, instead of queueing, a checkout made while the current async
 * context holds an open transaction (see SecondConnectionError).
 */
export function guardAgainstSecondConnection(pool: Pool): void {
  const connect = pool.connect.bind(pool) as (cb?: (err: Error | undefined, client?: PoolClient, release?: () => void) => void) => unknown;
  const guarded = (cb?: (err: Error | undefined, client?: PoolClient, release?: () => void) => void): unknown => {
    if (frames.getStore()?.open) {
      const err = new SecondConnectionError();
      if (cb) {
        process.nextTick(() => cb(err));
        return undefined;
      }
      return Promise.reject(err);
    }
    return connect(cb);
  };
  (pool as unknown as { connect: typeof guarded }).connect = guarded;
}
