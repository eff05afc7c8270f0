import { existsSync, mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Browser, BrowserContext, chromium, Page } from 'playwright-core';
import { createTestApp, TestApp } from '../support/app';
import { rememberSecret } from '../support/canary';
import { complaintIdOf, focalPoint, FocalPoint, fpApi, sentinel } from './sea-fixtures';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * The complainant pages in a real browser with JavaScript disabled: an Arabic submission,
 * the receipt kept from the page, a follow-up that shows a focal point's reply, and an
 * answer. Every page is screenshotted under test-output/<run>/screenshots.
 */
describe('SEA /report pages in headless Chromium without JavaScript', () => {
  let t: TestApp;
  let fp: FocalPoint;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let base: string;
  const shots = join(process.env.AMANI_TEST_RUN_DIR!, 'screenshots');
  const foreignRequests: string[] = [];
  const cspViolations: string[] = [];
  const shoot = (name: string) => page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium (scripts/ci-extra-setup.sh does)`);
    mkdirSync(shots, { recursive: true });
    t = await createTestApp();
    await t.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    fp = await focalPoint(t);
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
    context = await browser.newContext({ javaScriptEnabled: false, locale: 'ar', viewport: { width: 420, height: 900 } });
    page = await context.newPage();
    page.on('request', (r) => {
      if (!r.url().startsWith(base)) foreignRequests.push(r.url());
    });
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) cspViolations.push(m.text());
    });
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('submits in Arabic, keeps the receipt, follows up and reads the focal point’s reply', async () => {
    const form = await page.goto(`${base}/report?lang=ar`);
    expect(form!.status()).toBe(200);
    const headers = form!.headers();
    expect(headers['content-security-policy']).toContain("default-src 'none'");
    expect(headers['content-security-policy']).not.toContain('script-src');
    expect(headers['cache-control']).toBe('no-store');
    expect(headers['referrer-policy']).toBe('no-referrer');
    expect(headers['set-cookie']).toBeUndefined();
    expect(await page.getAttribute('html', 'dir')).toBe('rtl');
    expect(await page.getAttribute('html', 'lang')).toBe('ar');
    expect(await page.locator('script').count()).toBe(0);
    expect(await page.textContent('h1')).toBe('الإبلاغ عن الاستغلال أو الاعتداء الجنسي');
    await shoot('1-form-ar');

    const narrative = `حدث ذلك في نقطة التوزيع ${sentinel('PAGENARR')}`;
    await page.check('input[name=category][value=sexual_exploitation]');
    await page.check('input[name=entityType][value=un_agency_fund_programme]');
    await page.check('input[name=complainantIsVictim][value=true]');
    await page.check('input[name=victimSex][value=female]');
    await page.check('input[name=victimAgeBand][value="18_25"]');
    await page.check('input[name=dateBand][value=last_month]');
    await page.selectOption('select[name=regionCode]', '');
    await page.fill('textarea[name=narrative]', narrative);
    await page.check('input[name=wantsAssistance][value=true]');
    await page.click('button[type=submit]');

    expect(await page.textContent('h1')).toBe('تم استلام بلاغك');
    const receipt = (await page.textContent('#receipt'))!.trim();
    rememberSecret(receipt);
    rememberSecret(receipt.replace(/-/g, ''));
    expect(receipt).toMatch(/^\d{4}(-\d{4}){4}$/);
    expect(page.url()).toBe(`${base}/report`); // the receipt never sits in a URL
    await shoot('3-receipt-ar');

    const id = await complaintIdOf(t, receipt);
    const detail = await fpApi(t, fp).get(`/sea/complaints/${id}`);
    expect(detail.body).toMatchObject({ narrative, language: 'ar', category: 'sexual_exploitation', entityType: 'un_agency_fund_programme' });
    const reply = `شكرًا لك، نحن نتابع بلاغك ${sentinel('PAGEREPLY')}`;
    expect((await fpApi(t, fp).post(`/sea/complaints/${id}/messages`, { body: reply })).status).toBe(201);
    expect((await fpApi(t, fp).post(`/sea/complaints/${id}/status`, { to: 'assessment' })).status).toBe(200);

    await page.goto(`${base}/report/follow-up?lang=ar`);
    await shoot('4-follow-up-ar');
    // A wrong receipt: the same page again, with the error in Arabic.
    await page.fill('#receipt', '0000-0000-0000-0000-0000');
    await page.click('button[type=submit]');
    expect(await page.locator('.alert').textContent()).toBe('لا يوجد بلاغ يطابق رمز الإيصال هذا. تحقق من الرمز وحاول مرة أخرى.');
    await page.fill('#receipt', receipt);
    await page.click('button[type=submit]');
    expect(await page.textContent('#status')).toBe('قيد التقييم');
    expect(await page.textContent('#messages')).toContain(reply);
    await shoot('5-status-ar');

    const answer = `هل يمكنني التحدث مع شخص ما؟ ${sentinel('PAGEANSWER')}`;
    await page.fill('textarea[name=body]', answer);
    await page.click('button[type=submit]');
    const thread = (await page.locator('#messages .msg').allTextContents()).map((m) => m.replace(/\s+/g, ' '));
    expect(thread).toHaveLength(2);
    expect(thread[0]).toContain(reply);
    expect(thread[1]).toContain(answer);
    await shoot('6-status-after-reply-ar');
    expect((await fpApi(t, fp).get(`/sea/complaints/${id}`)).body.messages.map((m: { body: string }) => m.body)).toEqual([reply, answer]);

    expect(await context.cookies()).toEqual([]);
    expect(foreignRequests).toEqual([]);
    expect(cspViolations).toEqual([]);
  });

  it('checks the form on the server too: a missing answer comes back as the same form, in the same language', async () => {
    const narrative = sentinel('FORMKEPT');
    const res = await t
      .http()
      .post('/report')
      .type('form')
      .send({ lang: 'ar', category: 'sexual_exploitation', narrative, victimSex: 'robot', complainantIsVictim: 'maybe' });
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toContain('text/html');
    expect(res.text).toContain('يرجى مراجعة الإجابات المشار إليها أدناه.');
    expect(res.text).toContain('يرجى الإجابة عن هذا السؤال.');
    expect(res.text).toContain('يرجى اختيار إحدى الإجابات.');
    expect(res.text).toContain(`>${narrative}</textarea>`);
    expect(res.text).toMatch(/value="sexual_exploitation" checked/);
    // Only the pages' own forms: JSON gets a 415 problem, and markup in a field is escaped.
    const json = await t.http().post('/report').send({ lang: 'ar' });
    expect(json.status).toBe(415);
    expect(json.headers['content-type']).toContain('application/problem+json');
    const escaped = await t.http().post('/report').type('form').send({ lang: 'en', narrative: '<script>alert(1)</script>' });
    expect(escaped.text).toContain('&lt;script>alert(1)&lt;/script>'); // `<` and `&` escaped: no tag can open
    expect(escaped.text).not.toContain('<script>');
  });

  it('serves the pages in English, French and Spanish too', async () => {
    for (const [lang, title] of [
      ['en', 'Report sexual exploitation or abuse'],
      ['fr', 'Signaler une exploitation ou un abus sexuels'],
      ['es', 'Denunciar explotación o abuso sexual'],
    ]) {
      await page.goto(`${base}/report?lang=${lang}`);
      expect(await page.getAttribute('html', 'dir')).toBe('ltr');
      expect(await page.textContent('h1')).toBe(title);
      await shoot(`7-form-${lang}`);
    }
  });
});
