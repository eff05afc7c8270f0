import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { EntityManager, IsNull } from 'typeorm';
import { TransactionHost } from '@amani/database';
import { AgencyKeyLockedProblem } from '@amani/auth';
import { chunkRowId } from '@amani/domain/attachments';
import type { CaseActor } from './case-actor';
import type { CaseStage, ShareableField } from './case-codes';
import { CaseConsent } from './case-consent.entity';
import { CaseKey } from './case-key.entity';
import { CaseScope } from './case-scope';
import { CaseTransfer } from './case-transfer.entity';
import { CaseKeyHandle, CaseTable, CaseVault } from './case-vault';
import type { TransferView } from './case-views';
import { Case } from './case.entity';
import { ReportingProjection } from './reporting-projection';

/**
 * Every column sealed under the case key, by table, with the column its row id comes from and
 * whether the table records the owning agency. A transfer re-seals all of them for the new
 * agency; test/cases/case-transfers.e2e-spec.ts fails when a case table gains a bytea column
 * that is neither here nor a known non-case-key column.
 */
export const CASE_SEALED_COLUMNS: readonly { table: CaseTable; rowId: string; caseColumn: string; columns: readonly string[] }[] = [
  { table: 'cases', rowId: 'id', caseColumn: 'id', columns: ['survivor_name', 'survivor_aliases', 'contact_details', 'address', 'date_of_birth', 'caregiver_details', 'narrative', 'survivor_code'] },
  { table: 'case_incidents', rowId: 'id', caseColumn: 'case_id', columns: ['incident_date', 'report_date', 'narrative', 'exact_location'] },
  { table: 'case_notes', rowId: 'id', caseColumn: 'case_id', columns: ['body'] },
  { table: 'case_action_plan_items', rowId: 'id', caseColumn: 'case_id', columns: ['description'] },
  { table: 'case_assessment_needs', rowId: 'id', caseColumn: 'case_id', columns: ['notes'] },
  { table: 'case_safety_plans', rowId: 'case_id', caseColumn: 'case_id', columns: ['risks', 'safe_contacts', 'safe_places', 'agreed_actions'] },
  { table: 'case_approvals', rowId: 'id', caseColumn: 'case_id', columns: ['request_comment', 'decision_comment'] },
  { table: 'case_attachments', rowId: 'id', caseColumn: 'case_id', columns: ['file_name'] },
  { table: 'case_transfers', rowId: 'id', caseColumn: 'case_id', columns: ['reason'] },
];

/** Tables that record the case's agency beside its rows. */
const AGENCY_TABLES = ['case_incidents', 'case_notes', 'case_action_plan_items', 'case_assessment_needs', 'case_safety_plans', 'case_approvals', 'case_attachments', 'case_consents'];

/** Identifying fields a transfer consent may leave out, and the columns that then stay behind. */
const OPTIONAL_FIELDS: readonly [ShareableField, CaseTable, string][] = [
  ['aliases', 'cases', 'survivor_aliases'],
  ['contactDetails', 'cases', 'contact_details'],
  ['address', 'cases', 'address'],
  ['dateOfBirth', 'cases', 'date_of_birth'],
  ['caregiverDetails', 'cases', 'caregiver_details'],
  ['narrative', 'cases', 'narrative'],
  ['incidentNarratives', 'case_incidents', 'narrative'],
  ['incidentNarratives', 'case_incidents', 'exact_location'],
];

/** The case as the transfer rules see it: coded columns only. */
export interface TransferCase {
  id: string;
  agencyId: string;
  stage: CaseStage;
  assignedCaseworkerId: string | null;
}

/** The consent a transfer rests on. */
export interface TransferConsent {
  id: string;
  recipientAgencyId: string | null;
  withdrawn: boolean;
  shareableFields: ShareableField[];
}

/** A transfer's coded columns (the reason stays sealed until opened). */
export type TransferRecord = Omit<TransferView, 'reason' | 'movingFields'>;

export interface NewTransfer {
  consentId: string;
  toAgencyId: string;
  reason: string;
  proposedById: string;
}

