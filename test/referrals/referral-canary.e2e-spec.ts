import { randomBytes } from 'node:crypto';
import { createTestApp, TestApp } from '../support/app';
import { capturedLogs, databaseDump, leaked, redisDump, rememberSecret } from '../support/canary';
import { as, incidentBody } from '../cases/case-fixtures';
import { newCase, refer, referralConsent, ThreeAgencies, threeAgencies } from './referral-fixtures';

/**
 * Canary, extended to referrals: every case field shared in a packet, every provider note
 * (sent alone, with a decline and with a completion) and an override reason hold unique
 * sentinels. After packets were built, read, shredded and refused, a dump of the whole
 * database, every Redis key and value of the run, and the captured logs contain none of them.
 */
describe('referral canary: packets and provider notes leave no plaintext', () => {
  let t: TestApp;
  let x: ThreeAgencies;
  const sentinels: string[] = [];
  const referralIds: string[] = [];

  const sentinel = (field: string) => {
    const value = `CANARYREF${field}${randomBytes(8).toString('hex').toUpperCase()}`;
    sentinels.push(value);
    rememberSecret(value);
    return value;
  };

  beforeAll(async () => {
    t = await createTestApp();
    x = await threeAgencies(t);
  });

  afterAll(async () => {
    await t?.close();
  });

  it('exercises every referral path that handles identifying data', async () => {
    const cw = as(t, x.cwA.accessToken);
    const prov = as(t, x.provB.accessToken);
    const phone = `+999${String(randomBytes(5).readUIntBE(0, 5)).padStart(13, '0')}`;
    sentinels.push(phone);
    rememberSecret(phone);
    const kase = await newCase(t, x.cwA, {
      survivorName: sentinel('NAME'),
      aliases: [sentinel('ALIAS')],
      contactDetails: { phone, email: `${sentinel('EMAIL').toLowerCase()}@sentinel.example`, safeContactInstructions: sentinel('SAFECONTACT') },
      address: sentinel('ADDRESS'),
      caregiverDetails: { name: sentinel('CAREGIVER') },
      narrative: sentinel('NARRATIVE'),
    });
    sentinels.push(kase.survivorCode);
    rememberSecret(kase.survivorCode);
    const incident = await cw.post(`/cases/${kase.id}/incidents`, {
      ...incidentBody(),
      narrative: sentinel('INCIDENTNARRATIVE'),
    });
    expect(incident.status).toBe(201);
    await referralConsent(t, x.cwA, kase.id, {
      recipientAgencyId: x.agencyB,
      shareableFields: ['survivorName', 'aliases', 'contactDetails', 'address', 'caregiverDetails', 'narrative', 'incidentNarratives', 'ageBand'],
    });

    // Completed, with notes both alone and with the completion.
    const done = await refer(t, x.cwA, kase.id, { recipientAgencyId: x.agencyB, serviceType: 'legal' });
    expect(done.status).toBe(201);
    referralIds.push(done.body.id);
    const packet = await prov.get(`/referrals/${done.body.id}/packet`);
    expect(packet.status).toBe(200);
    expect(packet.body.fields.survivorName).toBe(kase.survivorName);
    expect(packet.body.fields.incidentNarratives).toEqual([expect.stringContaining('CANARYREFINCIDENTNARRATIVE')]);
    expect((await prov.post(`/referrals/${done.body.id}/accept`)).status).toBe(200);
    expect((await prov.post(`/referrals/${done.body.id}/notes`, { body: sentinel('NOTE') })).status).toBe(201);
    expect((await prov.post(`/referrals/${done.body.id}/complete`, { outcome: 'provided_by_own_agency', note: sentinel('COMPLETENOTE') })).status).toBe(200);
    expect((await cw.get(`/referrals/${done.body.id}`)).body.notes).toHaveLength(2);
    expect((await prov.get(`/referrals/${done.body.id}`)).body.notes).toHaveLength(2);

    // Declined with a note; revoked after a read.
    const declined = await refer(t, x.cwA, kase.id, { recipientAgencyId: x.agencyB, serviceType: 'psychosocial' });
    referralIds.push(declined.body.id);
    expect((await prov.post(`/referrals/${declined.body.id}/decline`, { reason: 'other', note: sentinel('DECLINENOTE') })).status).toBe(200);
    const revoked = await refer(t, x.cwA, kase.id, { recipientAgencyId: x.agencyB, serviceType: 'medical' });
    referralIds.push(revoked.body.id);
    expect((await prov.get(`/referrals/${revoked.body.id}/packet`)).status).toBe(200);
    expect((await cw.post(`/referrals/${revoked.body.id}/revoke`)).status).toBe(200);
    expect((await prov.get(`/referrals/${revoked.body.id}/packet`)).status).toBe(410);

    // A supervisor's override reason.
    const other = await newCase(t, x.cwA, { survivorName: sentinel('OTHERNAME') });
    sentinels.push(other.survivorCode);
    const override = await refer(t, x.supA, other.id, { recipientAgencyId: x.agencyB, serviceType: 'legal', overrideReason: sentinel('OVERRIDE') });
    expect(override.status).toBe(201);
    referralIds.push(override.body.id);
    expect((await as(t, x.supA.accessToken).get(`/referrals/${override.body.id}`)).body.overrideReason).toContain('CANARYREFOVERRIDE');

    // Refused input is neither echoed nor logged.
    for (const res of [
      await prov.post(`/referrals/${done.body.id}/notes`, { body: sentinel('REFUSEDNOTE'), extra: sentinel('EXTRA') }),
      await prov.post(`/referrals/${done.body.id}/notes`, { body: `${sentinel('LONGNOTE')}${'x'.repeat(1200)}` }),
      await prov.post(`/referrals/${declined.body.id}/notes`, { body: sentinel('LATENOTE') }),
      await as(t, x.provC.accessToken).post(`/referrals/${done.body.id}/notes`, { body: sentinel('THIRDAGENCYNOTE') }),
      await refer(t, x.cwA, other.id, { recipientAgencyId: x.agencyB, serviceType: 'legal', overrideReason: sentinel('CWOVERRIDE') }),
      await refer(t, x.cwA, kase.id, { recipientAgencyId: x.agencyB, serviceType: 'legal', note: sentinel('BADFIELD') }),
    ]) {
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(leaked(res.text, sentinels)).toEqual([]);
    }
  });

  it('the database dump holds none of the sentinels (and does hold the referrals)', () => {
    const dump = databaseDump();
    for (const id of referralIds) expect(dump).toContain(id);
    expect(leaked(dump, sentinels)).toEqual([]);
  });

  it('Redis holds none of the sentinels', async () => {
    expect(leaked(await redisDump(), sentinels)).toEqual([]);
  });

  it('the captured logs hold none of the sentinels (and do hold the referral requests)', () => {
    const logs = capturedLogs();
    expect(logs).toContain(referralIds[0]);
    expect(leaked(logs, sentinels)).toEqual([]);
  });
});
