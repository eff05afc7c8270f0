import { Injectable } from '@nestjs/common';
import { EntityManager, In, IsNull } from 'typeorm';
import { ConflictProblem } from '@amani/http';
import { Agency, User } from '@amani/auth';
import type { ServiceType } from '@amani/auth';
import { preparedQuery, TransactionHost } from '@amani/database';
import type { CaseActor } from './case-actor';
import type { CaseListQuery } from './case-commands';
import type { CaseSummaryView } from './case-views';
import type { ConsentPurpose, ErasureReason } from './case-codes';
import { CaseConsent } from './case-consent.entity';
import { CaseIncident } from './case-incident.entity';
import { CaseKey } from './case-key.entity';
import { CaseNote } from './case-note.entity';
import { CaseRow, SUMMARY_SQL, SummaryRow, updateCaseIfVersion } from './case-row';
import { CaseScope } from './case-scope';
import { CaseShare } from './case-share.entity';
import type { CaseKeyHandle, CaseVault, StoredCaseKey } from './case-vault';
import { Case } from './case.entity';
import { ReportingProjection } from './reporting-projection';

/** Builds the audit row's INSERT for a statement that writes it itself (OperationAuditor.successInsert). */
export type InlineAudit = (first: number, from: string, countSql?: string) => { sql: string; params: unknown[] };

/** A new case as stored: coded columns, blind indexes and ciphertext sealed by CaseVault, and the wrapped key. */
export interface NewCaseRow {
  id: string;
  agencyId: string;
  createdById: string;
  assignedCaseworkerId: string | null;
  sex: Case['sex'];
  ageBand: Case['ageBand'];
  nationalityStatus: Case['nationalityStatus'];
  displacementStatus: Case['displacementStatus'];
  disability: Case['disability'];
  vulnerabilities: Case['vulnerabilities'];
  regionCode: string;
  phoneIndex: Buffer | null;
  /** Blind index version of phone_index and survivor_code_index. */
  indexVersion: number;
  survivorName: Buffer;
  survivorAliases: Buffer | null;
  contactDetails: Buffer | null;
  address: Buffer | null;
  dateOfBirth: Buffer | null;
  caregiverDetails: Buffer | null;
  narrative: Buffer | null;
  key: StoredCaseKey;
}

/** The survivor code drawn for one attempt: its blind index and its ciphertext. */
export interface SealedSurvivorCode {
  /** The index under the current blind index version, stored. */
  index: Buffer;
  /** That version, stored beside it (and beside the phone index of the same row). */
  indexVersion: number;
  /** The code's index under every held version: the code is unused only if none matches. */
  anyVersion: Buffer[];
  sealed: Buffer;
}

export type CreatedCaseRow = Pick<CaseRow, 'stage' | 'closure_reason' | 'created_at' | 'updated_at' | 'closed_at' | 'version'>;

/** List filters: query field and column. */
const LIST_FILTERS: [keyof CaseListQuery & keyof CaseSummaryView, string][] = [
  ['stage', 'stage'],
  ['sex', 'sex'],
  ['ageBand', 'age_band'],
  ['regionCode', 'region_code'],
  ['displacementStatus', 'displacement_status'],
  ['nationalityStatus', 'nationality_status'],
  ['assignedCaseworkerId', 'assigned_caseworker_id'],
];
/** A list's total is counted up to this many (then totalCapped): bounded work at any scope size. */
export const CASE_TOTAL_CAP = 1000;

export type CaseListRow = SummaryRow & { cursor_at: string | null };

export interface CaseListResult {
  /** Up to pageSize + 1 rows (the look-ahead row tells whether a next page exists). */
  rows: CaseListRow[];
  /** The scope's count, up to CASE_TOTAL_CAP + 1. */
  counted: number;
}

