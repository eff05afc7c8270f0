import { randomUUID } from 'node:crypto';
import { FakeAuditService, FakeTransactionHost } from '../testing/unit-fakes';
import type { CaseActor } from './case-actor';
import { CaseActionPlanService } from './case-action-plan.service';
import { CaseAuditor } from './case-auditor';
import { caseworker, problem, supervisor } from './testing/case-fixtures';
import { FakeCaseCareRepository, FakeCareCase } from './testing/fake-case-care.repository';

describe('CaseActionPlanService', () => {
  let tx: FakeTransactionHost;
  let audit: FakeAuditService;
  let repo: FakeCaseCareRepository;
  let sut: CaseActionPlanService;
  let cw: CaseActor;
  let sup: CaseActor;
  let kase: FakeCareCase;

  beforeEach(() => {
    tx = new FakeTransactionHost();
    audit = new FakeAuditService();
    repo = new FakeCaseCareRepository();
    sut = new CaseActionPlanService(tx.asHost(), repo, new CaseAuditor(audit.asService()));
    const agency = randomUUID();
    cw = caseworker(agency);
    sup = supervisor(agency);
    kase = repo.addCase({ agencyId: agency, assignedCaseworkerId: cw.id });
  });

  it('adds an item with its need area, planned and without goal status, audited in the transaction', async () => {
    const view = await sut.create(cw, kase.id, { description: 'Medical follow-up', serviceType: 'medical', needArea: 'health', dueDate: '2026-12-31' });
    expect(view).toMatchObject({ caseId: kase.id, description: 'Medical follow-up', serviceType: 'medical', needArea: 'health', status: 'planned', goalStatus: null, dueDate: '2026-12-31', createdById: cw.id, version: 1 });
    expect(audit.events.map((e) => [e.action, e.outcome, e.targetType, e.targetId, e.inTransaction])).toEqual([
      ['case.action_plan.create', 'success', 'case_action_plan_item', view.id, true],
    ]);
    expect(audit.last()?.details).toEqual({ case: kase.id });
    expect(tx.runs).toBe(1);
  });

  it('defaults absent optional codes to null', async () => {
    const view = await sut.create(cw, kase.id, { description: 'Shelter' });
    expect(view).toMatchObject({ serviceType: null, needArea: null, dueDate: null });
  });

  it('sets goal status and status per need area, bumping the version', async () => {
    const item = await sut.create(cw, kase.id, { description: 'Counselling', needArea: 'psychosocial' });
    const updated = await sut.update(cw, kase.id, item.id, { version: 1, status: 'in_progress', goalStatus: 'partly_met' });
    expect(updated).toMatchObject({ status: 'in_progress', goalStatus: 'partly_met', needArea: 'psychosocial', description: 'Counselling', version: 2 });
    const changed = await sut.update(sup, kase.id, item.id, { version: 2, needArea: 'safety', goalStatus: null, description: 'Safe house' });
    expect(changed).toMatchObject({ needArea: 'safety', goalStatus: null, description: 'Safe house', version: 3 });
    expect(audit.actions()).toEqual(['case.action_plan.create:success', 'case.action_plan.update:success', 'case.action_plan.update:success']);
  });

  it('refuses a stale version and an empty change', async () => {
    const item = await sut.create(cw, kase.id, { description: 'Counselling' });
    expect((await problem(sut.update(cw, kase.id, item.id, { version: 7, status: 'done' }))).code).toBe('stale_version');
    const e = await problem(sut.update(cw, kase.id, item.id, { version: 1 }));
    expect(e.status).toBe(400);
    expect(e.errors?.map((x) => x.field)).toEqual(['body']);
    expect(repo.items.get(item.id)?.version).toBe(1);
  });

  it('loses a race to a concurrent writer as a stale version', async () => {
    const item = await sut.create(cw, kase.id, { description: 'Counselling' });
    const write = repo.updateActionPlanItem.bind(repo);
    repo.updateActionPlanItem = async (c, id, version, changes) => {
      await write(c, id, version, { status: 'done' });
      return write(c, id, version, changes);
    };
    expect((await problem(sut.update(cw, kase.id, item.id, { version: 1, status: 'cancelled' }))).code).toBe('stale_version');
  });

  it('does not change a closed case', async () => {
    const item = await sut.create(cw, kase.id, { description: 'Counselling' });
    kase.stage = 'closed';
    expect((await problem(sut.create(cw, kase.id, { description: 'More' }))).code).toBe('case_closed');
    expect((await problem(sut.update(cw, kase.id, item.id, { version: 1, status: 'done' }))).code).toBe('case_closed');
    expect(await sut.list(cw, kase.id)).toHaveLength(1);
  });

  it('answers an item of another case as missing', async () => {
    const other = repo.addCase({ agencyId: kase.agencyId, assignedCaseworkerId: cw.id });
    const item = await sut.create(cw, other.id, { description: 'Elsewhere' });
    const e = await problem(sut.update(cw, kase.id, item.id, { version: 1, status: 'done' }));
    expect([e.status, e.message]).toEqual([404, 'The action plan item does not exist.']);
  });

  it('lists in order of creation, audited with the count', async () => {
    await sut.create(cw, kase.id, { description: 'First' });
    await sut.create(cw, kase.id, { description: 'Second' });
    expect((await sut.list(sup, kase.id)).map((i) => i.description)).toEqual(['First', 'Second']);
    expect(audit.last()).toMatchObject({ action: 'case.action_plan.list', outcome: 'success', details: { count: 2 }, inTransaction: false });
  });

  it('answers a case out of scope or of another agency exactly like a missing one, and audits the denial', async () => {
    const stranger = caseworker(kase.agencyId);
    const otherSup = supervisor(randomUUID());
    for (const actor of [stranger, otherSup]) {
      expect((await problem(sut.list(actor, kase.id))).status).toBe(404);
      expect((await problem(sut.create(actor, kase.id, { description: 'x' }))).status).toBe(404);
    }
    expect((await problem(sut.list(cw, randomUUID()))).status).toBe(404);
    expect(audit.events.map((e) => [e.action, e.outcome, e.details?.reason])).toEqual([
      ['case.action_plan.list', 'denied', 'out_of_scope'],
      ['case.action_plan.create', 'denied', 'out_of_scope'],
      ['case.action_plan.list', 'denied', 'out_of_scope'],
      ['case.action_plan.create', 'denied', 'out_of_scope'],
      ['case.action_plan.list', 'failure', 'not_found'],
    ]);
    expect(repo.items.size).toBe(0);
  });

  it('lets a caseworker the case is shared with work on it', async () => {
    const helper = caseworker(kase.agencyId);
    kase.sharedWith.push(helper.id);
    expect(await sut.create(helper, kase.id, { description: 'Shared work' })).toMatchObject({ createdById: helper.id });
  });
});
