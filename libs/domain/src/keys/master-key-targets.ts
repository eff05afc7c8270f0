import type { EntityManager } from 'typeorm';
import type { DataKeyContext, EnvelopeCrypto, SystemContext } from '@amani/crypto';
import { mfaSecretContext } from '@amani/auth';
import { caseDataKeyContext } from '@amani/domain/cases';
import { referralKeyContext } from '@amani/domain/referrals';
import { SEA_ASSISTANCE_KEY_PURPOSE } from '@amani/domain/sea';

/**
 * Everything the server holds under its master key (KEK), one entry per column, so that
 * rotation, `keys:status` and `keys:retire` see the same list. A new use of wrapDataKey or
 * encryptSystem must be added here, or `keys:retire` could drop a key that still protects data
 * (the unit spec lists the tables to make that omission visible in review).
 */
export interface MasterKeyTarget {
  /** `table.column`, as printed by keys:status. */
  readonly name: string;
  /** Rows per KEK version. */
  countByVersion(em: EntityManager): Promise<Map<number, number>>;
  /**
   * Re-wraps up to `limit` rows held under a version other than `current`, in the caller's
   * transaction (rows locked, others' locked rows skipped). Returns how many it re-wrapped.
   */
  rewrapBatch(em: EntityManager, crypto: EnvelopeCrypto, current: number, limit: number): Promise<number>;
}

interface WrappedKeyColumn {
  table: string;
  id: string;
  wrapped: string;
  version: string;
  context: (id: string) => DataKeyContext;
  /** Extra assignments on re-wrap, e.g. `rewrapped_at = now()`. */
  touch?: string;
}

/**
 * A row whose key is wrapped by the master key: it has a KEK version. Agency-sealed keys have
 * none (case_keys keeps their sealed key in wrapped_dek with agency_key_version set; referral
 * keys keep theirs in other columns with wrapped_dek null).
 */
const MASTER_WRAPPED = (c: { wrapped: string; version: string }) => `${c.version} IS NOT NULL AND ${c.wrapped} IS NOT NULL`;

/** A table of data keys wrapped by the KEK, with the version in a column beside them. */
class WrappedKeyTarget implements MasterKeyTarget {
  readonly name: string;

  constructor(private readonly c: WrappedKeyColumn) {
    this.name = `${c.table}.${c.wrapped}`;
  }

  async countByVersion(em: EntityManager): Promise<Map<number, number>> {
    const rows: { version: number; n: number }[] = await em.query(
      `SELECT ${this.c.version} AS version, count(*)::int AS n FROM ${this.c.table} WHERE ${MASTER_WRAPPED(this.c)} GROUP BY 1`,
    );
    return new Map(rows.map((r) => [Number(r.version), Number(r.n)]));
  }

  async rewrapBatch(em: EntityManager, crypto: EnvelopeCrypto, current: number, limit: number): Promise<number> {
    const c = this.c;
    // Rows whose key is sealed to an agency instead (no KEK version) are not the master key's.
    const rows: { id: string; wrapped: Buffer; version: number }[] = await em.query(
      `SELECT ${c.id} AS id, ${c.wrapped} AS wrapped, ${c.version} AS version FROM ${c.table}
        WHERE ${MASTER_WRAPPED(c)} AND ${c.version} <> $1
        ORDER BY ${c.id} LIMIT $2 FOR NO KEY UPDATE SKIP LOCKED`,
      [current, limit],
    );
    if (!rows.length) return 0;
    const ids: string[] = [];
    const wrapped: Buffer[] = [];
    for (const r of rows) {
      const next = crypto.rewrapDataKey({ wrapped: r.wrapped, kekVersion: Number(r.version) }, c.context(r.id));
      if (next.kekVersion !== current) throw new Error('the master key changed during a re-wrap pass');
      ids.push(r.id);
      wrapped.push(next.wrapped);
    }
    await em.query(
      `UPDATE ${c.table} t SET ${c.wrapped} = u.w, ${c.version} = $1${c.touch ? `, ${c.touch}` : ''}
         FROM unnest($2::uuid[], $3::bytea[]) AS u(id, w) WHERE t.${c.id} = u.id`,
      [current, ids, wrapped],
    );
    return rows.length;
  }
}

interface SystemColumn {
  table: string;
  id: string;
  column: string;
  context: (id: string) => SystemContext;
}

/** The KEK version of a system ciphertext: the uint32 after its format byte. */
const systemVersion = (column: string) => `('x' || encode(substring(${column} from 2 for 4), 'hex'))::bit(32)::int`;

/** A column of system ciphertexts (encryptSystem), the KEK version in their header. */
class SystemCiphertextTarget implements MasterKeyTarget {
  readonly name: string;

  constructor(private readonly c: SystemColumn) {
    this.name = `${c.table}.${c.column}`;
  }

  async countByVersion(em: EntityManager): Promise<Map<number, number>> {
    const rows: { version: number; n: number }[] = await em.query(
      `SELECT ${systemVersion(this.c.column)} AS version, count(*)::int AS n FROM ${this.c.table} WHERE ${this.c.column} IS NOT NULL GROUP BY 1`,
    );
    return new Map(rows.map((r) => [Number(r.version), Number(r.n)]));
  }

  async rewrapBatch(em: EntityManager, crypto: EnvelopeCrypto, current: number, limit: number): Promise<number> {
    const c = this.c;
    const rows: { id: string; value: Buffer }[] = await em.query(
      `SELECT ${c.id} AS id, ${c.column} AS value FROM ${c.table}
        WHERE ${c.column} IS NOT NULL AND substring(${c.column} from 2 for 4) <> int4send($1::int)
        ORDER BY ${c.id} LIMIT $2 FOR NO KEY UPDATE SKIP LOCKED`,
      [current, limit],
    );
    if (!rows.length) return 0;
    const ids: string[] = [];
    const values: Buffer[] = [];
    for (const r of rows) {
      const next = crypto.reencryptSystem(r.value, c.context(r.id));
      if (crypto.systemKekVersion(next) !== current) throw new Error('the master key changed during a re-wrap pass');
      ids.push(r.id);
      values.push(next);
    }
    await em.query(
      `UPDATE ${c.table} t SET ${c.column} = u.v FROM unnest($1::uuid[], $2::bytea[]) AS u(id, v) WHERE t.${c.id} = u.id`,
      [ids, values],
    );
    return rows.length;
  }
}

export const MASTER_KEY_TARGETS: readonly MasterKeyTarget[] = [
  new SystemCiphertextTarget({ table: 'users', id: 'id', column: 'mfa_secret', context: (id) => mfaSecretContext(id) }),
  new WrappedKeyTarget({
    table: 'case_keys',
    id: 'case_id',
    wrapped: 'wrapped_dek',
    version: 'kek_version',
    context: (id) => caseDataKeyContext(id),
    touch: 'rewrapped_at = now()',
  }),
  new WrappedKeyTarget({
    table: 'referral_packet_keys',
    id: 'referral_id',
    wrapped: 'wrapped_dek',
    version: 'kek_version',
    context: (id) => referralKeyContext(id, 'packet'),
  }),
  new WrappedKeyTarget({
    table: 'referral_keys',
    id: 'referral_id',
    wrapped: 'wrapped_dek',
    version: 'kek_version',
    context: (id) => referralKeyContext(id, 'record'),
  }),
  new WrappedKeyTarget({
    table: 'sea_assistance_requests',
    id: 'id',
    wrapped: 'wrapped_key',
    version: 'kek_version',
    context: (id) => ({ keyId: id, purpose: SEA_ASSISTANCE_KEY_PURPOSE }),
  }),
];