/** Writable consent columns. */
export type NewConsent = Pick<
  CaseConsent,
  'caseId' | 'agencyId' | 'purpose' | 'givenBy' | 'serviceType' | 'recipientAgencyId' | 'shareableFields' | 'takenById' | 'takenAt'
>;

/** Writable incident columns (ciphertext already sealed). */
export type NewIncident = Omit<CaseIncident, 'case' | 'recordedBy' | 'createdAt'>;

export type NewNote = Pick<CaseNote, 'id' | 'caseId' | 'agencyId' | 'authorId' | 'body'>;

/**
 * The cases aggregate's persistence for CasesService, CaseIncidentsService, CaseNotesService
 * and CaseConsentsService: cases, case_keys, case_shares, case_incidents, case_notes and
 * case_consents. Every statement runs on the transaction open in the caller's async context
 * (TransactionHost.manager). Sealed in, sealed out: the columns are sealed and opened by
 * CaseVault only, so there is one map of what is encrypted how.
 */
export abstract class CasesRepository {
  // Scope (DESIGN §1) and keys.
  /** The case if the actor may see it; else RecordNotVisibleError (not found / out of scope). */
  abstract loadInScope(actor: CaseActor, caseId: string): Promise<Case>;
  /** loadInScope and the case's wrapped key in one statement; key null once the case was shredded. */
  abstract loadInScopeWithKey(actor: CaseActor, caseId: string): Promise<{ case: Case; key: StoredCaseKey | null }>;
  /** The case's wrapped key, or null when it was shredded. */
  abstract findKey(caseId: string): Promise<StoredCaseKey | null>;

  // Cases.
  /**
   * One statement: the case (only if the survivor code's index is unused), its key and the audit
   * row. Null when the code was taken (draw another).
   */
  abstract insertCase(row: NewCaseRow, code: SealedSurvivorCode, audit: InlineAudit): Promise<CreatedCaseRow | null>;
  /** A page of the actor's scope, newest first, keyset after `after` or by offset; audit row in the same statement. */
  abstract listPage(actor: CaseActor, q: CaseListQuery, after: { at: string; id: string } | null, audit: InlineAudit): Promise<CaseListResult>;
  abstract findById(caseId: string): Promise<Case>;
  /** UPDATE ... WHERE version = $version, bumping the version; StaleVersionProblem when no row matched. */
  abstract updateIfVersion(caseId: string, version: number, sets: Record<string, unknown>): Promise<void>;
  /** In-scope cases with this survivor-code blind index (false matches expected). */
  /** Cases whose survivor code index is any of `indexes` (one per held blind index version). */
  abstract inScopeBySurvivorCodeIndex(actor: CaseActor, indexes: Buffer[]): Promise<Case[]>;
  abstract survivorCodeIndexExists(indexes: Buffer[]): Promise<boolean>;
  /**
   * Replaces a case's blind indexes by the same values under blind index `version` (a member
   * opened it, so the plaintext was at hand); a null index leaves that column as it is.
   * Not a change of the case: its version and updated_at stay.
   */
  abstract reindex(caseId: string, version: number, survivorCodeIndex: Buffer | null, phoneIndex: Buffer | null): Promise<void>;
  /** In-scope cases with this phone blind index, newest first, at most `limit`. */
  abstract inScopeByPhoneIndex(actor: CaseActor, indexes: Buffer[], limit: number): Promise<Case[]>;
  abstract isActiveCaseworker(agencyId: string, userId: string): Promise<boolean>;
  /** Re-projects the case's incidents into reporting_incidents (in the same transaction). */
  abstract refreshReporting(caseId: string): Promise<void>;
  /**
   * Crypto-shreds the case (in the caller's transaction): its data key (and with it every
   * referral key), blind indexes and ciphertexts on the case row, notes, attachments, shares,
   * approvals and transfers. Coded rows (incidents and their projection, consents, goals,
   * service records) stay for the de-identified statistics; the case row keeps its coded
   * columns with the day and reason of erasure.
   */
  abstract erase(caseId: string, reason: ErasureReason): Promise<void>;

