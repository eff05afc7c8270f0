import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AgencyKeyLockedProblem, AgencyKeyMissingProblem, Keyring } from '@amani/auth';
import { IntegrityError } from '@amani/crypto';
import { TransactionHost } from '@amani/database';
import { CaseIntegrityError, CaseVault } from '@amani/domain/cases';
import { ReferralVault } from '@amani/domain/referrals';

type ReferralKeyKind = 'packet' | 'record';

/** How far one run got; counts only (no case or referral is named). */
export interface MigrationCounts {
  caseKeys: number;
  packetKeys: number;
  recordKeys: number;
  batches: number;
}

/** What is still master-wrapped for the agency after a run. */
export interface MigrationRemaining {
  caseKeys: number;
  referralKeys: number;
  /** Referral keys whose other agency has no key yet: moved when that agency runs the migration. */
  waitingForOtherAgency: number;
}

/** A key opened through the member did not match the key it was sealed from: nothing of the batch is written. */
export class MigrationVerificationError extends Error {
  constructor() {
    super('a sealed key did not open back to the same key through the member: the batch was rolled back');
    this.name = 'MigrationVerificationError';
  }
}

const REFERRAL_TABLES: readonly { table: 'referral_packet_keys' | 'referral_keys'; kind: ReferralKeyKind }[] = [
  { table: 'referral_packet_keys', kind: 'packet' },
  { table: 'referral_keys', kind: 'record' },
];

/** The row count of an `UPDATE ... RETURNING` through TypeORM's query() (the driver answers [rows, rowCount]). */
function updatedRows(result: unknown): number {
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') return result[0].length;
  return Array.isArray(result) ? result.length : 0;
}

/** Rows of a referral key table that touch the agency and are still master-wrapped. */
const referralWhere = (bothKeyed: boolean) => `k.wrapped_dek IS NOT NULL AND (r.referring_agency_id = $1 OR r.recipient_agency_id = $1)
   AND ${bothKeyed ? '' : 'NOT '}(EXISTS (SELECT 1 FROM agency_keys a WHERE a.agency_id = r.referring_agency_id)
                 AND EXISTS (SELECT 1 FROM agency_keys a WHERE a.agency_id = r.recipient_agency_id))`;

/**
 * `keys:migrate-agency` (issue 14, item 5): moves an agency's legacy master-wrapped case data
 * keys and referral keys to agency sealing. Must run inside `Keyring.withPersonalKeys` with the
 * key of a member who holds the agency key: each key is unwrapped with the master key, sealed
 * to the agency's current public key (referrals: to both agencies'), opened back through the
 * member's grant and compared before the row is written, in place, so no master-wrapped copy
 * remains. Each batch is its own transaction and locks its rows (`FOR UPDATE SKIP LOCKED`); the
 * progress is the set of rows still master-wrapped, so a run stopped at any point resumes.
 */
@Injectable()
export class AgencyKeyMigration {
  constructor(
    private readonly tx: TransactionHost,
    private readonly keyring: Keyring,
    private readonly cases: CaseVault,
    private readonly referrals: ReferralVault,
  ) {}

  /**
   * Opens the agency's current key through the member's grant (run inside withPersonalKeys).
   * AgencyKeyMissingProblem when the agency has no key, AgencyKeyLockedProblem when the member holds no grant.
   */
  async checkHolder(agencyId: string): Promise<number> {
    const { version } = await this.keyring.currentPublicKey(agencyId);
    await this.keyring.agencyPrivateKey(agencyId, version);
    return version;
  }

  async run(agencyId: string, opts: { batchSize: number; maxBatches?: number }): Promise<MigrationCounts> {
    const counts: MigrationCounts = { caseKeys: 0, packetKeys: 0, recordKeys: 0, batches: 0 };
    const more = () => opts.maxBatches === undefined || counts.batches < opts.maxBatches;
    while (more()) {
      const n = await this.tx.run((em) => this.caseBatch(em, agencyId, opts.batchSize));
      if (n === 0) break;
      counts.caseKeys += n;
      counts.batches++;
    }
    for (const { table, kind } of REFERRAL_TABLES) {
      while (more()) {
        const n = await this.tx.run((em) => this.referralBatch(em, agencyId, table, kind, opts.batchSize));
        if (n === 0) break;
        if (kind === 'packet') counts.packetKeys += n;
        else counts.recordKeys += n;
        counts.batches++;
      }
    }
    return counts;
  }

