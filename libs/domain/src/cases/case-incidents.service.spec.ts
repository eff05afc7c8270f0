import { randomUUID } from 'node:crypto';
import { fakeLocations } from '../locations/testing/fake-locations.service';
import type { CreateIncidentCommand } from './case-commands';
import { CaseIncidentsService } from './case-incidents.service';
import type { CaseDetailView } from './case-views';
import { caseUnitKit, CaseUnitKit, newCase, problem } from './testing/case-unit-kit';

const NO = { penetration: false, sexualContactWithoutPenetration: false, physicalAssault: false, forcedMarriage: false, denialOfResources: false, psychologicalAbuse: false };
const NO_CONTEXT = { moneyGoodsBenefitsExchanged: false, abductedOrHeld: false, harmfulTraditionalPractice: false };

const incident = (over: Partial<CreateIncidentCommand> = {}): CreateIncidentCommand => ({
  incidentDate: '2025-03-01',
  reportDate: '2025-03-03',
  answers: { ...NO, physicalAssault: true, psychologicalAbuse: true },
  contextAnswers: NO_CONTEXT,
  timeOfDay: 'evening_night',
  locationType: 'school',
  regionCode: 'SO-BN',
  exactLocation: 'behind the market',
  narrative: 'what she said',
  perpetrator: { count: '1', sex: 'male', ageGroup: '26_40', relationship: 'intimate_partner', occupation: 'unemployed' },
  priorIncidents: 'no',
  ...over,
});

describe('CaseIncidentsService', () => {
  let k: CaseUnitKit;
  let sut: CaseIncidentsService;
  let kase: CaseDetailView;

  beforeEach(async () => {
    k = await caseUnitKit();
    sut = new CaseIncidentsService(k.tx.asHost(), k.vault, k.repo, k.auditor, fakeLocations(['SO-BN', 'SO-AW']));
    kase = await k.cases.create(k.cwA, newCase({ ageBand: '12_17' }));
    k.audit.events.length = 0;
  });

  it('stores the GBVIMS classification and coded facts, seals dates, place and narrative, refreshes the projection', async () => {
    const view = await sut.create(k.cwA, kase.id, incident());
    expect(view).toMatchObject({
      caseId: kase.id,
      gbvType: 'physical_assault',
      contexts: ['intimate_partner_violence'],
      incidentMonth: '2025-03',
      reportMonth: '2025-03',
      reportDelayBucket: '0_3',
      survivorAgeBand: '12_17',
      incidentDate: '2025-03-01',
      exactLocation: 'behind the market',
      narrative: 'what she said',
      recordedById: k.cwA.id,
    });
    const stored = k.repo.incidents[0];
    expect(stored).toMatchObject({ gbvType: 'physical_assault', agencyId: k.agencyA, answerPhysicalAssault: true, answerPenetration: false });
    for (const sealed of [stored.incidentDate, stored.reportDate, stored.exactLocation!, stored.narrative!]) {
      expect(Buffer.isBuffer(sealed)).toBe(true);
    }
    expect(stored.narrative!.toString('utf8')).not.toContain('she said');
    expect(k.repo.refreshes).toEqual([kase.id]);
    expect(k.audit.events).toEqual([
      expect.objectContaining({ action: 'case.incident.create', outcome: 'success', targetType: 'case_incident', targetId: view.id, details: { case: kase.id }, inTransaction: true }),
    ]);
  });

  it('classifies by the first yes in the tool’s order; no yes is non-GBV with no context', async () => {
    const rape = await sut.create(k.cwA, kase.id, incident({ answers: { ...NO, penetration: true, physicalAssault: true } }));
    expect(rape.gbvType).toBe('rape');
    expect(rape.contexts).toEqual(expect.arrayContaining(['intimate_partner_violence', 'child_sexual_abuse']));
    const none = await sut.create(k.cwA, kase.id, incident({ answers: NO }));
    expect(none).toMatchObject({ gbvType: 'non_gbv', contexts: [] });
    expect((await sut.list(k.supA, kase.id)).map((i) => i.gbvType)).toEqual(['rape', 'non_gbv']);
  });

  it('refuses dates in the future or a report before the incident, naming the field, writing nothing', async () => {
    const future = await problem(sut.create(k.cwA, kase.id, incident({ incidentDate: '2999-01-01', reportDate: null })));
    expect(future.errors?.map((x) => x.field)).toEqual(['incidentDate']);
    const before = await problem(sut.create(k.cwA, kase.id, incident({ incidentDate: '2025-03-05', reportDate: '2025-03-01' })));
    expect(before.status).toBe(400);
    expect(before.errors?.map((x) => x.field)).toEqual(['reportDate']);
    const region = await problem(sut.create(k.cwA, kase.id, incident({ regionCode: 'XX-00' })));
    expect(region.errors?.map((x) => x.field)).toEqual(['regionCode']);
    expect(k.repo.incidents).toEqual([]);
  });

  it('a closed case takes no incident (409)', async () => {
    await k.cases.changeStage(k.supA, kase.id, { version: 1, to: 'closed', closureReason: 'needs_met' });
    const e = await problem(sut.create(k.cwA, kase.id, incident()));
    expect([e.status, e.code]).toEqual([409, 'case_closed']);
    expect(k.repo.incidents).toEqual([]);
  });

  it("another agency's case looks missing", async () => {
    expect((await problem(sut.create(k.supB, kase.id, incident()))).status).toBe(404);
    expect((await problem(sut.list(k.supB, kase.id))).status).toBe(404);
    expect((await problem(sut.list(k.supA, randomUUID()))).status).toBe(404);
    expect(k.audit.actions()).toEqual(['case.incident.create:denied', 'case.incident.list:denied', 'case.incident.list:failure']);
  });
});