  // Shares.
  /** Adds the share if missing; returns the share as stored. */
  abstract addShare(caseId: string, userId: string, sharedById: string): Promise<CaseShare>;
  abstract removeShare(caseId: string, userId: string): Promise<void>;
  abstract listShares(caseId: string): Promise<CaseShare[]>;

  // Incidents.
  abstract insertIncident(row: NewIncident): Promise<CaseIncident>;
  abstract listIncidents(caseId: string): Promise<CaseIncident[]>;

  // Notes.
  abstract insertNote(row: NewNote): Promise<CaseNote>;
  /** Newest first. */
  abstract listNotes(caseId: string, page: number, pageSize: number): Promise<[CaseNote[], number]>;

  // Consents.
  abstract agencyExists(agencyId: string): Promise<boolean>;
  abstract activeConsentExists(caseId: string, purpose: ConsentPurpose): Promise<boolean>;
  /** ConflictProblem consent_already_active when the partial unique index refuses it (a race). */
  abstract insertConsent(row: NewConsent): Promise<CaseConsent>;
  abstract listConsents(caseId: string): Promise<CaseConsent[]>;
  /** The consent of that case, locked for update, or null. */
  abstract findConsentForUpdate(caseId: string, consentId: string): Promise<CaseConsent | null>;
  /** A consent of this case, without a lock (what a referral reads to build its packet). */
  abstract findConsent(caseId: string, consentId: string): Promise<CaseConsent | null>;
  abstract markConsentWithdrawn(consentId: string, withdrawnById: string): Promise<CaseConsent>;
  /** The newest active referral consent covering the service type (and the agency, when it named one). */
  abstract activeReferralConsent(caseId: string, serviceType: ServiceType, recipientAgencyId: string): Promise<CaseConsent | null>;
}

/** Runs fn with the case's key (read through the repository) and zeroes the key afterwards. */
export async function withCaseKey<T>(
  repo: CasesRepository,
  vault: CaseVault,
  c: { id: string; agencyId: string },
  fn: (key: CaseKeyHandle) => Promise<T> | T,
): Promise<T> {
  const key = await vault.keyFromRow(c, await repo.findKey(c.id));
  try {
    return await fn(key);
  } finally {
    vault.dispose(key);
  }
}

@Injectable()
export class TypeOrmCasesRepository extends CasesRepository {
  constructor(
    private readonly tx: TransactionHost,
    private readonly scope: CaseScope,
    private readonly projection: ReportingProjection,
  ) {
    super();
  }

  private get em(): EntityManager {
    return this.tx.manager;
  }

  loadInScope(actor: CaseActor, caseId: string): Promise<Case> {
    return this.scope.load(this.em, actor, caseId);
  }

  loadInScopeWithKey(actor: CaseActor, caseId: string): Promise<{ case: Case; key: StoredCaseKey | null }> {
    return this.scope.loadWithKey(this.em, actor, caseId);
  }

  async findKey(caseId: string): Promise<StoredCaseKey | null> {
    return this.em.findOne(CaseKey, { where: { caseId } });
  }

