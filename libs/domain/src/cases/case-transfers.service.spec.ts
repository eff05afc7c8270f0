import { randomUUID } from 'node:crypto';
import { FakeAuditService, FakeTransactionHost } from '../testing/unit-fakes';
import type { CaseActor } from './case-actor';
import { CaseAuditor } from './case-auditor';
import { CaseTransfersService } from './case-transfers.service';
import { caseworker, problem, supervisor } from './testing/case-fixtures';
import { FakeCaseTransfersRepository, FakeTransferCase, FakeTransferConsent } from './testing/fake-case-transfers.repository';

describe('CaseTransfersService', () => {
  let tx: FakeTransactionHost;
  let audit: FakeAuditService;
  let repo: FakeCaseTransfersRepository;
  let sut: CaseTransfersService;
  let agencyA: string;
  let agencyB: string;
  let cwA: CaseActor;
  let supA: CaseActor;
  let supB: CaseActor;
  let cwB: CaseActor;
  let kase: FakeTransferCase;
  let consent: FakeTransferConsent;

  beforeEach(() => {
    tx = new FakeTransactionHost();
    audit = new FakeAuditService();
    repo = new FakeCaseTransfersRepository();
    sut = new CaseTransfersService(tx.asHost(), repo, new CaseAuditor(audit.asService()));
    agencyA = randomUUID();
    agencyB = randomUUID();
    cwA = repo.addCaseworker(agencyA);
    supA = supervisor(agencyA);
    supB = supervisor(agencyB);
    cwB = repo.addCaseworker(agencyB);
    kase = repo.addCase({ agencyId: agencyA, assignedCaseworkerId: cwA.id, sharedWith: [randomUUID()] });
    consent = repo.addConsent({ caseId: kase.id, recipientAgencyId: agencyB, shareableFields: ['survivorName', 'contactDetails'] });
  });

  const propose = (actor = cwA) => sut.propose(actor, kase.id, { consentId: consent.id, reason: 'Survivor moved to the B district' });

  describe('propose', () => {
    it('proposes under the transfer consent to the agency it names, audited in the transaction', async () => {
      const view = await propose();
      expect(view).toMatchObject({ caseId: kase.id, fromAgencyId: agencyA, toAgencyId: agencyB, consentId: consent.id, status: 'pending', reason: 'Survivor moved to the B district', movingFields: ['survivorName', 'contactDetails'], proposedById: cwA.id, version: 1 });
      expect(audit.events.map((e) => [e.action, e.outcome, e.targetType, e.targetId, e.details, e.inTransaction])).toEqual([
        ['case.transfer.propose', 'success', 'case_transfer', view.id, { case: kase.id, to: agencyB }, true],
      ]);
      expect(kase.agencyId).toBe(agencyA);
      expect(tx.runs).toBe(1);
    });

    it('needs an active transfer consent of this case', async () => {
      const referral = repo.addConsent({ caseId: kase.id, recipientAgencyId: agencyB, purpose: 'referral' });
      const otherCase = repo.addConsent({ caseId: repo.addCase({ agencyId: agencyA }).id, recipientAgencyId: agencyB });
      const withdrawn = repo.addConsent({ caseId: kase.id, recipientAgencyId: agencyB, withdrawn: true });
      for (const k of [referral, otherCase, withdrawn]) {
        const e = await problem(sut.propose(cwA, kase.id, { consentId: k.id, reason: 'x' }));
        expect([e.status, e.code, e.errors?.map((x) => x.field)]).toEqual([422, 'no_transfer_consent', ['consentId']]);
      }
      expect(repo.transfers.size).toBe(0);
    });

    it('only the assigned caseworker or a supervisor proposes; not a closed case, nor one with open referrals, nor twice', async () => {
      const helper = caseworker(agencyA);
      kase.sharedWith.push(helper.id);
      expect((await problem(propose(helper))).code).toBe('transfer_not_allowed');
      repo.openReferrals.add(kase.id);
      expect((await problem(propose())).code).toBe('open_referrals');
      repo.openReferrals.clear();
      kase.stage = 'closed';
      expect((await problem(propose())).code).toBe('case_closed');
      kase.stage = 'follow_up';
      await propose(supA);
      expect((await problem(propose())).code).toBe('transfer_pending');
      expect(repo.transfers.size).toBe(1);
    });
  });

  describe('decide', () => {
    it('the receiving supervisor accepts: the case moves with the consented fields, unassigned or to their caseworker', async () => {
      const t = await propose();
      const view = await sut.decide(supB, t.id, { decision: 'accept', version: 1, caseworkerId: cwB.id });
      expect(view).toMatchObject({ status: 'accepted', decidedById: supB.id, reason: 'Survivor moved to the B district', movingFields: ['survivorName', 'contactDetails'] });
      expect(repo.moves).toEqual([{ caseId: kase.id, toAgencyId: agencyB, assigneeId: cwB.id, moving: ['contactDetails', 'survivorName'] }]);
      expect(kase).toMatchObject({ agencyId: agencyB, assignedCaseworkerId: cwB.id, sharedWith: [], keyVersion: 2 });
      expect(repo.locks).toEqual([`transfer:${t.id}`, `case:${kase.id}`]);
      expect(audit.last()).toMatchObject({ action: 'case.transfer.accept', outcome: 'success', details: { case: kase.id, from: agencyA }, inTransaction: true });
    });

    it('the sending agency keeps nothing: its staff find the case missing afterwards, the receiver sees it', async () => {
      const t = await propose();
      await sut.decide(supB, t.id, { decision: 'accept', version: 1 });
      expect(kase.assignedCaseworkerId).toBeNull();
      for (const actor of [cwA, supA]) expect((await problem(sut.listForCase(actor, kase.id))).status).toBe(404);
      expect(audit.last()).toMatchObject({ action: 'case.transfer.list', outcome: 'denied', details: { reason: 'out_of_scope' } });
      expect((await sut.listForCase(supB, kase.id)).map((x) => [x.status, x.reason])).toEqual([['accepted', 'Survivor moved to the B district']]);
    });

    it('declining leaves the case where it was', async () => {
      const t = await propose();
      const view = await sut.decide(supB, t.id, { decision: 'decline', version: 1 });
      expect(view).toMatchObject({ status: 'declined', decidedById: supB.id });
      expect(repo.moves).toEqual([]);
      expect(kase).toMatchObject({ agencyId: agencyA, assignedCaseworkerId: cwA.id, keyVersion: 1 });
      expect(audit.last()).toMatchObject({ action: 'case.transfer.decline', outcome: 'success' });
    });

    it('only a supervisor of the receiving agency decides; anyone else finds the transfer missing', async () => {
      const t = await propose();
      for (const actor of [supA, cwB, cwA, supervisor(randomUUID())]) {
        const e = await problem(sut.decide(actor, t.id, { decision: 'accept', version: 1 }));
        expect([e.status, e.message]).toEqual([404, 'The transfer does not exist.']);
      }
      expect((await problem(sut.decide(supB, randomUUID(), { decision: 'accept', version: 1 }))).status).toBe(404);
      expect(audit.events.filter((e) => e.action === 'case.transfer.accept').map((e) => e.outcome)).toEqual(['denied', 'denied', 'denied', 'denied', 'failure']);
      expect(repo.moves).toEqual([]);
    });

    it('refuses a stale version, a decided transfer, a withdrawn consent, open referrals and a foreign assignee', async () => {
      const t = await propose();
      expect((await problem(sut.decide(supB, t.id, { decision: 'accept', version: 2 }))).code).toBe('stale_version');
      consent.withdrawn = true;
      expect((await problem(sut.decide(supB, t.id, { decision: 'accept', version: 1 }))).code).toBe('transfer_consent_withdrawn');
      consent.withdrawn = false;
      repo.openReferrals.add(kase.id);
      expect((await problem(sut.decide(supB, t.id, { decision: 'accept', version: 1 }))).code).toBe('open_referrals');
      repo.openReferrals.clear();
      const e = await problem(sut.decide(supB, t.id, { decision: 'accept', version: 1, caseworkerId: cwA.id }));
      expect([e.status, e.code, e.errors?.map((x) => x.field)]).toEqual([422, 'invalid_assignee', ['caseworkerId']]);
      expect(repo.moves).toEqual([]);
      await sut.decide(supB, t.id, { decision: 'decline', version: 1 });
      expect((await problem(sut.decide(supB, t.id, { decision: 'accept', version: 1 }))).code).toBe('transfer_decided');
    });

    it('a case that already left the sending agency makes the transfer look missing', async () => {
      const t = await propose();
      kase.agencyId = randomUUID();
      expect((await problem(sut.decide(supB, t.id, { decision: 'accept', version: 1 }))).status).toBe(404);
    });
  });

  describe('lists', () => {
    it("incoming: the supervisor's pending transfers, oldest first; caseworkers have none", async () => {
      const first = await propose();
      const other = repo.addCase({ agencyId: agencyA, assignedCaseworkerId: cwA.id });
      const k2 = repo.addConsent({ caseId: other.id, recipientAgencyId: agencyB });
      const second = await sut.propose(cwA, other.id, { consentId: k2.id, reason: 'Second' });
      expect((await sut.incoming(supB)).map((x) => [x.id, x.reason])).toEqual([
        [first.id, 'Survivor moved to the B district'],
        [second.id, 'Second'],
      ]);
      expect(await sut.incoming(supA)).toEqual([]);
      expect((await problem(sut.incoming(cwB))).status).toBe(403);
    });

    it("the case's transfers are listed within scope only", async () => {
      await propose();
      expect(await sut.listForCase(cwA, kase.id)).toHaveLength(1);
      expect((await problem(sut.listForCase(caseworker(agencyA), kase.id))).status).toBe(404);
      expect((await problem(sut.listForCase(supB, kase.id))).status).toBe(404);
    });
  });
});
