import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { LocationsService } from '@amani/domain/locations';
import { EntityManager } from 'typeorm';
import { normalise } from '@amani/crypto';
import { ConflictProblem, UnprocessableProblem, ValidationProblem } from '@amani/http';
import { User } from '@amani/auth';
import type { CaseActor } from './case-actor';
import { CaseAuditor, CaseAuditTarget } from './case-auditor';
import type { AssignCaseCommand, CaseListQuery, ChangeStageCommand, CreateCaseCommand, ReopenCaseCommand, UpdateCaseCommand } from './case-commands';
import {
  CaseClosedProblem,
  CaseForbiddenProblem,
  RecordNotVisibleError,
  StaleVersionProblem,
} from './case-errors';
import { decryptCase, isContactDetails, toCaseSummary } from './case-mapper';
import { CaseRow, decodeCaseCursor, encodeCaseCursor, SUMMARY_SQL, summaryFromRow, SummaryRow, updateCaseIfVersion } from './case-row';
import { CaseScope } from './case-scope';
import { CaseShare } from './case-share.entity';
import { checkReopen, checkStageTransition, REOPEN_STAGE } from './case-stage-machine';
import { CaseKeyHandle, CaseVault } from './case-vault';
import type { CaseDetailView, CasePage, CaseSummaryView, ShareView } from './case-views';
import { Case } from './case.entity';
import { ReportingProjection } from './reporting-projection';
import { generateSurvivorCode } from './survivor-code';
import { preparedQuery, TransactionHost } from '@amani/database';

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
const CODED_FIELDS = ['sex', 'ageBand', 'nationalityStatus', 'displacementStatus', 'disability', 'vulnerabilities', 'regionCode'] as const;
const SURVIVOR_CODE_ATTEMPTS = 8;
const NORMALISED_SURVIVOR_CODE = /^[A-Z]{3}[0-9]{5}$/;

/** What sealing and opening a JSON field gives back: a plain copy (or null). */
const jsonCopy = <T>(value: T | null | undefined): T | null => (value === null || value === undefined ? null : (JSON.parse(JSON.stringify(value)) as T));

/** Cases: create, read, change, stage, assignment, lookup and sharing, all within DESIGN §1 scope. */
@Injectable()
export class CasesService {
  constructor(
    private readonly tx: TransactionHost,
    private readonly vault: CaseVault,
    private readonly scope: CaseScope,
    private readonly auditor: CaseAuditor,
    private readonly projection: ReportingProjection,
    private readonly locations: LocationsService,
  ) {}