  async remaining(agencyId: string): Promise<MigrationRemaining> {
    const em = this.tx.manager;
    const [{ n: caseKeys }]: { n: number }[] = await em.query(
      `SELECT count(*)::int AS n FROM case_keys k JOIN cases c ON c.id = k.case_id WHERE c.agency_id = $1 AND k.kek_version IS NOT NULL`,
      [agencyId],
    );
    let referralKeys = 0;
    let waitingForOtherAgency = 0;
    for (const { table } of REFERRAL_TABLES) {
      const [{ ready, waiting }]: { ready: number; waiting: number }[] = await em.query(
        `SELECT count(*) FILTER (WHERE ${referralWhere(true)})::int AS ready, count(*) FILTER (WHERE ${referralWhere(false)})::int AS waiting
           FROM ${table} k JOIN referrals r ON r.id = k.referral_id`,
        [agencyId],
      );
      referralKeys += ready + waiting;
      waitingForOtherAgency += waiting;
    }
    return { caseKeys, referralKeys, waitingForOtherAgency };
  }

  private async caseBatch(em: EntityManager, agencyId: string, limit: number): Promise<number> {
    const rows: { case_id: string; wrapped_dek: Buffer; kek_version: number; key_version: number }[] = await em.query(
      `SELECT k.case_id, k.wrapped_dek, k.kek_version, k.key_version
         FROM case_keys k JOIN cases c ON c.id = k.case_id
        WHERE c.agency_id = $1 AND k.kek_version IS NOT NULL
        ORDER BY k.case_id LIMIT $2
        FOR UPDATE OF k SKIP LOCKED`,
      [agencyId, limit],
    );
    for (const row of rows) {
      const c = { id: row.case_id, agencyId };
      // A legacy row opens with the master key (the vault's own path for kek_version rows).
      const legacy = await this.cases.keyFromRow(c, { wrappedDek: row.wrapped_dek, kekVersion: row.kek_version, agencyKeyVersion: null, agencyKeyBaseVersion: null, keyVersion: row.key_version });
      try {
        const sealed = await this.cases.sealKey(legacy);
        const reopened = await this.verified(() => this.cases.keyFromRow(c, sealed));
        try {
          if (!reopened.dek.equals(legacy.dek)) throw new MigrationVerificationError();
        } finally {
          this.cases.dispose(reopened);
        }
        const updated = updatedRows(await em.query(
          `UPDATE case_keys SET wrapped_dek = $2, kek_version = NULL, agency_key_version = $3, agency_key_base_version = $3, rewrapped_at = now()
            WHERE case_id = $1 AND kek_version IS NOT NULL AND key_version = $4 RETURNING case_id`,
          [row.case_id, sealed.wrappedDek, sealed.agencyKeyVersion, row.key_version],
        ));
        if (updated !== 1) throw new MigrationVerificationError();
      } finally {
        this.cases.dispose(legacy);
      }
    }
    return rows.length;
  }

  private async referralBatch(em: EntityManager, agencyId: string, table: string, kind: ReferralKeyKind, limit: number): Promise<number> {
    const rows: { referral_id: string; wrapped_dek: Buffer; kek_version: number; referring_agency_id: string; recipient_agency_id: string }[] = await em.query(
      `SELECT k.referral_id, k.wrapped_dek, k.kek_version, r.referring_agency_id, r.recipient_agency_id
         FROM ${table} k JOIN referrals r ON r.id = k.referral_id
        WHERE ${referralWhere(true)}
        ORDER BY k.referral_id LIMIT $2
        FOR UPDATE OF k SKIP LOCKED`,
      [agencyId, limit],
    );
    for (const row of rows) {
      const parties = { id: row.referral_id, referringAgencyId: row.referring_agency_id, recipientAgencyId: row.recipient_agency_id };
      const legacy = this.referrals.unwrap(row.referral_id, kind, { wrappedDek: row.wrapped_dek, kekVersion: row.kek_version });
      try {
        const sealed = await this.referrals.sealForAgencies(legacy, parties);
        // Opens through the member's own agency's copy; the other agency's copy is sealed to its public key the same way.
        const reopened = await this.verified(() => this.referrals.openStored(parties, kind, sealed));
        try {
          if (!reopened.dek.equals(legacy.dek)) throw new MigrationVerificationError();
        } finally {
          this.referrals.dispose(reopened);
        }
        const updated = updatedRows(await em.query(
          `UPDATE ${table} SET wrapped_dek = NULL, kek_version = NULL, recipient_sealed_dek = $2, recipient_key_version = $3,
                  recipient_base_version = $3, referrer_sealed_dek = $4, referrer_key_version = $5, referrer_base_version = $5
            WHERE referral_id = $1 AND wrapped_dek IS NOT NULL RETURNING referral_id`,
          [row.referral_id, sealed.recipientSealedDek, sealed.recipientKeyVersion, sealed.referrerSealedDek, sealed.referrerKeyVersion],
        ));
        if (updated !== 1) throw new MigrationVerificationError();
      } finally {
        this.referrals.dispose(legacy);
      }
    }
    return rows.length;
  }

  private async verified<T>(open: () => Promise<T>): Promise<T> {
    try {
      return await open();
    } catch (e) {
      if (e instanceof IntegrityError || e instanceof CaseIntegrityError || e instanceof AgencyKeyLockedProblem || e instanceof AgencyKeyMissingProblem) throw new MigrationVerificationError();
      throw e;
    }
  }
}
