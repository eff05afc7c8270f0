import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { auditPage, launchChromium, openPhonePage } from '../support/browser';
import { createTestApp, TestApp } from '../support/app';
import { freshTotpCode, LoggedIn } from '../support/users';
import { createTestWeb } from '../support/web';
import { newCase, referralConsent, refer, threeAgencies, ThreeAgencies } from '../referrals/referral-fixtures';


/**
 * The staff console in a real Chromium with JavaScript disabled, at 360×740: a caseworker
 * signs in with TOTP and finds the case; a provider signs in in Arabic (right to left),
 * reads the consented packet, accepts the referral and leaves quickly. Every page is
 * screenshotted under test-output/<run>/screenshots and checked by axe-core (run on a copy
 * of the page in a second, script-enabled context, since the page itself runs no script).
 */
// Six to eight pages per journey, each screenshotted and checked by axe: minutes on a busy machine.
jest.setTimeout(300_000);

describe('staff console in headless Chromium without JavaScript', () => {
  let api: TestApp;
  let web: TestApp;
  let x: ThreeAgencies;
  let caseA: { id: string; survivorName: string };
  let referralId: string;
  let browser: Browser;
  let axeContext: BrowserContext;
  let base: string;
  const shots = join(process.env.AMANI_TEST_RUN_DIR!, 'screenshots');
  const visited: string[] = [];
  const foreignRequests: string[] = [];
  const cspViolations: string[] = [];

  beforeAll(async () => {
    mkdirSync(shots, { recursive: true });
    api = await createTestApp();
    web = await createTestWeb();
    await web.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(web.app.getHttpServer().address() as AddressInfo).port}`;
    x = await threeAgencies(api);
    caseA = await newCase(api, x.cwA);
    const consentId = await referralConsent(api, x.cwA, caseA.id, { serviceType: 'legal', recipientAgencyId: x.agencyB, shareableFields: ['ageBand', 'sex', 'incidentTypes'] });
    const res = await refer(api, x.cwA, caseA.id, { consentId, serviceType: 'legal', recipientAgencyId: x.agencyB });
    expect(res.status).toBe(201);
    referralId = res.body.id;
    ({ browser, axeContext } = await launchChromium());
  });
  afterAll(async () => {
    await browser?.close();
    await web?.close();
    await api?.close();
  });

  function newPage(locale: string): Promise<{ context: BrowserContext; page: Page }> {
    return openPhonePage(browser, base, locale, { visited, foreignRequests, cspViolations });
  }

  /** Screenshot, no horizontal scrolling at 360 px, and no serious or critical axe violation. */
  async function check(page: Page, name: string): Promise<void> {
    await page.screenshot({ path: join(shots, `web-${name}.png`), fullPage: true });
    expect(await page.locator('script').count()).toBe(0);
    const audit = await auditPage(axeContext, page);
    expect([name, audit.overflow, audit.serious]).toEqual([name, 0, []]);
  }

  async function signIn(page: Page, user: LoggedIn, lang: string, names: { form: string; code: string; home: string }): Promise<void> {
    const res = await page.goto(`${base}/sign-in?lang=${lang}`);
    expect(res!.headers()['content-security-policy']).toContain("default-src 'none'");
    expect(res!.headers()['cache-control']).toBe('no-store');
    await check(page, names.form);
    await page.fill('#email', user.email);
    await page.fill('#password', user.password);
    await page.click('form[action="/sign-in"] button[type=submit]');
    expect(page.url()).toBe(`${base}/sign-in/code`);
    await check(page, names.code);
    await page.fill('#code', await freshTotpCode(user.totpSecret!));
    await page.click('form[action="/sign-in/code"] button[type=submit]');
    expect(page.url()).toBe(`${base}/`);
    await check(page, names.home);
  }

  it('a caseworker signs in with TOTP, filters the agency’s cases and opens one', async () => {
    const { context, page } = await newPage('en');
    await signIn(page, x.cwA, 'en', { form: '01-sign-in-en', code: '02-code-en', home: '03-home-caseworker' });
    const cookies = await context.cookies();
    const session = cookies.find((c) => c.name === '__Host-amani-session')!;
    expect(session).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Strict', path: '/', expires: -1 });

    // Keyboard: the skip link comes first, then "leave quickly".
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.className)).toBe('skip');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.className)).toBe('leave');

    await page.click('nav a[href="/cases"]');
    await check(page, '04-cases');
    expect(await page.locator(`a[href="/cases/${caseA.id}"]`).count()).toBe(1);
    await page.selectOption('#f-stage', 'intake');
    await page.click('form[action="/cases"] button[type=submit]');
    expect(page.url()).toContain('stage=intake');
    await check(page, '05-cases-filtered');
    await page.click(`a[href="/cases/${caseA.id}"]`);
    expect(await page.textContent('#case-stage')).toBe('Intake');
    expect(await page.textContent('body')).not.toContain(caseA.survivorName);
    await check(page, '06-case');
    // The identifying details, behind their own audited step: a post, so the page is in no URL.
    await page.click(`form[action="/cases/${caseA.id}/identifying"] button`);
    expect(await page.textContent('#case-identifying')).toContain(caseA.survivorName);
    expect(page.url()).toBe(`${base}/cases/${caseA.id}/identifying`);
    await check(page, '06b-case-identifying');

    await page.click('form[action="/sign-out"] button');
    expect(page.url()).toBe(`${base}/sign-in?out=1&lang=en`);
    expect(await page.textContent('.note')).toBe('You have signed out.');
    expect((await context.cookies()).find((c) => c.name === '__Host-amani-session')).toBeUndefined();
    await page.goto(`${base}/cases/${caseA.id}`);
    expect(page.url()).toBe(`${base}/sign-in?expired=1`);
    await context.close();
  });

  it('a provider, in Arabic at 360×740, reads the consented packet, accepts and leaves quickly', async () => {
    const { context, page } = await newPage('ar');
    await signIn(page, x.provB, 'ar', { form: '07-sign-in-ar', code: '08-code-ar', home: '09-home-provider-ar' });
    expect(await page.getAttribute('html', 'dir')).toBe('rtl');
    expect(await page.getAttribute('html', 'lang')).toBe('ar');
    await page.click('nav a[href="/referrals/incoming"]');
    expect(await page.textContent('h1')).toBe('الإحالات الواردة');
    await check(page, '10-inbox-ar');
    await page.click(`a[href="/referrals/${referralId}"]`);
    expect(await page.textContent('#referral-state')).toContain('بانتظار الرد');
    expect(await page.locator('#packet dt').allTextContents()).toEqual(expect.arrayContaining(['العمر', 'الجنس']));
    await check(page, '11-referral-ar');
    await page.click('#accept');
    expect(page.url()).toBe(`${base}/referrals/${referralId}`);
    expect(await page.textContent('#referral-state')).toContain('مقبولة');
    await check(page, '12-referral-accepted-ar');
    await page.selectOption('#complete-outcome', 'provided_by_own_agency');
    await page.click('#complete');
    expect(await page.textContent('#referral-state')).toContain('مكتملة');
    expect(await page.textContent('#referral-outcome')).toBe('قدّمتها منظمتنا');
    await check(page, '13-referral-completed-ar');

    await page.click('button.leave');
    expect(page.url()).toBe(`${base}/bye?lang=ar`);
    expect(await page.textContent('h1')).toBe('الصفحة غير متاحة');
    await check(page, '14-left-ar');
    expect((await context.cookies()).find((c) => c.name === '__Host-amani-session')).toBeUndefined();
    await page.goBack();
    expect(page.url()).toContain('/sign-in');
    await context.close();
  });

  it('the caseworker then sees the provider’s outcome on the case', async () => {
    const { context, page } = await newPage('en');
    await signIn(page, x.cwA, 'en', { form: '15-sign-in-again', code: '16-code-again', home: '17-home-again' });
    await page.goto(`${base}/cases/${caseA.id}`);
    const referral = (await page.textContent('#case-referrals'))!.replace(/\s+/g, ' ');
    expect(referral).toContain('Completed');
    expect(referral).toContain('Provided by our agency');
    await check(page, '18-case-with-outcome');
    await context.close();
  });

  it('visited no URL holding anything identifying, loaded nothing from elsewhere and broke no CSP rule', () => {
    expect(visited.length).toBeGreaterThan(10);
    for (const url of visited) {
      expect(url.startsWith(base)).toBe(true);
      for (const secret of [caseA.survivorName, x.cwA.email, x.provB.email, x.cwA.password, x.provB.password, encodeURIComponent(x.cwA.email)]) {
        expect(url).not.toContain(secret);
      }
    }
    expect(foreignRequests).toEqual([]);
    expect(cspViolations).toEqual([]);
  });
});