  /**
   * One statement: the case row (only if its survivor code is unused — the same check as a
   * SELECT before the INSERT, without the round trip), its wrapped key and the audit row. It
   * joins the transaction open in this context, if any; alone it is atomic by itself. The view
   * is built from what was sealed, not re-read and re-opened.
   */
  create(actor: CaseActor, cmd: CreateCaseCommand): Promise<CaseDetailView> {
    const id = randomUUID();
    const target: CaseAuditTarget = { action: 'case.create', targetType: 'case', targetId: id };
    return this.auditor.run(actor, target, async () => {
      const em = this.tx.manager;
      await this.locations.assertKnown('regionCode', cmd.regionCode);
      const assignee = await this.resolveNewCaseAssignee(em, actor, cmd.assignedCaseworkerId ?? null);
      const key = this.vault.newKey(id, actor.agencyId);
      try {
        const seal = (column: string, value: string | null | undefined) => this.vault.sealOptional(key, 'cases', column, id, value);
        const sealJson = (column: string, value: unknown) => this.vault.sealJson(key, 'cases', column, id, value);
        const wrapped = this.vault.wrapKey(key);
        const vulnerabilities = [...new Set(cmd.vulnerabilities)];
        const fixed = [
          id, actor.agencyId, actor.id, assignee, cmd.sex, cmd.ageBand, cmd.nationalityStatus, cmd.displacementStatus, cmd.disability,
          vulnerabilities, cmd.regionCode,
          cmd.contactDetails?.phone ? this.vault.phoneIndex(cmd.contactDetails.phone) : null,
          this.vault.seal(key, 'cases', 'survivor_name', id, cmd.survivorName),
          cmd.aliases?.length ? sealJson('survivor_aliases', cmd.aliases) : null,
          sealJson('contact_details', cmd.contactDetails),
          seal('address', cmd.address),
          seal('date_of_birth', cmd.dateOfBirth),
          sealJson('caregiver_details', cmd.caregiverDetails),
          seal('narrative', cmd.narrative),
          wrapped.wrappedDek, wrapped.kekVersion, wrapped.keyVersion,
        ];
        // $23 survivor_code_index, $24 survivor_code, then the audit row's parameters.
        const audit = this.auditor.successInsert(actor, target, {}, 25, 'FROM c');
        const sql = `WITH c AS (
            INSERT INTO cases (id, agency_id, created_by, assigned_caseworker_id, sex, age_band, nationality_status, displacement_status,
              disability, vulnerabilities, region_code, phone_index, survivor_name, survivor_aliases, contact_details, address,
              date_of_birth, caregiver_details, narrative, survivor_code_index, survivor_code)
            SELECT $1::uuid, $2::uuid, $3::uuid, $4::uuid, $5::varchar, $6::varchar, $7::varchar, $8::varchar, $9::varchar, $10::varchar[],
                   $11::varchar, $12::bytea, $13::bytea, $14::bytea, $15::bytea, $16::bytea, $17::bytea, $18::bytea, $19::bytea,
                   $23::bytea, $24::bytea
             WHERE NOT EXISTS (SELECT 1 FROM cases WHERE survivor_code_index = $23::bytea)
            RETURNING stage, closure_reason, created_at, updated_at, closed_at, version),
          k AS (INSERT INTO case_keys (case_id, wrapped_dek, kek_version, key_version) SELECT $1::uuid, $20::bytea, $21::int, $22::int FROM c),
          a AS (${audit.sql})
          SELECT * FROM c`;
        for (let attempt = 0; attempt < SURVIVOR_CODE_ATTEMPTS; attempt++) {
          const code = generateSurvivorCode();
          const survivorCode = this.vault.seal(key, 'cases', 'survivor_code', id, code);
          const rows = await preparedQuery<Pick<CaseRow, 'stage' | 'closure_reason' | 'created_at' | 'updated_at' | 'closed_at' | 'version'>>(em, sql, [
            ...fixed,
            this.vault.survivorCodeIndex(code),
            survivorCode,
            ...audit.params,
          ]);
          const row = rows[0];
          if (!row) continue;
          return {
            id,
            stage: row.stage,
            closureReason: row.closure_reason,
            sex: cmd.sex,
            ageBand: cmd.ageBand,
            nationalityStatus: cmd.nationalityStatus,
            displacementStatus: cmd.displacementStatus,
            disability: cmd.disability,
            vulnerabilities,
            regionCode: cmd.regionCode,
            assignedCaseworkerId: assignee,
            createdAt: row.created_at,
            updatedAt: row.updated_at,
            closedAt: row.closed_at,
            version: row.version,
            survivorCode: code,
            survivorName: cmd.survivorName,
            aliases: cmd.aliases?.length ? [...cmd.aliases] : [],
            contactDetails: jsonCopy(cmd.contactDetails),
            address: cmd.address ?? null,
            dateOfBirth: cmd.dateOfBirth ?? null,
            caregiverDetails: jsonCopy(cmd.caregiverDetails),
            narrative: cmd.narrative ?? null,
            createdById: actor.id,
          };
        }
        throw new Error('could not draw an unused survivor code');
      } finally {
        this.vault.dispose(key);
      }
    });
  }

