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
import { updateCaseIfVersion } from './case-row';
import { CaseScope } from './case-scope';
import { CaseShare } from './case-share.entity';
import { checkReopen, checkStageTransition, REOPEN_STAGE } from './case-stage-machine';
import { CaseKeyHandle, CaseVault } from './case-vault';
import type { CaseDetailView, CasePage, CaseSummaryView, ShareView } from './case-views';
import { Case } from './case.entity';
import { ReportingProjection } from './reporting-projection';
import { generateSurvivorCode } from './survivor-code';
import { TransactionHost } from '@amani/database';

const SUMMARY_COLUMNS: (keyof Case)[] = [
  'id', 'stage', 'closureReason', 'sex', 'ageBand', 'nationalityStatus', 'displacementStatus', 'disability',
  'vulnerabilities', 'regionCode', 'assignedCaseworkerId', 'createdAt', 'updatedAt', 'closedAt', 'version',
];
const CODED_FIELDS = ['sex', 'ageBand', 'nationalityStatus', 'displacementStatus', 'disability', 'vulnerabilities', 'regionCode'] as const;
const SURVIVOR_CODE_ATTEMPTS = 8;
const NORMALISED_SURVIVOR_CODE = /^[A-Z]{3}[0-9]{5}$/;

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

  create(actor: CaseActor, cmd: CreateCaseCommand): Promise<CaseDetailView> {
    const id = randomUUID();
    const target: CaseAuditTarget = { action: 'case.create', targetType: 'case', targetId: id };
    return this.auditor.run(actor, target, () =>
      this.tx.run(async (em) => {
        await this.locations.assertKnown('regionCode', cmd.regionCode);
        const assignee = await this.resolveNewCaseAssignee(em, actor, cmd.assignedCaseworkerId ?? null);
        const { code, index } = await this.newSurvivorCode(em);
        const key = this.vault.newKey(id, actor.agencyId);
        try {
          const seal = (column: string, value: string | null | undefined) => this.vault.sealOptional(key, 'cases', column, id, value);
          const sealJson = (column: string, value: unknown) => this.vault.sealJson(key, 'cases', column, id, value);
          await em.insert(Case, {
            id,
            agencyId: actor.agencyId,
            createdById: actor.id,
            assignedCaseworkerId: assignee,
            stage: 'intake',
            sex: cmd.sex,
            ageBand: cmd.ageBand,
            nationalityStatus: cmd.nationalityStatus,
            displacementStatus: cmd.displacementStatus,
            disability: cmd.disability,
            vulnerabilities: [...new Set(cmd.vulnerabilities)],
            regionCode: cmd.regionCode,
            survivorCodeIndex: index,
            phoneIndex: cmd.contactDetails?.phone ? this.vault.phoneIndex(cmd.contactDetails.phone) : null,
            survivorCode: this.vault.seal(key, 'cases', 'survivor_code', id, code),
            survivorName: this.vault.seal(key, 'cases', 'survivor_name', id, cmd.survivorName),
            survivorAliases: cmd.aliases?.length ? sealJson('survivor_aliases', cmd.aliases) : null,
            contactDetails: sealJson('contact_details', cmd.contactDetails),
            address: seal('address', cmd.address),
            dateOfBirth: seal('date_of_birth', cmd.dateOfBirth),
            caregiverDetails: sealJson('caregiver_details', cmd.caregiverDetails),
            narrative: seal('narrative', cmd.narrative),
          });
          await this.vault.saveKey(em, key);
          const saved = await em.findOneByOrFail(Case, { id });
          const view = decryptCase(this.vault, key, saved);
          await this.auditor.success(actor, target, {}, em);
          return view;
        } finally {
          this.vault.dispose(key);
        }
      }),
    );
  }

  list(actor: CaseActor, q: CaseListQuery): Promise<CasePage> {
    const target: CaseAuditTarget = { action: 'case.list', targetType: 'case', targetId: null };
    return this.auditor.run(actor, target, async () => {
      const qb = this.tx.manager.getRepository(Case).createQueryBuilder('c').select(SUMMARY_COLUMNS.map((p) => `c.${p}`));
      this.scope.restrict(qb, actor, 'c');
      const filters: [keyof CaseListQuery, string][] = [
        ['stage', 'stage'],
        ['sex', 'sex'],
        ['ageBand', 'age_band'],
        ['regionCode', 'region_code'],
        ['displacementStatus', 'displacement_status'],
        ['nationalityStatus', 'nationality_status'],
        ['assignedCaseworkerId', 'assigned_caseworker_id'],
      ];
      for (const [param, column] of filters) {
        if (q[param] !== undefined) qb.andWhere(`c.${column} = :${param}`, { [param]: q[param] });
      }
      if (q.gbvType !== undefined) {
        qb.andWhere('EXISTS (SELECT 1 FROM case_incidents i WHERE i.case_id = c.id AND i.gbv_type = :gbvType)', { gbvType: q.gbvType });
      }
      qb.orderBy('c.createdAt', 'DESC').addOrderBy('c.id', 'DESC').skip((q.page - 1) * q.pageSize).take(q.pageSize);
      const [rows, total] = await qb.getManyAndCount();
      await this.auditor.success(actor, target, { count: rows.length });
      return { items: rows.map(toCaseSummary), page: q.page, pageSize: q.pageSize, total };
    });
  }

  get(actor: CaseActor, caseId: string): Promise<CaseDetailView> {
    const target: CaseAuditTarget = { action: 'case.read', targetType: 'case', targetId: caseId };
    return this.auditor.run(actor, target, async () => {
      const em = this.tx.manager;
      const c = await this.scope.load(em, actor, caseId);
      const view = await this.vault.withKey(em, c, (key) => decryptCase(this.vault, key, c));
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

  private async newSurvivorCode(em: EntityManager): Promise<{ code: string; index: Buffer }> {
    for (let i = 0; i < SURVIVOR_CODE_ATTEMPTS; i++) {
      const code = generateSurvivorCode();
      const index = this.vault.survivorCodeIndex(code);
      if (!(await em.exists(Case, { where: { survivorCodeIndex: index } }))) return { code, index };
    }
    throw new Error('could not draw an unused survivor code');
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
