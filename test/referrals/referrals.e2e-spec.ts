import { DataSource } from 'typeorm';
import { createTestApp, TestApp } from '../support/app';
import { as, auditEvents, PROBLEM } from '../cases/case-fixtures';
import { LoggedIn } from '../support/users';
import { inDays, newCase, refer, referralConsent, ThreeAgencies, threeAgencies } from './referral-fixtures';

const MISSING_ID = '0f9b7c1e-3a5d-4e2f-8b6a-9c0d1e2f3a4b';
const withoutCorrelation = (body: Record<string, unknown>) => ({ ...body, correlationId: undefined });

/**
 * Referrals across three agencies: A refers a case to B; C is a third agency. Consent decides
 * what B may read; lifecycle, crypto-shredding and the service record through the real API.
 */
describe('referrals across three agencies', () => {
  let t: TestApp;
  let db: DataSource;
  let x: ThreeAgencies;
  let kase: Awaited<ReturnType<typeof newCase>>;
  const api = (u: LoggedIn) => as(t, u.accessToken);

  beforeAll(async () => {
    t = await createTestApp();
    db = t.app.get(DataSource);
    x = await threeAgencies(t);
    kase = await newCase(t, x.cwA, {
      survivorName: 'Referral Survivor',
      contactDetails: { phone: '+252610000001', safeContactInstructions: 'Call after 6pm' },
      address: 'House 4, Street 9',
      narrative: 'What happened, in the survivor’s words.',
    });
  });

  afterAll(async () => {
    await t?.close();
  });

  describe('consent decides', () => {
    it('refuses a referral without a covering consent: 422 naming the missing referral consent', async () => {
      const res = await refer(t, x.cwA, kase.id, { recipientAgencyId: x.agencyB, serviceType: 'legal' });
      expect(res.status).toBe(422);
      expect(res.headers['content-type']).toMatch(PROBLEM);
      expect(res.body.code).toBe('referral_consent_missing');
      expect(res.body.detail).toContain("'referral' consent");
      expect(res.body.detail).toContain("'legal'");
      expect(res.body.errors).toEqual([expect.objectContaining({ field: 'consentId' })]);
      expect(await db.query(`SELECT 1 FROM referrals WHERE case_id = $1`, [kase.id])).toEqual([]);
    });

    it('a consent for another agency or another service type does not cover it', async () => {
      await referralConsent(t, x.cwA, kase.id, { serviceType: 'legal', recipientAgencyId: x.agencyC, shareableFields: ['sex'] });
      await referralConsent(t, x.cwA, kase.id, { serviceType: 'medical', shareableFields: ['sex'] });
      const res = await refer(t, x.cwA, kase.id, { recipientAgencyId: x.agencyB, serviceType: 'legal' });
      expect(res.status).toBe(422);
      expect(res.body.code).toBe('referral_consent_missing');
    });

    it('a caseworker may not override; the refusal is audited', async () => {
      const res = await refer(t, x.cwA, kase.id, { recipientAgencyId: x.agencyB, serviceType: 'legal', overrideReason: 'Urgent' });
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('override_needs_supervisor');
      const events = await auditEvents(t, { actorId: x.cwA.user.id, action: 'referral.create', targetId: kase.id });
      expect(events.some((e) => e.outcome === 'failure' && e.details.reason === 'override_needs_supervisor')).toBe(true);
    });

    it('checks the receiving agency and the directory', async () => {
      const own = await refer(t, x.cwA, kase.id, { recipientAgencyId: x.agencyA, serviceType: 'legal' });
      expect([own.status, own.body.code]).toEqual([422, 'invalid_recipient']);
      const unknown = await refer(t, x.cwA, kase.id, { recipientAgencyId: MISSING_ID, serviceType: 'legal' });
      expect([unknown.status, unknown.body.code]).toEqual([422, 'unknown_agency']);
      const notOffered = await refer(t, x.cwA, kase.id, { recipientAgencyId: x.agencyB, serviceType: 'economic' });
      expect([notOffered.status, notOffered.body.code]).toEqual([422, 'service_not_offered']);
      expect(notOffered.body.errors).toEqual([expect.objectContaining({ field: 'serviceType' })]);
    });

    it('answers bad input with 400 naming the field', async () => {
      for (const [body, field] of [
        [{ recipientAgencyId: x.agencyB, serviceType: 'legal', followUpDueAt: inDays(-1) }, 'followUpDueAt'],
        [{ recipientAgencyId: x.agencyB, serviceType: 'legal', followUpDueAt: inDays(400) }, 'followUpDueAt'],
        [{ recipientAgencyId: x.agencyB, serviceType: 'legal', followUpDueAt: 'next week' }, 'followUpDueAt'],
        [{ recipientAgencyId: x.agencyB, serviceType: 'counselling' }, 'serviceType'],
        [{ recipientAgencyId: 'agency-b', serviceType: 'legal' }, 'recipientAgencyId'],
        [{ recipientAgencyId: x.agencyB, serviceType: 'legal', packet: { survivorName: 'x' } }, 'packet'],
      ] as const) {
        const res = await refer(t, x.cwA, kase.id, body);
        expect([field, res.status]).toEqual([field, 400]);
        expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
      }
    });
  });

  describe('with consent', () => {
    let referralId: string;
    let consentId: string;
    const consented = ['survivorName', 'contactDetails', 'ageBand', 'incidentTypes'];

    beforeAll(async () => {
      consentId = await referralConsent(t, x.cwA, kase.id, { serviceType: 'legal', recipientAgencyId: x.agencyB, shareableFields: consented as never });
    });

    it('creates the referral, records "referred" in the service record, and audits it with codes', async () => {
      const res = await refer(t, x.cwA, kase.id, { recipientAgencyId: x.agencyB, serviceType: 'legal' });
      expect(res.status).toBe(201);
      referralId = res.body.id;
      expect(res.body).toMatchObject({
        caseId: kase.id,
        referringAgencyId: x.agencyA,
        recipientAgencyId: x.agencyB,
        serviceType: 'legal',
        state: 'pending',
        consentId,
        consentOverride: false,
        packetAvailable: true,
        overdue: false,
      });
      expect([...res.body.packetFields].sort()).toEqual([...consented].sort());
      const record = await api(x.cwA).get(`/cases/${kase.id}/service-record`);
      expect(record.body.items).toEqual([expect.objectContaining({ serviceType: 'legal', outcome: 'referred', referralId, referralState: 'pending' })]);
      const [event] = await auditEvents(t, { targetId: referralId, action: 'referral.create' });
      expect(event).toMatchObject({ outcome: 'success', details: { case: kase.id, consent: consentId, override: false, fields: 4, serviceType: 'legal' } });
    });

    it('the receiving provider sees it in their inbox, without the case id', async () => {
      const inbox = await api(x.provB).get('/referrals/incoming');
      expect(inbox.status).toBe(200);
      const item = inbox.body.items.find((r: { id: string }) => r.id === referralId);
      expect(item).toMatchObject({ state: 'pending', serviceType: 'legal', caseId: null, consentId: null });
      expect(JSON.stringify(inbox.body)).not.toContain(kase.id);
      expect((await api(x.provC).get('/referrals/incoming')).body.items.map((r: { id: string }) => r.id)).not.toContain(referralId);
    });

    it('the receiving provider reads exactly the consented fields: an unconsented field is absent, not empty', async () => {
      const res = await api(x.provB).get(`/referrals/${referralId}/packet`);
      expect(res.status).toBe(200);
      expect(Object.keys(res.body.fields).sort()).toEqual([...consented].sort());
      expect(res.body.fields).toMatchObject({
        survivorName: 'Referral Survivor',
        contactDetails: { phone: '+252610000001', safeContactInstructions: 'Call after 6pm' },
        ageBand: kase.ageBand,
        incidentTypes: ['physical_assault'],
      });
      for (const absent of ['narrative', 'address', 'dateOfBirth', 'aliases', 'caregiverDetails', 'incidentNarratives', 'sex', 'regionCode']) {
        expect(res.body.fields).not.toHaveProperty(absent);
      }
      expect(JSON.stringify(res.body)).not.toContain('House 4');
      expect(JSON.stringify(res.body)).not.toContain(kase.survivorCode);
      const [read] = await auditEvents(t, { targetId: referralId, action: 'referral.packet.read', actorId: x.provB.user.id });
      expect(read).toMatchObject({ outcome: 'success', details: { fields: 4 } });
    });

    it('stores the packet encrypted under its own key, wrapped, in its own table', async () => {
      const [row] = await db.query(`SELECT packet, packet_fields FROM referrals WHERE id = $1`, [referralId]);
      expect(Buffer.isBuffer(row.packet)).toBe(true);
      expect(row.packet.toString('latin1')).not.toContain('Referral Survivor');
      // Its key is sealed to the receiving and the referring agency's keys, never wrapped by the master key.
      const keys = await db.query(
        `SELECT case_id, kek_version, wrapped_dek IS NULL AS unwrapped, recipient_key_version, referrer_key_version FROM referral_packet_keys WHERE referral_id = $1`,
        [referralId],
      );
      expect(keys).toEqual([{ case_id: kase.id, kek_version: null, unwrapped: true, recipient_key_version: 1, referrer_key_version: 1 }]);
      const [{ same }] = await db.query(
        `SELECT count(*)::int AS same FROM referral_packet_keys p JOIN case_keys k ON k.wrapped_dek IN (p.recipient_sealed_dek, p.referrer_sealed_dek) WHERE p.referral_id = $1`,
        [referralId],
      );
      expect(same).toBe(0);
    });

    it('a provider at a third agency gets the same 404 as for a missing referral on every route, audited as denied', async () => {
      const routes: [string, string, object?][] = [
        ['get', `/referrals/{id}`],
        ['get', `/referrals/{id}/packet`],
        ['post', `/referrals/{id}/accept`, {}],
        ['post', `/referrals/{id}/decline`, { reason: 'no_capacity' }],
        ['post', `/referrals/{id}/complete`, { outcome: 'service_unavailable' }],
        ['post', `/referrals/{id}/notes`, { body: 'not mine' }],
      ];
      for (const [method, url, body] of routes) {
        const call = (id: string) =>
          method === 'get' ? api(x.provC).get(url.replace('{id}', id)) : api(x.provC).post(url.replace('{id}', id), body);
        const foreign = await call(referralId);
        const missing = await call(MISSING_ID);
        expect([url, foreign.status]).toEqual([url, 404]);
        expect(withoutCorrelation(foreign.body)).toEqual(withoutCorrelation(missing.body));
        expect(JSON.stringify(foreign.body)).not.toContain('Referral Survivor');
      }
      const denied = (await auditEvents(t, { targetId: referralId, actorId: x.provC.user.id })).filter((e) => e.outcome === 'denied');
      expect(denied).toHaveLength(routes.length);
      expect(denied.every((e) => e.details.reason === 'out_of_scope' && e.details.record === 'referral')).toBe(true);
      expect((await db.query(`SELECT state FROM referrals WHERE id = $1`, [referralId]))[0].state).toBe('pending');
    });

    it('the referring side follows the case scope: an unshared colleague gets 404, the supervisor reads it', async () => {
      expect((await api(x.colleagueA).get(`/referrals/${referralId}`)).status).toBe(404);
      expect((await api(x.colleagueA).get(`/cases/${kase.id}/referrals`)).status).toBe(404);
      expect((await api(x.colleagueA).post(`/referrals/${referralId}/revoke`)).status).toBe(404);
      const sup = await api(x.supA).get(`/referrals/${referralId}`);
      expect(sup.status).toBe(200);
      expect(sup.body.caseId).toBe(kase.id);
      const list = await api(x.supA).get(`/cases/${kase.id}/referrals`);
      expect(list.body.items.map((r: { id: string }) => r.id)).toContain(referralId);
      // B's supervisor is no provider: the referral is not theirs to see.
      expect((await api(x.supB).get(`/referrals/${referralId}`)).status).toBe(404);
    });

    it('accept, a note back, complete with an outcome: the case’s service record shows the outcome', async () => {
      expect((await api(x.provB).post(`/referrals/${referralId}/complete`, { outcome: 'provided_by_own_agency' })).status).toBe(409);
      const accepted = await api(x.provB).post(`/referrals/${referralId}/accept`);
      expect(accepted.status).toBe(200);
      expect(accepted.body).toMatchObject({ state: 'accepted', acceptedAt: expect.any(String), caseId: null });
      expect((await api(x.provB).post(`/referrals/${referralId}/accept`)).status).toBe(409);

      const note = await api(x.provB).post(`/referrals/${referralId}/notes`, { body: 'First session booked for Monday.' });
      expect(note.status).toBe(201);
      const completed = await api(x.provB).post(`/referrals/${referralId}/complete`, { outcome: 'provided_by_own_agency', note: 'Legal aid given.' });
      expect(completed.status).toBe(200);
      expect(completed.body).toMatchObject({ state: 'completed', outcome: 'provided_by_own_agency', completedAt: expect.any(String) });

      const record = await api(x.cwA).get(`/cases/${kase.id}/service-record`);
      expect(record.body.items).toEqual([
        expect.objectContaining({ serviceType: 'legal', outcome: 'provided_by_own_agency', referralId, referralState: 'completed' }),
      ]);
      const detail = await api(x.cwA).get(`/referrals/${referralId}`);
      expect(detail.body.notes.map((n: { body: string }) => n.body)).toEqual(['First session booked for Monday.', 'Legal aid given.']);
      expect(detail.body.notes[0]).toMatchObject({ authorId: x.provB.user.id, authorAgencyId: x.agencyB });
      const [stored] = await db.query(`SELECT body FROM referral_notes WHERE referral_id = $1 LIMIT 1`, [referralId]);
      expect(stored.body.toString('latin1')).not.toContain('session');
      // A completed referral cannot be revoked or completed again.
      expect((await api(x.cwA).post(`/referrals/${referralId}/revoke`)).status).toBe(409);
      expect((await api(x.provB).post(`/referrals/${referralId}/complete`, { outcome: 'not_applicable' })).status).toBe(409);
      const changes = (await auditEvents(t, { targetId: referralId })).filter((e) => ['referral.accept', 'referral.complete'].includes(e.action) && e.outcome === 'success');
      expect(changes.map((e) => [e.action, e.details.from, e.details.to])).toEqual([
        ['referral.accept', 'pending', 'accepted'],
        ['referral.complete', 'accepted', 'completed'],
      ]);
      expect(changes[1].details).toMatchObject({ outcome: 'provided_by_own_agency', note: true });
    });

    it('the provider cannot take the referrer’s step, nor the referrer the provider’s (403)', async () => {
      expect((await api(x.provB).post(`/referrals/${referralId}/revoke`)).status).toBe(403);
      expect((await api(x.cwA).post(`/referrals/${referralId}/accept`)).status).toBe(403);
      expect((await api(x.cwA).post(`/referrals/${referralId}/notes`, { body: 'x' })).status).toBe(403);
    });
  });

  describe('decline, revoke, consent withdrawal, override and erasure', () => {
    let other: Awaited<ReturnType<typeof newCase>>;
    let anyTypeConsent: string;

    beforeAll(async () => {
      other = await newCase(t, x.cwA, { survivorName: 'Second Survivor', narrative: 'Second narrative.' });
      // One consent for any service type at agency B.
      anyTypeConsent = await referralConsent(t, x.cwA, other.id, { recipientAgencyId: x.agencyB, shareableFields: ['survivorName', 'narrative'] });
    });

    it('decline with a coded reason and a note: the packet is destroyed (410)', async () => {
      const created = await refer(t, x.cwA, other.id, { recipientAgencyId: x.agencyB, serviceType: 'psychosocial' });
      expect(created.status).toBe(201);
      const id = created.body.id;
      expect((await api(x.provB).post(`/referrals/${id}/decline`, {})).status).toBe(400);
      expect((await api(x.provB).post(`/referrals/${id}/decline`, { reason: 'too busy' })).status).toBe(400);
      const declined = await api(x.provB).post(`/referrals/${id}/decline`, { reason: 'no_capacity', note: 'Waiting list is full.' });
      expect(declined.status).toBe(200);
      expect(declined.body).toMatchObject({ state: 'declined', declineReason: 'no_capacity', packetAvailable: false, packetDestroyedReason: 'declined' });
      const packet = await api(x.provB).get(`/referrals/${id}/packet`);
      expect([packet.status, packet.body.code]).toEqual([410, 'referral_packet_gone']);
      expect((await api(x.provB).post(`/referrals/${id}/accept`)).status).toBe(409);
      expect((await api(x.cwA).get(`/referrals/${id}`)).body.notes.map((n: { body: string }) => n.body)).toEqual(['Waiting list is full.']);
      expect(await db.query(`SELECT 1 FROM referral_packet_keys WHERE referral_id = $1`, [id])).toEqual([]);
      const [event] = await auditEvents(t, { targetId: id, action: 'referral.decline' });
      expect(event).toMatchObject({ outcome: 'success', details: { from: 'pending', to: 'declined', reason: 'no_capacity', note: true } });
    });

    it('revoke by the referring agency destroys the packet key', async () => {
      const created = await refer(t, x.cwA, other.id, { recipientAgencyId: x.agencyB, serviceType: 'medical' });
      const id = created.body.id;
      expect((await api(x.provB).get(`/referrals/${id}/packet`)).status).toBe(200);
      expect((await api(x.provB).post(`/referrals/${id}/accept`)).status).toBe(200);
      const revoked = await api(x.supA).post(`/referrals/${id}/revoke`);
      expect(revoked.status).toBe(200);
      expect(revoked.body).toMatchObject({ state: 'revoked', revokedAt: expect.any(String), packetDestroyedReason: 'revoked' });
      expect((await api(x.provB).get(`/referrals/${id}/packet`)).status).toBe(410);
      expect((await api(x.provB).post(`/referrals/${id}/complete`, { outcome: 'not_applicable' })).status).toBe(409);
      expect((await api(x.provB).post(`/referrals/${id}/notes`, { body: 'late' })).status).toBe(409);
      const [row] = await db.query(`SELECT packet, packet_destroyed_at FROM referrals WHERE id = $1`, [id]);
      expect(row.packet).toBeNull();
      expect(row.packet_destroyed_at).not.toBeNull();
      const destroyed = await auditEvents(t, { targetId: id, action: 'referral.packet.destroy' });
      expect(destroyed).toEqual([expect.objectContaining({ outcome: 'success', details: { reason: 'revoked', case: other.id } })]);
    });

    it('after the consent is withdrawn, the packet reads as gone (410), and a new referral is refused', async () => {
      const created = await refer(t, x.cwA, other.id, { recipientAgencyId: x.agencyB, serviceType: 'legal' });
      expect(created.status).toBe(201);
      const id = created.body.id;
      const before = await api(x.provB).get(`/referrals/${id}/packet`);
      expect(before.status).toBe(200);
      expect(before.body.fields).toEqual({ survivorName: 'Second Survivor', narrative: 'Second narrative.' });

      const withdrawn = await api(x.cwA).post(`/cases/${other.id}/consents/${anyTypeConsent}/withdraw`);
      expect(withdrawn.status).toBe(200);
      const after = await api(x.provB).get(`/referrals/${id}/packet`);
      expect(after.status).toBe(410);
      expect(after.body.code).toBe('referral_packet_gone');
      expect(JSON.stringify(after.body)).not.toContain('Second');
      const view = await api(x.provB).get(`/referrals/${id}`);
      expect(view.body).toMatchObject({ state: 'pending', packetAvailable: false, packetDestroyedReason: 'consent_withdrawn' });
      // Every packet built under the consent is gone (the declined and revoked ones already were).
      const [{ live }] = await db.query(
        `SELECT count(*)::int AS live FROM referrals r JOIN referral_packet_keys k ON k.referral_id = r.id WHERE r.consent_id = $1`,
        [anyTypeConsent],
      );
      expect(live).toBe(0);
      const [failed] = await auditEvents(t, { targetId: id, action: 'referral.packet.read', actorId: x.provB.user.id }).then((events) => events.filter((e) => e.outcome !== 'success'));
      expect(failed).toMatchObject({ outcome: 'failure', details: { reason: 'packet_destroyed', destroyed: 'consent_withdrawn' } });

      const again = await refer(t, x.cwA, other.id, { recipientAgencyId: x.agencyB, serviceType: 'legal' });
      expect([again.status, again.body.code]).toEqual([422, 'referral_consent_missing']);
      const explicit = await refer(t, x.cwA, other.id, { recipientAgencyId: x.agencyB, serviceType: 'legal', consentId: anyTypeConsent });
      expect([explicit.status, explicit.body.code]).toEqual([422, 'consent_not_valid']);
    });

    it('a supervisor overrides a missing consent with a written reason: encrypted, audited by code, an empty packet', async () => {
      const reason = 'Child at imminent risk; the survivor cannot be reached to consent.';
      const res = await refer(t, x.supA, other.id, { recipientAgencyId: x.agencyB, serviceType: 'legal', overrideReason: reason });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ consentOverride: true, consentId: null, packetFields: [], overrideReason: reason });
      const id = res.body.id;
      expect((await api(x.cwA).get(`/referrals/${id}`)).body.overrideReason).toBe(reason);
      const provider = await api(x.provB).get(`/referrals/${id}`);
      expect(provider.body).toMatchObject({ consentOverride: true, overrideReason: null });
      expect((await api(x.provB).get(`/referrals/${id}/packet`)).body.fields).toEqual({});
      const [override] = await auditEvents(t, { targetId: id, action: 'referral.consent_override' });
      expect(override).toMatchObject({ outcome: 'success', actor_id: x.supA.user.id, details: { case: other.id, recipient: x.agencyB, serviceType: 'legal' } });
      const audit = JSON.stringify(await auditEvents(t, { targetId: id }));
      expect(audit).not.toContain('imminent');
      const [row] = await db.query(`SELECT override_reason FROM referrals WHERE id = $1`, [id]);
      expect(row.override_reason.toString('latin1')).not.toContain('imminent');
      // With a covering consent, an override is refused rather than silently recorded.
      const third = await newCase(t, x.cwA);
      await referralConsent(t, x.cwA, third.id, { serviceType: 'legal', shareableFields: ['sex'] });
      const needless = await refer(t, x.supA, third.id, { recipientAgencyId: x.agencyB, serviceType: 'legal', overrideReason: reason });
      expect([needless.status, needless.body.code]).toEqual([422, 'override_not_needed']);
    });

    it('erasing a case (deleting its data key) destroys every packet of its referrals', async () => {
      const erased = await newCase(t, x.cwA, { survivorName: 'Erased Survivor' });
      await referralConsent(t, x.cwA, erased.id, { recipientAgencyId: x.agencyB, shareableFields: ['survivorName'] });
      const ids: string[] = [];
      for (const serviceType of ['legal', 'medical'] as const) {
        ids.push((await refer(t, x.cwA, erased.id, { recipientAgencyId: x.agencyB, serviceType })).body.id);
      }
      expect((await api(x.provB).get(`/referrals/${ids[0]}/packet`)).status).toBe(200);
      await db.query(`DELETE FROM case_keys WHERE case_id = $1`, [erased.id]);
      expect(await db.query(`SELECT 1 FROM referral_packet_keys WHERE case_id = $1 UNION ALL SELECT 1 FROM referral_keys WHERE case_id = $1`, [erased.id])).toEqual([]);
      for (const id of ids) {
        const res = await api(x.provB).get(`/referrals/${id}/packet`);
        expect([res.status, res.body.code]).toEqual([410, 'referral_packet_gone']);
      }
    });
  });

  describe('lists', () => {
    it('filters by state and pages; bad queries are 400', async () => {
      const inbox = await api(x.provB).get('/referrals/incoming?state=declined&pageSize=5');
      expect(inbox.status).toBe(200);
      expect(inbox.body.items.length).toBeGreaterThan(0);
      expect(inbox.body.items.every((r: { state: string }) => r.state === 'declined')).toBe(true);
      expect((await api(x.provB).get('/referrals/incoming?state=lost')).status).toBe(400);
      expect((await api(x.provB).get('/referrals/not-a-uuid')).status).toBe(400);
      const own = await api(x.cwA).get(`/cases/${kase.id}/referrals?state=completed`);
      expect(own.body.items).toHaveLength(1);
    });
  });
});