  /**
   * A page of summaries, newest first, by keyset (created_at, id) when a cursor is given — flat
   * however many cases the scope holds — or by page number (kept for the console's pager). The
   * total is a bounded count (CASE_TOTAL_CAP), never a scan of the whole scope. One statement,
   * audit row included.
   */
  list(actor: CaseActor, q: CaseListQuery): Promise<CasePage> {
    const target: CaseAuditTarget = { action: 'case.list', targetType: 'case', targetId: null };
    return this.auditor.run(actor, target, async () => {
      const after = q.cursor === undefined ? null : decodeCaseCursor(q.cursor);
      if (after && q.page > 1) throw new ValidationProblem([{ field: 'cursor', message: 'cannot be combined with page' }]);
      const params: unknown[] = [actor.agencyId];
      const where = ['c.agency_id = $1'];
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
      const audit = this.auditor.successInsert(actor, target, {}, params.length + 1, '', `SELECT least(count(*), ${shown}::int) FROM page`);
      const rows = await preparedQuery<SummaryRow & { cursor_at: string | null; total: number }>(
        this.tx.manager,
        `WITH page AS (
            SELECT ${SUMMARY_SQL}, to_char(c.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS cursor_at
              FROM cases c WHERE ${scope}${keyset}
             ORDER BY c.created_at DESC, c.id DESC ${limit}),
          counted AS (SELECT count(*)::int AS total FROM (SELECT 1 FROM cases c WHERE ${scope} LIMIT ${CASE_TOTAL_CAP + 1}) x),
          audited AS (${audit.sql})
         SELECT page.*, counted.total FROM counted LEFT JOIN page ON true`,
        [...params, ...audit.params],
      );
      const found = rows.filter((r) => r.id !== null);
      const items = found.slice(0, q.pageSize);
      const last = items[items.length - 1];
      const nextCursor = found.length > q.pageSize && last ? encodeCaseCursor(last.cursor_at!, last.id) : null;
      const counted = rows[0]?.total ?? 0;
      return {
        items: items.map(summaryFromRow),
        page: after ? 1 : q.page,
        pageSize: q.pageSize,
        total: Math.min(counted, CASE_TOTAL_CAP),
        totalCapped: counted > CASE_TOTAL_CAP,
        nextCursor,
      };
    });
  }

  get(actor: CaseActor, caseId: string): Promise<CaseDetailView> {
    const target: CaseAuditTarget = { action: 'case.read', targetType: 'case', targetId: caseId };
    return this.auditor.run(actor, target, async () => {
      // The case, its key and the share check in one statement; then the audit row.
      const { case: c, key: stored } = await this.scope.loadWithKey(this.tx.manager, actor, caseId);
      const key = this.vault.keyFromRow(c, stored);
      let view: CaseDetailView;
      try {
        view = decryptCase(this.vault, key, c);
      } finally {
        this.vault.dispose(key);
      }
      await this.auditor.success(actor, target);
      return view;
    });
  }

  update(actor: CaseActor, caseId: string, cmd: UpdateCaseCommand): Promise<CaseDetailView> {
    const target: CaseAuditTarget = { action: 'case.update', targetType: 'case', targetId: caseId };
    return this.auditor.run(actor, target, () =>
      this.tx.run(async (em) => {
        const c = await this.scope.load(em, actor, caseId);
        if (c.version !== cmd.version) throw new StaleVersionProblem();
        if (c.stage === 'closed') throw new CaseClosedProblem();
        await this.locations.assertKnown('regionCode', cmd.regionCode);
        return this.vault.withKey(em, c, async (key) => {
          const sets = this.updateSets(key, caseId, cmd);
          const changed = Object.keys(sets).length;
          if (changed === 0) throw new ValidationProblem([{ field: 'body', message: 'holds no field to change' }]);
          await this.conditionalUpdate(em, caseId, cmd.version, sets);
          const codedChanged = CODED_FIELDS.some((f) => cmd[f] !== undefined);
          if (codedChanged) await this.projection.refreshCase(em, caseId);
          const saved = await em.findOneByOrFail(Case, { id: caseId });
          const view = decryptCase(this.vault, key, saved);
          await this.auditor.success(actor, target, { fields: changed }, em);
          return view;
        });
      }),
    );
  }

