import { randomInt } from 'node:crypto';
import { DataSource } from 'typeorm';
import { SeaCrypto } from '@amani/domain/sea/sea-crypto';
import { createTestApp, TestApp } from '../support/app';
import { databaseDump, leaked, rememberSecret } from '../support/canary';
import { assessment, complaintBody, FocalPoint, focalPoint, fpApi, newComplaint, sentinel } from './sea-fixtures';

const randomReceipt = () => Array.from({ length: 20 }, () => randomInt(10)).join('');
const form = (t: TestApp, path: string, body: Record<string, string>) => t.http().post(path).type('form').send({ lang: 'en', ...body });

/**
 * The complainant's control with the receipt alone (issue 16 item 5): withdraw (content
 * shredded, no key left that opens it), erase contact, decline messages, change the receipt;
 * through the JSON API and the no-JS pages, behind the receipt budgets.
 */
describe('SEA complainant control', () => {
  let t: TestApp;
  let fp: FocalPoint;
  let ds: DataSource;

  beforeAll(async () => {
    t = await createTestApp({ REDIS_PREFIX: `${process.env.REDIS_PREFIX}_control`, SEA_RECEIPT_SOURCE_FAILURE_LIMIT: '1000' });
    ds = t.app.get(DataSource);
    fp = await focalPoint(t);
  });
  afterAll(() => t?.close());

  /** A complaint with a conversation and a note, all with sentinels; returns them. */
  async function fullComplaint() {
    const texts = { narrative: sentinel('WDNARR'), contact: sentinel('WDCONTACT'), reply: sentinel('WDREPLY'), answer: sentinel('WDANSWER'), note: sentinel('WDNOTE') };
    const c = await newComplaint(t, complaintBody({ narrative: texts.narrative, contact: texts.contact }));
    expect((await fpApi(t, fp).post(`/sea/complaints/${c.id}/messages`, { body: texts.reply })).status).toBe(201);
    expect((await t.http().post('/sea/complaints/messages').send({ receipt: c.receipt, body: texts.answer })).status).toBe(201);
    expect((await fpApi(t, fp).post(`/sea/complaints/${c.id}/notes`, { body: texts.note })).status).toBe(201);
    return { ...c, texts };
  }

  /** Every ciphertext and key blob of the complaint, as stored now. */
  async function blobs(id: string): Promise<Buffer[]> {
    const rows: { v: Buffer | null }[] = await ds.query(
      `SELECT narrative AS v FROM sea_complaints WHERE id = $1 UNION ALL SELECT contact FROM sea_complaints WHERE id = $1
       UNION ALL SELECT receipt_wrapped_key FROM sea_complaints WHERE id = $1
       UNION ALL SELECT sealed_key FROM sea_complaint_grants WHERE complaint_id = $1
       UNION ALL SELECT body FROM sea_complaint_messages WHERE complaint_id = $1 UNION ALL SELECT body FROM sea_complaint_notes WHERE complaint_id = $1
       UNION ALL SELECT description FROM sea_complaint_victims WHERE complaint_id = $1`,
      [id],
    );
    return rows.map((r) => r.v).filter((v): v is Buffer => v !== null);
  }

  /** No 32-byte value left in the database opens the old narrative ciphertext as a complaint key. */
  async function noKeyOpens(id: string, narrative: Buffer): Promise<void> {
    const crypto = t.app.get(SeaCrypto, { strict: false });
    const columns: { table_name: string; column_name: string }[] = await ds.query(
      `SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public' AND data_type = 'bytea'`,
    );
    let tried = 0;
    for (const { table_name, column_name } of columns) {
      const rows: { v: Buffer }[] = await ds.query(`SELECT "${column_name}" AS v FROM "${table_name}" WHERE "${column_name}" IS NOT NULL AND length("${column_name}") = 32`);
      for (const { v } of rows) {
        tried++;
        expect(() => crypto.decryptField(v, 'sea_complaints', 'narrative', id, narrative)).toThrow();
      }
    }
    expect(tried).toBeGreaterThan(0);
  }

  describe('withdrawal', () => {
    it('of an unassessed complaint deletes it with every key and message; the receipt then shows "withdrawn"', async () => {
      const c = await fullComplaint();
      const before = await blobs(c.id);
      const [narrative] = before;
      expect(before.length).toBeGreaterThanOrEqual(7);

      const res = await t.http().post('/sea/complaints/withdraw').send({ receipt: c.receipt });
      expect([res.status, res.body]).toEqual([200, { status: 'withdrawn' }]);

      expect(await ds.query(`SELECT id FROM sea_complaints WHERE id = $1`, [c.id])).toEqual([]);
      expect(await blobs(c.id)).toEqual([]);
      const dump = databaseDump();
      expect(leaked(dump, Object.values(c.texts))).toEqual([]);
      expect(before.filter((b) => dump.includes(b.toString('hex')))).toEqual([]);
      await noKeyOpens(c.id, narrative);

      const again = await t.http().post('/sea/complaints/access').send({ receipt: c.receipt });
      expect([again.status, again.body.code, again.headers['content-type']]).toEqual([410, 'complaint_withdrawn', expect.stringContaining('application/problem+json')]);
      const page = await form(t, '/report/follow-up', { receipt: c.receipt });
      expect(page.status).toBe(410);
      expect(page.text).toContain('<dd id="status">Withdrawn</dd>');
      expect((await fpApi(t, fp).get(`/sea/complaints/${c.id}`)).status).toBe(404);
    });

    it('of an assessed complaint, on the page after a confirmation step, keeps only its shredded coded row with status withdrawn', async () => {
      const c = await fullComplaint();
      expect((await fpApi(t, fp).post(`/sea/complaints/${c.id}/status`, assessment())).status).toBe(200);
      const victim = sentinel('WDVICTIM');
      expect((await fpApi(t, fp).post(`/sea/complaints/${c.id}/victims`, { sex: 'female', ageBand: '12_17', description: victim })).status).toBe(201);
      const before = await blobs(c.id);

      const confirm = await form(t, '/report/follow-up/withdraw', { receipt: c.receipt });
      expect(confirm.status).toBe(200);
      expect(confirm.text).toContain('name="confirm" value="yes"');
      // Nothing happened yet.
      expect((await t.http().post('/sea/complaints/access').send({ receipt: c.receipt })).status).toBe(200);

      const done = await form(t, '/report/follow-up/withdraw', { receipt: c.receipt, confirm: 'yes' });
      expect(done.status).toBe(200);
      expect(done.text).toContain('<dd id="status">Withdrawn</dd>');

      const [row] = await ds.query(
        `SELECT status, category, coded_confirmed_on IS NOT NULL AS assessed, shredded_on IS NOT NULL AS shredded, narrative, contact, receipt_tag, receipt_verifier, receipt_wrapped_key
           FROM sea_complaints WHERE id = $1`,
        [c.id],
      );
      expect(row).toEqual({ status: 'withdrawn', category: 'sexual_exploitation', assessed: true, shredded: true, narrative: null, contact: null, receipt_tag: null, receipt_verifier: null, receipt_wrapped_key: null });
      expect(await blobs(c.id)).toEqual([]);
      // The victim's coded row stays for the statistics; what was written about them is gone.
      expect(await ds.query(`SELECT sex, description FROM sea_complaint_victims WHERE complaint_id = $1`, [c.id])).toEqual([{ sex: 'female', description: null }]);
      const dump = databaseDump();
      expect(leaked(dump, [...Object.values(c.texts), victim])).toEqual([]);
      expect(before.filter((b) => dump.includes(b.toString('hex')))).toEqual([]);
      await noKeyOpens(c.id, before[0]);
      expect((await fpApi(t, fp).get(`/sea/complaints/${c.id}`)).status).toBe(410);
      const page = await form(t, '/report/follow-up', { receipt: c.receipt });
      expect([page.status, page.text.includes('<dd id="status">Withdrawn</dd>')]).toEqual([410, true]);
    });
  });

  it('a changed receipt opens the complaint, under the same key, and the old one no longer does', async () => {
    const c = await newComplaint(t, complaintBody({ narrative: sentinel('CRNARR') }));
    const res = await t.http().post('/sea/complaints/change-receipt').send({ receipt: c.receipt });
    expect(res.status).toBe(200);
    const next = res.body.receipt as string;
    rememberSecret(next);
    rememberSecret(next.replace(/-/g, ''));
    expect(next).toMatch(/^\d{4}(-\d{4}){4}$/);
    expect((await t.http().post('/sea/complaints/access').send({ receipt: c.receipt })).status).toBe(404);
    expect((await t.http().post('/sea/complaints/access').send({ receipt: next })).status).toBe(200);
    expect((await fpApi(t, fp).get(`/sea/complaints/${c.id}`)).status).toBe(200);

    // Again on the page: the new receipt is shown once, the previous one stops working.
    const page = await form(t, '/report/follow-up/change-receipt', { receipt: next, confirm: 'yes' });
    expect(page.status).toBe(200);
    const third = /<bdi id="receipt">([0-9-]+)<\/bdi>/.exec(page.text)![1];
    rememberSecret(third);
    rememberSecret(third.replace(/-/g, ''));
    expect((await form(t, '/report/follow-up', { receipt: next })).status).toBe(404);
    expect((await form(t, '/report/follow-up', { receipt: third })).status).toBe(200);
  });

  it('erased contact details are gone for the focal points too', async () => {
    const contact = sentinel('ERCONTACT');
    const c = await newComplaint(t, complaintBody({ contact }));
    expect((await t.http().post('/sea/complaints/access').send({ receipt: c.receipt })).body.contactOnFile).toBe(true);
    const res = await t.http().post('/sea/complaints/erase-contact').send({ receipt: c.receipt });
    expect([res.status, res.body.contactOnFile]).toEqual([200, false]);
    expect(await ds.query(`SELECT contact FROM sea_complaints WHERE id = $1`, [c.id])).toEqual([{ contact: null }]);
    const read = await fpApi(t, fp).get(`/sea/complaints/${c.id}`);
    expect([read.status, read.body.contact]).toEqual([200, null]);
    expect(read.body.narrative).toBeTruthy();
  });

  it('no further messages: focal points get a 409 problem and see the request; the complainant can still write', async () => {
    const c = await newComplaint(t);
    const page = await form(t, '/report/follow-up/decline-messages', { receipt: c.receipt, confirm: 'yes' });
    expect(page.status).toBe(200);
    expect(page.text).toContain('id="messages-declined"');
    const reply = await fpApi(t, fp).post(`/sea/complaints/${c.id}/messages`, { body: 'Hello' });
    expect([reply.status, reply.body.code, reply.headers['content-type']]).toEqual([409, 'messages_declined', expect.stringContaining('application/problem+json')]);
    const summary = await fpApi(t, fp).get(`/sea/complaints/${c.id}`);
    expect(summary.body.messagesDeclinedOn).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect((await t.http().post('/sea/complaints/messages').send({ receipt: c.receipt, body: 'One more thing' })).status).toBe(201);
  });

  it('wrong receipts on the control routes spend the same budget as the follow-up, and change nothing', async () => {
    // Its own Redis prefix: a fresh budget of three failures for this source.
    const strict = await createTestApp({ REDIS_PREFIX: `${process.env.REDIS_PREFIX}_controlbudget`, SEA_RECEIPT_SOURCE_FAILURE_LIMIT: '3' });
    try {
      const c = await newComplaint(strict);
      for (const path of ['/sea/complaints/withdraw', '/sea/complaints/erase-contact', '/sea/complaints/change-receipt']) {
        expect((await strict.http().post(path).send({ receipt: randomReceipt() })).status).toBe(404);
      }
      // The source's three failures are spent: even the right receipt now waits.
      const blocked = await strict.http().post('/sea/complaints/withdraw').send({ receipt: c.receipt });
      expect([blocked.status, blocked.body.code]).toEqual([429, 'receipt_attempts_exhausted']);
      expect((await form(strict, '/report/follow-up/withdraw', { receipt: c.receipt, confirm: 'yes' })).status).toBe(429);
      expect(await ds.query(`SELECT status FROM sea_complaints WHERE id = $1`, [c.id])).toEqual([{ status: 'received' }]);
    } finally {
      await strict.close();
    }
  });

  it('a malformed receipt is a 400 naming the field', async () => {
    const res = await t.http().post('/sea/complaints/decline-messages').send({ receipt: '12' });
    expect([res.status, res.body.errors?.[0]?.field]).toEqual([400, 'receipt']);
  });
});