/**
 * Persistence of case transfers and the move itself: re-sealing every value of the case under
 * a new key bound to the receiving agency (CASE_SEALED_COLUMNS, the one map of sealed columns),
 * leaving identifying fields outside the consent behind, ending shares. Every statement runs on
 * the transaction open in the caller's async context (TransactionHost.manager).
 */
export abstract class CaseTransfersRepository {
  /** The case if the actor may see it; else RecordNotVisibleError (not found / out of scope). */
  abstract loadCaseInScope(actor: CaseActor, caseId: string): Promise<TransferCase>;
  /** The case, whoever asks (the receiving side), locked for update when asked. */
  abstract findCase(caseId: string, lock?: boolean): Promise<TransferCase | null>;
  /** The case's active transfer consent of that id, or null. */
  abstract activeTransferConsent(caseId: string, consentId: string): Promise<TransferConsent | null>;
  abstract consent(consentId: string): Promise<TransferConsent>;
  abstract hasOpenReferrals(caseId: string): Promise<boolean>;
  abstract isActiveCaseworker(agencyId: string, userId: string): Promise<boolean>;

  /** Null when another pending transfer of the case won (the partial unique index). */
  abstract insert(c: TransferCase, transfer: NewTransfer): Promise<TransferRecord | null>;
  abstract find(id: string, lock?: boolean): Promise<TransferRecord | null>;
  /** Newest first. */
  abstract transfersOfCase(caseId: string): Promise<TransferRecord[]>;
  /** Pending transfers into the agency, oldest first. */
  abstract pendingInto(agencyId: string): Promise<TransferRecord[]>;
  abstract decide(id: string, status: 'accepted' | 'declined', decidedById: string): Promise<void>;
  /** The view, its reason opened under the case's current key. */
  abstract open(c: Pick<TransferCase, 'id' | 'agencyId'>, t: TransferRecord, movingFields: ShareableField[]): Promise<TransferView>;

  /** Hands the case to the receiving agency: new key, everything re-sealed, fields outside `moving` erased, shares ended. */
  abstract moveCase(c: TransferCase, transferId: string, toAgencyId: string, assigneeId: string | null, moving: ReadonlySet<string>): Promise<void>;
  /** Destroys the copy of the case key sealed to the receiving agency (the transfer is decided). */
  abstract forgetTransferKey(id: string): Promise<void>;
}

@Injectable()
export class TypeOrmCaseTransfersRepository extends CaseTransfersRepository {
  constructor(
    private readonly tx: TransactionHost,
    private readonly vault: CaseVault,
    private readonly scope: CaseScope,
    private readonly projection: ReportingProjection,
  ) {
    super();
  }

  /** Each record's sealed reason, kept beside it so opening needs no second read; never handed out. */
  private readonly sealed = new WeakMap<TransferRecord, Buffer>();

  private get em(): EntityManager {
    return this.tx.manager;
  }

  loadCaseInScope(actor: CaseActor, caseId: string): Promise<TransferCase> {
    return this.scope.load(this.em, actor, caseId);
  }

  findCase(caseId: string, lock = false): Promise<TransferCase | null> {
    return this.em.findOne(Case, { where: { id: caseId }, ...(lock ? { lock: { mode: 'pessimistic_write' as const } } : {}) });
  }

  async activeTransferConsent(caseId: string, consentId: string): Promise<TransferConsent | null> {
    const k = await this.em.findOne(CaseConsent, { where: { id: consentId, caseId, purpose: 'transfer', withdrawnAt: IsNull() } });
    return k ? toConsent(k) : null;
  }

  async consent(consentId: string): Promise<TransferConsent> {
    return toConsent(await this.em.findOneByOrFail(CaseConsent, { id: consentId }));
  }

  async hasOpenReferrals(caseId: string): Promise<boolean> {
    const open: unknown[] = await this.em.query(`SELECT 1 FROM referrals WHERE case_id = $1 AND state IN ('pending', 'accepted') LIMIT 1`, [caseId]);
    return open.length > 0;
  }

