import { DataSource } from 'typeorm';
import { createTestApp, TestApp } from '../support/app';
import { databaseDump, rememberSecret } from '../support/canary';
import { sessionAs } from '../support/users';
import { as, auditEvents, caseBody, incidentBody, tag } from './case-fixtures';
import { newCase, refer, referralConsent, threeAgencies, ThreeAgencies } from '../referrals/referral-fixtures';

/**
 * Erasure (issue 14 item 7): a supervisor crypto-shreds a case. Afterwards its agency gets 410,
 * everyone else 404; the data key, blind indexes, notes, attachments and referral packets are
 * gone, open referrals revoked, and nothing the server holds opens what is left.
 */
describe('case erasure', () => {
  let t: TestApp;
  let db: DataSource;
  let x: ThreeAgencies;

  beforeAll(async () => {
    t = await createTestApp();
    db = t.app.get(DataSource);
    x = await threeAgencies(t);
  });
  afterAll(() => t?.close());

  const sentinel = (field: string) => {
    const v = `ERASE${field}${tag().toUpperCase()}`;
    rememberSecret(v);
    return v;
  };

  it('only a supervisor of the agency may erase, with a coded reason; others are refused without learning anything', async () => {
    const kase = await newCase(t, x.cwA);
    expect((await as(t, x.cwA.accessToken).delete(`/cases/${kase.id}?reason=survivor_request`)).status).toBe(403);
    expect((await as(t, x.supB.accessToken).delete(`/cases/${kase.id}?reason=survivor_request`)).status).toBe(404);
    const noReason = await as(t, x.supA.accessToken).delete(`/cases/${kase.id}`);
    expect(noReason.status).toBe(400);
    expect(noReason.body.errors[0].field).toBe('reason');
    const badReason = await as(t, x.supA.accessToken).delete(`/cases/${kase.id}?reason=because`);
    expect(badReason.status).toBe(400);
    expect((await as(t, x.cwA.accessToken).get(`/cases/${kase.id}`)).status).toBe(200);
  });

  it('crypto-shreds the case, its notes and referral packets; 410 to its agency, 404 to others; coded statistics remain', async () => {
    const name = sentinel('NAME');
    const note = sentinel('NOTE');
    const phone = `+25261${Math.floor(1000000 + Math.random() * 8999999)}`;
    const kase = await newCase(t, x.cwA, { survivorName: name, narrative: sentinel('NARR'), contactDetails: { phone } });
    await as(t, x.cwA.accessToken).post(`/cases/${kase.id}/notes`, { body: note });
    await referralConsent(t, x.cwA, kase.id, { serviceType: 'legal', recipientAgencyId: x.agencyB, shareableFields: ['survivorName'] });
    const referral = await refer(t, x.cwA, kase.id, { recipientAgencyId: x.agencyB, serviceType: 'legal' });
    expect(referral.status).toBe(201);
    const referralId = referral.body.id as string;
    expect((await as(t, x.provB.accessToken).get(`/referrals/${referralId}/packet`)).status).toBe(200);
    const [{ n: projected }] = await db.query(`SELECT count(*)::int AS n FROM reporting_incidents r JOIN case_incidents i ON i.id = r.incident_id WHERE i.case_id = $1`, [kase.id]);

    const erased = await as(t, x.supA.accessToken).delete(`/cases/${kase.id}?reason=survivor_request`);
    expect(erased.status).toBe(204);

    // Its agency: gone (410) on every path; another agency: as if it never existed (404).
    for (const path of [`/cases/${kase.id}`, `/cases/${kase.id}/notes`, `/cases/${kase.id}/incidents`, `/cases/${kase.id}/referrals`]) {
      expect([path, (await as(t, x.supA.accessToken).get(path)).status]).toEqual([path, 410]);
    }
    expect((await as(t, x.cwA.accessToken).get(`/cases/${kase.id}`)).status).toBe(410);
    expect((await as(t, x.supB.accessToken).get(`/cases/${kase.id}`)).status).toBe(404);
    expect((await as(t, x.supA.accessToken).delete(`/cases/${kase.id}?reason=survivor_request`)).status).toBe(410);
    const list = await as(t, x.supA.accessToken).get('/cases?pageSize=100');
    expect(list.body.items.map((c: { id: string }) => c.id)).not.toContain(kase.id);
    expect((await as(t, x.supA.accessToken).post('/cases/lookup', { survivorCode: kase.survivorCode })).status).toBe(404);
    expect((await as(t, x.supA.accessToken).post('/cases/lookup-phone', { phone })).body.items).toEqual([]);

    // The referral: revoked, packet destroyed for the receiving provider.
    const seen = await as(t, x.provB.accessToken).get(`/referrals/${referralId}`);
    expect(seen.body).toMatchObject({ state: 'revoked', packetAvailable: false, packetDestroyedReason: 'case_erased' });
    expect((await as(t, x.provB.accessToken).get(`/referrals/${referralId}/packet`)).status).toBe(410);

    // What remains: coded columns and the projection; no key, index, note or ciphertext of identity.
    const [row] = await db.query(
      `SELECT sex, age_band, erasure_reason, erased_at IS NOT NULL AS erased, survivor_code_index, phone_index, survivor_name, narrative,
              (SELECT count(*)::int FROM case_keys WHERE case_id = c.id) AS keys,
              (SELECT count(*)::int FROM case_notes WHERE case_id = c.id) AS notes,
              (SELECT count(*)::int FROM referral_keys k JOIN referrals r ON r.id = k.referral_id WHERE r.case_id = c.id) AS referral_keys,
              (SELECT count(*)::int FROM referral_packet_keys k JOIN referrals r ON r.id = k.referral_id WHERE r.case_id = c.id) AS packet_keys
         FROM cases c WHERE c.id = $1`,
      [kase.id],
    );
    expect(row).toMatchObject({ erasure_reason: 'survivor_request', erased: true, survivor_code_index: null, phone_index: null, survivor_name: null, narrative: null, keys: 0, notes: 0, referral_keys: 0, packet_keys: 0 });
    const [{ n: stillProjected }] = await db.query(`SELECT count(*)::int AS n FROM reporting_incidents r JOIN case_incidents i ON i.id = r.incident_id WHERE i.case_id = $1`, [kase.id]);
    expect(stillProjected).toBe(projected);

    const dump = databaseDump();
    for (const s of [name, note, kase.survivorCode]) expect(dump).not.toContain(s);

    const events = await auditEvents(t, { targetId: kase.id, action: 'case.erase' });
    // The erasure, then the refused second attempt (the case is gone: 410).
    expect(events.map((e) => [e.outcome, e.details])).toEqual([
      ['success', { reason: 'survivor_request' }],
      ['failure', { reason: 'shredded' }],
    ]);
  });

  it('a caseworker of another case keeps working: erasure touches one case only', async () => {
    const cw = await sessionAs(t, { role: 'caseworker', agencyId: x.agencyA });
    const keep = (await as(t, cw.accessToken).post('/cases', caseBody())).body as { id: string };
    const gone = (await as(t, cw.accessToken).post('/cases', caseBody())).body as { id: string };
    await as(t, cw.accessToken).post(`/cases/${keep.id}/incidents`, incidentBody());
    expect((await as(t, x.supA.accessToken).delete(`/cases/${gone.id}?reason=entered_in_error`)).status).toBe(204);
    expect((await as(t, cw.accessToken).get(`/cases/${keep.id}`)).status).toBe(200);
    expect((await as(t, cw.accessToken).get(`/cases/${gone.id}`)).status).toBe(410);
  });
});
