import { TransactionHost } from '@amani/database';
import { Injectable, Logger } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { BlindIndexService } from '@amani/crypto';
import { CaseVault, isContactDetails } from '@amani/domain/cases';
import { OutboxService } from '@amani/jobs';
import { REWRAP_DEFAULT_BATCH, REWRAP_MAX_BATCH } from './master-key-rotation.service';

/** Payload of `keys.reindex`: the blind index version to recompute to, and rows per transaction. */
export interface ReindexPayload {
  [key: string]: number;
  version: number;
  batchSize: number;
}

export interface BlindIndexStatus {
  current: number;
  held: number[];
  /** `cases.survivor_code_index` / `cases.phone_index` -> version -> rows. */
  remaining: Map<string, Map<number, number>>;
  /** Rows under an old version whose data key the server cannot open (sealed to an agency): re-indexed on write. */
  awaitingMember: number;
}

interface Candidate {
  id: string;
  agency_id: string;
  survivor_code: Buffer | null;
  contact_details: Buffer | null;
  has_code: boolean;
  has_phone: boolean;
  wrapped_dek: Buffer;
  kek_version: number;
  key_version: number;
}

/**
 * Blind index key rotation for cases. A blind index is a keyed hash of the plaintext, so it can
 * only be recomputed where the plaintext can be read: this job opens cases whose data key is
 * still wrapped by the master key (the server can), a batch per transaction. A case whose key
 * is sealed to its agency (nullable wrapped_dek) is left to its members: its phone index is
 * recomputed under the current version whenever the contact details are written, and lookups
 * match under every held version meanwhile — so an old blind index version stays held until
 * `keys:status` shows nothing under it.
 */
@Injectable()
export class BlindIndexReindexService {
  private readonly logger = new Logger(BlindIndexReindexService.name);

  constructor(
    private readonly tx: TransactionHost,
    private readonly blindIndex: BlindIndexService,
    private readonly vault: CaseVault,
    private readonly outbox: OutboxService,
  ) {}

  currentVersion(): number {
    return this.blindIndex.currentVersion();
  }

  async status(): Promise<BlindIndexStatus> {
    const remaining = new Map<string, Map<number, number>>();
    for (const [name, index, version] of [
      ['cases.survivor_code_index', 'survivor_code_index', 'survivor_code_index_version'],
      ['cases.phone_index', 'phone_index', 'phone_index_version'],
    ] as const) {
      const rows: { v: number; n: number }[] = await this.tx.manager.query(
        `SELECT ${version} AS v, count(*)::int AS n FROM cases WHERE ${index} IS NOT NULL GROUP BY 1 ORDER BY 1`,
      );
      remaining.set(name, new Map(rows.map((r) => [Number(r.v), Number(r.n)])));
    }
    const [sealed]: { n: number }[] = await this.tx.manager.query(
      `SELECT count(*)::int AS n FROM cases c LEFT JOIN case_keys k ON k.case_id = c.id
        WHERE k.kek_version IS NULL AND ${STALE('$1')}`,
      [this.blindIndex.currentVersion()],
    );
    return { current: this.blindIndex.currentVersion(), held: this.blindIndex.versions(), remaining, awaitingMember: Number(sealed.n) };
  }

  /** Rows indexed under `version` (either index). */
  async remainingUnder(version: number): Promise<number> {
    const [r]: { n: number }[] = await this.tx.manager.query(
      `SELECT count(*)::int AS n FROM cases WHERE (survivor_code_index IS NOT NULL AND survivor_code_index_version = $1)
          OR (phone_index IS NOT NULL AND phone_index_version = $1)`,
      [version],
    );
    return Number(r.n);
  }

  async requestReindex(version: number, batchSize = REWRAP_DEFAULT_BATCH, em?: EntityManager): Promise<void> {
    const payload: ReindexPayload = { version, batchSize };
    await this.outbox.enqueue('keys.reindex', payload, em);
  }

  /** Whether the server could re-index anything now (start-up resumption). */
  async pending(): Promise<boolean> {
    const rows: unknown[] = await this.tx.manager.query(
      `SELECT 1 FROM cases c JOIN case_keys k ON k.case_id = c.id WHERE k.kek_version IS NOT NULL AND ${STALE('$1')} LIMIT 1`,
      [this.blindIndex.currentVersion()],
    );
    return rows.length > 0;
  }

  /** Recomputes, a batch per transaction, every index the server can; safe to kill and to run twice. */
  async reindex(batchSize: number, onBatch?: (done: number) => Promise<void>): Promise<{ reindexed: number; awaitingMember: number }> {
    const current = this.blindIndex.currentVersion();
    const limit = Math.min(Math.max(1, Math.floor(batchSize) || REWRAP_DEFAULT_BATCH), REWRAP_MAX_BATCH);
    let reindexed = 0;
    for (;;) {
      const n = await this.tx.run((em) => this.batch(em, current, limit));
      if (n === 0) break;
      reindexed += n;
      await onBatch?.(reindexed);
    }
    const { awaitingMember } = await this.status();
    this.logger.log({ event: 'key.reindex.pass', version: current, reindexed, awaitingMember }, 'blind index re-index pass done');
    return { reindexed, awaitingMember };
  }

  private async batch(em: EntityManager, current: number, limit: number): Promise<number> {
    const rows: Candidate[] = await em.query(
      `SELECT c.id, c.agency_id, c.survivor_code, c.contact_details,
              c.survivor_code_index IS NOT NULL AS has_code, c.phone_index IS NOT NULL AS has_phone,
              k.wrapped_dek, k.kek_version, k.key_version
         FROM cases c JOIN case_keys k ON k.case_id = c.id
        WHERE k.kek_version IS NOT NULL AND ${STALE('$1')}
        ORDER BY c.id LIMIT $2 FOR NO KEY UPDATE OF c SKIP LOCKED`,
      [current, limit],
    );
    for (const r of rows) {
      const key = await this.vault.keyFromRow(
        { id: r.id, agencyId: r.agency_id },
        { wrappedDek: r.wrapped_dek, kekVersion: r.kek_version, agencyKeyVersion: null, agencyKeyBaseVersion: null, keyVersion: r.key_version },
      );
      let code: string | null;
      let phone: string | null;
      try {
        code = r.has_code ? this.vault.open(key, 'cases', 'survivor_code', r.id, r.survivor_code) : null;
        phone = r.has_phone ? (this.vault.openJson(key, 'cases', 'contact_details', r.id, r.contact_details, isContactDetails)?.phone ?? null) : null;
      } finally {
        this.vault.dispose(key);
      }
      await em.query(
        `UPDATE cases SET survivor_code_index = COALESCE($2::bytea, survivor_code_index),
                          survivor_code_index_version = CASE WHEN $2::bytea IS NULL THEN survivor_code_index_version ELSE $1::int END,
                          phone_index = CASE WHEN phone_index IS NULL THEN NULL ELSE $3::bytea END,
                          phone_index_version = CASE WHEN phone_index IS NULL THEN phone_index_version ELSE $1::int END
          WHERE id = $4::uuid`,
        [current, code === null ? null : this.vault.survivorCodeIndex(code), phone ? this.vault.phoneIndex(phone) : null, r.id],
      );
    }
    return rows.length;
  }
}

/** A case row with an index under another version than `param`. */
const STALE = (param: string) =>
  `c.erased_at IS NULL AND ((c.survivor_code_index IS NOT NULL AND c.survivor_code_index_version <> ${param}) OR (c.phone_index IS NOT NULL AND c.phone_index_version <> ${param}))`;
