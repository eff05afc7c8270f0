import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { auditPage, launchChromium, openPhonePage, PageTrail } from '../support/browser';
import { createTestApp, TestApp } from '../support/app';
import { rememberSecret } from '../support/canary';
import { createAgency, createUser, CreatedUser, freshTotpCode, login, LoggedIn } from '../support/users';
import { createTestWeb } from '../support/web';
import { newCase } from '../referrals/referral-fixtures';

jest.setTimeout(300_000);

/**
 * The Agency key page in Chromium with JavaScript off, at phone size, with axe-core on every
 * page (issue 14 in the console): a supervisor of an agency without a key sets it up, sees the
 * recovery key once, gives access to a caseworker, who opens a case; the supervisor removes
 * that access (with a confirmation), and the caseworker's next look at the case is the 423
 * "not unlocked" page. Then the same pages in Arabic: rotation with its confirmation, the new
 * recovery key, a wrong recovery key at the field, and the 423 page.
 */
describe('console: agency key in the browser', () => {
  let api: TestApp;
  let web: TestApp;
  let base: string;
  let browser: Browser;
  let axeContext: BrowserContext;
  let agencyId: string;
  let sup: CreatedUser;
  let cw: CreatedUser;
  const shots = join(process.env.AMANI_TEST_RUN_DIR!, 'screenshots');
  const trail: PageTrail = { visited: [], foreignRequests: [], cspViolations: [] };

  beforeAll(async () => {
    mkdirSync(shots, { recursive: true });
    api = await createTestApp();
    web = await createTestWeb();
    await web.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(web.app.getHttpServer().address() as AddressInfo).port}`;
    agencyId = (await createAgency(api, 'Browser key agency', { withoutKey: true })).id;
    sup = await createUser(api, { role: 'supervisor', agencyId, mfa: true, withoutAgencyKey: true, displayName: 'Supervisor Amina' });
    cw = await createUser(api, { role: 'caseworker', agencyId, mfa: true, withoutAgencyKey: true, displayName: 'Caseworker Bashir' });
    ({ browser, axeContext } = await launchChromium());
  });
  afterAll(async () => {
    await browser?.close();
    await web?.close();
    await api?.close();
  });

  async function check(page: Page, name: string): Promise<void> {
    await page.screenshot({ path: join(shots, `agency-key-${name}.png`), fullPage: true });
    expect(await page.locator('script').count()).toBe(0);
    const audit = await auditPage(axeContext, page);
    expect([name, audit.overflow, audit.serious, audit.unlabelled]).toEqual([name, 0, [], []]);
  }

  async function signIn(page: Page, user: CreatedUser): Promise<void> {
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

  /** Clicks and returns the status of the page it led to. */
  async function submit(page: Page, selector: string): Promise<number> {
    const [res] = await Promise.all([page.waitForNavigation(), page.click(selector)]);
    return res!.status();
  }

  async function language(page: Page, lang: string): Promise<void> {
    await page.selectOption('#ui-language', lang);
    await submit(page, 'form[action="/language"] button[type=submit]');
    expect(await page.getAttribute('html', 'lang')).toBe(lang);
  }

  it('set up → recovery key once → give access → the caseworker opens a case → remove access → the 423 page; then Arabic', async () => {
    const s = await openPhonePage(browser, base, 'en', trail);
    const c = await openPhonePage(browser, base, 'en', trail);
    try {
      // The supervisor finds the page in the menu; the agency has no key yet.
      await signIn(s.page, sup);
      await s.page.click('nav a[href="/agency-key"]');
      expect(s.page.url()).toBe(`${base}/agency-key`);
      expect(await s.page.textContent('#key-version')).toBe('Not set up yet');
      expect(await s.page.textContent('#member-' + cw.user.id)).toContain('Caseworker Bashir');
      await check(s.page, 'en-01-no-key');

      expect(await submit(s.page, '#setup-submit')).toBe(201);
      const recovery = (await s.page.textContent('#recovery-key'))!.trim();
      rememberSecret(recovery);
      expect(recovery.length).toBeGreaterThan(20);
      expect(await s.page.textContent('[role=alert]')).toContain('Write it on paper');
      await check(s.page, 'en-02-recovery-key');
      await s.page.click('#recovery-done');
      expect(s.page.url()).toBe(`${base}/agency-key`);
      expect(await s.page.content()).not.toContain(recovery);
      // Shown once: the browser's history gives no copy back (no-store), and the page itself never shows it again.
      expect(await s.page.textContent('#key-unlocked')).toBe('Yes');
      await check(s.page, 'en-03-key-set-up');

      // Give access to the caseworker.
      await s.page.click(`#member-${cw.user.id} button`);
      expect(s.page.url()).toBe(`${base}/agency-key?done=granted#members`);
      expect(await s.page.textContent('#page-notice')).toBe('Access given.');
      expect(await s.page.textContent(`#member-${cw.user.id} .holds`)).toBe('Yes');
      await check(s.page, 'en-04-access-given');

      // The caseworker (who now holds the key) records a case through the API, and opens it in the console.
      const cwApi: LoggedIn = { ...cw, ...(await login(api, cw)) };
      const kase = await newCase(api, cwApi);
      await signIn(c.page, cw);
      const open = await c.page.goto(`${base}/cases/${kase.id}`);
      expect(open!.status()).toBe(200);
      expect(await c.page.locator('#case-summary').count()).toBe(1);
      await c.page.click(`form[action="/cases/${kase.id}/identifying"] button`);
      expect(await c.page.content()).toContain(kase.survivorName);
      await check(c.page, 'en-05-caseworker-case');
      await c.page.goto(`${base}/agency-key`);
      expect(await c.page.textContent('#key-held')).toBe('Yes');
      expect(await c.page.locator('#members-table').count()).toBe(0);
      await check(c.page, 'en-06-caseworker-holds');

      // Remove access, with a confirmation step.
      await s.page.click(`#member-${cw.user.id} button`);
      expect(s.page.url()).toBe(`${base}/agency-key/members/${cw.user.id}/remove`);
      expect(await s.page.textContent('#remove-warning')).toContain('Caseworker Bashir');
      await check(s.page, 'en-07-remove-confirm');
      await s.page.click('#cancel-remove');
      expect(await s.page.textContent(`#member-${cw.user.id} .holds`)).toBe('Yes');
      await s.page.click(`#member-${cw.user.id} button`);
      await s.page.click('#confirm-remove');
      expect(s.page.url()).toBe(`${base}/agency-key?done=removed#members`);
      expect(await s.page.textContent(`#member-${cw.user.id} .holds`)).toBe('No');

      // The caseworker's live session opens nothing now: the 423 page, nothing of the case.
      const locked = await c.page.goto(`${base}/cases/${kase.id}`);
      expect(locked!.status()).toBe(423);
      expect(await c.page.textContent('#key-locked')).toBe("Your agency's key is not unlocked for this session: sign in again, or ask a supervisor of your agency to give you access.");
      expect(await c.page.content()).not.toContain(kase.survivorName);
      await check(c.page, 'en-08-caseworker-locked');
      await c.page.click('#locked-key-page');
      expect(await c.page.textContent('#key-held')).toBe('No');

      // Arabic: the caseworker's 423 page and their state.
      await language(c.page, 'ar');
      const lockedAr = await c.page.goto(`${base}/cases/${kase.id}`);
      expect(lockedAr!.status()).toBe(423);
      expect(await c.page.getAttribute('html', 'dir')).toBe('rtl');
      expect(await c.page.textContent('h1')).toBe('مفتاح الوكالة غير مفتوح');
      await check(c.page, 'ar-01-caseworker-locked');
      await c.page.goto(`${base}/agency-key`);
      await check(c.page, 'ar-02-caseworker-state');

      // Arabic: the supervisor's page, a wrong recovery key (422 at the field), rotation with its confirmation.
      await language(s.page, 'ar');
      await s.page.goto(`${base}/agency-key`);
      await check(s.page, 'ar-03-supervisor');
      await s.page.fill('#recover-recoveryKey', 'ABCD-EFGH-IJKL-MNOP');
      expect(await submit(s.page, '#recover-submit')).toBe(422);
      expect(await s.page.textContent('#recover-recoveryKey-error')).toBe('مفتاح الاسترداد هذا لا يفتح مفتاح وكالتك. قارن كل حرف بما على الورقة.');
      await check(s.page, 'ar-04-wrong-recovery-key');
      await s.page.click('#rotate-start');
      expect(s.page.url()).toBe(`${base}/agency-key/rotation`);
      await check(s.page, 'ar-05-rotate-confirm');
      expect(await submit(s.page, '#confirm-rotate')).toBe(201);
      const rotated = (await s.page.textContent('#recovery-key'))!.trim();
      rememberSecret(rotated);
      expect(rotated).not.toBe(recovery);
      await check(s.page, 'ar-06-new-recovery-key');
      await s.page.click('#recovery-done');
      expect(await s.page.textContent('#key-version')).toBe('2');
      // The old recovery key stops working.
      await s.page.fill('#recover-recoveryKey', recovery);
      expect(await submit(s.page, '#recover-submit')).toBe(422);
    } finally {
      await s.context.close();
      await c.context.close();
    }
    expect(trail.foreignRequests).toEqual([]);
    expect(trail.cspViolations).toEqual([]);
  });
});
