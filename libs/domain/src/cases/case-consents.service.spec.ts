import { randomUUID } from 'node:crypto';
import { CaseConsentsService } from './case-consents.service';
import type { CaseDetailView } from './case-views';
import { ConsentWithdrawalHooks, ConsentWithdrawnEvent } from './case-hooks';
import { caseUnitKit, CaseUnitKit, newCase, problem } from './testing/case-unit-kit';

describe('CaseConsentsService', () => {
  let k: CaseUnitKit;
  let hooks: ConsentWithdrawalHooks;
  let heard: ConsentWithdrawnEvent[];
  let sut: CaseConsentsService;
  let kase: CaseDetailView;

  beforeEach(async () => {
    k = await caseUnitKit();
    hooks = new ConsentWithdrawalHooks();
    heard = [];
    hooks.register((_em, event) => {
      heard.push(event);
      return Promise.resolve();
    });
    sut = new CaseConsentsService(k.tx.asHost(), k.repo, k.auditor, hooks);
    kase = await k.cases.create(k.cwA, newCase());
    k.audit.events.length = 0;
  });

  describe('record', () => {
    it('a referral consent keeps its service, agency and de-duplicated shareable fields', async () => {
      const view = await sut.create(k.cwA, kase.id, {
        purpose: 'referral',
        givenBy: 'survivor',
        serviceType: 'legal',
        recipientAgencyId: k.agencyB,
        shareableFields: ['survivorName', 'survivorName', 'contactDetails'],
      });
      expect(view).toMatchObject({
        caseId: kase.id,
        purpose: 'referral',
        serviceType: 'legal',
        recipientAgencyId: k.agencyB,
        shareableFields: ['survivorName', 'contactDetails'],
        takenById: k.cwA.id,
        active: true,
        withdrawnAt: null,
      });
      expect(k.repo.consents[0].agencyId).toBe(k.agencyA);
      expect(k.repo.refreshes).toEqual([]);
      expect(k.audit.events).toEqual([
        expect.objectContaining({ action: 'case.consent.create', outcome: 'success', targetType: 'case_consent', targetId: view.id, details: { case: kase.id, purpose: 'referral' }, inTransaction: true }),
      ]);
    });

    it('a statistics consent carries no service, agency or fields and puts the case in the projection', async () => {
      const view = await sut.create(k.cwA, kase.id, { purpose: 'statistics', givenBy: 'caregiver' });
      expect(view).toMatchObject({ purpose: 'statistics', serviceType: null, recipientAgencyId: null, shareableFields: [] });
      expect(k.repo.refreshes).toEqual([kase.id]);
    });

    it('refuses a badly shaped consent, naming the fields, writing nothing', async () => {
      const referral = await problem(sut.create(k.cwA, kase.id, { purpose: 'referral', givenBy: 'survivor' }));
      expect(referral.errors?.map((e) => e.field)).toEqual(['serviceType', 'shareableFields']);
      const transfer = await problem(sut.create(k.cwA, kase.id, { purpose: 'transfer', givenBy: 'survivor', recipientAgencyId: k.agencyB, shareableFields: ['contactDetails'] }));
      expect(transfer.errors?.map((e) => e.field)).toEqual(['shareableFields']);
      const services = await problem(sut.create(k.cwA, kase.id, { purpose: 'services', givenBy: 'survivor', serviceType: 'legal' }));
      expect(services.errors?.map((e) => e.field)).toEqual(['serviceType']);
      const unknown = await problem(sut.create(k.cwA, kase.id, { purpose: 'referral', givenBy: 'survivor', recipientAgencyId: randomUUID(), shareableFields: ['survivorName'] }));
      expect([unknown.status, unknown.code]).toEqual([422, 'unknown_agency']);
      const own = await problem(sut.create(k.cwA, kase.id, { purpose: 'transfer', givenBy: 'survivor', recipientAgencyId: k.agencyA, shareableFields: ['survivorName'] }));
      expect([own.status, own.code]).toEqual([422, 'transfer_to_own_agency']);
      expect(k.repo.consents).toEqual([]);
    });

    it('one active consent per purpose (409), except referrals, which may be many', async () => {
      await sut.create(k.cwA, kase.id, { purpose: 'services', givenBy: 'survivor' });
      const e = await problem(sut.create(k.cwA, kase.id, { purpose: 'services', givenBy: 'survivor' }));
      expect([e.status, e.code]).toEqual([409, 'consent_already_active']);
      const referral = { purpose: 'referral' as const, givenBy: 'survivor' as const, serviceType: 'legal' as const, shareableFields: ['survivorName' as const] };
      await sut.create(k.cwA, kase.id, referral);
      await sut.create(k.cwA, kase.id, referral);
      expect((await sut.list(k.supA, kase.id)).map((c) => c.purpose)).toEqual(['services', 'referral', 'referral']);
    });
  });

  describe('withdraw', () => {
    it('marks the consent withdrawn, fires the withdrawal hooks in the transaction and audits', async () => {
      const consent = await sut.create(k.cwA, kase.id, { purpose: 'referral', givenBy: 'survivor', serviceType: 'legal', shareableFields: ['survivorName'] });
      k.audit.events.length = 0;
      const view = await sut.withdraw(k.cwA, kase.id, consent.id);
      expect(view).toMatchObject({ id: consent.id, active: false, withdrawnById: k.cwA.id });
      expect(view.withdrawnAt).toBeInstanceOf(Date);
      expect(k.repo.consentLocks).toEqual([consent.id]);
      expect(heard).toEqual([{ caseId: kase.id, consentId: consent.id, purpose: 'referral', actor: k.cwA }]);
      expect(k.tx.runs).toBe(2);
      expect(k.audit.events).toEqual([
        expect.objectContaining({ action: 'case.consent.withdraw', outcome: 'success', targetId: consent.id, details: { case: kase.id, purpose: 'referral' }, inTransaction: true }),
      ]);
      // A withdrawn consent no longer covers a referral.
      expect(await sut.activeReferralConsent(k.tx.em, kase.id, 'legal', k.agencyB)).toBeNull();
    });

    it('withdrawing statistics consent takes the case out of the projection; a second withdrawal is 409', async () => {
      const consent = await sut.create(k.cwA, kase.id, { purpose: 'statistics', givenBy: 'survivor' });
      await sut.withdraw(k.cwA, kase.id, consent.id);
      expect(k.repo.refreshes).toEqual([kase.id, kase.id]);
      const e = await problem(sut.withdraw(k.cwA, kase.id, consent.id));
      expect([e.status, e.code]).toEqual([409, 'consent_already_withdrawn']);
      expect(heard).toHaveLength(1);
    });

    it('a hook that throws stops the withdrawal (it would roll back) and the failure is audited', async () => {
      const consent = await sut.create(k.cwA, kase.id, { purpose: 'services', givenBy: 'survivor' });
      hooks.register(() => Promise.reject(new Error('listener failed')));
      await expect(sut.withdraw(k.cwA, kase.id, consent.id)).rejects.toThrow();
      expect(k.audit.last()).toMatchObject({ action: 'case.consent.withdraw', outcome: 'error' });
    });

    it("a consent of another case, or another agency's case, looks missing", async () => {
      const other = await k.cases.create(k.cwA, newCase());
      const consent = await sut.create(k.cwA, other.id, { purpose: 'services', givenBy: 'survivor' });
      expect((await problem(sut.withdraw(k.cwA, kase.id, consent.id))).status).toBe(404);
      expect((await problem(sut.withdraw(k.supB, other.id, consent.id))).status).toBe(404);
      expect((await problem(sut.list(k.otherCwA, other.id))).status).toBe(404);
      expect(heard).toEqual([]);
      expect(k.repo.consents[0].withdrawnAt).toBeNull();
    });
  });

  it('the covering referral consent: the newest active one for the service, any or the named agency', async () => {
    await sut.create(k.cwA, kase.id, { purpose: 'referral', givenBy: 'survivor', serviceType: 'legal', recipientAgencyId: k.agencyB, shareableFields: ['survivorName'] });
    const any = await sut.create(k.cwA, kase.id, { purpose: 'referral', givenBy: 'survivor', serviceType: 'legal', shareableFields: ['regionCode'] });
    expect((await sut.activeReferralConsent(k.tx.em, kase.id, 'legal', randomUUID()))?.id).toBe(any.id);
    expect(await sut.activeReferralConsent(k.tx.em, kase.id, 'medical', k.agencyB)).toBeNull();
  });
});
