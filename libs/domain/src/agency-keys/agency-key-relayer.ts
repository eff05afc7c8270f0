import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { KeyCustody } from '@amani/auth';
import { TransactionHost } from '@amani/database';
import { REFERRAL_KEY_PURPOSE } from '@amani/domain/referrals';

const DATA_KEY_PURPOSE = 'case';
export const RELAYER_BATCH = 200;

interface PublicKeys {
  current: number;
  byVersion: Map<number, Buffer>;
}

export interface RelayerResult {
  caseKeys: number;
  referralKeys: number;
  /** False when it stopped at maxBatches with work left. */
  done: boolean;
}

/**
 * After a group-key rotation: re-seals every data key of the agency that is still sealed to an
 * older version, adding one layer per newer version (crypto_box_seal to its public key) up to
 * the current one. It needs no private key and opens nothing — the server never sees a data
 * key — yet afterwards a former member who kept an old agency private key cannot open a key
 * from a newer database copy: the outer layer needs the current version, which they never held.
 *
 * Resumable: each batch commits on its own; what is left is exactly the rows whose outer
 * version is older than the current one (idempotent, safe after a kill -9 mid-batch).
 */
@Injectable()
export class AgencyKeyRelayer {
  private readonly logger = new Logger(AgencyKeyRelayer.name);

  constructor(
    private readonly tx: TransactionHost,
    private readonly custody: KeyCustody,
  ) {}

  async run(agencyId: string, opts: { batchSize?: number; maxBatches?: number } = {}): Promise<RelayerResult> {
    const batchSize = opts.batchSize ?? RELAYER_BATCH;
    let caseKeys = 0;
    let referralKeys = 0;
    for (let batch = 0; opts.maxBatches === undefined || batch < opts.maxBatches; batch++) {
      const moved = await this.tx.run(async (em) => {
        const keys = await this.publicKeys(em, agencyId);
        if (!keys) return 0;
        const cases = await this.caseBatch(em, agencyId, keys, batchSize);
        const referrals = cases < batchSize ? await this.referralBatch(em, agencyId, keys, batchSize - cases) : 0;
        caseKeys += cases;
        referralKeys += referrals;
        return cases + referrals;
      });
      if (moved === 0) {
        if (caseKeys + referralKeys > 0) this.logger.log({ job: 'agency_key.relayer', agencyId, caseKeys, referralKeys }, 'agency keys re-layered');
        return { caseKeys, referralKeys, done: true };
      }
    }
    return { caseKeys, referralKeys, done: (await this.remaining(agencyId)) === 0 };
  }

  /** How many data keys of the agency are still sealed to an older version than the current one. */
  async remaining(agencyId: string): Promise<number> {
    const [{ n }] = await this.tx.manager.query(
      `WITH cur AS (SELECT max(version) AS v FROM agency_keys WHERE agency_id = $1)
       SELECT (SELECT count(*) FROM case_keys k JOIN cases c ON c.id = k.case_id, cur WHERE c.agency_id = $1 AND k.agency_key_version < cur.v)
            + (SELECT count(*) FROM referral_packet_keys p JOIN referrals r ON r.id = p.referral_id, cur
                WHERE (r.recipient_agency_id = $1 AND p.recipient_key_version < cur.v) OR (r.referring_agency_id = $1 AND p.referrer_key_version < cur.v))
            + (SELECT count(*) FROM referral_keys p JOIN referrals r ON r.id = p.referral_id, cur
                WHERE (r.recipient_agency_id = $1 AND p.recipient_key_version < cur.v) OR (r.referring_agency_id = $1 AND p.referrer_key_version < cur.v)) AS n`,
      [agencyId],
    );
    return Number(n);
  }

  private async caseBatch(em: EntityManager, agencyId: string, keys: PublicKeys, limit: number): Promise<number> {
    const rows: { case_id: string; wrapped_dek: Buffer; agency_key_version: number }[] = await em.query(
      `SELECT k.case_id, k.wrapped_dek, k.agency_key_version FROM case_keys k JOIN cases c ON c.id = k.case_id
        WHERE c.agency_id = $1 AND k.agency_key_version < $2
        ORDER BY k.case_id LIMIT $3 FOR UPDATE OF k SKIP LOCKED`,
      [agencyId, keys.current, limit],
    );
    if (rows.length === 0) return 0;
    // One statement per batch: the rows are locked, so each keeps the version it was read at.
    await em.query(
      `UPDATE case_keys k SET wrapped_dek = u.sealed, agency_key_version = $3, rewrapped_at = now()
         FROM unnest($1::uuid[], $2::bytea[]) AS u(case_id, sealed) WHERE k.case_id = u.case_id`,
      [rows.map((r) => r.case_id), rows.map((r) => this.layer(r.wrapped_dek, DATA_KEY_PURPOSE, r.case_id, r.agency_key_version, keys)), keys.current],
    );
    return rows.length;
  }

  private async referralBatch(em: EntityManager, agencyId: string, keys: PublicKeys, limit: number): Promise<number> {
    let done = 0;
    for (const [table, kind] of [['referral_packet_keys', 'packet'], ['referral_keys', 'record']] as const) {
      for (const side of ['recipient', 'referrer'] as const) {
        if (done >= limit) return done;
        const agencyColumn = side === 'recipient' ? 'recipient_agency_id' : 'referring_agency_id';
        const rows: { referral_id: string; sealed: Buffer; version: number }[] = await em.query(
          `SELECT p.referral_id, p.${side}_sealed_dek AS sealed, p.${side}_key_version AS version
             FROM ${table} p JOIN referrals r ON r.id = p.referral_id
            WHERE r.${agencyColumn} = $1 AND p.${side}_key_version < $2
            ORDER BY p.referral_id LIMIT $3 FOR UPDATE OF p SKIP LOCKED`,
          [agencyId, keys.current, limit - done],
        );
        if (rows.length > 0) {
          await em.query(
            `UPDATE ${table} p SET ${side}_sealed_dek = u.sealed, ${side}_key_version = $3
               FROM unnest($1::uuid[], $2::bytea[]) AS u(referral_id, sealed) WHERE p.referral_id = u.referral_id`,
            [rows.map((r) => r.referral_id), rows.map((r) => this.layer(r.sealed, REFERRAL_KEY_PURPOSE[kind], r.referral_id, r.version, keys)), keys.current],
          );
        }
        done += rows.length;
      }
    }
    return done;
  }

  /** One layer per version after `from`, up to the current one. */
  private layer(sealed: Buffer, purpose: string, id: string, from: number, keys: PublicKeys): Buffer {
    let out = sealed;
    for (let v = from + 1; v <= keys.current; v++) {
      const pk = keys.byVersion.get(v);
      if (!pk) throw new Error(`agency key version ${v} is missing`);
      out = this.custody.sealLayer(out, purpose, id, v, pk);
    }
    return out;
  }

  private async publicKeys(em: EntityManager, agencyId: string): Promise<PublicKeys | null> {
    const rows: { version: number; public_key: Buffer }[] = await em.query(`SELECT version, public_key FROM agency_keys WHERE agency_id = $1`, [agencyId]);
    if (rows.length === 0) return null;
    return { current: Math.max(...rows.map((r) => r.version)), byVersion: new Map(rows.map((r) => [r.version, r.public_key])) };
  }
}