  changeStage(actor: CaseActor, caseId: string, cmd: ChangeStageCommand): Promise<CaseSummaryView> {
    const target: CaseAuditTarget = { action: 'case.stage', targetType: 'case', targetId: caseId };
    return this.auditor.run(actor, target, () =>
      this.tx.run(async (em) => {
        const c = await this.scope.load(em, actor, caseId);
        if (c.version !== cmd.version) throw new StaleVersionProblem();
        const closing = cmd.to === 'closed';
        if (closing && !cmd.closureReason) {
          throw new ValidationProblem([{ field: 'closureReason', message: 'is required to close a case' }]);
        }
        if (!closing && cmd.closureReason) {
          throw new ValidationProblem([{ field: 'closureReason', message: 'is only accepted when closing a case' }]);
        }
        const refusal = checkStageTransition(c.stage, cmd.to, actor.role);
        if (refusal === 'closure_needs_supervisor') {
          throw new CaseForbiddenProblem('closure_needs_supervisor', 'Only a supervisor may close a case; request a closure approval instead.');
        }
        if (refusal) {
          throw new UnprocessableProblem('stage_transition_not_allowed', 'The case cannot move to that stage from its current stage.', [
            { field: 'to', message: 'is not reachable from the current stage' },
          ]);
        }
        await this.conditionalUpdate(em, caseId, cmd.version, {
          stage: cmd.to,
          closureReason: closing ? cmd.closureReason : null,
          closedAt: closing ? () => 'now()' : null,
        });
        await this.auditor.success(actor, target, { from: c.stage, to: cmd.to }, em);
        return toCaseSummary(await em.findOneByOrFail(Case, { id: caseId }));
      }),
    );
  }

  /** A supervisor reopens a closed case, with a coded reason; it resumes at assessment. */
  reopen(actor: CaseActor, caseId: string, cmd: ReopenCaseCommand): Promise<CaseSummaryView> {
    const target: CaseAuditTarget = { action: 'case.reopen', targetType: 'case', targetId: caseId };
    return this.auditor.run(actor, target, () =>
      this.tx.run(async (em) => {
        const c = await this.scope.load(em, actor, caseId);
        const refusal = checkReopen(c.stage, actor.role);
        if (refusal === 'reopen_needs_supervisor') throw new CaseForbiddenProblem(refusal, 'Only a supervisor may reopen a case.');
        if (c.version !== cmd.version) throw new StaleVersionProblem();
        if (refusal === 'case_not_closed') throw new ConflictProblem(refusal, 'Only a closed case can be reopened.');
        await this.conditionalUpdate(em, caseId, cmd.version, { stage: REOPEN_STAGE, closureReason: null, closedAt: null });
        await this.auditor.success(actor, target, { reason: cmd.reason, from: c.closureReason, to: REOPEN_STAGE }, em);
        return toCaseSummary(await em.findOneByOrFail(Case, { id: caseId }));
      }),
    );
  }

  assign(actor: CaseActor, caseId: string, cmd: AssignCaseCommand): Promise<CaseSummaryView> {
    const target: CaseAuditTarget = { action: 'case.assign', targetType: 'case', targetId: caseId };
    return this.auditor.run(actor, target, () =>
      this.tx.run(async (em) => {
        if (actor.role !== 'supervisor') {
          throw new CaseForbiddenProblem('assignment_needs_supervisor', 'Only a supervisor may assign a case.');
        }
        const c = await this.scope.load(em, actor, caseId);
        if (c.version !== cmd.version) throw new StaleVersionProblem();
        if (c.stage === 'closed') throw new CaseClosedProblem();
        if (!(await this.isActiveCaseworker(em, actor.agencyId, cmd.caseworkerId))) {
          throw new UnprocessableProblem('invalid_assignee', 'A case can be assigned only to an active caseworker of your agency.', [
            { field: 'caseworkerId', message: 'must be an active caseworker of your agency' },
          ]);
        }
        await this.conditionalUpdate(em, caseId, cmd.version, { assignedCaseworkerId: cmd.caseworkerId });
        await this.auditor.success(actor, target, { assignee: cmd.caseworkerId }, em);
        return toCaseSummary(await em.findOneByOrFail(Case, { id: caseId }));
      }),
    );
  }