  async insertCase(n: NewCaseRow, code: SealedSurvivorCode, audit: InlineAudit): Promise<CreatedCaseRow | null> {
    const fixed = [
      n.id, n.agencyId, n.createdById, n.assignedCaseworkerId, n.sex, n.ageBand, n.nationalityStatus, n.displacementStatus, n.disability,
      n.vulnerabilities, n.regionCode, n.phoneIndex, n.survivorName, n.survivorAliases, n.contactDetails, n.address, n.dateOfBirth,
      n.caregiverDetails, n.narrative, n.key.wrappedDek, n.key.kekVersion, n.key.keyVersion,
    ];
    // $23 survivor_code_index, $24 survivor_code, $25 agency_key_version, $26 the indexes' blind index
    // version, $27 the code's index under every held blind index version, then the audit row's parameters.
    const a = audit(28, 'FROM c');
    const sql = `WITH c AS (
        INSERT INTO cases (id, agency_id, created_by, assigned_caseworker_id, sex, age_band, nationality_status, displacement_status,
          disability, vulnerabilities, region_code, phone_index, survivor_name, survivor_aliases, contact_details, address,
          date_of_birth, caregiver_details, narrative, survivor_code_index, survivor_code, survivor_code_index_version, phone_index_version)
        SELECT $1::uuid, $2::uuid, $3::uuid, $4::uuid, $5::varchar, $6::varchar, $7::varchar, $8::varchar, $9::varchar, $10::varchar[],
               $11::varchar, $12::bytea, $13::bytea, $14::bytea, $15::bytea, $16::bytea, $17::bytea, $18::bytea, $19::bytea,
               $23::bytea, $24::bytea, $26::int, $26::int
         WHERE NOT EXISTS (SELECT 1 FROM cases WHERE survivor_code_index = ANY($27::bytea[]))
        RETURNING stage, closure_reason, created_at, updated_at, closed_at, version),
      k AS (INSERT INTO case_keys (case_id, wrapped_dek, kek_version, agency_key_version, agency_key_base_version, key_version) SELECT $1::uuid, $20::bytea, $21::int, $25::int, $25::int, $22::int FROM c),
      a AS (${a.sql})
      SELECT * FROM c`;
    const rows = await preparedQuery<CreatedCaseRow>(this.em, sql, [...fixed, code.index, code.sealed, n.key.agencyKeyVersion, code.indexVersion, code.anyVersion, ...a.params]);
    return rows[0] ?? null;
  }

  async listPage(actor: CaseActor, q: CaseListQuery, after: { at: string; id: string } | null, audit: InlineAudit): Promise<CaseListResult> {
    const params: unknown[] = [actor.agencyId];
    // Erased cases leave every list: only their de-identified statistics remain.
    const where = ['c.agency_id = $1', 'c.erased_at IS NULL'];
    const bind = (value: unknown) => `$${params.push(value)}`;
    if (actor.role !== 'supervisor') {
      const me = bind(actor.id);
      where.push(`(c.assigned_caseworker_id = ${me} OR EXISTS (SELECT 1 FROM case_shares s WHERE s.case_id = c.id AND s.user_id = ${me}))`);
    }
    for (const [param, column] of LIST_FILTERS) {
      if (q[param] !== undefined) where.push(`c.${column} = ${bind(q[param])}`);
    }
    if (q.gbvType !== undefined) {
      where.push(`EXISTS (SELECT 1 FROM case_incidents i WHERE i.case_id = c.id AND i.gbv_type = ${bind(q.gbvType)})`);
    }
    const scope = where.join(' AND ');
    const keyset = after ? ` AND (c.created_at, c.id) < (${bind(after.at)}::timestamptz, ${bind(after.id)}::uuid)` : '';
    const limit = `LIMIT ${bind(q.pageSize + 1)} OFFSET ${bind(after ? 0 : (q.page - 1) * q.pageSize)}`;
    // The audit row in the same statement; its count is the page's (without the look-ahead row).
    const shown = bind(q.pageSize);
    const a = audit(params.length + 1, '', `SELECT least(count(*), ${shown}::int) FROM page`);
    const rows = await preparedQuery<CaseListRow & { total: number }>(
      this.em,
      `WITH page AS (
          SELECT ${SUMMARY_SQL}, to_char(c.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS cursor_at
            FROM cases c WHERE ${scope}${keyset}
           ORDER BY c.created_at DESC, c.id DESC ${limit}),
        counted AS (SELECT count(*)::int AS total FROM (SELECT 1 FROM cases c WHERE ${scope} LIMIT ${CASE_TOTAL_CAP + 1}) x),
        audited AS (${a.sql})
       SELECT page.*, counted.total FROM counted LEFT JOIN page ON true`,
      [...params, ...a.params],
    );
    return { rows: rows.filter((r) => r.id !== null), counted: rows[0]?.total ?? 0 };
  }

