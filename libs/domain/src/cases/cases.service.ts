import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { LocationsService } from '@amani/domain/locations';
import { normalise } from '@amani/crypto';
import { ConflictProblem, UnprocessableProblem, ValidationProblem } from '@amani/http';
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
import { decodeCaseCursor, encodeCaseCursor, summaryFromRow } from './case-row';
import { checkReopen, checkStageTransition, REOPEN_STAGE } from './case-stage-machine';
import { CaseKeyHandle, CaseVault } from './case-vault';
import type { CaseDetailView, CasePage, CaseSummaryView, ShareView } from './case-views';
import { Case } from './case.entity';
import { CASE_TOTAL_CAP, CasesRepository, InlineAudit, NewCaseRow, withCaseKey } from './cases.repository';
import { generateSurvivorCode } from './survivor-code';
import { CaseErasureHooks, RetentionEraser } from './case-hooks';
import type { ErasureReason } from './case-codes';
import { TransactionHost } from '@amani/database';

export { CASE_TOTAL_CAP } from './cases.repository';

const CODED_FIELDS = ['sex', 'ageBand', 'nationalityStatus', 'displacementStatus', 'disability', 'vulnerabilities', 'regionCode'] as const;
const SURVIVOR_CODE_ATTEMPTS = 8;
/** At most this many phone matches are opened and compared. */
const PHONE_MATCHES = 50;
const NORMALISED_SURVIVOR_CODE = /^[A-Z]{3}[0-9]{5}$/;

/** What sealing and opening a JSON field gives back: a plain copy (or null). */
const jsonCopy = <T>(value: T | null | undefined): T | null => (value === null || value === undefined ? null : (JSON.parse(JSON.stringify(value)) as T));

