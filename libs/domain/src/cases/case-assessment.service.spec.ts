import { randomUUID } from 'node:crypto';
import { FakeAuditService, FakeTransactionHost } from '../testing/unit-fakes';
import type { CaseActor } from './case-actor';
import { CaseAssessmentService } from './case-assessment.service';
import { CaseAuditor } from './case-auditor';
import { caseworker, problem, supervisor } from './testing/case-fixtures';
import { FakeCaseCareRepository, FakeCareCase } from './testing/fake-case-care.repository';

describe('CaseAssessmentService', () => {
  let tx: FakeTransactionHost;
  let audit: FakeAuditService;
  let repo: FakeCaseCareRepository;
  let sut: CaseAssessmentService;
  let cw: CaseActor;
  let sup: CaseActor;
  let kase: FakeCareCase;

  beforeEach(() => {
    tx = new FakeTransactionHost();
    audit = new FakeAuditService();
    repo = new FakeCaseCareRepository();
    sut = new CaseAssessmentService(tx.asHost(), repo, new CaseAuditor(audit.asService()));
    const agency = randomUUID();
    cw = caseworker(agency);
    sup = supervisor(agency);
    kase = repo.addCase({ agencyId: agency, assignedCaseworkerId: cw.id });
  });

  describe('assessment needs', () => {
    it('records a level per area, returned in the fixed area order', async () => {
      const view = await sut.recordAssessment(cw, kase.id, {
        needs: [
          { area: 'shelter', level: 'high', notes: 'Sleeping at a neighbour' },
          { area: 'safety', level: 'urgent' },
          { area: 'health', level: 'low', notes: null },
        ],
      });
      expect(view.caseId).toBe(kase.id);
      expect(view.needs.map((n) => [n.area, n.level, n.notes, n.assessedById])).toEqual([
        ['safety', 'urgent', null, cw.id],
        ['health', 'low', null, cw.id],
        ['shelter', 'high', 'Sleeping at a neighbour', cw.id],
      ]);
      expect(audit.events.map((e) => [e.action, e.outcome, e.details, e.inTransaction])).toEqual([['case.assessment.record', 'success', { areas: 3 }, true]]);
      expect(tx.runs).toBe(1);
    });

    it('replaces an area assessed again and keeps the others', async () => {
      await sut.recordAssessment(cw, kase.id, { needs: [{ area: 'safety', level: 'urgent' }, { area: 'legal_justice', level: 'medium' }] });
      const view = await sut.recordAssessment(sup, kase.id, { needs: [{ area: 'safety', level: 'low', notes: 'Moved out' }] });
      expect(view.needs.map((n) => [n.area, n.level, n.notes, n.assessedById])).toEqual([
        ['safety', 'low', 'Moved out', sup.id],
        ['legal_justice', 'medium', null, cw.id],
      ]);
      expect((await sut.getAssessment(cw, kase.id)).needs).toEqual(view.needs);
      expect(audit.last()).toMatchObject({ action: 'case.assessment.read', details: { areas: 2 }, inTransaction: false });
    });

    it('refuses an area named twice before touching the case', async () => {
      const e = await problem(sut.recordAssessment(cw, kase.id, { needs: [{ area: 'safety', level: 'low' }, { area: 'safety', level: 'high' }] }));
      expect([e.status, e.errors?.map((x) => x.field)]).toEqual([400, ['needs']]);
      expect(repo.keyOpens).toBe(0);
      expect(repo.needRows.size).toBe(0);
    });

    it('does not change the assessment of a closed case', async () => {
      kase.stage = 'closed';
      expect((await problem(sut.recordAssessment(cw, kase.id, { needs: [{ area: 'safety', level: 'low' }] }))).code).toBe('case_closed');
      expect(repo.needRows.size).toBe(0);
    });
  });

  describe('safety plan', () => {
    it('creates the plan with its in-place date, then changes one field at the current version', async () => {
      const created = await sut.saveSafetyPlan(cw, kase.id, { risks: 'Partner returns at night', inPlaceOn: '2026-11-30' });
      expect(created).toMatchObject({ caseId: kase.id, risks: 'Partner returns at night', safeContacts: null, inPlaceOn: '2026-11-30', updatedById: cw.id, version: 1 });
      expect(audit.last()).toMatchObject({ action: 'case.safety_plan.save', details: { fields: 2, created: true }, inTransaction: true });

      const updated = await sut.saveSafetyPlan(sup, kase.id, { version: 1, safePlaces: 'Sister in town' });
      expect(updated).toMatchObject({ risks: 'Partner returns at night', safePlaces: 'Sister in town', inPlaceOn: '2026-11-30', updatedById: sup.id, version: 2 });
      expect(audit.last()?.details).toEqual({ fields: 1, created: false });
    });

    it('moves or clears the in-place date without touching the content', async () => {
      await sut.saveSafetyPlan(cw, kase.id, { agreedActions: 'Code word', inPlaceOn: '2026-11-30' });
      expect(await sut.saveSafetyPlan(cw, kase.id, { version: 1, inPlaceOn: '2026-12-02' })).toMatchObject({ agreedActions: 'Code word', inPlaceOn: '2026-12-02' });
      expect(await sut.saveSafetyPlan(cw, kase.id, { version: 2, inPlaceOn: null })).toMatchObject({ agreedActions: 'Code word', inPlaceOn: null, version: 3 });
    });

    it('needs the version once a plan exists, refuses a stale or premature one, and an empty body', async () => {
      expect((await problem(sut.saveSafetyPlan(cw, kase.id, { version: 1, risks: 'x' }))).code).toBe('stale_version');
      expect((await problem(sut.saveSafetyPlan(cw, kase.id, {}))).errors?.map((x) => x.field)).toEqual(['body']);
      await sut.saveSafetyPlan(cw, kase.id, { risks: 'x' });
      expect((await problem(sut.saveSafetyPlan(cw, kase.id, { risks: 'y' }))).errors?.map((x) => x.field)).toEqual(['version']);
      expect((await problem(sut.saveSafetyPlan(cw, kase.id, { version: 4, risks: 'y' }))).code).toBe('stale_version');
      expect(repo.plans.get(kase.id)).toMatchObject({ risks: 'x', version: 1 });
    });

    it('reads the plan, or answers 404 when there is none', async () => {
      const e = await problem(sut.getSafetyPlan(cw, kase.id));
      expect([e.status, e.message]).toEqual([404, 'The safety plan does not exist.']);
      await sut.saveSafetyPlan(cw, kase.id, { safeContacts: 'Aunt' });
      expect(await sut.getSafetyPlan(sup, kase.id)).toMatchObject({ safeContacts: 'Aunt' });
      expect(audit.last()).toMatchObject({ action: 'case.safety_plan.read', outcome: 'success' });
    });

    it('does not change the plan of a closed case', async () => {
      kase.stage = 'closed';
      expect((await problem(sut.saveSafetyPlan(cw, kase.id, { risks: 'x' }))).code).toBe('case_closed');
    });
  });

  it('answers a case of another agency or out of scope exactly like a missing one', async () => {
    await sut.saveSafetyPlan(cw, kase.id, { risks: 'x' });
    await sut.recordAssessment(cw, kase.id, { needs: [{ area: 'safety', level: 'low' }] });
    audit.events.length = 0;
    for (const actor of [supervisor(randomUUID()), caseworker(kase.agencyId)]) {
      expect((await problem(sut.getSafetyPlan(actor, kase.id))).status).toBe(404);
      expect((await problem(sut.getAssessment(actor, kase.id))).status).toBe(404);
      expect((await problem(sut.saveSafetyPlan(actor, kase.id, { version: 1, risks: 'y' }))).status).toBe(404);
      expect((await problem(sut.recordAssessment(actor, kase.id, { needs: [{ area: 'safety', level: 'high' }] }))).status).toBe(404);
    }
    expect(new Set(audit.events.map((e) => `${e.outcome}:${String(e.details?.reason)}`))).toEqual(new Set(['denied:out_of_scope']));
    expect(repo.plans.get(kase.id)?.risks).toBe('x');
  });
});
