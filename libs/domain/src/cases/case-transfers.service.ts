import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { EntityManager, IsNull } from 'typeorm';
import { ConflictProblem, UnprocessableProblem } from '@amani/http';
import { TransactionHost } from '@amani/database';
import type { CaseActor } from './case-actor';
import { CaseAuditor, CaseAuditTarget } from './case-auditor';
import type { ShareableField } from './case-codes';
import { CaseConsent } from './case-consent.entity';
import { CaseClosedProblem, CaseForbiddenProblem, RecordNotVisibleError, StaleVersionProblem } from './case-errors';
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

export interface ProposeTransferCommand {
  consentId: string;
  reason: string;
}

export interface DecideTransferCommand {
  decision: 'accept' | 'decline';
  version: number;
  /** A caseworker of the receiving agency to assign on acceptance; otherwise unassigned. */
  caseworkerId?: string | null;
}

/**
 * Transfer of a case between agencies (inter-agency GBV case management guidelines): the
 * caseworker proposes under a transfer consent, the receiving agency's supervisor accepts or
 * declines. On acceptance, in one transaction, the case gets a new data key bound to the
 * receiving agency, every sealed value is re-sealed under it, identifying fields outside the
 * consent are erased, shares end, and the sending agency keeps only its audit trail.
 */
@Injectable()
export class CaseTransfersService {
  constructor(
    private readonly tx: TransactionHost,
    private readonly vault: CaseVault,
    private readonly scope: CaseScope,
    private readonly auditor: CaseAuditor,
    private readonly projection: ReportingProjection,
  ) {}

  propose(actor: CaseActor, caseId: string, cmd: ProposeTransferCommand): Promise<TransferView> {
    const id = randomUUID();
    const target: CaseAuditTarget = { action: 'case.transfer.propose', targetType: 'case', targetId: caseId };
    return this.auditor.run(actor, target, () =>
      this.tx.run(async (em) => {
        const c = await this.scope.load(em, actor, caseId);
        if (actor.role !== 'supervisor' && c.assignedCaseworkerId !== actor.id) {
          throw new CaseForbiddenProblem('transfer_not_allowed', 'Only the assigned caseworker or a supervisor may propose a transfer.');
        }
        if (c.stage === 'closed') throw new CaseClosedProblem();
        const consent = await em.findOne(CaseConsent, { where: { id: cmd.consentId, caseId, purpose: 'transfer', withdrawnAt: IsNull() } });
        if (!consent?.recipientAgencyId) {
          throw new UnprocessableProblem('no_transfer_consent', 'A transfer needs the survivor\'s active transfer consent naming the receiving agency.', [
            { field: 'consentId', message: 'is not an active transfer consent of this case' },
          ]);
        }
        await this.assertNoOpenReferrals(em, caseId);
        const reason = await this.vault.withKey(em, c, (key) => this.vault.seal(key, 'case_transfers', 'reason', id, cmd.reason));
        try {
          await em.insert(CaseTransfer, { id, caseId, fromAgencyId: c.agencyId, toAgencyId: consent.recipientAgencyId, consentId: consent.id, reason, proposedBy: actor.id });
        } catch (e) {
          if ((e as { code?: string }).code === '23505') throw new ConflictProblem('transfer_pending', 'A transfer of this case is already waiting for a decision.');
          throw e;
        }
        await this.auditor.success(actor, { ...target, targetType: 'case_transfer', targetId: id }, { case: caseId, to: consent.recipientAgencyId }, em);
        return this.view(em, c, await em.findOneByOrFail(CaseTransfer, { id }), consent);
      }),
    );
  }

  listForCase(actor: CaseActor, caseId: string): Promise<TransferView[]> {
    const target: CaseAuditTarget = { action: 'case.transfer.list', targetType: 'case', targetId: caseId };
    return this.auditor.run(actor, target, async () => {
      const em = this.tx.manager;
      const c = await this.scope.load(em, actor, caseId);
      // Only the transfers that brought the case here or that it is leaving with: a sending
      // agency's proposals to others are its own business once the case has moved.
      const rows = await em.find(CaseTransfer, { where: { caseId }, order: { proposedAt: 'DESC', id: 'DESC' } });
      const items: TransferView[] = [];
      for (const t of rows) items.push(await this.view(em, c, t, await em.findOneByOrFail(CaseConsent, { id: t.consentId })));
      await this.auditor.success(actor, target, { count: items.length });
      return items;
    });
  }

  /** Pending transfers into the supervisor's agency. */
  incoming(actor: CaseActor): Promise<TransferView[]> {
    const target: CaseAuditTarget = { action: 'case.transfer.incoming', targetType: 'case', targetId: null };
    return this.auditor.run(actor, target, async () => {
      if (actor.role !== 'supervisor') throw new CaseForbiddenProblem('forbidden', 'Only supervisors decide transfers into their agency.');
      const em = this.tx.manager;
      const rows = await em.find(CaseTransfer, { where: { toAgencyId: actor.agencyId, status: 'pending' }, order: { proposedAt: 'ASC', id: 'ASC' } });
      const items: TransferView[] = [];
      for (const t of rows) {
        const c = await em.findOneByOrFail(Case, { id: t.caseId });
        items.push(await this.view(em, c, t, await em.findOneByOrFail(CaseConsent, { id: t.consentId })));
      }
      await this.auditor.success(actor, target, { count: items.length });
      return items;
    });
  }

