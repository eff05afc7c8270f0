import { randomUUID } from 'node:crypto';
import { FakeAuditService, FakeTransactionHost } from '../testing/unit-fakes';
import type { CaseActor } from './case-actor';
import { CaseApprovalsService } from './case-approvals.service';
import { CaseAuditor } from './case-auditor';
import { caseworker, problem, supervisor } from './testing/case-fixtures';
import { FakeCaseCareRepository, FakeCareCase } from './testing/fake-case-care.repository';

describe('CaseApprovalsService', () => {
  let tx: FakeTransactionHost;
  let audit: FakeAuditService;
  let repo: FakeCaseCareRepository;
  let sut: CaseApprovalsService;
  let cw: CaseActor;
  let sup: CaseActor;
  let sup2: CaseActor;
  let kase: FakeCareCase;

  beforeEach(() => {
    tx = new FakeTransactionHost();
    audit = new FakeAuditService();
    repo = new FakeCaseCareRepository();
    sut = new CaseApprovalsService(tx.asHost(), repo, new CaseAuditor(audit.asService()));
    const agency = randomUUID();
    cw = caseworker(agency);
    sup = supervisor(agency);
    sup2 = supervisor(agency);
    kase = repo.addCase({ agencyId: agency, assignedCaseworkerId: cw.id, stage: 'follow_up' });
  });

  const askClosure = () => sut.request(cw, kase.id, { kind: 'closure', closureReason: 'needs_met', comment: 'All goals met' });

  describe('request', () => {
    it("turns a caseworker's closure into a pending request and leaves the case open", async () => {
      const view = await askClosure();
      expect(view).toMatchObject({ caseId: kase.id, kind: 'closure', status: 'pending', closureReason: 'needs_met', requestComment: 'All goals met', requestedById: cw.id, decidedById: null, version: 1 });
      expect(kase.stage).toBe('follow_up');
      expect(audit.events.map((e) => [e.action, e.outcome, e.targetType, e.targetId, e.details, e.inTransaction])).toEqual([
        ['case.approval.request', 'success', 'case_approval', view.id, { case: kase.id, kind: 'closure' }, true],
      ]);
    });

    it('needs a closure reason for a closure and only for it', async () => {
      expect((await problem(sut.request(cw, kase.id, { kind: 'closure' }))).errors?.map((e) => e.field)).toEqual(['closureReason']);
      await sut.request(cw, kase.id, { kind: 'assessment' }).catch(() => undefined);
      expect((await problem(sut.request(cw, kase.id, { kind: 'action_plan', closureReason: 'needs_met' }))).errors?.map((e) => e.field)).toEqual(['closureReason']);
    });

    it('asks for an assessment or action plan only once there is one', async () => {
      expect((await problem(sut.request(cw, kase.id, { kind: 'assessment' }))).code).toBe('assessment_missing');
      expect((await problem(sut.request(cw, kase.id, { kind: 'action_plan' }))).code).toBe('action_plan_empty');
      await repo.saveNeeds(kase, cw.id, [{ area: 'safety', level: 'high' }]);
      await repo.insertActionPlanItem(kase, { createdById: cw.id, description: 'x', serviceType: null, needArea: 'safety', dueDate: null });
      expect(await sut.request(cw, kase.id, { kind: 'assessment' })).toMatchObject({ kind: 'assessment', closureReason: null, requestComment: null });
      expect(await sut.request(cw, kase.id, { kind: 'action_plan' })).toMatchObject({ kind: 'action_plan' });
    });

    it('keeps one pending request per kind, also when two race past the check', async () => {
      await askClosure();
      expect((await problem(askClosure())).code).toBe('approval_pending');
      const other = repo.addCase({ agencyId: kase.agencyId, assignedCaseworkerId: cw.id });
      repo.raceNextApproval = true;
      expect((await problem(sut.request(cw, other.id, { kind: 'closure', closureReason: 'needs_met' }))).code).toBe('approval_pending');
    });

    it('refuses a closed case', async () => {
      kase.stage = 'closed';
      expect((await problem(askClosure())).code).toBe('case_closed');
    });
  });

  describe('decide', () => {
    it('a supervisor approves a closure: the case closes with the reason, both audited in the transaction', async () => {
      const req = await askClosure();
      const view = await sut.decide(sup, req.id, { version: 1, decision: 'approve' });
      expect(view).toMatchObject({ status: 'approved', decidedById: sup.id, decisionComment: null, version: 2 });
      expect(kase).toMatchObject({ stage: 'closed', closureReason: 'needs_met', version: 2 });
      expect(audit.events.slice(1).map((e) => [e.action, e.outcome, e.details, e.inTransaction])).toEqual([
        ['case.stage', 'success', { from: 'follow_up', to: 'closed', approval: req.id }, true],
        ['case.approval.decide', 'success', { case: kase.id, kind: 'closure', decision: 'approve' }, true],
      ]);
      expect(tx.runs).toBe(2);
    });

    it('a supervisor returns a request with a comment; the case stays as it was', async () => {
      const req = await askClosure();
      const view = await sut.decide(sup, req.id, { version: 1, decision: 'return', comment: 'Check the shelter referral first' });
      expect(view).toMatchObject({ status: 'returned', decisionComment: 'Check the shelter referral first', decidedById: sup.id });
      expect(kase).toMatchObject({ stage: 'follow_up', version: 1 });
      expect(audit.last()?.details).toEqual({ case: kase.id, kind: 'closure', decision: 'return' });
      expect((await sut.list(cw, kase.id))[0]).toMatchObject({ status: 'returned', decisionComment: 'Check the shelter referral first' });
    });

    it('returning needs a comment', async () => {
      const req = await askClosure();
      expect((await problem(sut.decide(sup, req.id, { version: 1, decision: 'return' }))).errors?.map((e) => e.field)).toEqual(['comment']);
    });

    it('approving an assessment does not move the case', async () => {
      await repo.saveNeeds(kase, cw.id, [{ area: 'safety', level: 'high' }]);
      const req = await sut.request(cw, kase.id, { kind: 'assessment' });
      await sut.decide(sup, req.id, { version: 1, decision: 'approve' });
      expect(kase.stage).toBe('follow_up');
      expect(audit.actions()).not.toContain('case.stage:success');
    });

    it('only supervisors decide, never their own request, and the refusals are audited as failures', async () => {
      const req = await askClosure();
      const e = await problem(sut.decide(caseworker(kase.agencyId), req.id, { version: 1, decision: 'approve' }));
      expect([e.status, e.code]).toEqual([403, 'approval_needs_supervisor']);
      const own = await sut.request(sup, repo.addCase({ agencyId: kase.agencyId }).id, { kind: 'closure', closureReason: 'needs_met' });
      expect((await problem(sut.decide(sup, own.id, { version: 1, decision: 'approve' }))).code).toBe('approval_by_requester');
      expect(audit.events.filter((x) => x.action === 'case.approval.decide').map((x) => x.outcome)).toEqual(['failure', 'failure']);
      expect(repo.approvalRows.get(req.id)?.status).toBe('pending');
      expect(await sut.decide(sup2, own.id, { version: 1, decision: 'approve' })).toMatchObject({ status: 'approved' });
    });

    it('refuses a stale version and a decided request', async () => {
      const req = await askClosure();
      expect((await problem(sut.decide(sup, req.id, { version: 3, decision: 'approve' }))).code).toBe('stale_version');
      await sut.decide(sup, req.id, { version: 1, decision: 'return', comment: 'No' });
      expect((await problem(sut.decide(sup2, req.id, { version: 2, decision: 'approve' }))).code).toBe('approval_decided');
    });

    it("another agency's supervisor finds the request missing", async () => {
      const req = await askClosure();
      const e = await problem(sut.decide(supervisor(randomUUID()), req.id, { version: 1, decision: 'approve' }));
      expect([e.status, e.message]).toEqual([404, 'The approval does not exist.']);
      expect(audit.last()).toMatchObject({ outcome: 'denied', details: { reason: 'out_of_scope', record: 'approval' } });
      expect((await problem(sut.decide(sup, randomUUID(), { version: 1, decision: 'approve' }))).status).toBe(404);
    });
  });

  describe('lists', () => {
    it("the case's requests newest first; another agency's case looks missing", async () => {
      await repo.saveNeeds(kase, cw.id, [{ area: 'safety', level: 'high' }]);
      await sut.request(cw, kase.id, { kind: 'assessment' });
      await askClosure();
      expect((await sut.list(sup, kase.id)).map((a) => a.kind)).toEqual(['closure', 'assessment']);
      expect((await problem(sut.list(supervisor(randomUUID()), kase.id))).status).toBe(404);
      expect((await problem(sut.list(caseworker(kase.agencyId), kase.id))).status).toBe(404);
    });

    it("a supervisor's work list holds the agency's pending requests, oldest first, codes only", async () => {
      const first = await askClosure();
      const other = repo.addCase({ agencyId: kase.agencyId, assignedCaseworkerId: cw.id });
      const second = await sut.request(cw, other.id, { kind: 'closure', closureReason: 'needs_met', comment: 'secret' });
      const foreign = repo.addCase({ agencyId: randomUUID() });
      await sut.request(supervisor(foreign.agencyId), foreign.id, { kind: 'closure', closureReason: 'needs_met' });
      const list = await sut.pending(sup);
      expect(list.map((a) => a.id)).toEqual([first.id, second.id]);
      expect(list[1]).not.toHaveProperty('requestComment');
      expect(audit.last()).toMatchObject({ action: 'case.approval.pending', details: { count: 2 } });
    });

    it('a caseworker has no work list', async () => {
      expect((await problem(sut.pending(cw))).status).toBe(403);
      expect(audit.last()).toMatchObject({ action: 'case.approval.pending', outcome: 'failure' });
    });
  });
});