  /**
   * Finds a case by survivor code. The blind index narrows the candidates (false matches are
   * expected); each in-scope candidate is decrypted and compared exactly.
   */
  lookupBySurvivorCode(actor: CaseActor, survivorCode: string): Promise<CaseSummaryView> {
    const target: CaseAuditTarget = { action: 'case.lookup', targetType: 'case', targetId: null };
    return this.auditor.run(actor, target, async () => {
      const wanted = normalise.survivorCode(survivorCode);
      if (!NORMALISED_SURVIVOR_CODE.test(wanted)) {
        throw new ValidationProblem([{ field: 'survivorCode', message: 'must look like ABC-23456' }]);
      }
      const em = this.tx.manager;
      const index = this.vault.survivorCodeIndex(wanted);
      const qb = em.getRepository(Case).createQueryBuilder('c').where('c.survivor_code_index = :index', { index });
      for (const c of await this.scope.restrict(qb, actor, 'c').getMany()) {
        const code = await this.vault.withKey(em, c, (key) => this.vault.open(key, 'cases', 'survivor_code', c.id, c.survivorCode));
        if (normalise.survivorCode(code) === wanted) {
          await this.auditor.success(actor, { ...target, targetId: c.id });
          return toCaseSummary(c);
        }
      }
      // Refused and missing answer alike; only the audit event tells them apart.
      const outOfScope = await em.exists(Case, { where: { survivorCodeIndex: index } });
      throw new RecordNotVisibleError(outOfScope ? 'out_of_scope' : 'not_found');
    });
  }

  /** In-scope cases whose contact phone matches (intake de-duplication). */
  findByPhone(actor: CaseActor, phone: string): Promise<CaseSummaryView[]> {
    const target: CaseAuditTarget = { action: 'case.phone_lookup', targetType: 'case', targetId: null };
    return this.auditor.run(actor, target, async () => {
      const index = this.vault.phoneIndex(phone);
      if (!index) throw new ValidationProblem([{ field: 'phone', message: 'must contain digits' }]);
      const wanted = normalise.phone(phone);
      const qb = this.tx.manager.getRepository(Case).createQueryBuilder('c').where('c.phone_index = :index', { index });
      this.scope.restrict(qb, actor, 'c');
      const matches: CaseSummaryView[] = [];
      for (const c of await qb.orderBy('c.createdAt', 'DESC').take(50).getMany()) {
        const contact = await this.vault.withKey(this.tx.manager, c, (key) =>
          this.vault.openJson(key, 'cases', 'contact_details', c.id, c.contactDetails, isContactDetails),
        );
        if (contact?.phone && normalise.phone(contact.phone) === wanted) matches.push(toCaseSummary(c));
      }
      await this.auditor.success(actor, target, { count: matches.length });
      return matches;
    });
  }

  share(actor: CaseActor, caseId: string, userId: string): Promise<ShareView> {
    const target: CaseAuditTarget = { action: 'case.share', targetType: 'case', targetId: caseId };
    return this.auditor.run(actor, target, () =>
      this.tx.run(async (em) => {
        const c = await this.scope.load(em, actor, caseId);
        this.assertMayManageShares(actor, c);
        if (userId === c.assignedCaseworkerId || !(await this.isActiveCaseworker(em, actor.agencyId, userId))) {
          throw new UnprocessableProblem('invalid_share_target', 'A case can be shared only with another active caseworker of your agency.', [
            { field: 'userId', message: 'must be another active caseworker of your agency' },
          ]);
        }
        await em.createQueryBuilder().insert().into(CaseShare).values({ caseId, userId, sharedById: actor.id }).orIgnore().execute();
        const share = await em.findOneByOrFail(CaseShare, { caseId, userId });
        await this.auditor.success(actor, target, { user: userId }, em);
        return { caseId, userId, sharedById: share.sharedById, createdAt: share.createdAt };
      }),
    );
  }

  unshare(actor: CaseActor, caseId: string, userId: string): Promise<void> {
    const target: CaseAuditTarget = { action: 'case.unshare', targetType: 'case', targetId: caseId };
    return this.auditor.run(actor, target, () =>
      this.tx.run(async (em) => {
        const c = await this.scope.load(em, actor, caseId);
        this.assertMayManageShares(actor, c);
        await em.delete(CaseShare, { caseId, userId });
        await this.auditor.success(actor, target, { user: userId }, em);
      }),
    );
  }

