import { randomBytes, randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { createTestApp, TestApp } from '../support/app';
import { capturedLogs, databaseDump, leaked, redisDump, rememberSecret } from '../support/canary';
import { complaintBody, complaintIdOf, focalPoint, FocalPoint, fpApi, sentinel } from './sea-fixtures';

/**
 * Canary for the anonymous intake: a complainant with a unique user agent and a unique
 * X-Forwarded-For address (honoured: TRUST_PROXY=loopback, the address is believed) submits, follows up
 * and writes, through the JSON API and the /report pages. Afterwards neither header value,
 * nor the receipt, nor any narrative, contact, message or note is in the database dump,
 * Redis or the captured logs; the requests left no log line at all; and nothing dates the
 * complaint finer than the day.
 */
describe('SEA: no trace of the complainant', () => {
  let t: TestApp;
  let fp: FocalPoint;
  const hex = () => randomBytes(2).toString('hex');
  const userAgent = `AmaniCanaryAgent/${randomBytes(6).toString('hex')} (complainant phone)`;
  const forwardedFor = `2001:db8:${hex()}:${hex()}:${hex()}::${hex()}`;
  const requestIds: string[] = [];
  const secrets: string[] = [userAgent, forwardedFor];
  let complaintIds: string[] = [];

  const anon = () => {
    const requestId = randomUUID();
    requestIds.push(requestId);
    return { 'User-Agent': userAgent, 'X-Forwarded-For': forwardedFor, 'X-Request-Id': requestId };
  };
  const keep = (value: string) => {
    rememberSecret(value);
    secrets.push(value);
    return value;
  };

  beforeAll(async () => {
    t = await createTestApp({ TRUST_PROXY: 'loopback' });
    rememberSecret(userAgent);
    rememberSecret(forwardedFor);
    fp = await focalPoint(t);
  });
  afterAll(() => t?.close());

  it('leaves the user agent, the address, the receipt and every written text nowhere', async () => {
    // JSON API.
    expect((await t.http().get('/sea/questionnaire?lang=es').set(anon())).status).toBe(200);
    const narrative = keep(sentinel('NTNARRATIVE'));
    const contact = keep(sentinel('NTCONTACT'));
    const submitted = await t.http().post('/sea/complaints').set(anon()).send(complaintBody({ narrative, contact, language: 'es' }));
    expect(submitted.status).toBe(201);
    const receipt = keep(submitted.body.receipt);
    keep(receipt.replace(/-/g, ''));
    expect((await t.http().post('/sea/complaints/access').set(anon()).send({ receipt })).status).toBe(200);
    const message = keep(sentinel('NTMESSAGE'));
    expect((await t.http().post('/sea/complaints/messages').set(anon()).send({ receipt, body: message })).status).toBe(201);
    expect((await t.http().post('/sea/complaints/access').set(anon()).send({ receipt: '1111-2222-3333-4444-5555' })).status).toBe(404);

    // The HTML pages.
    expect((await t.http().get('/report?lang=fr').set(anon())).status).toBe(200);
    const pageNarrative = keep(sentinel('NTPAGENARRATIVE'));
    const page = await t
      .http()
      .post('/report')
      .set(anon())
      .type('form')
      .send({
        lang: 'fr',
        category: 'sexual_abuse',
        entityType: 'peacekeeping',
        complainantIsVictim: 'true',
        victimSex: 'female',
        victimAgeBand: '18_25',
        dateBand: 'last_month',
        regionCode: '',
        narrative: pageNarrative,
        contact: '',
        wantsAssistance: 'false',
      });
    expect(page.status).toBe(200);
    const pageReceipt = keep(/id="receipt">([0-9-]+)</.exec(page.text)![1]);
    keep(pageReceipt.replace(/-/g, ''));
    const pageMessage = keep(sentinel('NTPAGEMESSAGE'));
    expect((await t.http().post('/report/follow-up').set(anon()).type('form').send({ lang: 'fr', receipt: pageReceipt })).status).toBe(200);
    expect((await t.http().post('/report/follow-up/messages').set(anon()).type('form').send({ lang: 'fr', receipt: pageReceipt, body: pageMessage })).status).toBe(200);

    // The focal point side, for the canary of replies and notes.
    complaintIds = [await complaintIdOf(t, receipt), await complaintIdOf(t, pageReceipt)];
    for (const id of complaintIds) {
      expect((await fpApi(t, fp).post(`/sea/complaints/${id}/messages`, { body: keep(sentinel('NTREPLY')) })).status).toBe(201);
      expect((await fpApi(t, fp).post(`/sea/complaints/${id}/notes`, { body: keep(sentinel('NTNOTE')) })).status).toBe(201);
    }
    const read = await fpApi(t, fp).get(`/sea/complaints/${complaintIds[0]}`);
    expect([read.body.narrative, read.body.contact, read.body.messages[0].body]).toEqual([narrative, contact, message]);
    expect((await fpApi(t, fp).get(`/sea/complaints/${complaintIds[1]}`)).body.narrative).toBe(pageNarrative);

    await new Promise((r) => setTimeout(r, 300)); // let the synchronous log destination and audit sequencer settle
    const dump = databaseDump();
    const redis = await redisDump();
    const logs = capturedLogs();
    expect(leaked(dump, secrets)).toEqual([]);
    expect(leaked(redis, secrets)).toEqual([]);
    expect(leaked(logs, secrets)).toEqual([]);
    // Not a single log line for the complainant's requests (their ids were ours to choose).
    expect(leaked(logs, requestIds)).toEqual([]);
    expect(leaked(dump, requestIds)).toEqual([]);
  });

  it('dates a complaint to the day at most, and links no event of the complainant to it', async () => {
    const ds = t.app.get(DataSource);
    const timeColumns: { table_name: string; column_name: string }[] = await ds.query(
      `SELECT table_name, column_name FROM information_schema.columns
        WHERE table_schema = 'public' AND table_name IN ('sea_complaints', 'sea_complaint_messages', 'sea_complaint_grants')
          AND data_type NOT IN ('date') AND (data_type LIKE 'timestamp%' OR data_type LIKE 'time%')`,
    );
    expect(timeColumns).toEqual([]);
    const events: { action: string; actor_role: string | null }[] = await ds.query(
      `SELECT action, actor_role FROM audit_queue WHERE target_id = ANY($1) UNION ALL SELECT action, actor_role FROM audit_events WHERE target_id = ANY($1)`,
      [complaintIds],
    );
    expect(events.length).toBeGreaterThan(0);
    expect(events.filter((e) => e.actor_role !== 'psea_focal_point')).toEqual([]);
    const outbox: { n: string }[] = await ds.query(`SELECT count(*) AS n FROM outbox WHERE payload::text LIKE ANY($1)`, [complaintIds.map((id) => `%${id}%`)]);
    expect(Number(outbox[0].n)).toBe(0);
  });
});
