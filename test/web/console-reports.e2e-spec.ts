import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { auditPage, launchChromium } from '../support/browser';
import { DataSource } from 'typeorm';
import { loadConfig } from '@amani/config';
import { fixtureIncidents } from '@amani/testing/reporting/report-fixture';
import { WorkerModule } from '../../apps/worker/src/worker.module';
import { seedCase, until } from '../reports/report-seed';
import { createTestApp, TestApp } from '../support/app';
import { dropIsolatedDatabase, isolatedEnv, prepareIsolatedDatabase } from '../support/isolated-database';
import { createAgency, freshTotpCode, LoggedIn, sessionAs } from '../support/users';
import { browserOf, createTestWeb, webSignIn, WebUser } from '../support/web';

const UUID = /\/reports\/([0-9a-f-]{36})$/;

jest.setTimeout(300_000);

/**
 * Statistics in the staff console: protection officers (inter-agency) and supervisors (their
 * agency) request reports, watch them build on a self-refreshing page, read every table with
 * hidden cells marked and explained, see the charts and the trend inline, download CSV and
 * SVG, and compare two periods. Roles without statistics are refused; another agency's
 * report looks like no report. The pages are walked in Chromium with JavaScript off and
 * checked by axe-core.
 */
describe('staff console: statistics', () => {
  const env = isolatedEnv('webstats');
  let api: TestApp;
  let web: TestApp;
  let worker: INestApplicationContext;
  let officer: LoggedIn;
  let supA: LoggedIn;
  let supB: LoggedIn;
  let cw: LoggedIn;
  let officerWeb: WebUser;
  let supAWeb: WebUser;
  let supBWeb: WebUser;
  let cwWeb: WebUser;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    prepareIsolatedDatabase(env);
    api = await createTestApp(env);
    web = await createTestWeb(env);
    worker = await NestFactory.createApplicationContext(WorkerModule.forRoot(loadConfig({ ...process.env, ...env })), { logger: false });
    await worker.init();
    const db = api.app.get(DataSource);
    const agencyA = (await createAgency(api)).id;
    const agencyB = (await createAgency(api)).id;
    officer = await sessionAs(api, { role: 'protection_officer' });
    supA = await sessionAs(api, { role: 'supervisor', agencyId: agencyA });
    supB = await sessionAs(api, { role: 'supervisor', agencyId: agencyB });
    cw = await sessionAs(api, { role: 'caseworker', agencyId: agencyA });
    // Two months of the hand-computed GBVIMS fixture (31 incidents; the second month 20 of them).
    await seedCase(db, { agencyId: agencyA, userId: supA.user.id, month: '2024-05', incidents: fixtureIncidents(), statisticsConsent: true });
    await seedCase(db, { agencyId: agencyA, userId: supA.user.id, month: '2024-06', incidents: fixtureIncidents().slice(0, 20), statisticsConsent: true });
    officerWeb = await webSignIn(web, officer);
    supAWeb = await webSignIn(web, supA);
    supBWeb = await webSignIn(web, supB);
    cwWeb = await webSignIn(web, cw);
  });

  afterAll(async () => {
    await worker?.close();
    await web?.close();
    await api?.close();
    await dropIsolatedDatabase(env);
  });

  const waitDone = async (user: WebUser, id: string) => {
    await until(`report ${id}`, async () => !(await browserOf(web, user).get(`/reports/${id}`)).text.includes('http-equiv="refresh"'));
  };

  it('refuses the roles without statistics and sends anonymous visitors to sign in', async () => {
    const refused = await browserOf(web, cwWeb).get('/reports');
    expect(refused.status).toBe(403);
    expect(refused.text).toContain('Your role cannot use this page.');
    for (const role of ['provider', 'admin', 'psea_focal_point'] as const) {
      const user = await webSignIn(web, await sessionAs(api, { role, agencyId: role === 'admin' ? null : (await createAgency(api)).id }));
      for (const url of ['/reports', `/reports/compare?a=${cw.user.id}&b=${cw.user.id}`, `/reports/${cw.user.id}`, `/reports/${cw.user.id}/csv`, `/reports/${cw.user.id}/svg`]) {
        expect([role, url, (await browserOf(web, user).get(url)).status]).toEqual([role, url, 403]);
      }
      expect([role, (await browserOf(web, user).post('/reports', { template: 'gbvims_monthly', period: '2024-05' })).status]).toEqual([role, 403]);
    }
    expect((await browserOf(web, cwWeb).post('/reports', { template: 'gbvims_monthly', period: '2024-05' })).status).toBe(403);
    const anonymous = await web.http().get('/reports');
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.location).toMatch(/^\/sign-in/);
  });

  it('names the field when a request is wrong, in the user’s language, and keeps what was typed', async () => {
    const shape = await browserOf(web, officerWeb).post('/reports', { template: 'gbvims_monthly', period: 'May 2024' });
    expect(shape.status).toBe(400);
    expect(shape.text).toContain('Write the period as YYYY-MM');
    expect(shape.text).toContain('value="MAY 2024"');
    expect(shape.text).toMatch(/id="period"[^>]*aria-invalid="true"|aria-invalid="true"[^>]*id="period"/);
    const future = await browserOf(web, officerWeb).post('/reports', { template: 'gbvims_monthly', period: '2099-01' });
    expect(future.status).toBe(400);
    expect(future.text).toContain('This period has not ended yet');
    // A supervisor cannot ask for the inter-agency-only SEA statistics: the form does not offer them.
    const sea = await browserOf(web, supAWeb).post('/reports', { template: 'sea_quarterly', period: '2024-Q2' });
    expect(sea.status).toBe(400);
    expect((await browserOf(web, officerWeb).post('/reports', { template: 'gbvims_monthly', period: '2024-05' }, { csrf: null })).status).toBe(403);
  });

  it('requests a report, shows it building with a self-refreshing page, then every table with hidden cells marked', async () => {
    for (const period of ['2024-05', '2024-06']) {
      const res = await browserOf(web, officerWeb).post('/reports', { template: 'gbvims_monthly', period });
      expect(res.status).toBe(303);
      ids[period] = UUID.exec(res.headers.location)![1];
    }
    const first = await browserOf(web, officerWeb).get(`/reports/${ids['2024-05']}`);
    expect(first.status).toBe(200);
    await waitDone(officerWeb, ids['2024-05']);
    await waitDone(officerWeb, ids['2024-06']);
    const page = await browserOf(web, officerWeb).get(`/reports/${ids['2024-05']}`);
    expect(page.text).not.toContain('http-equiv="refresh"');
    expect(page.text).toContain('Counts from 1 to 4 are hidden');
    expect(page.text).toContain('complementary suppression');
    expect(page.text).toContain('id="table-incidents"');
    expect(page.text).toContain('<abbr title="Hidden to protect identities');
    expect(page.text).toContain('id="chart-incidents"');
    expect(page.text).toContain('id="trend-chart"');
    // Every chart has a title and a description (the figures in words) beside its data table.
    expect(page.text.match(/<svg /g)!.length).toBe(page.text.match(/<desc id=/g)!.length);
    expect(page.text).toMatch(/<desc id="trend-chart-d">[^<]*2024-05: 31/);
    // The fixture's hand-computed grand total.
    expect(page.text).toMatch(/<th scope="row">Total<\/th>.*<td class="total">31<\/td>/s);

    const csv = await browserOf(web, officerWeb).get(`/reports/${ids['2024-05']}/csv`);
    expect(csv.status).toBe(200);
    expect(csv.headers['content-disposition']).toMatch(/^attachment; filename="amani-gbvims_monthly-2024-05.csv"/);
    expect(csv.headers['cache-control']).toBe('no-store');
    expect(csv.text.split('\n')[1]).toMatch(/^#/);
    const svg = await browserOf(web, officerWeb).get(`/reports/${ids['2024-05']}/svg`);
    expect(svg.status).toBe(200);
    expect(svg.headers['content-disposition']).toMatch(/^attachment;/);
    expect(svg.headers['content-security-policy']).toContain('sandbox');
  });

  it('compares two periods from published figures only', async () => {
    const res = await browserOf(web, officerWeb).get(`/reports/compare?a=${ids['2024-05']}&b=${ids['2024-06']}`);
    expect(res.status).toBe(200);
    expect(res.text).toContain('Differences are computed only where both periods published the figure.');
    expect(res.text).toMatch(/<th scope="row">Total<\/th><td>31<\/td><td>20<\/td><td class="down">-11<\/td>/);
  });

  it('another agency’s report looks like no report, and a supervisor sees only the agency’s own', async () => {
    const own = await browserOf(web, supAWeb).post('/reports', { template: 'gbvims_monthly', period: '2024-05' });
    expect(own.status).toBe(303);
    const supReport = UUID.exec(own.headers.location)![1];
    const foreign = await browserOf(web, supBWeb).get(`/reports/${supReport}`);
    const random = await browserOf(web, supBWeb).get('/reports/5b0f7d7e-0c1a-4c39-9d5e-3b1b2f0f9a11');
    expect(foreign.status).toBe(404);
    expect(random.status).toBe(404);
    expect(foreign.text.replace(/name="_csrf" value="[^"]+"/g, '')).toBe(random.text.replace(/name="_csrf" value="[^"]+"/g, ''));
    // The inter-agency report is not the supervisor's either.
    expect((await browserOf(web, supAWeb).get(`/reports/${ids['2024-05']}`)).status).toBe(404);
    expect((await browserOf(web, supBWeb).get(`/reports/${supReport}/csv`)).status).toBe(404);
    const list = await browserOf(web, supAWeb).get('/reports');
    expect(list.text).toContain(supReport);
    expect(list.text).not.toContain(ids['2024-05']);
  });

  describe('in Chromium without JavaScript', () => {
    let browser: Browser;
    let axe: BrowserContext;
    let base: string;
    const shots = join(process.env.AMANI_TEST_RUN_DIR!, 'screenshots');

    beforeAll(async () => {
      mkdirSync(shots, { recursive: true });
      await web.app.listen(0, '127.0.0.1');
      base = `http://127.0.0.1:${(web.app.getHttpServer().address() as AddressInfo).port}`;
      ({ browser, axeContext: axe } = await launchChromium());
    });
    afterAll(async () => {
      await browser?.close();
    });

    async function check(page: Page, name: string): Promise<void> {
      await page.screenshot({ path: join(shots, `web-stats-${name}.png`), fullPage: true });
      expect(await page.locator('script').count()).toBe(0);
      const audit = await auditPage(axe, page);
      expect([name, audit.overflow, audit.serious, audit.unlabelled]).toEqual([name, 0, [], []]);
    }

    async function signIn(page: Page, user: LoggedIn, lang: string): Promise<void> {
      await page.goto(`${base}/sign-in?lang=${lang}`);
      await page.fill('#email', user.email);
      await page.fill('#password', user.password);
      await page.click('form[action="/sign-in"] button[type=submit]');
      await page.fill('#code', await freshTotpCode(user.totpSecret!));
      await page.click('form[action="/sign-in/code"] button[type=submit]');
      expect(page.url()).toBe(`${base}/`);
    }

    it('a protection officer finds, reads and compares reports; the report page in Arabic is right to left', async () => {
      const context = await browser.newContext({ javaScriptEnabled: false, locale: 'en', viewport: { width: 360, height: 740 } });
      const page = await context.newPage();
      await signIn(page, officer, 'en');
      await page.click('nav a[href="/reports"]');
      expect(await page.textContent('h1')).toBe('Statistics');
      await check(page, '01-list');
      await page.fill('#period', 'nope');
      await page.click('form[action="/reports"] button[type=submit]');
      expect(await page.textContent('#period-error')).toContain('YYYY-MM');
      await check(page, '02-request-error');
      await page.click(`a[href="/reports/${ids['2024-05']}"]`);
      expect(await page.locator('#table-incidents').count()).toBe(1);
      await check(page, '03-report');
      await page.goto(`${base}/reports`);
      await page.selectOption('#compare-a', ids['2024-05']);
      await page.selectOption('#compare-b', ids['2024-06']);
      await page.click('form[action="/reports/compare"] button[type=submit]');
      expect(page.url()).toContain('/reports/compare?a=');
      await check(page, '04-compare');
      await context.close();

      const ar = await browser.newContext({ javaScriptEnabled: false, locale: 'ar', viewport: { width: 360, height: 740 } });
      const arPage = await ar.newPage();
      // A second officer: one account may use each TOTP step once, and the first has used its window.
      await signIn(arPage, await sessionAs(api, { role: 'protection_officer' }), 'ar');
      await arPage.goto(`${base}/reports/${ids['2024-06']}`);
      expect(await arPage.getAttribute('html', 'dir')).toBe('rtl');
      expect(await arPage.textContent('h1')).toContain('إحصاءات GBVIMS الشهرية');
      await check(arPage, '05-report-ar');
      await ar.close();
    });
  });
});