  async isActiveCaseworker(agencyId: string, userId: string): Promise<boolean> {
    const rows: unknown[] = await this.em.query(`SELECT 1 FROM users WHERE id = $1 AND role = 'caseworker' AND agency_id = $2 AND disabled_at IS NULL`, [userId, agencyId]);
    return rows.length > 0;
  }

  async insert(c: TransferCase, t: NewTransfer): Promise<TransferRecord | null> {
    const em = this.em;
    const id = randomUUID();
    // The proposer (a member of the sending agency) seals the case key to the receiving agency:
    // the server alone could not, and the receiving supervisor needs it to decide and re-seal.
    const { reason, forRecipient } = await this.vault.withKey(em, c, async (key) => ({
      reason: this.vault.seal(key, 'case_transfers', 'reason', id, t.reason),
      forRecipient: await this.vault.sealKeyForTransfer(key, t.toAgencyId),
    }));
    try {
      await em.insert(CaseTransfer, {
        id,
        caseId: c.id,
        fromAgencyId: c.agencyId,
        toAgencyId: t.toAgencyId,
        consentId: t.consentId,
        reason,
        proposedBy: t.proposedById,
        sealedCaseKey: forRecipient.sealed,
        recipientKeyVersion: forRecipient.version,
      });
    } catch (e) {
      if ((e as { code?: string }).code === '23505') return null;
      throw e;
    }
    return this.record(await em.findOneByOrFail(CaseTransfer, { id }));
  }

  async find(id: string, lock = false): Promise<TransferRecord | null> {
    const t = await this.em.findOne(CaseTransfer, { where: { id }, ...(lock ? { lock: { mode: 'pessimistic_write' as const } } : {}) });
    return t ? this.record(t) : null;
  }

  async transfersOfCase(caseId: string): Promise<TransferRecord[]> {
    const rows = await this.em.find(CaseTransfer, { where: { caseId }, order: { proposedAt: 'DESC', id: 'DESC' } });
    return rows.map((t) => this.record(t));
  }

  async pendingInto(agencyId: string): Promise<TransferRecord[]> {
    const rows = await this.em.find(CaseTransfer, { where: { toAgencyId: agencyId, status: 'pending' }, order: { proposedAt: 'ASC', id: 'ASC' } });
    return rows.map((t) => this.record(t));
  }

  async decide(id: string, status: 'accepted' | 'declined', decidedById: string): Promise<void> {
    await this.em.update(CaseTransfer, { id }, { status, decidedBy: decidedById, decidedAt: new Date() });
  }

  async open(c: Pick<TransferCase, 'id' | 'agencyId'>, t: TransferRecord, movingFields: ShareableField[]): Promise<TransferView> {
    const em = this.em;
    const sealed = this.sealed.get(t) ?? (await em.findOneByOrFail(CaseTransfer, { id: t.id })).reason;
    const key = await this.caseKeyFor(c, t.id);
    try {
      return { ...t, reason: this.vault.open(key, 'case_transfers', 'reason', t.id, sealed), movingFields };
    } finally {
      this.vault.dispose(key);
    }
  }

  async forgetTransferKey(id: string): Promise<void> {
    await this.em.update(CaseTransfer, { id }, { sealedCaseKey: null, recipientKeyVersion: null });
  }

  /**
   * The case key through the caller's own agency, or — for the receiving agency of a pending
   * transfer — through the copy the proposer sealed to it.
   */
  private async caseKeyFor(c: Pick<TransferCase, 'id' | 'agencyId'>, transferId: string): Promise<CaseKeyHandle> {
    try {
      return await this.vault.openKey(this.em, c);
    } catch (e) {
      if (!(e instanceof AgencyKeyLockedProblem)) throw e;
      const row = await this.em.findOneByOrFail(CaseTransfer, { id: transferId });
      const stored = await this.em.findOne(CaseKey, { where: { caseId: c.id } });
      if (!row.sealedCaseKey || row.recipientKeyVersion === null || !stored) throw e;
      return this.vault.openTransferKey(c, { toAgencyId: row.toAgencyId, sealedCaseKey: row.sealedCaseKey, recipientKeyVersion: row.recipientKeyVersion, keyVersion: stored.keyVersion });
    }
  }

