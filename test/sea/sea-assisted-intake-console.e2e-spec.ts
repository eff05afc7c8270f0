import type { Browser, BrowserContext } from 'playwright-core';
import { auditPage, launchChromium } from '../support/browser';
import { createTestApp, TestApp } from '../support/app';
import { rememberSecret } from '../support/canary';
import { createAgency, createUser } from '../support/users';
import { browserOf, createTestWeb, csrfOf, webSignIn, WebUser } from '../support/web';
import { FocalPoint, focalPoint, fpApi, complaintIdOf, sentinel } from './sea-fixtures';

/**
 * Assisted intake in the console: a focal point enters paper forms one after the other; each
 * save shows the receipt slip and a fresh form, the receipt works for the complainant, and the
 * complaint is sealed like a self-submitted one (its channel recorded).
 */
describe('SEA assisted intake console page', () => {
  let api: TestApp;
  let web: TestApp;
  let fp: FocalPoint;
  let user: WebUser;
  let browser: Browser | undefined;
  let axeContext: BrowserContext;
  const htmlToAudit: [string, string][] = [];

  beforeAll(async () => {
    api = await createTestApp();
    web = await createTestWeb();
    fp = await focalPoint(api);
    user = await webSignIn(web, { email: fp.email, password: fp.password, totpSecret: fp.totpSecret ?? null });
  });
  afterAll(async () => {
    await browser?.close();
    await web?.close();
    await api?.close();
  });

  const paperForm = (narrative: string) => ({
    channel: 'paper',
    language: 'fr',
    category: 'sexual_abuse',
    entityType: 'peacekeeping',
    complainantIsVictim: 'true',
    victimSex: 'female',
    victimAgeBand: '18_25',
    dateBand: 'last_month',
    regionCode: '',
    narrative,
    contact: '',
    wantsAssistance: 'false',
  });

  const receiptOf = (html: string): string => {
    const receipt = /<bdi id="receipt">([0-9-]+)<\/bdi>/.exec(html)![1];
    rememberSecret(receipt);
    rememberSecret(receipt.replace(/-/g, ''));
    return receipt;
  };

  it('is linked from the focal point menu and shows the form', async () => {
    const home = await browserOf(web, user).get('/');
    expect(home.text).toContain('href="/sea/intake"');
    const page = await browserOf(web, user).get('/sea/intake');
    expect(page.status).toBe(200);
    expect(page.text).toContain('id="intake"');
    expect(page.text).toContain('name="channel"');
    expect(page.text).not.toContain('id="slip"');
    htmlToAudit.push(['form', page.text]);
  });

  it('names the missing fields and keeps what was typed', async () => {
    const narrative = sentinel('CONSOLEMISSING');
    const res = await browserOf(web, user).post('/sea/intake', { ...paperForm(narrative), channel: '', victimSex: 'robot' });
    expect(res.status).toBe(400);
    expect(res.text).toMatch(/id="intake-channel"[^>]*aria-invalid="true"/);
    expect(res.text).toMatch(/id="intake-victimSex"[^>]*aria-invalid="true"/);
    expect(res.text).toContain(narrative);
    htmlToAudit.push(['errors', res.text]);
  });

  it('saves paper forms one after another: each shows its slip above a fresh form; the receipts work', async () => {
    const first = sentinel('CONSOLEPAPER1');
    const res1 = await browserOf(web, user).post('/sea/intake', paperForm(first));
    expect(res1.status).toBe(200);
    expect(res1.headers.location).toBeUndefined();
    expect(res1.text).toContain('id="slip"');
    const receipt1 = receiptOf(res1.text);
    // The fresh form carries nothing of the last complaint.
    expect(res1.text).not.toContain(first);

    const second = sentinel('CONSOLEPAPER2');
    const res2 = await browserOf(web, { ...user, csrf: csrfOf(res1.text) }).post('/sea/intake', { ...paperForm(second), channel: 'in_person' });
    expect(res2.status).toBe(200);
    const receipt2 = receiptOf(res2.text);
    expect(receipt2).not.toBe(receipt1);
    htmlToAudit.push(['slip', res2.text]);

    for (const [receipt, narrative, channel] of [
      [receipt1, first, 'paper'],
      [receipt2, second, 'in_person'],
    ]) {
      const access = await api.http().post('/sea/complaints/access').send({ receipt });
      expect([access.status, access.body.status, access.body.language]).toEqual([200, 'received', 'fr']);
      const id = await complaintIdOf(api, receipt);
      const read = await fpApi(api, fp).get(`/sea/complaints/${id}`);
      expect([read.status, read.body.channel, read.body.narrative]).toEqual([200, channel, narrative]);
    }
  });

  it('its form, error and slip pages have no serious or critical axe violation and fit 360 px', async () => {
    expect(htmlToAudit.map(([name]) => name)).toEqual(['form', 'errors', 'slip']);
    ({ browser, axeContext } = await launchChromium());
    const page = await axeContext.newPage();
    for (const [name, html] of htmlToAudit) {
      await page.setContent(html);
      const audit = await auditPage(axeContext, page);
      expect([name, audit.overflow, audit.serious, audit.unlabelled]).toEqual([name, 0, [], []]);
    }
  });

  it('is for focal points only', async () => {
    const agency = await createAgency(api);
    const caseworker = await createUser(api, { role: 'caseworker', agencyId: agency.id, mfa: true });
    const cw = await webSignIn(web, { email: caseworker.email, password: caseworker.password, totpSecret: caseworker.totpSecret ?? null });
    expect((await browserOf(web, cw).get('/sea/intake')).status).toBe(403);
    expect((await browserOf(web, cw).post('/sea/intake', paperForm('x'))).status).toBe(403);
  });
});
