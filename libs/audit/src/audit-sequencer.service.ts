import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy, Optional } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AppConfig, InjectConfig } from '@amani/config';
import { canonicalJson, GENESIS_HASH, hashAuditEvent } from './audit-hash';
import { AUDIT_FIELD_COLUMNS, RawAuditFields, toHashable } from './audit-row';

/** pg advisory lock key held by the one sequencer pass running in the whole deployment. */
export const AUDIT_SEQUENCER_LOCK_KEY = '7021234981202250001';

export const AUDIT_MODULE_OPTIONS = Symbol('AUDIT_MODULE_OPTIONS');
export interface AuditModuleOptions {
  /** Run the sequencer on a timer (API and worker); the CLI only flushes on demand. */
  sequencerTimer: boolean;
}

const DEFAULT_BATCH = 500;
const COLUMNS_PER_ROW = 14;

interface QueuedRow extends RawAuditFields {
  id: string;
}

interface ChainHead {
  seq: string;
  hash: Buffer;
}

/**
 * Trillian-style sequencer: writers only insert into audit_queue, in parallel; one pass at a
 * time (a transaction-scoped advisory lock, across every process) takes queued entries in id
 * order, links them onto the chain head and deletes them from the queue. The primary key on
 * seq and the unique queue_id make a fork or a double entry fail even if the lock were lost.
 */
@Injectable()
export class AuditSequencer implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(AuditSequencer.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = false;
  readonly batchSize: number = DEFAULT_BATCH;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectConfig() private readonly config: AppConfig,
    @Optional() @Inject(AUDIT_MODULE_OPTIONS) private readonly options?: AuditModuleOptions,
  ) {}

  onApplicationBootstrap(): void {
    if (this.options?.sequencerTimer === false) return;
    this.schedule(this.config.audit.sequencerMs);
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  /**
   * Sequences everything queued so far, waiting for a pass in another process if need be.
   * Returns how many entries this call sequenced.
   */
  async flush(): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await this.runOnce({ wait: true });
      total += n ?? 0;
      if (n !== null && n < this.batchSize) return total;
    }
  }

  /**
   * One pass: at most batchSize entries. Returns null when another pass holds the lock
   * (and `wait` is false), else how many entries were sequenced.
   */
  async runOnce(opts: { wait?: boolean } = {}): Promise<number | null> {
    return this.dataSource.transaction('READ COMMITTED', async (em) => {
      // A process that stalls mid-pass must not hold the chain's lock for ever: the server
      // ends the session and the next pass takes over.
      await em.query(`SET LOCAL idle_in_transaction_session_timeout = '10s'`);
      if (opts.wait) {
        await em.query(`SET LOCAL lock_timeout = '30s'`);
        await em.query('SELECT pg_advisory_xact_lock($1)', [AUDIT_SEQUENCER_LOCK_KEY]);
      } else {
        const [{ locked }] = await em.query<{ locked: boolean }[]>('SELECT pg_try_advisory_xact_lock($1) AS locked', [
          AUDIT_SEQUENCER_LOCK_KEY,
        ]);
        if (!locked) return null;
      }
      return this.sequenceBatch(em);
    });
  }

  private async sequenceBatch(em: EntityManager): Promise<number> {
    // Read committed + the lock: every earlier pass has committed, so this is the true head.
    const head = await em.query<ChainHead[]>('SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1');
    // No row locks needed (nor granted: FOR UPDATE would need UPDATE on the queue): the
    // advisory lock already makes this the only pass reading the queue.
    const queued = await em.query<QueuedRow[]>(
      `SELECT id, ${AUDIT_FIELD_COLUMNS} FROM audit_queue ORDER BY id LIMIT $1`,
      [this.batchSize],
    );
    if (queued.length === 0) return 0;

    let seq = head.length ? BigInt(head[0].seq) : 0n;
    let prevHash = head.length ? head[0].hash : GENESIS_HASH;
    const params: unknown[] = [];
    const tuples: string[] = [];
    for (const row of queued) {
      seq += 1n;
      const hash = hashAuditEvent(toHashable(row, seq, prevHash));
      const p = params.length;
      const ph = Array.from({ length: COLUMNS_PER_ROW }, (_, i) => `$${p + i + 1}`);
      ph[12] = `${ph[12]}::jsonb`;
      tuples.push(`(${ph.join(', ')})`);
      params.push(
        seq.toString(),
        row.id,
        prevHash,
        hash,
        row.occurred_at,
        row.actor_id,
        row.actor_role,
        row.agency_id,
        row.action,
        row.target_type,
        row.target_id,
        row.outcome,
        canonicalJson(row.details ?? {}),
        row.request_id,
      );
      prevHash = hash;
    }
    await em.query(
      `INSERT INTO audit_events (seq, queue_id, prev_hash, hash, occurred_at, actor_id, actor_role,
         agency_id, action, target_type, target_id, outcome, details, request_id)
       VALUES ${tuples.join(', ')}`,
      params,
    );
    await em.query('DELETE FROM audit_queue WHERE id = ANY($1::bigint[])', [queued.map((r) => r.id)]);
    return queued.length;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.tick().then((next) => this.schedule(next));
    }, delayMs);
    this.timer.unref();
  }

  /** Never throws: a failed pass is logged (error class only) and retried on the next tick. */
  private async tick(): Promise<number> {
    try {
      const n = await this.runOnce();
      // A full batch means more is waiting: go again at once.
      return n === this.batchSize ? 0 : this.config.audit.sequencerMs;
    } catch (e) {
      this.logger.warn({ err: { type: (e as Error)?.name } }, 'audit sequencer pass failed; will retry');
      return this.config.audit.sequencerMs;
    }
  }
}
