import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { auditPage, launchChromium, openPhonePage, PageTrail } from '../support/browser';
import { createTestApp, TestApp } from '../support/app';
import { rememberSecret } from '../support/canary';
import { complaintBody, focalPoint, newComplaint, sentinel } from './sea-fixtures';

jest.setTimeout(300_000);

/**
 * The complainant's control forms on /report/follow-up in a real Chromium with JavaScript off,
 * phone-sized: change the receipt (confirmation step, new receipt shown once, the old one
 * refused) and withdraw (confirmation step, then "withdrawn", also when the receipt is
 * entered again). Every page passes axe with no serious or critical violation, loads nothing
 * from elsewhere, and no receipt ever appears in a URL.
 */
describe('complainant control pages in headless Chromium without JavaScript', () => {
  let t: TestApp;
  let browser: Browser;
  let axeContext: BrowserContext;
  let base: string;
  const trail: PageTrail = { visited: [], foreignRequests: [], cspViolations: [] };
  const receipts: string[] = [];

  beforeAll(async () => {
    t = await createTestApp({ REDIS_PREFIX: `${process.env.REDIS_PREFIX}_controlbrowser` });
    await focalPoint(t);
    await t.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    ({ browser, axeContext } = await launchChromium());
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  async function check(page: Page, name: string): Promise<void> {
    expect(await page.locator('script').count()).toBe(0);
    const audit = await auditPage(axeContext, page);
    expect([name, audit.overflow, audit.serious, audit.unlabelled]).toEqual([name, 0, [], []]);
  }

  async function openStatus(page: Page, lang: string, receipt: string): Promise<void> {
    await page.goto(`${base}/report/follow-up?lang=${lang}`);
    await page.fill('#receipt', receipt);
    await Promise.all([page.waitForNavigation(), page.click('form[action="/report/follow-up"] button[type=submit]')]);
  }

  it('changes the receipt after a confirmation step (Arabic, right to left)', async () => {
    const { receipt } = await newComplaint(t, complaintBody({ narrative: sentinel('BRNARR'), contact: sentinel('BRCONTACT') }));
    receipts.push(receipt);
    const { context, page } = await openPhonePage(browser, base, 'ar', trail);
    try {
      await openStatus(page, 'ar', receipt);
      expect(await page.locator('#status').textContent()).toBe('تم الاستلام');
      await check(page, 'status-ar');
      await Promise.all([page.waitForNavigation(), page.click('#control-change-receipt button')]);
      expect(await page.locator('#confirm').count()).toBe(1);
      await check(page, 'confirm-change-receipt-ar');
      await Promise.all([page.waitForNavigation(), page.click('#confirm button')]);
      const next = (await page.locator('#receipt').textContent())!.trim();
      rememberSecret(next);
      receipts.push(next);
      expect(next).toMatch(/^\d{4}(-\d{4}){4}$/);
      expect(next).not.toBe(receipt);
      await check(page, 'new-receipt-ar');

      // The old receipt is refused, the new one opens the report.
      await openStatus(page, 'ar', receipt);
      expect(await page.locator('[role=alert]').count()).toBe(1);
      await openStatus(page, 'ar', next);
      expect(await page.locator('#status').textContent()).toBe('تم الاستلام');
    } finally {
      await context.close();
    }
  });

  it('withdraws after a confirmation step; the receipt then shows "withdrawn"', async () => {
    const { receipt } = await newComplaint(t, complaintBody({ narrative: sentinel('BRWNARR') }));
    receipts.push(receipt);
    const { context, page } = await openPhonePage(browser, base, 'en', trail);
    try {
      await openStatus(page, 'en', receipt);
      await Promise.all([page.waitForNavigation(), page.click('#control-withdraw button')]);
      await check(page, 'confirm-withdraw-en');
      // "No, go back" keeps everything.
      await Promise.all([page.waitForNavigation(), page.click('#cancel button')]);
      expect(await page.locator('#status').textContent()).toBe('Received');
      await Promise.all([page.waitForNavigation(), page.click('#control-withdraw button')]);
      await Promise.all([page.waitForNavigation(), page.click('#confirm button')]);
      expect(await page.locator('#status').textContent()).toBe('Withdrawn');
      await check(page, 'withdrawn-en');
      await openStatus(page, 'en', receipt);
      expect(await page.locator('#status').textContent()).toBe('Withdrawn');
    } finally {
      await context.close();
    }
  });

  it('loaded nothing from elsewhere, broke no CSP rule and put no receipt in a URL', () => {
    expect(trail.foreignRequests).toEqual([]);
    expect(trail.cspViolations).toEqual([]);
    const digits = receipts.map((r) => r.replace(/-/g, ''));
    expect(trail.visited.filter((u) => receipts.some((r) => u.includes(r)) || digits.some((d) => u.includes(d)))).toEqual([]);
    expect(trail.visited.length).toBeGreaterThan(5);
  });
});
