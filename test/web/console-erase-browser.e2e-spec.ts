import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { DataSource } from 'typeorm';
import { ROLES } from '@amani/auth';
import type { Role } from '@amani/auth';
import { auditPage, launchChromium, openPhonePage, PageTrail } from '../support/browser';
import { createTestApp, TestApp } from '../support/app';
import { databaseDump, rememberSecret } from '../support/canary';
import { freshTotpCode, LoggedIn, sessionAs } from '../support/users';
import { browserOf, createTestWeb, webSignIn, WebUser } from '../support/web';
import { newCase, threeAgencies, ThreeAgencies } from '../referrals/referral-fixtures';
import { as, auditEvents } from '../cases/case-fixtures';

jest.setTimeout(300_000);

/**
 * "Erase this case" in the staff console (issue 14 item 7): supervisors of the owning agency
 * only, a reason and a confirmation step, plain forms with the CSRF token, JavaScript off.
 * Every other role never sees it and its posts are refused; afterwards the case page says the
 * case was erased (410), and another agency still gets the 404 page.
 */
describe('console: erase a case', () => {
  let api: TestApp;
  let web: TestApp;
  let x: ThreeAgencies;
  let base: string;
  let browser: Browser;
  let axeContext: BrowserContext;
  const shots = join(process.env.AMANI_TEST_RUN_DIR!, 'screenshots');
  const trail: PageTrail = { visited: [], foreignRequests: [], cspViolations: [] };
  const signedIn = new Map<LoggedIn, Promise<WebUser>>();
  const once = (u: LoggedIn) => {
    if (!signedIn.has(u)) signedIn.set(u, webSignIn(web, u));
    return signedIn.get(u)!;
  };

  beforeAll(async () => {
    mkdirSync(shots, { recursive: true });
    api = await createTestApp();
    web = await createTestWeb();
    await web.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(web.app.getHttpServer().address() as AddressInfo).port}`;
    x = await threeAgencies(api);
    ({ browser, axeContext } = await launchChromium());
  });
  afterAll(async () => {
    await browser?.close();
    await web?.close();
    await api?.close();
  });

  it('only a supervisor of the agency sees the action; every other role and agency is refused, with or without the token', async () => {
    const kase = await newCase(api, x.cwA);
    const by = {} as Record<Role, WebUser>;
    for (const role of ROLES) {
      const agencyId = role === 'admin' || role === 'protection_officer' ? null : role === 'provider' ? x.agencyB : x.agencyA;
      by[role] = role === 'supervisor' ? await once(x.supA) : await webSignIn(web, await sessionAs(api, { role, agencyId }));
    }
    const owner = await once(x.cwA);
    expect((await browserOf(web, owner).get(`/cases/${kase.id}`)).text).not.toContain(`/cases/${kase.id}/erase`);
    const page = await browserOf(web, by.supervisor).get(`/cases/${kase.id}`);
    expect(page.text).toContain(`action="/cases/${kase.id}/erase"`);
    expect(page.text).not.toContain('value="retention_expired"');

    for (const role of ROLES.filter((r) => r !== 'supervisor')) {
      for (const path of ['erase', 'erase/confirm']) {
        const res = await browserOf(web, role === 'caseworker' ? owner : by[role]).post(`/cases/${kase.id}/${path}`, { reason: 'survivor_request' });
        expect([role, path, res.status]).toEqual([role, path, 403]);
      }
    }
    const otherSupervisor = await once(x.supB);
    expect((await browserOf(web, otherSupervisor).post(`/cases/${kase.id}/erase`, { reason: 'survivor_request' })).status).toBe(404);
    expect((await browserOf(web, otherSupervisor).post(`/cases/${kase.id}/erase/confirm`, { reason: 'survivor_request' })).status).toBe(404);
    // Without the CSRF token, or with a made-up one, even the right supervisor is refused.
    expect((await browserOf(web, by.supervisor).post(`/cases/${kase.id}/erase/confirm`, { reason: 'survivor_request' }, { csrf: null })).status).toBe(403);
    expect((await browserOf(web, by.supervisor).post(`/cases/${kase.id}/erase/confirm`, { reason: 'survivor_request' }, { csrf: 'x'.repeat(43) })).status).toBe(403);
    // A reason the console does not offer (the retention job's own) or none: the case page again, the message at the field.
    for (const reason of ['', 'retention_expired', 'because']) {
      const res = await browserOf(web, by.supervisor).post(`/cases/${kase.id}/erase`, { reason });
      expect([reason, res.status]).toEqual([reason, 400]);
      expect(res.text).toContain('id="erase-reason-error"');
    }
    expect((await as(api, x.cwA.accessToken).get(`/cases/${kase.id}`)).status).toBe(200);
  });

  async function check(page: Page, name: string): Promise<void> {
    await page.screenshot({ path: join(shots, `erase-${name}.png`), fullPage: true });
    expect(await page.locator('script').count()).toBe(0);
    const audit = await auditPage(axeContext, page);
    expect([name, audit.overflow, audit.serious, audit.unlabelled]).toEqual([name, 0, [], []]);
  }

  async function signIn(page: Page, user: LoggedIn): Promise<void> {
    await page.goto(`${base}/sign-in?lang=en`);
    await page.fill('#email', user.email);
    await page.fill('#password', user.password);
    await page.click('form[action="/sign-in"] button[type=submit]');
    let code: string | null = null;
    for (let i = 0; i < 8 && code === null; i++) {
      code = await freshTotpCode(user.totpSecret!).catch(() => new Promise<null>((r) => setTimeout(() => r(null), 5000)));
    }
    await page.fill('#code', code!);
    await page.click('form[action="/sign-in/code"] button[type=submit]');
    expect(page.url()).toBe(`${base}/`);
  }

  it('in Chromium without JavaScript: reason, confirmation, erased page (410); the name is gone from the database', async () => {
    const name = `CANARYERASE${randomBytes(6).toString('hex').toUpperCase()}`;
    rememberSecret(name);
    const kase = await newCase(api, x.cwA, { survivorName: name });
    const supervisor = await sessionAs(api, { role: 'supervisor', agencyId: x.agencyA });
    const { context, page } = await openPhonePage(browser, base, 'en', trail);
    try {
      await signIn(page, supervisor);
      await page.goto(`${base}/cases/${kase.id}`);
      expect(await page.isVisible('#erase')).toBe(true);
      await check(page, '01-case-page');

      await page.selectOption('#erase-reason', 'survivor_request');
      await page.click('#erase-case');
      expect(page.url()).toBe(`${base}/cases/${kase.id}/erase`);
      expect(await page.textContent('h1')).toContain('Erase case');
      expect(await page.textContent('#erase-reason')).toBe('The survivor asked for it');
      await check(page, '02-confirm');
      // Nothing is erased before the confirmation.
      expect((await as(api, x.cwA.accessToken).get(`/cases/${kase.id}`)).status).toBe(200);

      // "No": back to the case, untouched.
      await page.click('#cancel-erase');
      expect(page.url()).toBe(`${base}/cases/${kase.id}`);
      await page.selectOption('#erase-reason', 'survivor_request');
      await page.click('#erase-case');
      await page.click('#confirm-erase');
      expect(page.url()).toBe(`${base}/cases/${kase.id}`);
      expect(await page.textContent('main h1')).toBe('Erased');
      await check(page, '03-erased');
      const again = await page.goto(`${base}/cases/${kase.id}`);
      expect(again!.status()).toBe(410);
    } finally {
      await context.close();
    }
    expect(trail.foreignRequests).toEqual([]);
    expect(trail.cspViolations).toEqual([]);
    expect(trail.visited.filter((u) => u.includes(name))).toEqual([]);

    // Another agency: the usual not-found page; the API agrees (410 / 404).
    expect((await browserOf(web, await once(x.supB)).get(`/cases/${kase.id}`)).status).toBe(404);
    expect((await as(api, x.supA.accessToken).get(`/cases/${kase.id}`)).status).toBe(410);
    expect((await as(api, x.supB.accessToken).get(`/cases/${kase.id}`)).status).toBe(404);
    const [row] = await api.app.get(DataSource).query(`SELECT erasure_reason, survivor_name FROM cases WHERE id = $1`, [kase.id]);
    expect(row).toEqual({ erasure_reason: 'survivor_request', survivor_name: null });
    expect(databaseDump()).not.toContain(name);
    const events = await auditEvents(api, { targetId: kase.id, action: 'case.erase' });
    expect(events.map((e) => [e.outcome, e.actor_id, e.details])).toEqual([['success', supervisor.user.id, { reason: 'survivor_request' }]]);
  });
});