  findById(caseId: string): Promise<Case> {
    return this.em.findOneByOrFail(Case, { id: caseId });
  }

  async erase(caseId: string, reason: ErasureReason): Promise<void> {
    const em = this.em;
    await em.query(
      `UPDATE cases SET survivor_code_index = NULL, phone_index = NULL, survivor_code = NULL, survivor_name = NULL, survivor_aliases = NULL,
              contact_details = NULL, address = NULL, date_of_birth = NULL, caregiver_details = NULL, narrative = NULL,
              erased_at = now(), erasure_reason = $2, version = version + 1, updated_at = now()
        WHERE id = $1`,
      [caseId, reason],
    );
    await em.query(`DELETE FROM case_attachments WHERE case_id = $1`, [caseId]);
    await em.query(`DELETE FROM case_shares WHERE case_id = $1`, [caseId]);
    // Notes, approvals and transfers: the application role may not delete them one by one.
    await em.query(`SELECT amani_erase_case_rows($1)`, [caseId]);
    // Last: the data key. The referral packet and record keys go with it (ON DELETE CASCADE).
    await em.query(`DELETE FROM case_keys WHERE case_id = $1`, [caseId]);
  }

  updateIfVersion(caseId: string, version: number, sets: Record<string, unknown>): Promise<void> {
    return updateCaseIfVersion(this.em, caseId, version, sets);
  }

  inScopeBySurvivorCodeIndex(actor: CaseActor, indexes: Buffer[]): Promise<Case[]> {
    const qb = this.em.getRepository(Case).createQueryBuilder('c').where('c.survivor_code_index IN (:...indexes)', { indexes });
    return this.scope.restrict(qb, actor, 'c').getMany();
  }

  async reindex(caseId: string, version: number, survivorCodeIndex: Buffer | null, phoneIndex: Buffer | null): Promise<void> {
    await this.em.query(
      `UPDATE cases SET survivor_code_index = COALESCE($3::bytea, survivor_code_index),
                        survivor_code_index_version = CASE WHEN $3::bytea IS NULL THEN survivor_code_index_version ELSE $2::int END,
                        phone_index = COALESCE($4::bytea, phone_index),
                        phone_index_version = CASE WHEN $4::bytea IS NULL THEN phone_index_version ELSE $2::int END
        WHERE id = $1::uuid AND erased_at IS NULL`,
      [caseId, version, survivorCodeIndex, phoneIndex],
    );
  }

  survivorCodeIndexExists(indexes: Buffer[]): Promise<boolean> {
    return this.em.exists(Case, { where: { survivorCodeIndex: In(indexes) } });
  }

  inScopeByPhoneIndex(actor: CaseActor, indexes: Buffer[], limit: number): Promise<Case[]> {
    const qb = this.em.getRepository(Case).createQueryBuilder('c').where('c.phone_index IN (:...indexes)', { indexes });
    this.scope.restrict(qb, actor, 'c');
    return qb.orderBy('c.createdAt', 'DESC').take(limit).getMany();
  }

  isActiveCaseworker(agencyId: string, userId: string): Promise<boolean> {
    return this.em
      .getRepository(User)
      .createQueryBuilder('u')
      .where('u.id = :userId AND u.role = :role AND u.agency_id = :agencyId AND u.disabled_at IS NULL', {
        userId,
        role: 'caseworker',
        agencyId,
      })
      .getExists();
  }

  refreshReporting(caseId: string): Promise<void> {
    return this.projection.refreshCase(this.em, caseId);
  }

