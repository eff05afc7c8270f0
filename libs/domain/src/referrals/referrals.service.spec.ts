import { randomUUID } from 'node:crypto';
import { DomainException } from '@amani/http';
import { fakeLocations } from '../locations/testing/fake-locations.service';
import type { CaseActor } from '../cases/case-actor';
import { CaseErasureHooks, ConsentWithdrawalHooks } from '../cases/case-hooks';
import { ServicesDirectoryService } from '../services-directory/services-directory.service';
import { FakeServicesRepository } from '../services-directory/testing/fake-services.repository';
import { FakeAuditService, FakeTransactionHost } from '../testing/unit-fakes';
import type { ReferralActor } from './referral-actor';
import { ReferralAuditor } from './referral-auditor';
import type { CreateReferralCommand } from './referral-commands';
import { ReferralPacketShredder } from './referral-packet-shredder';
import { ReferralsService } from './referrals.service';
import { FakeCase, FakeConsent, FakeReferralsRepository } from './testing/fake-referrals.repository';

const HOUR = 3_600_000;

async function problem(p: Promise<unknown>): Promise<DomainException> {
  try {
    await p;
  } catch (e) {
    if (e instanceof DomainException) return e;
    throw e;
  }
  throw new Error('expected a problem');
}

describe('ReferralsService', () => {
  let tx: FakeTransactionHost;
  let audit: FakeAuditService;
  let repo: FakeReferralsRepository;
  let services: FakeServicesRepository;
  let hooks: ConsentWithdrawalHooks;
  let erasureHooks: CaseErasureHooks;
  let shredder: ReferralPacketShredder;
  let sut: ReferralsService;

  let agencyA: string;
  let agencyB: string;
  let agencyC: string;
  let cwA: CaseActor;
  let otherCwA: CaseActor;
  let supA: CaseActor;
  let provB: ReferralActor;
  let provC: ReferralActor;
  let kase: FakeCase;

  const cmd = (over: Partial<CreateReferralCommand> = {}): CreateReferralCommand => ({
    recipientAgencyId: agencyB,
    serviceType: 'legal',
    followUpDueAt: new Date(Date.now() + 48 * HOUR),
    ...over,
  });

  beforeEach(async () => {
    tx = new FakeTransactionHost();
    audit = new FakeAuditService();
    repo = new FakeReferralsRepository();
    services = new FakeServicesRepository();
    const auditor = new ReferralAuditor(audit.asService());
    hooks = new ConsentWithdrawalHooks();
    erasureHooks = new CaseErasureHooks();
    shredder = new ReferralPacketShredder(hooks, auditor, repo, erasureHooks);
    shredder.onModuleInit();
    const directory = new ServicesDirectoryService(tx.asHost(), services, audit.asService(), fakeLocations());
    sut = new ReferralsService(tx.asHost(), repo, auditor, directory, shredder);

    agencyA = services.addAgency('A');
    agencyB = services.addAgency('B');
    agencyC = services.addAgency('C');
    for (const a of [agencyA, agencyB, agencyC]) repo.agencies.add(a);
    await services.insert({
      agencyId: agencyB,
      createdById: randomUUID(),
      serviceType: 'legal',
      name: 'Legal aid',
      regionCodes: [],
      languages: [],
      openingHours: null,
      contactChannel: null,
      capacity: null,
      acceptingReferrals: true,
    });
    cwA = { id: randomUUID(), role: 'caseworker', agencyId: agencyA };
    otherCwA = { id: randomUUID(), role: 'caseworker', agencyId: agencyA };
    supA = { id: randomUUID(), role: 'supervisor', agencyId: agencyA };
    provB = { id: randomUUID(), role: 'provider', agencyId: agencyB };
    provC = { id: randomUUID(), role: 'provider', agencyId: agencyC };
    kase = repo.addCase({ agencyId: agencyA, assignedCaseworkerId: cwA.id, fields: { survivorName: 'Amina', narrative: 'secret', regionCode: 'SO-BN' } });
    audit.events.length = 0;
  });

  function consent(over: Partial<FakeConsent> = {}): FakeConsent {
    return repo.addConsent({ caseId: kase.id, serviceType: 'legal', recipientAgencyId: agencyB, shareable: ['survivorName', 'regionCode'], ...over });
  }

  describe('create', () => {
    it('shares exactly the fields the covering consent lists, in one transaction, audited with it', async () => {
      const k = consent();
      const view = await sut.create(cwA, kase.id, cmd());
      expect(view).toMatchObject({ state: 'pending', consentId: k.id, consentOverride: false, packetFields: ['survivorName', 'regionCode'], caseId: kase.id, overrideReason: null });
      const stored = repo.referrals.get(view.id)!;
      expect(stored.packet).toEqual({ survivorName: 'Amina', regionCode: 'SO-BN' });
      expect(stored.packet).not.toHaveProperty('narrative');
      expect(repo.consentLocks).toEqual([kase.id]);
      expect(repo.serviceRecord.get(`${kase.id}/legal`)).toMatchObject({ outcome: 'referred', referralId: view.id });
      expect(audit.events).toEqual([
        expect.objectContaining({ action: 'referral.create', outcome: 'success', targetType: 'referral', targetId: view.id, inTransaction: true, details: expect.objectContaining({ consent: k.id, fields: 2, override: false }) }),
      ]);
      expect(tx.runs).toBe(1);
      expect(tx.maxDepth).toBe(1);
    });

    it('uses the named consent when given, and an unknown or foreign consent is a 422 with nothing written', async () => {
      consent();
      const otherCase = repo.addCase({ agencyId: agencyA, assignedCaseworkerId: cwA.id });
      const foreign = repo.addConsent({ caseId: otherCase.id, shareable: ['survivorName'] });
      for (const consentId of [randomUUID(), foreign.id]) {
        const e = await problem(sut.create(cwA, kase.id, cmd({ consentId })));
        expect([e.status, e.code]).toEqual([422, 'consent_not_valid']);
      }
      expect(repo.referrals.size).toBe(0);
      expect(audit.events.map((e) => [e.action, e.outcome, e.inTransaction])).toEqual([
        ['referral.create', 'failure', false],
        ['referral.create', 'failure', false],
      ]);
    });

    it('a withdrawn consent or one for another agency or type does not cover the referral', async () => {
      consent({ withdrawn: true });
      consent({ recipientAgencyId: agencyC });
      consent({ serviceType: 'medical' });
      const e = await problem(sut.create(cwA, kase.id, cmd()));
      expect([e.status, e.code]).toEqual([422, 'referral_consent_missing']);
      expect(e.errors?.map((x) => x.field)).toEqual(['consentId']);
    });

    it('without consent only a supervisor may override, with a reason; the override is audited apart', async () => {
      expect((await problem(sut.create(cwA, kase.id, cmd({ overrideReason: 'urgent' })))).code).toBe('override_needs_supervisor');
      const view = await sut.create(supA, kase.id, cmd({ overrideReason: 'Life at risk' }));
      expect(view).toMatchObject({ consentOverride: true, consentId: null, packetFields: [], overrideReason: 'Life at risk' });
      expect(repo.referrals.get(view.id)!.packet).toEqual({});
      expect(audit.events.filter((e) => e.outcome === 'success').map((e) => e.action)).toEqual(['referral.create', 'referral.consent_override']);
    });

    it('an override reason beside a covering consent is refused', async () => {
      consent();
      expect((await problem(sut.create(supA, kase.id, cmd({ overrideReason: 'x' })))).code).toBe('override_not_needed');
    });

    it('checks the recipient: another agency, known, with an open directory service', async () => {
      consent({ recipientAgencyId: null, serviceType: null });
      expect((await problem(sut.create(cwA, kase.id, cmd({ recipientAgencyId: agencyA })))).code).toBe('invalid_recipient');
      expect((await problem(sut.create(cwA, kase.id, cmd({ recipientAgencyId: randomUUID() })))).code).toBe('unknown_agency');
      const none = await problem(sut.create(cwA, kase.id, cmd({ recipientAgencyId: agencyC })));
      expect([none.code, none.errors?.[0].field]).toEqual(['service_not_offered', 'serviceType']);
      const named = await problem(sut.create(cwA, kase.id, cmd({ serviceId: randomUUID() })));
      expect([named.code, named.errors?.[0].field]).toEqual(['service_not_offered', 'serviceId']);
      expect(repo.referrals.size).toBe(0);
    });

    it.each([
      ['less than an hour ahead', 30 * 60_000],
      ['in the past', -HOUR],
      ['more than a year ahead', 400 * 24 * HOUR],
    ])('refuses a follow-up %s (400 naming the field)', async (_, ahead) => {
      consent();
      const e = await problem(sut.create(cwA, kase.id, cmd({ followUpDueAt: new Date(Date.now() + ahead) })));
      expect([e.status, e.errors?.[0].field]).toEqual([400, 'followUpDueAt']);
    });

    it('a closed case takes no referral (409)', async () => {
      consent();
      kase.stage = 'closed';
      expect((await problem(sut.create(cwA, kase.id, cmd()))).code).toBe('case_closed');
    });

    it("a case outside the caller's scope answers 404 exactly like a missing one; audited denied vs failure", async () => {
      consent();
      const out = await problem(sut.create(otherCwA, kase.id, cmd()));
      const missing = await problem(sut.create(cwA, randomUUID(), cmd()));
      expect([out.status, out.code, out.message]).toEqual([missing.status, missing.code, missing.message]);
      expect(out.status).toBe(404);
      expect(audit.events.map((e) => [e.outcome, e.details?.reason])).toEqual([
        ['denied', 'out_of_scope'],
        ['failure', 'not_found'],
      ]);
    });
  });

  describe('reading', () => {
    let id: string;
    beforeEach(async () => {
      consent();
      id = (await sut.create(supA, kase.id, cmd())).id;
      audit.events.length = 0;
    });

    it('the receiving provider sees the referral without its case or consent ids', async () => {
      const view = await sut.get(provB, id);
      expect(view).toMatchObject({ id, caseId: null, consentId: null, overrideReason: null });
      expect(audit.last()).toMatchObject({ action: 'referral.read', outcome: 'success' });
    });

    it("another agency's provider, a caseworker outside the case's scope and a missing id all get the same 404", async () => {
      const answers = [await problem(sut.get(provC, id)), await problem(sut.get(otherCwA, id)), await problem(sut.get(provB, randomUUID()))];
      expect(new Set(answers.map((e) => `${e.status} ${e.code} ${e.message}`)).size).toBe(1);
      expect(answers[0].status).toBe(404);
      expect(audit.events.map((e) => [e.outcome, e.details?.reason])).toEqual([
        ['denied', 'out_of_scope'],
        ['denied', 'out_of_scope'],
        ['failure', 'not_found'],
      ]);
    });

    it('a caseworker the case is shared with sees it', async () => {
      kase.sharedWith.push(otherCwA.id);
      expect((await sut.get(otherCwA, id)).caseId).toBe(kase.id);
    });

    it('the packet holds only the consented fields, and every read is audited', async () => {
      const packet = await sut.readPacket(provB, id);
      expect(packet).toEqual({ referralId: id, serviceType: 'legal', fields: { survivorName: 'Amina', regionCode: 'SO-BN' } });
      expect(audit.last()).toMatchObject({ action: 'referral.packet.read', outcome: 'success', details: { fields: 2 } });
      await expect(sut.readPacket(provC, id)).rejects.toMatchObject({ status: 404 });
    });

    it('a packet whose consent was withdrawn is destroyed on read and answers 410', async () => {
      const k = [...repo.consents.values()][0];
      k.withdrawn = true;
      const e = await problem(sut.readPacket(provB, id));
      expect([e.status, e.code]).toEqual([410, 'referral_packet_gone']);
      expect(repo.referrals.get(id)!.record.packetDestroyedReason).toBe('consent_withdrawn');
      expect(audit.actions()).toEqual(['referral.packet.destroy:success', 'referral.packet.read:failure']);
      expect((await problem(sut.readPacket(provB, id))).status).toBe(410);
    });

    it('an erased case leaves no packet and no notes to read', async () => {
      await sut.addNote(provB, id, 'We called her');
      repo.eraseKeys(kase.id);
      expect((await problem(sut.readPacket(provB, id))).status).toBe(410);
      expect((await sut.get(supA, id)).notes).toEqual([]);
    });

    it('only a provider has an inbox, and it holds only referrals addressed to their agency', async () => {
      expect((await problem(sut.incoming(cwA, { page: 1, pageSize: 10 }))).status).toBe(403);
      expect((await sut.incoming(provB, { page: 1, pageSize: 10 })).items.map((r) => [r.id, r.caseId])).toEqual([[id, null]]);
      expect((await sut.incoming(provC, { page: 1, pageSize: 10 })).total).toBe(0);
    });

    it("the case's list and service record are scoped like the case", async () => {
      expect((await sut.listForCase(cwA, kase.id, { page: 1, pageSize: 10 })).items.map((r) => r.id)).toEqual([id]);
      expect((await sut.listForCase(cwA, kase.id, { state: 'accepted', page: 1, pageSize: 10 })).total).toBe(0);
      expect((await problem(sut.listForCase(otherCwA, kase.id, { page: 1, pageSize: 10 }))).status).toBe(404);
      expect(await sut.serviceRecord(cwA, kase.id)).toEqual([expect.objectContaining({ serviceType: 'legal', outcome: 'referred', referralId: id, referralState: 'pending' })]);
      expect((await problem(sut.serviceRecord(otherCwA, kase.id))).status).toBe(404);
    });
  });

  describe('override reason', () => {
    it('is read back by the referring side only', async () => {
      const id = (await sut.create(supA, kase.id, cmd({ overrideReason: 'Life at risk' }))).id;
      expect((await sut.get(supA, id)).overrideReason).toBe('Life at risk');
      expect((await sut.get(provB, id)).overrideReason).toBeNull();
    });
  });

  describe('state transitions', () => {
    let id: string;
    beforeEach(async () => {
      consent();
      id = (await sut.create(cwA, kase.id, cmd())).id;
      audit.events.length = 0;
      tx.runs = 0;
    });

    it('the provider accepts then completes; the outcome goes to the service record; rows are locked', async () => {
      expect(await sut.accept(provB, id)).toMatchObject({ state: 'accepted', caseId: null });
      expect(repo.referrals.get(id)!.record).toMatchObject({ respondedById: provB.id, acceptedAt: expect.any(Date) });
      const done = await sut.complete(provB, id, { outcome: 'provided_by_own_agency', note: 'Seen twice' });
      expect(done).toMatchObject({ state: 'completed', outcome: 'provided_by_own_agency' });
      expect(repo.serviceRecord.get(`${kase.id}/legal`)).toMatchObject({ outcome: 'provided_by_own_agency', updatedById: provB.id });
      expect(repo.notes.map((n) => n.body)).toEqual(['Seen twice']);
      expect(repo.lockedReads).toEqual([id, id]);
      expect(audit.events.map((e) => [e.action, e.outcome, e.details?.from, e.details?.to, e.inTransaction])).toEqual([
        ['referral.accept', 'success', 'pending', 'accepted', true],
        ['referral.complete', 'success', 'accepted', 'completed', true],
      ]);
    });

    it('each side takes only its own steps (403 wrong_side)', async () => {
      for (const p of [sut.accept(cwA, id), sut.decline(supA, id, { reason: 'other' }), sut.revoke(provB, id)]) {
        const e = await problem(p);
        expect([e.status, e.code]).toEqual([403, 'wrong_side']);
      }
      expect(repo.referrals.get(id)!.record.state).toBe('pending');
    });

    it('a step the state machine does not allow is a 409', async () => {
      expect((await problem(sut.complete(provB, id, { outcome: 'referred' }))).status).toBe(409);
      await sut.decline(provB, id, { reason: 'no_capacity' });
      expect((await problem(sut.accept(provB, id))).status).toBe(409);
      expect((await problem(sut.revoke(cwA, id))).status).toBe(409);
    });

    it('a decline destroys the packet in the same use case and audits it once', async () => {
      const view = await sut.decline(provB, id, { reason: 'no_capacity' });
      expect(view).toMatchObject({ state: 'declined', declineReason: 'no_capacity', packetAvailable: false, packetDestroyedReason: 'declined' });
      expect(audit.actions()).toEqual(['referral.packet.destroy:success', 'referral.decline:success']);
      expect(tx.runs).toBe(1);
      expect((await problem(sut.readPacket(provB, id))).status).toBe(410);
    });

    it('the referrer revokes: the packet is destroyed', async () => {
      expect(await sut.revoke(cwA, id)).toMatchObject({ state: 'revoked', packetDestroyedReason: 'revoked' });
    });

    it("another agency's provider gets 404 on a step, as for a missing referral", async () => {
      const e = await problem(sut.accept(provC, id));
      expect(e.status).toBe(404);
      expect(audit.last()).toMatchObject({ action: 'referral.accept', outcome: 'denied' });
    });
  });

  describe('notes', () => {
    let id: string;
    beforeEach(async () => {
      consent();
      id = (await sut.create(cwA, kase.id, cmd())).id;
    });

    it('only the receiving provider writes one; the referrer reads it', async () => {
      expect((await problem(sut.addNote(cwA, id, 'x'))).code).toBe('recipient_only');
      const note = await sut.addNote(provB, id, 'Appointment Monday');
      expect(note).toMatchObject({ referralId: id, authorAgencyId: agencyB, body: 'Appointment Monday' });
      expect((await sut.get(cwA, id)).notes.map((n) => n.body)).toEqual(['Appointment Monday']);
      expect(audit.last()).toMatchObject({ action: 'referral.read', details: { notes: 1 } });
    });

    it('no note on a declined referral (409), none once the case was erased (410)', async () => {
      const other = (await sut.create(cwA, kase.id, cmd())).id;
      await sut.decline(provB, id, { reason: 'other' });
      expect((await problem(sut.addNote(provB, id, 'x'))).status).toBe(409);
      repo.eraseKeys(kase.id);
      expect((await problem(sut.addNote(provB, other, 'x'))).code).toBe('case_shredded');
    });
  });

  describe('consent withdrawal', () => {
    it('destroys every live packet built under the withdrawn consent, audited once each', async () => {
      const k = consent();
      const a = (await sut.create(cwA, kase.id, cmd())).id;
      const b = (await sut.create(cwA, kase.id, cmd())).id;
      await sut.decline(provB, b, { reason: 'other' });
      audit.events.length = 0;
      await hooks.notify(tx.em, { caseId: kase.id, consentId: k.id, purpose: 'referral', actor: cwA });
      expect(repo.referrals.get(a)!.record.packetDestroyedReason).toBe('consent_withdrawn');
      expect(repo.referrals.get(b)!.record.packetDestroyedReason).toBe('declined');
      expect(audit.events).toEqual([expect.objectContaining({ action: 'referral.packet.destroy', targetId: a, inTransaction: true })]);
      await hooks.notify(tx.em, { caseId: kase.id, consentId: k.id, purpose: 'referral', actor: cwA });
      expect(audit.events).toHaveLength(1);
    });

    it('ignores a withdrawal of another purpose', async () => {
      const k = consent();
      const a = (await sut.create(cwA, kase.id, cmd())).id;
      await hooks.notify(tx.em, { caseId: kase.id, consentId: k.id, purpose: 'data_sharing' as never, actor: cwA });
      expect(repo.referrals.get(a)!.record.packetDestroyedAt).toBeNull();
    });
  });

  describe('case erasure', () => {
    it('revokes open referrals, destroys every live packet as case_erased and forgets the notes, audited in the erasing transaction', async () => {
      consent();
      const open = (await sut.create(cwA, kase.id, cmd())).id;
      const declined = (await sut.create(cwA, kase.id, cmd())).id;
      await sut.decline(provB, declined, { reason: 'other' });
      const done = (await sut.create(cwA, kase.id, cmd())).id;
      await sut.accept(provB, done);
      await sut.addNote(provB, done, 'Seen on Tuesday');
      audit.events.length = 0;
      await erasureHooks.notify(tx.em, { caseId: kase.id, reason: 'survivor_request', actor: supA });
      const record = (id: string) => repo.referrals.get(id)!.record;
      expect([record(open).state, record(declined).state, record(done).state]).toEqual(['revoked', 'declined', 'revoked']);
      expect([record(open).packetDestroyedReason, record(declined).packetDestroyedReason, record(done).packetDestroyedReason]).toEqual(['case_erased', 'declined', 'case_erased']);
      expect(repo.notes).toEqual([]);
      expect(audit.events.map((e) => [e.action, e.targetId])).toEqual([
        ['referral.revoke', open],
        ['referral.revoke', done],
        ['referral.packet.destroy', open],
        ['referral.packet.destroy', done],
      ]);
      expect(audit.events.every((e) => e.inTransaction)).toBe(true);
    });
  });
});
