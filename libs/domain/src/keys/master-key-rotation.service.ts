import { TransactionHost } from '@amani/database';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { EnvelopeCrypto, MASTER_KEY_PROVIDER, MasterKeyProvider } from '@amani/crypto';
import { OutboxService } from '@amani/jobs';
import { MasterKeyTarget } from './master-key-targets';

/** The list of what lives under the master key (MASTER_KEY_TARGETS; a shorter one in tests). */
export const MASTER_KEY_TARGETS_TOKEN = Symbol('MASTER_KEY_TARGETS');

export const REWRAP_DEFAULT_BATCH = 200;
export const REWRAP_MAX_BATCH = 5000;
/** Passes over rows skipped because a request held them locked. */
const LOCKED_ROW_PASSES = 5;
const LOCKED_ROW_WAIT_MS = 200;

/** Payload of `keys.rewrap`: the version to re-wrap to and the batch size (rows per transaction). */
export interface RewrapPayload {
  [key: string]: number;
  version: number;
  batchSize: number;
}

export interface MasterKeyStatus {
  current: number;
  /** Versions this process holds the key of. */
  held: number[];
  /** version -> target name -> rows still under it. */
  remaining: Map<number, Map<string, number>>;
  versions: { version: number; createdAt: Date; rewrapFinishedAt: Date | null; retiredAt: Date | null }[];
}

export class RetireRefusedError extends Error {
  constructor(readonly reason: 'current' | 'in_use', readonly remaining = 0) {
    super(reason === 'current' ? 'the version is current; rotate first' : `${remaining} values are still under this version; run keys:rewrap and wait`);
    this.name = 'RetireRefusedError';
  }
}

/**
 * Master key (KEK) rotation: what remains under each version, the resumable re-wrap (one
 * transaction per batch, so a killed worker loses at most the batch in flight and the next run
 * starts from the rows still under an old version), and retirement once nothing remains.
 */
@Injectable()
export class MasterKeyRotationService {
  private readonly logger = new Logger(MasterKeyRotationService.name);

  constructor(
    private readonly tx: TransactionHost,
    private readonly crypto: EnvelopeCrypto,
    @Inject(MASTER_KEY_PROVIDER) private readonly keys: MasterKeyProvider,
    private readonly outbox: OutboxService,
    @Inject(MASTER_KEY_TARGETS_TOKEN) private readonly targets: readonly MasterKeyTarget[],
  ) {}

  currentVersion(): number {
    return this.keys.currentVersion();
  }

  async status(): Promise<MasterKeyStatus> {
    const remaining = new Map<number, Map<string, number>>();
    for (const target of this.targets) {
      for (const [version, n] of await target.countByVersion(this.tx.manager)) {
        if (!remaining.has(version)) remaining.set(version, new Map());
        remaining.get(version)!.set(target.name, n);
      }
    }
    const rows: { version: number; created_at: Date; rewrap_finished_at: Date | null; retired_at: Date | null }[] = await this.tx.manager.query(
      `SELECT version, created_at, rewrap_finished_at, retired_at FROM master_key_versions ORDER BY version`,
    );
    return {
      current: this.keys.currentVersion(),
      held: this.keys.versions(),
      remaining,
      versions: rows.map((r) => ({ version: r.version, createdAt: r.created_at, rewrapFinishedAt: r.rewrap_finished_at, retiredAt: r.retired_at })),
    };
  }

  /** Rows under a version other than `version`, across every target. */
  async remainingOutside(version: number): Promise<number> {
    let n = 0;
    for (const target of this.targets) {
      for (const [v, count] of await target.countByVersion(this.tx.manager)) if (v !== version) n += count;
    }
    return n;
  }

  async remainingUnder(version: number): Promise<number> {
    let n = 0;
    for (const target of this.targets) n += (await target.countByVersion(this.tx.manager)).get(version) ?? 0;
    return n;
  }

  /** The highest version ever recorded (rotated to or retired), so a number is never reused. */
  async highestRecorded(): Promise<number> {
    const [row]: { v: number | null }[] = await this.tx.manager.query(`SELECT max(version) AS v FROM master_key_versions`);
    return Number(row?.v ?? 0);
  }