  listShares(actor: CaseActor, caseId: string): Promise<ShareView[]> {
    const target: CaseAuditTarget = { action: 'case.shares.list', targetType: 'case', targetId: caseId };
    return this.auditor.run(actor, target, async () => {
      const em = this.tx.manager;
      await this.scope.load(em, actor, caseId);
      const rows = await em.find(CaseShare, { where: { caseId }, order: { createdAt: 'ASC' } });
      await this.auditor.success(actor, target, { count: rows.length });
      return rows.map((s) => ({ caseId, userId: s.userId, sharedById: s.sharedById, createdAt: s.createdAt }));
    });
  }

  private assertMayManageShares(actor: CaseActor, c: Case): void {
    if (actor.role !== 'supervisor' && c.assignedCaseworkerId !== actor.id) {
      throw new CaseForbiddenProblem('share_not_allowed', 'Only the assigned caseworker or a supervisor may share a case.');
    }
  }

  private async resolveNewCaseAssignee(em: EntityManager, actor: CaseActor, requested: string | null): Promise<string | null> {
    if (actor.role === 'caseworker') {
      if (requested !== null && requested !== actor.id) {
        throw new CaseForbiddenProblem('assignment_needs_supervisor', 'Only a supervisor may assign a case.');
      }
      return actor.id;
    }
    if (requested === null) return null;
    if (!(await this.isActiveCaseworker(em, actor.agencyId, requested))) {
      throw new UnprocessableProblem('invalid_assignee', 'A case can be assigned only to an active caseworker of your agency.', [
        { field: 'assignedCaseworkerId', message: 'must be an active caseworker of your agency' },
      ]);
    }
    return requested;
  }

  private isActiveCaseworker(em: EntityManager, agencyId: string, userId: string): Promise<boolean> {
    return em
      .getRepository(User)
      .createQueryBuilder('u')
      .where('u.id = :userId AND u.role = :role AND u.agency_id = :agencyId AND u.disabled_at IS NULL', {
        userId,
        role: 'caseworker',
        agencyId,
      })
      .getExists();
  }

  private updateSets(key: CaseKeyHandle, id: string, cmd: UpdateCaseCommand): Record<string, unknown> {
    const sets: Record<string, unknown> = {};
    for (const f of CODED_FIELDS) {
      if (cmd[f] !== undefined) sets[f] = f === 'vulnerabilities' ? [...new Set(cmd.vulnerabilities)] : cmd[f];
    }
    const seal = (column: string, value: string | null | undefined) => this.vault.sealOptional(key, 'cases', column, id, value);
    const sealJson = (column: string, value: unknown) => this.vault.sealJson(key, 'cases', column, id, value);
    if (cmd.survivorName !== undefined) sets.survivorName = this.vault.seal(key, 'cases', 'survivor_name', id, cmd.survivorName);
    if (cmd.aliases !== undefined) sets.survivorAliases = cmd.aliases?.length ? sealJson('survivor_aliases', cmd.aliases) : null;
    if (cmd.contactDetails !== undefined) {
      sets.contactDetails = sealJson('contact_details', cmd.contactDetails);
      sets.phoneIndex = cmd.contactDetails?.phone ? this.vault.phoneIndex(cmd.contactDetails.phone) : null;
    }
    if (cmd.address !== undefined) sets.address = seal('address', cmd.address);
    if (cmd.dateOfBirth !== undefined) sets.dateOfBirth = seal('date_of_birth', cmd.dateOfBirth);
    if (cmd.caregiverDetails !== undefined) sets.caregiverDetails = sealJson('caregiver_details', cmd.caregiverDetails);
    if (cmd.narrative !== undefined) sets.narrative = seal('narrative', cmd.narrative);
    return sets;
  }

  private conditionalUpdate(em: EntityManager, caseId: string, version: number, sets: Record<string, unknown>): Promise<void> {
    return updateCaseIfVersion(em, caseId, version, sets);
  }

}