  decide(actor: CaseActor, transferId: string, cmd: DecideTransferCommand): Promise<TransferView> {
    const target: CaseAuditTarget = { action: `case.transfer.${cmd.decision}`, targetType: 'case_transfer', targetId: transferId };
    return this.auditor.run(actor, target, () =>
      this.tx.run(async (em) => {
        const transfer = await em.findOne(CaseTransfer, { where: { id: transferId }, lock: { mode: 'pessimistic_write' } });
        if (!transfer) throw new RecordNotVisibleError('not_found', 'transfer');
        if (actor.role !== 'supervisor' || transfer.toAgencyId !== actor.agencyId) throw new RecordNotVisibleError('out_of_scope', 'transfer');
        if (transfer.version !== cmd.version) throw new StaleVersionProblem();
        if (transfer.status !== 'pending') throw new ConflictProblem('transfer_decided', 'This transfer has already been decided.');
        const c = await em.findOne(Case, { where: { id: transfer.caseId }, lock: { mode: 'pessimistic_write' } });
        if (!c || c.agencyId !== transfer.fromAgencyId) throw new RecordNotVisibleError('not_found', 'transfer');
        const consent = await em.findOneByOrFail(CaseConsent, { id: transfer.consentId });

        if (cmd.decision === 'decline') {
          await em.update(CaseTransfer, { id: transfer.id }, { status: 'declined', decidedBy: actor.id, decidedAt: new Date() });
        } else {
          if (consent.withdrawnAt !== null || consent.recipientAgencyId !== actor.agencyId) {
            throw new ConflictProblem('transfer_consent_withdrawn', 'The survivor withdrew the transfer consent; the case cannot move.');
          }
          await this.assertNoOpenReferrals(em, c.id);
          const assignee = cmd.caseworkerId ?? null;
          if (assignee && !(await this.isActiveCaseworker(em, actor.agencyId, assignee))) {
            throw new UnprocessableProblem('invalid_assignee', 'The case can be assigned only to an active caseworker of your agency.', [
              { field: 'caseworkerId', message: 'must be an active caseworker of your agency' },
            ]);
          }
          await this.move(em, c, actor.agencyId, assignee, new Set(consent.shareableFields));
          await em.update(CaseTransfer, { id: transfer.id }, { status: 'accepted', decidedBy: actor.id, decidedAt: new Date() });
        }
        await this.auditor.success(actor, target, { case: c.id, from: transfer.fromAgencyId }, em);
        const after = await em.findOneByOrFail(Case, { id: c.id });
        return this.view(em, after, await em.findOneByOrFail(CaseTransfer, { id: transfer.id }), consent);
      }),
    );
  }

  /** Re-seals everything under a new key for the receiving agency and hands the case over. */
  private async move(em: EntityManager, c: Case, toAgencyId: string, assignee: string | null, moving: Set<string>): Promise<void> {
    const left = new Set(OPTIONAL_FIELDS.filter(([field]) => !moving.has(field)).map(([, table, column]) => `${table}.${column}`));
    const from = await this.vault.openKey(em, c);
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
      const rowId = `${ch.attachment_id}/${ch.seq}/${ch.chunk_count}`;
      await em.query(`UPDATE case_attachment_chunks SET data = $1 WHERE attachment_id = $2 AND seq = $3`, [
        this.vault.reseal(from, to, 'case_attachment_chunks', 'data', rowId, data),
        ch.attachment_id,
        ch.seq,
      ]);
    }
  }

  private async assertNoOpenReferrals(em: EntityManager, caseId: string): Promise<void> {
    const open: unknown[] = await em.query(`SELECT 1 FROM referrals WHERE case_id = $1 AND state IN ('pending', 'accepted') LIMIT 1`, [caseId]);
    if (open.length) throw new ConflictProblem('open_referrals', 'Close, revoke or complete the case\'s open referrals before transferring it.');
  }

  private async isActiveCaseworker(em: EntityManager, agencyId: string, userId: string): Promise<boolean> {
    const rows: unknown[] = await em.query(`SELECT 1 FROM users WHERE id = $1 AND role = 'caseworker' AND agency_id = $2 AND disabled_at IS NULL`, [userId, agencyId]);
    return rows.length > 0;
  }

  private async view(em: EntityManager, c: Case, t: CaseTransfer, consent: CaseConsent): Promise<TransferView> {
    const reason = await this.vault.withKey(em, c, (key) => this.vault.open(key, 'case_transfers', 'reason', t.id, t.reason));
    return {
      id: t.id,
      caseId: t.caseId,
      fromAgencyId: t.fromAgencyId,
      toAgencyId: t.toAgencyId,
      consentId: t.consentId,
      status: t.status,
      reason,
      movingFields: consent.shareableFields,
      proposedById: t.proposedBy,
      proposedAt: t.proposedAt,
      decidedById: t.decidedBy,
      decidedAt: t.decidedAt,
      version: t.version,
    };
  }
}