  async retiredVersions(): Promise<number[]> {
    const rows: { version: number }[] = await this.tx.manager.query(`SELECT version FROM master_key_versions WHERE retired_at IS NOT NULL ORDER BY version`);
    return rows.map((r) => r.version);
  }

  /** Records `version` as rotated to (again) and queues the re-wrap to it. */
  async requestRewrap(version: number, batchSize = REWRAP_DEFAULT_BATCH): Promise<void> {
    await this.tx.run(async (em) => {
      const [retired]: { version: number }[] = await em.query(`SELECT version FROM master_key_versions WHERE version = $1 AND retired_at IS NOT NULL`, [version]);
      if (retired) throw new RetireRefusedError('current');
      await em.query(
        `INSERT INTO master_key_versions (version) VALUES ($1) ON CONFLICT (version) DO UPDATE SET rewrap_finished_at = NULL`,
        [version],
      );
      const payload: RewrapPayload = { version, batchSize };
      await this.outbox.enqueue('keys.rewrap', payload, em);
    });
  }

  /** Whether a re-wrap to `version` was requested and has not finished. */
  async rewrapPending(version: number): Promise<boolean> {
    const rows: unknown[] = await this.tx.manager.query(
      `SELECT 1 FROM master_key_versions WHERE version = $1 AND rewrap_finished_at IS NULL AND retired_at IS NULL`,
      [version],
    );
    return rows.length > 0;
  }

  /**
   * Re-wraps everything not under this process's current version, a batch per transaction.
   * Safe to run twice at once (rows are claimed with SKIP LOCKED) and to kill at any point.
   * Returns how many values it re-wrapped and how many remain (locked by requests throughout,
   * or written since by a process that still holds an older current version).
   */
  async rewrap(batchSize: number, onBatch?: (done: number) => Promise<void>): Promise<{ rewrapped: number; remaining: number }> {
    const current = this.keys.currentVersion();
    const limit = Math.min(Math.max(1, Math.floor(batchSize) || REWRAP_DEFAULT_BATCH), REWRAP_MAX_BATCH);
    let rewrapped = 0;
    let remaining = 0;
    for (let pass = 0; pass < LOCKED_ROW_PASSES; pass++) {
      for (const target of this.targets) {
        for (;;) {
          const n = await this.tx.run((em) => target.rewrapBatch(em, this.crypto, current, limit));
          if (n === 0) break;
          rewrapped += n;
          await onBatch?.(rewrapped);
        }
      }
      remaining = await this.remainingOutside(current);
      if (remaining === 0) break;
      await new Promise((r) => setTimeout(r, LOCKED_ROW_WAIT_MS));
    }
    if (remaining === 0) {
      await this.tx.manager.query(
        `INSERT INTO master_key_versions (version, rewrap_finished_at) VALUES ($1, now())
           ON CONFLICT (version) DO UPDATE SET rewrap_finished_at = now()`,
        [current],
      );
    }
    this.logger.log({ event: 'key.rewrap.pass', version: current, rewrapped, remaining }, 'master key re-wrap pass done');
    return { rewrapped, remaining };
  }

  /** Marks `version` retired; refuses while it is current or anything remains under it. */
  async retire(version: number): Promise<void> {
    if (version === this.keys.currentVersion()) throw new RetireRefusedError('current');
    await this.tx.run(async (em) => {
      // Serialises with a concurrent rotate/retire; the counts below then see committed rows.
      await em.query(`LOCK TABLE master_key_versions IN SHARE ROW EXCLUSIVE MODE`);
      let n = 0;
      for (const target of this.targets) n += (await target.countByVersion(em)).get(version) ?? 0;
      if (n > 0) throw new RetireRefusedError('in_use', n);
      await em.query(
        `INSERT INTO master_key_versions (version, retired_at) VALUES ($1, now())
           ON CONFLICT (version) DO UPDATE SET retired_at = COALESCE(master_key_versions.retired_at, now())`,
        [version],
      );
    });
  }
}
