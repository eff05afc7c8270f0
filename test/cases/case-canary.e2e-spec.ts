import { randomBytes, randomInt } from 'node:crypto';
import { createTestApp, TestApp } from '../support/app';
import { capturedLogs, databaseDump, leaked, redisDump, rememberSecret } from '../support/canary';
import { createAgency, LoggedIn, sessionAs, bearer } from '../support/users';
import { as, caseBody, incidentBody } from './case-fixtures';

/**
 * Canary: every identifying field, note and narrative holds a unique sentinel. After the case
 * store has created, read, changed, listed, looked up and refused them, a dump of the whole
 * database, every Redis key and value of the run, and the captured logs contain none of them.
 * The sentinels are also recorded for the run-wide check (zz-run-leaks).
 */
describe('case store canary: no plaintext outside encrypted fields', () => {
  let t: TestApp;
  let cw: LoggedIn;
  let sup: LoggedIn;
  const sentinels: string[] = [];

  const sentinel = (field: string) => {
    const value = `CANARY${field}${randomBytes(8).toString('hex').toUpperCase()}`;
    sentinels.push(value);
    rememberSecret(value);
    return value;
  };
  const sentinelPhone = () => {
    const value = `+999${Array.from({ length: 11 }, () => randomInt(10)).join('')}`;
    sentinels.push(value);
    rememberSecret(value);
    return value;
  };
  const sentinelDate = (year: number) => {
    const value = `${year}-0${randomInt(1, 10)}-1${randomInt(0, 10)}`;
    sentinels.push(value);
    return value;
  };

  let caseId: string;

  beforeAll(async () => {
    t = await createTestApp();
    const agency = (await createAgency(t)).id;
    [cw, sup] = await Promise.all([
      sessionAs(t, { role: 'caseworker', agencyId: agency }),
      sessionAs(t, { role: 'supervisor', agencyId: agency }),
    ]);
  });

  afterAll(async () => {
    await t?.close();
  });

  it('exercises every path that handles identifying data', async () => {
    const api = as(t, cw.accessToken);
    const phone = sentinelPhone();
    const created = await api.post(
      '/cases',
      caseBody({
        survivorName: sentinel('NAME'),
        aliases: [sentinel('ALIASA'), sentinel('ALIASB')],
        contactDetails: { phone, email: `${sentinel('EMAIL').toLowerCase()}@sentinel.example`, safeContactInstructions: sentinel('SAFECONTACT') },
        address: sentinel('ADDRESS'),
        dateOfBirth: sentinelDate(1913),
        caregiverDetails: { name: sentinel('CAREGIVERNAME'), relationship: sentinel('CAREGIVERREL'), contact: sentinel('CAREGIVERCONTACT') },
        narrative: sentinel('NARRATIVE'),
      }),
    );
    expect(created.status).toBe(201);
    caseId = created.body.id;
    const code = created.body.survivorCode as string;
    sentinels.push(code, code.replace('-', ''));
    rememberSecret(code);
    sentinels.push(created.body.contactDetails.email);

    expect((await api.get(`/cases/${caseId}`)).body.survivorName).toBe(created.body.survivorName);
    expect((await api.post('/cases/lookup', { survivorCode: code })).status).toBe(200);
    expect((await api.post('/cases/lookup-phone', { phone })).body.items).toHaveLength(1);
    expect((await api.get('/cases?pageSize=100')).status).toBe(200);

    const updated = await api.patch(`/cases/${caseId}`, {
      version: 1,
      survivorName: sentinel('NEWNAME'),
      narrative: sentinel('NEWNARRATIVE'),
      address: sentinel('NEWADDRESS'),
    });
    expect(updated.status).toBe(200);

    const incident = await api.post(
      `/cases/${caseId}/incidents`,
      incidentBody({ narrative: sentinel('INCIDENTNARRATIVE'), exactLocation: sentinel('EXACTLOCATION'), incidentDate: sentinelDate(2003), reportDate: undefined }),
    );
    expect(incident.status).toBe(201);
    expect((await api.post(`/cases/${caseId}/notes`, { body: sentinel('NOTE') })).status).toBe(201);
    expect((await as(t, sup.accessToken).post(`/cases/${caseId}/notes`, { body: sentinel('SUPNOTE') })).status).toBe(201);
    expect((await api.post(`/cases/${caseId}/action-plan`, { description: sentinel('ACTIONPLAN') })).status).toBe(201);
    expect((await api.post(`/cases/${caseId}/consents`, { purpose: 'statistics', givenBy: 'survivor' })).status).toBe(201);
    for (const url of ['incidents', 'notes', 'action-plan', 'consents']) {
      expect((await as(t, sup.accessToken).get(`/cases/${caseId}/${url}`)).status).toBe(200);
    }

    // Refused input must not be echoed or logged either.
    const refused = await api.post('/cases', caseBody({ sex: 'not-a-sex', survivorName: sentinel('REFUSEDNAME'), narrative: sentinel('REFUSEDNARRATIVE') }));
    expect(refused.status).toBe(400);
    expect(leaked(refused.text, sentinels)).toEqual([]);
    const badNote = await api.post(`/cases/${caseId}/notes`, { body: sentinel('BADNOTE'), extra: sentinel('EXTRA') });
    expect(badNote.status).toBe(400);
    expect(leaked(badNote.text, sentinels)).toEqual([]);
    const stale = await api.patch(`/cases/${caseId}`, { version: 1, narrative: sentinel('STALENARRATIVE') });
    expect(stale.status).toBe(409);
    expect(leaked(stale.text, sentinels)).toEqual([]);
    const malformed = await t.http().post('/cases').set(bearer(cw.accessToken)).set('Content-Type', 'application/json').send(`{"survivorName":"${sentinel('MALFORMED')}",`);
    expect(malformed.status).toBe(400);
    expect(leaked(malformed.text, sentinels)).toEqual([]);
  });

  it('the database dump holds none of the sentinels (and does hold the case)', () => {
    const dump = databaseDump();
    expect(dump).toContain(caseId);
    expect(leaked(dump, sentinels)).toEqual([]);
  });

  it('Redis holds none of the sentinels', async () => {
    expect(leaked(await redisDump(), sentinels)).toEqual([]);
  });

  it('the captured logs hold none of the sentinels (and do hold the requests)', () => {
    const logs = capturedLogs();
    expect(logs).toContain(caseId);
    expect(leaked(logs, sentinels)).toEqual([]);
  });
});
