import { randomUUID } from 'node:crypto';
import { fakeLocations } from '../locations/testing/fake-locations.service';
import { ConsentWithdrawalHooks } from './case-hooks';
import { CaseConsentsService } from './case-consents.service';
import { CaseIncidentsService } from './case-incidents.service';
import { CaseReferralSource } from './case-referral-source.service';
import type { CaseDetailView } from './case-views';
import { caseUnitKit, CaseUnitKit, newCase, problem } from './testing/case-unit-kit';

const NO = { penetration: false, sexualContactWithoutPenetration: false, physicalAssault: false, forcedMarriage: false, denialOfResources: false, psychologicalAbuse: false };

describe('CaseReferralSource', () => {
  let k: CaseUnitKit;
  let sut: CaseReferralSource;
  let consents: CaseConsentsService;
  let kase: CaseDetailView;

  const consent = (over: Record<string, unknown> = {}) =>
    consents.create(k.cwA, kase.id, { purpose: 'referral', givenBy: 'survivor', serviceType: 'legal', recipientAgencyId: k.agencyB, shareableFields: ['sex', 'ageBand', 'incidentTypes', 'incidentNarratives'], ...over });
  const ask = (consentId: string, over: Record<string, string> = {}) =>
    sut.consentedFields(k.cwA, kase.id, { consentId, serviceType: 'legal', recipientAgencyId: k.agencyB, ...over } as never);

  beforeEach(async () => {
    k = await caseUnitKit();
    sut = new CaseReferralSource(k.tx.asHost(), k.vault, k.repo, k.auditor);
    consents = new CaseConsentsService(k.tx.asHost(), k.repo, k.auditor, new ConsentWithdrawalHooks());
    const incidents = new CaseIncidentsService(k.tx.asHost(), k.vault, k.repo, k.auditor, fakeLocations());
    kase = await k.cases.create(k.cwA, newCase({ survivorName: 'Sentinel Name', sex: 'female', ageBand: '18_25' }));
    await incidents.create(k.cwA, kase.id, {
      incidentDate: '2025-03-01',
      reportDate: '2025-03-03',
      answers: { ...NO, physicalAssault: true },
      contextAnswers: { moneyGoodsBenefitsExchanged: false, abductedOrHeld: false, harmfulTraditionalPractice: false },
      timeOfDay: 'evening_night',
      locationType: 'school',
      narrative: 'the account she gave',
      perpetrator: { count: '1', sex: 'male', ageGroup: '26_40', relationship: 'intimate_partner', occupation: 'unemployed' },
      priorIncidents: 'no',
    });
    k.audit.events.length = 0;
  });

  it('returns exactly the fields the consent lists, decrypted, with the incidents asked for, and audits how many', async () => {
    const c = await consent();
    const { consent: view, fields } = await ask(c.id);
    expect(view.id).toBe(c.id);
    expect(fields).toEqual({ sex: 'female', ageBand: '18_25', incidentTypes: ['physical_assault'], incidentNarratives: ['the account she gave'] });
    expect(JSON.stringify(fields)).not.toContain('Sentinel Name');
    expect(k.audit.last()).toMatchObject({ action: 'case.referral_export', outcome: 'success', details: { consent: c.id, fields: 4 } });
  });

  it('shares a name only when the consent lists it', async () => {
    const c = await consent({ shareableFields: ['survivorName'] });
    expect((await ask(c.id)).fields).toEqual({ survivorName: 'Sentinel Name' });
  });

  it('refuses a consent that does not cover the referral: other service, other agency, another purpose, withdrawn, unknown', async () => {
    const c = await consent();
    for (const over of [{ serviceType: 'medical' }, { recipientAgencyId: k.agencyA }] as Record<string, string>[]) {
      const e = await problem(ask(c.id, over));
      expect([e.status, e.code, e.errors?.[0]?.field]).toEqual([422, 'consent_not_valid', 'consentId']);
    }
    const statistics = await consents.create(k.cwA, kase.id, { purpose: 'statistics', givenBy: 'survivor' } as never);
    expect((await problem(ask(statistics.id))).status).toBe(422);
    await consents.withdraw(k.cwA, kase.id, c.id);
    expect((await problem(ask(c.id))).status).toBe(422);
    expect((await problem(ask(randomUUID()))).status).toBe(422);
  });

  it('a consent naming only the agency covers any service there; naming only the service, any agency', async () => {
    const anyService = await consent({ serviceType: undefined });
    expect((await ask(anyService.id, { serviceType: 'medical' })).fields.sex).toBe('female');
    const anyAgency = await consent({ recipientAgencyId: undefined });
    expect((await ask(anyAgency.id, { recipientAgencyId: k.agencyA })).fields.sex).toBe('female');
  });

  it("another agency's case looks missing and nothing is returned", async () => {
    const c = await consent();
    const e = await problem(sut.consentedFields(k.supB, kase.id, { consentId: c.id, serviceType: 'legal', recipientAgencyId: k.agencyB }));
    expect(e.status).toBe(404);
  });
});