  async moveCase(c: TransferCase, transferId: string, toAgencyId: string, assignee: string | null, moving: ReadonlySet<string>): Promise<void> {
    const em = this.em;
    const left = new Set(OPTIONAL_FIELDS.filter(([field]) => !moving.has(field)).map(([, table, column]) => `${table}.${column}`));
    const from = await this.caseKeyFor(c, transferId);
    const to = this.vault.successorKey(from, toAgencyId);
    try {
      for (const { table, rowId, caseColumn, columns } of CASE_SEALED_COLUMNS) {
        const rows: Record<string, unknown>[] = await em.query(`SELECT ${rowId} AS row_id, ${columns.join(', ')} FROM ${table} WHERE ${caseColumn} = $1`, [c.id]);
        for (const row of rows) {
          const values: unknown[] = [];
          const sets = columns.map((column) => {
            const value = row[column] as Buffer | null;
            values.push(value === null || left.has(`${table}.${column}`) ? null : this.vault.reseal(from, to, table, column, String(row.row_id), value));
            return `${column} = $${values.length}`;
          });
          values.push(row.row_id);
          await em.query(`UPDATE ${table} SET ${sets.join(', ')} WHERE ${rowId} = $${values.length}`, values);
        }
      }
      await this.resealChunks(em, c.id, from, to);
      for (const table of AGENCY_TABLES) await em.query(`UPDATE ${table} SET agency_id = $1 WHERE case_id = $2`, [toAgencyId, c.id]);
      await em.query(`DELETE FROM case_shares WHERE case_id = $1`, [c.id]);
      await em.query(
        `UPDATE cases SET agency_id = $1, assigned_caseworker_id = $2, phone_index = CASE WHEN $3 THEN phone_index ELSE NULL END, version = version + 1, updated_at = now() WHERE id = $4`,
        [toAgencyId, assignee, moving.has('contactDetails'), c.id],
      );
      await this.vault.replaceKey(em, to);
      await this.projection.refreshCase(em, c.id);
    } finally {
      this.vault.dispose(from);
      this.vault.dispose(to);
    }
  }

  /** Attachment content, one chunk at a time so a large file never sits whole in memory. */
  private async resealChunks(em: EntityManager, caseId: string, from: CaseKeyHandle, to: CaseKeyHandle): Promise<void> {
    const chunks: { attachment_id: string; seq: number; chunk_count: number }[] = await em.query(
      `SELECT ch.attachment_id, ch.seq, a.chunk_count FROM case_attachment_chunks ch JOIN case_attachments a ON a.id = ch.attachment_id WHERE a.case_id = $1`,
      [caseId],
    );
    for (const ch of chunks) {
      const [{ data }] = await em.query<{ data: Buffer }[]>(`SELECT data FROM case_attachment_chunks WHERE attachment_id = $1 AND seq = $2`, [ch.attachment_id, ch.seq]);
      const rowId = chunkRowId(ch.attachment_id, ch.seq, ch.chunk_count);
      await em.query(`UPDATE case_attachment_chunks SET data = $1 WHERE attachment_id = $2 AND seq = $3`, [
        this.vault.reseal(from, to, 'case_attachment_chunks', 'data', rowId, data),
        ch.attachment_id,
        ch.seq,
      ]);
    }
  }

  private record(t: CaseTransfer): TransferRecord {
    const r: TransferRecord = {
      id: t.id,
      caseId: t.caseId,
      fromAgencyId: t.fromAgencyId,
      toAgencyId: t.toAgencyId,
      consentId: t.consentId,
      status: t.status,
      proposedById: t.proposedBy,
      proposedAt: t.proposedAt,
      decidedById: t.decidedBy,
      decidedAt: t.decidedAt,
      version: t.version,
    };
    this.sealed.set(r, t.reason);
    return r;
  }
}

function toConsent(k: CaseConsent): TransferConsent {
  return { id: k.id, recipientAgencyId: k.recipientAgencyId, withdrawn: k.withdrawnAt !== null, shareableFields: k.shareableFields };
}