  async addShare(caseId: string, userId: string, sharedById: string): Promise<CaseShare> {
    const em = this.em;
    await em.createQueryBuilder().insert().into(CaseShare).values({ caseId, userId, sharedById }).orIgnore().execute();
    return em.findOneByOrFail(CaseShare, { caseId, userId });
  }

  async removeShare(caseId: string, userId: string): Promise<void> {
    await this.em.delete(CaseShare, { caseId, userId });
  }

  listShares(caseId: string): Promise<CaseShare[]> {
    return this.em.find(CaseShare, { where: { caseId }, order: { createdAt: 'ASC' } });
  }

  async insertIncident(row: NewIncident): Promise<CaseIncident> {
    await this.em.insert(CaseIncident, row);
    return this.em.findOneByOrFail(CaseIncident, { id: row.id });
  }

  listIncidents(caseId: string): Promise<CaseIncident[]> {
    return this.em.find(CaseIncident, { where: { caseId }, order: { createdAt: 'ASC', id: 'ASC' } });
  }

  async insertNote(row: NewNote): Promise<CaseNote> {
    await this.em.insert(CaseNote, row);
    return this.em.findOneByOrFail(CaseNote, { id: row.id });
  }

  listNotes(caseId: string, page: number, pageSize: number): Promise<[CaseNote[], number]> {
    return this.em.findAndCount(CaseNote, {
      where: { caseId },
      order: { createdAt: 'DESC', id: 'DESC' },
      skip: (page - 1) * pageSize,
      take: pageSize,
    });
  }

  agencyExists(agencyId: string): Promise<boolean> {
    return this.em.exists(Agency, { where: { id: agencyId } });
  }

  activeConsentExists(caseId: string, purpose: ConsentPurpose): Promise<boolean> {
    return this.em.exists(CaseConsent, { where: { caseId, purpose, withdrawnAt: IsNull() } });
  }

  // The partial unique index settles a race between two first consents for one purpose.
  async insertConsent(row: NewConsent): Promise<CaseConsent> {
    const em = this.em;
    let id: string;
    try {
      id = ((await em.insert(CaseConsent, row)).identifiers[0] as { id: string }).id;
    } catch (e) {
      if ((e as { code?: string }).code === '23505') {
        throw new ConflictProblem('consent_already_active', 'An active consent for this purpose exists; withdraw it first.');
      }
      throw e;
    }
    return em.findOneByOrFail(CaseConsent, { id });
  }

  listConsents(caseId: string): Promise<CaseConsent[]> {
    return this.em.find(CaseConsent, { where: { caseId }, order: { takenAt: 'ASC', id: 'ASC' } });
  }

  findConsentForUpdate(caseId: string, consentId: string): Promise<CaseConsent | null> {
    return this.em.findOne(CaseConsent, { where: { id: consentId, caseId }, lock: { mode: 'pessimistic_write' } });
  }

  findConsent(caseId: string, consentId: string): Promise<CaseConsent | null> {
    return this.em.findOne(CaseConsent, { where: { id: consentId, caseId } });
  }

  async markConsentWithdrawn(consentId: string, withdrawnById: string): Promise<CaseConsent> {
    await this.em.update(CaseConsent, { id: consentId }, { withdrawnAt: () => 'now()', withdrawnById });
    return this.em.findOneByOrFail(CaseConsent, { id: consentId });
  }

  activeReferralConsent(caseId: string, serviceType: ServiceType, recipientAgencyId: string): Promise<CaseConsent | null> {
    return this.em
      .getRepository(CaseConsent)
      .createQueryBuilder('k')
      .where(`k.case_id = :caseId AND k.purpose = 'referral' AND k.withdrawn_at IS NULL`, { caseId })
      .andWhere('(k.service_type IS NULL OR k.service_type = :serviceType)', { serviceType })
      .andWhere('(k.recipient_agency_id IS NULL OR k.recipient_agency_id = :recipientAgencyId)', { recipientAgencyId })
      .orderBy('k.taken_at', 'DESC')
      .getOne();
  }
}