/** Cases: create, read, change, stage, assignment, lookup and sharing, all within DESIGN §1 scope. */
@Injectable()
export class CasesService {
  constructor(
    private readonly tx: TransactionHost,
    private readonly vault: CaseVault,
    private readonly repo: CasesRepository,
    private readonly auditor: CaseAuditor,
    private readonly locations: LocationsService,
    private readonly erasureHooks: CaseErasureHooks,
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
      await this.locations.assertKnown('regionCode', cmd.regionCode);
      const assignee = await this.resolveNewCaseAssignee(actor, cmd.assignedCaseworkerId ?? null);
      const key = this.vault.newKey(id, actor.agencyId);
      try {
        const seal = (column: string, value: string | null | undefined) => this.vault.sealOptional(key, 'cases', column, id, value);
        const sealJson = (column: string, value: unknown) => this.vault.sealJson(key, 'cases', column, id, value);
        const vulnerabilities = [...new Set(cmd.vulnerabilities)];
        const row: NewCaseRow = {
          id,
          agencyId: actor.agencyId,
          createdById: actor.id,
          assignedCaseworkerId: assignee,
          sex: cmd.sex,
          ageBand: cmd.ageBand,
          nationalityStatus: cmd.nationalityStatus,
          displacementStatus: cmd.displacementStatus,
          disability: cmd.disability,
          vulnerabilities,
          regionCode: cmd.regionCode,
          phoneIndex: cmd.contactDetails?.phone ? this.vault.phoneIndex(cmd.contactDetails.phone) : null,
          indexVersion: this.vault.blindIndexVersion(),
          survivorName: this.vault.seal(key, 'cases', 'survivor_name', id, cmd.survivorName),
          survivorAliases: cmd.aliases?.length ? sealJson('survivor_aliases', cmd.aliases) : null,
          contactDetails: sealJson('contact_details', cmd.contactDetails),
          address: seal('address', cmd.address),
          dateOfBirth: seal('date_of_birth', cmd.dateOfBirth),
          caregiverDetails: sealJson('caregiver_details', cmd.caregiverDetails),
          narrative: seal('narrative', cmd.narrative),
          key: await this.vault.sealKey(key),
        };
        const audit: InlineAudit = (first, from) => this.auditor.successInsert(actor, target, {}, first, from);
        for (let attempt = 0; attempt < SURVIVOR_CODE_ATTEMPTS; attempt++) {
          const code = generateSurvivorCode();
          const sealed = this.vault.seal(key, 'cases', 'survivor_code', id, code);
          const index = { index: this.vault.survivorCodeIndex(code), indexVersion: row.indexVersion, anyVersion: this.vault.survivorCodeIndexes(code) };
          const created = await this.repo.insertCase(row, { ...index, sealed }, audit);
          if (!created) continue;
          return {
            id,
            stage: created.stage,
            closureReason: created.closure_reason,
            sex: cmd.sex,
            ageBand: cmd.ageBand,
            nationalityStatus: cmd.nationalityStatus,
            displacementStatus: cmd.displacementStatus,
            disability: cmd.disability,
            vulnerabilities,
            regionCode: cmd.regionCode,
            assignedCaseworkerId: assignee,
            createdAt: created.created_at,
            updatedAt: created.updated_at,
            closedAt: created.closed_at,
            version: created.version,
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
      const audit: InlineAudit = (first, from, countSql) => this.auditor.successInsert(actor, target, {}, first, from, countSql);
      const { rows: found, counted } = await this.repo.listPage(actor, q, after, audit);
      const items = found.slice(0, q.pageSize);
      const last = items[items.length - 1];
      const nextCursor = found.length > q.pageSize && last ? encodeCaseCursor(last.cursor_at!, last.id) : null;
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
      const { case: c, key: stored } = await this.repo.loadInScopeWithKey(actor, caseId);
      const key = await this.vault.keyFromRow(c, stored);
      let view: CaseDetailView;
      try {
        view = decryptCase(this.vault, key, c);
      } finally {
        this.vault.dispose(key);
      }
      await this.reindexIfStale(c, view);
      await this.auditor.success(actor, target);
      return view;
    });
  }

  update(actor: CaseActor, caseId: string, cmd: UpdateCaseCommand): Promise<CaseDetailView> {
    const target: CaseAuditTarget = { action: 'case.update', targetType: 'case', targetId: caseId };
    return this.auditor.run(actor, target, () =>
      this.tx.run(async () => {
        const c = await this.repo.loadInScope(actor, caseId);
        if (c.version !== cmd.version) throw new StaleVersionProblem();
        if (c.stage === 'closed') throw new CaseClosedProblem();
        await this.locations.assertKnown('regionCode', cmd.regionCode);
        return withCaseKey(this.repo, this.vault, c, async (key) => {
          const sets = this.updateSets(key, caseId, cmd);
          const changed = Object.keys(sets).length;
          if (changed === 0) throw new ValidationProblem([{ field: 'body', message: 'holds no field to change' }]);
          await this.repo.updateIfVersion(caseId, cmd.version, sets);
          const codedChanged = CODED_FIELDS.some((f) => cmd[f] !== undefined);
          if (codedChanged) await this.repo.refreshReporting(caseId);
          const saved = await this.repo.findById(caseId);
          const view = decryptCase(this.vault, key, saved);
          await this.auditor.success(actor, target, { fields: changed }, this.tx.manager);
          return view;
        });
      }),
    );
  }

  changeStage(actor: CaseActor, caseId: string, cmd: ChangeStageCommand): Promise<CaseSummaryView> {
    const target: CaseAuditTarget = { action: 'case.stage', targetType: 'case', targetId: caseId };
    return this.auditor.run(actor, target, () =>
      this.tx.run(async () => {
        const c = await this.repo.loadInScope(actor, caseId);
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
        await this.repo.updateIfVersion(caseId, cmd.version, {
          stage: cmd.to,
          closureReason: closing ? cmd.closureReason : null,
          closedAt: closing ? () => 'now()' : null,
        });
        await this.auditor.success(actor, target, { from: c.stage, to: cmd.to }, this.tx.manager);
        return toCaseSummary(await this.repo.findById(caseId));
      }),
    );
  }

  /** A supervisor reopens a closed case, with a coded reason; it resumes at assessment. */
  reopen(actor: CaseActor, caseId: string, cmd: ReopenCaseCommand): Promise<CaseSummaryView> {
    const target: CaseAuditTarget = { action: 'case.reopen', targetType: 'case', targetId: caseId };
    return this.auditor.run(actor, target, () =>
      this.tx.run(async () => {
        const c = await this.repo.loadInScope(actor, caseId);
        const refusal = checkReopen(c.stage, actor.role);
        if (refusal === 'reopen_needs_supervisor') throw new CaseForbiddenProblem(refusal, 'Only a supervisor may reopen a case.');
        if (c.version !== cmd.version) throw new StaleVersionProblem();
        if (refusal === 'case_not_closed') throw new ConflictProblem(refusal, 'Only a closed case can be reopened.');
        await this.repo.updateIfVersion(caseId, cmd.version, { stage: REOPEN_STAGE, closureReason: null, closedAt: null });
        await this.auditor.success(actor, target, { reason: cmd.reason, from: c.closureReason, to: REOPEN_STAGE }, this.tx.manager);
        return toCaseSummary(await this.repo.findById(caseId));
      }),
    );
  }

  /**
   * Erases a case (a supervisor of its agency, with a coded reason): crypto-shreds it in one
   * transaction — the case store drops its ciphertexts, blind indexes, notes, attachments,
   * shares, approvals, transfers and the data key, then features holding its data elsewhere
   * (referrals: packets, notes, notifications) destroy theirs through the erasure hooks. Afterwards the case
   * answers 410 to its agency and 404 to everyone else; its coded statistics remain.
   */
  erase(actor: CaseActor, caseId: string, reason: ErasureReason): Promise<void> {
    const target: CaseAuditTarget = { action: 'case.erase', targetType: 'case', targetId: caseId };
    return this.auditor.run(actor, target, () =>
      this.tx.run(async () => {
        // An erased case answers 410 here already; a concurrent change loses on the version erasure bumps.
        await this.repo.loadInScope(actor, caseId);
        if (actor.role !== 'supervisor') throw new CaseForbiddenProblem('erasure_needs_supervisor', 'Only a supervisor may erase a case.');
        await this.shred(caseId, reason, actor);
        await this.auditor.success(actor, target, { reason }, this.tx.manager);
      }),
    );
  }

  /**
   * The retention job's erasure of a case it found expired and holds locked in the caller's
   * transaction: the same crypto-shredding as `erase`, with the reason `retention_expired`,
   * audited with no person as actor (role `system`). False when the case is already erased.
   */
  eraseExpired(caseId: string, agencyId: string): Promise<boolean> {
    const actor: RetentionEraser = { id: null, role: 'system', agencyId };
    const reason: ErasureReason = 'retention_expired';
    return this.tx.run(async (em) => {
      const c = await this.repo.findById(caseId);
      if (c.erasedAt !== null) return false;
      await this.shred(caseId, reason, actor);
      await this.auditor.success(actor, { action: 'case.erase', targetType: 'case', targetId: caseId }, { reason, via: 'retention' }, em);
      return true;
    });
  }

  /** Erasure itself, one definition: the case store's rows and key, then every feature holding the case's data elsewhere. */
  private async shred(caseId: string, reason: ErasureReason, actor: CaseActor | RetentionEraser): Promise<void> {
    await this.repo.erase(caseId, reason);
    await this.erasureHooks.notify(this.tx.manager, { caseId, reason, actor });
  }

  assign(actor: CaseActor, caseId: string, cmd: AssignCaseCommand): Promise<CaseSummaryView> {
    const target: CaseAuditTarget = { action: 'case.assign', targetType: 'case', targetId: caseId };
    return this.auditor.run(actor, target, () =>
      this.tx.run(async () => {
        if (actor.role !== 'supervisor') {
          throw new CaseForbiddenProblem('assignment_needs_supervisor', 'Only a supervisor may assign a case.');
        }
        const c = await this.repo.loadInScope(actor, caseId);
        if (c.version !== cmd.version) throw new StaleVersionProblem();
        if (c.stage === 'closed') throw new CaseClosedProblem();
        if (!(await this.repo.isActiveCaseworker(actor.agencyId, cmd.caseworkerId))) {
          throw new UnprocessableProblem('invalid_assignee', 'A case can be assigned only to an active caseworker of your agency.', [
            { field: 'caseworkerId', message: 'must be an active caseworker of your agency' },
          ]);
        }
        await this.repo.updateIfVersion(caseId, cmd.version, { assignedCaseworkerId: cmd.caseworkerId });
        await this.auditor.success(actor, target, { assignee: cmd.caseworkerId }, this.tx.manager);
        return toCaseSummary(await this.repo.findById(caseId));
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
      // Under every held blind index version, so cases not yet re-indexed are still found.
      const indexes = this.vault.survivorCodeIndexes(wanted);
      for (const c of await this.repo.inScopeBySurvivorCodeIndex(actor, indexes)) {
        const code = await withCaseKey(this.repo, this.vault, c, (key) => this.vault.open(key, 'cases', 'survivor_code', c.id, c.survivorCode));
        if (normalise.survivorCode(code) === wanted) {
          await this.auditor.success(actor, { ...target, targetId: c.id });
          return toCaseSummary(c);
        }
      }
      // Refused and missing answer alike; only the audit event tells them apart.
      const outOfScope = await this.repo.survivorCodeIndexExists(indexes);
      throw new RecordNotVisibleError(outOfScope ? 'out_of_scope' : 'not_found');
    });
  }

  /** In-scope cases whose contact phone matches (intake de-duplication). */
  findByPhone(actor: CaseActor, phone: string): Promise<CaseSummaryView[]> {
    const target: CaseAuditTarget = { action: 'case.phone_lookup', targetType: 'case', targetId: null };
    return this.auditor.run(actor, target, async () => {
      const indexes = this.vault.phoneIndexes(phone);
      if (!indexes.length) throw new ValidationProblem([{ field: 'phone', message: 'must contain digits' }]);
      const wanted = normalise.phone(phone);
      const matches: CaseSummaryView[] = [];
      for (const c of await this.repo.inScopeByPhoneIndex(actor, indexes, PHONE_MATCHES)) {
        const contact = await withCaseKey(this.repo, this.vault, c, (key) =>
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
      this.tx.run(async () => {
        const c = await this.repo.loadInScope(actor, caseId);
        this.assertMayManageShares(actor, c);
        if (userId === c.assignedCaseworkerId || !(await this.repo.isActiveCaseworker(actor.agencyId, userId))) {
          throw new UnprocessableProblem('invalid_share_target', 'A case can be shared only with another active caseworker of your agency.', [
            { field: 'userId', message: 'must be another active caseworker of your agency' },
          ]);
        }
        const share = await this.repo.addShare(caseId, userId, actor.id);
        await this.auditor.success(actor, target, { user: userId }, this.tx.manager);
        return { caseId, userId, sharedById: share.sharedById, createdAt: share.createdAt };
      }),
    );
  }

  unshare(actor: CaseActor, caseId: string, userId: string): Promise<void> {
    const target: CaseAuditTarget = { action: 'case.unshare', targetType: 'case', targetId: caseId };
    return this.auditor.run(actor, target, () =>
      this.tx.run(async () => {
        const c = await this.repo.loadInScope(actor, caseId);
        this.assertMayManageShares(actor, c);
        await this.repo.removeShare(caseId, userId);
        await this.auditor.success(actor, target, { user: userId }, this.tx.manager);
      }),
    );
  }

  listShares(actor: CaseActor, caseId: string): Promise<ShareView[]> {
    const target: CaseAuditTarget = { action: 'case.shares.list', targetType: 'case', targetId: caseId };
    return this.auditor.run(actor, target, async () => {
      await this.repo.loadInScope(actor, caseId);
      const rows = await this.repo.listShares(caseId);
      await this.auditor.success(actor, target, { count: rows.length });
      return rows.map((s) => ({ caseId, userId: s.userId, sharedById: s.sharedById, createdAt: s.createdAt }));
    });
  }

  private assertMayManageShares(actor: CaseActor, c: Case): void {
    if (actor.role !== 'supervisor' && c.assignedCaseworkerId !== actor.id) {
      throw new CaseForbiddenProblem('share_not_allowed', 'Only the assigned caseworker or a supervisor may share a case.');
    }
  }

  private async resolveNewCaseAssignee(actor: CaseActor, requested: string | null): Promise<string | null> {
    if (actor.role === 'caseworker') {
      if (requested !== null && requested !== actor.id) {
        throw new CaseForbiddenProblem('assignment_needs_supervisor', 'Only a supervisor may assign a case.');
      }
      return actor.id;
    }
    if (requested === null) return null;
    if (!(await this.repo.isActiveCaseworker(actor.agencyId, requested))) {
      throw new UnprocessableProblem('invalid_assignee', 'A case can be assigned only to an active caseworker of your agency.', [
        { field: 'assignedCaseworkerId', message: 'must be an active caseworker of your agency' },
      ]);
    }
    return requested;
  }

  /**
   * A case indexed under an older blind index version is re-indexed when a member opens it: the
   * server cannot recompute the index of a case whose key is sealed to its agency (issue 14,
   * item 6), and a lookup matches under every held version until then.
   */
  private async reindexIfStale(c: Case, view: CaseDetailView): Promise<void> {
    const current = this.vault.blindIndexVersion();
    const code = c.survivorCodeIndex !== null && c.survivorCodeIndexVersion !== current ? this.vault.survivorCodeIndex(view.survivorCode) : null;
    const phone =
      c.phoneIndex !== null && c.phoneIndexVersion !== current && view.contactDetails?.phone ? this.vault.phoneIndex(view.contactDetails.phone) : null;
    if (code || phone) await this.repo.reindex(c.id, current, code, phone);
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
      // Re-indexed on write under the current version (the only way for a key the server cannot open).
      sets.phoneIndexVersion = this.vault.blindIndexVersion();
    }
    if (cmd.address !== undefined) sets.address = seal('address', cmd.address);
    if (cmd.dateOfBirth !== undefined) sets.dateOfBirth = seal('date_of_birth', cmd.dateOfBirth);
    if (cmd.caregiverDetails !== undefined) sets.caregiverDetails = sealJson('caregiver_details', cmd.caregiverDetails);
    if (cmd.narrative !== undefined) sets.narrative = seal('narrative', cmd.narrative);
    return sets;
  }
}
