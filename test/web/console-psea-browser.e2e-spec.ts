import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { AuditSequencer } from '@amani/audit';
import { auditPage, launchChromium, openPhonePage, PageTrail } from '../support/browser';
import { createTestApp, TestApp } from '../support/app';
import { capturedLogs, databaseDump, leaked, redisDump, rememberSecret } from '../support/canary';
import { createAgency, CreatedUser, LoggedIn, sessionAs } from '../support/users';
import { createTestWeb } from '../support/web';
import { complaintIdOf, focalPoint, FocalPoint, sentinel } from '../sea/sea-fixtures';
import { publishService } from '../referrals/referral-fixtures';
import { codeFor, SEA } from './psea-fixtures';

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

/**
 * The PSEA acceptance journey in a real Chromium with JavaScript disabled, at 360×740: a
 * complainant submits through the API's /report page; a focal point signs in to the console
 * (the key unlocks at sign-in), reads the complaint, replies; with the key locked (cookie
 * gone) the page says so and the unlock page reopens it; the complainant reads the reply
 * with their receipt on /report/follow-up; the focal point, in Arabic, triages and refers
 * the victim to a GBV agency; a caseworker of that agency sees the request (coded only) and
 * accepts it, which opens a case. axe on every PSEA page; canaries never in a URL, in the
 * database in clear, in Redis or in the logs.
 */
jest.setTimeout(600_000);

describe('PSEA focal point workspace in headless Chromium without JavaScript', () => {
  let api: TestApp;
  let web: TestApp;
  let browser: Browser;
  let axeContext: BrowserContext;
  let apiBase: string;
  let base: string;
  let fp: FocalPoint;
  let cwR: LoggedIn;
  let receivingAgency: string;
  let receipt: string;
  let complaintId: string;
  const narrative = sentinel('BROWSERNARRATIVE');
  const reply = sentinel('BROWSERREPLY');
  const note = sentinel('BROWSERNOTE');
  const survivor = sentinel('BROWSERSURVIVOR');
  const shots = join(process.env.AMANI_TEST_RUN_DIR!, 'screenshots');
  const trail: PageTrail = { visited: [], foreignRequests: [], cspViolations: [] };
  const checked: string[] = [];

  beforeAll(async () => {
    mkdirSync(shots, { recursive: true });
    api = await createTestApp();
    await api.app.listen(0, '127.0.0.1');
    apiBase = `http://127.0.0.1:${(api.app.getHttpServer().address() as AddressInfo).port}`;
    web = await createTestWeb();
    await web.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(web.app.getHttpServer().address() as AddressInfo).port}`;
    fp = await focalPoint(api);
    receivingAgency = (await createAgency(api, 'Safe Haven Centre', { serviceTypes: ['psychosocial'] })).id;
    const supR = await sessionAs(api, { role: 'supervisor', agencyId: receivingAgency });
    await publishService(api, supR, 'psychosocial');
    cwR = await sessionAs(api, { role: 'caseworker', agencyId: receivingAgency });
    ({ browser, axeContext } = await launchChromium());
  });
  afterAll(async () => {
    await browser?.close();
    await web?.close();
    await api?.close();
  });

  /** Screenshot, no script, no sideways scrolling at 360 px, every control labelled, no serious or critical axe violation. */
  async function check(page: Page, name: string): Promise<void> {
    checked.push(name);
    await page.screenshot({ path: join(shots, `psea-${name}.png`), fullPage: true });
    expect(await page.locator('script').count()).toBe(0);
    const audit = await auditPage(axeContext, page);
    expect([name, audit.overflow, audit.serious, audit.unlabelled]).toEqual([name, 0, [], []]);
    expect(await page.title()).not.toContain(narrative);
  }

  /** A TOTP code not used yet; waits for the next period when both usable steps are spent. */
  async function code(u: CreatedUser): Promise<string> {
    for (let i = 0; i < 8; i++) {
      try {
        return await codeFor(api, u);
      } catch {
        await new Promise((r) => setTimeout(r, 5000));
      }
    }
    throw new Error('no TOTP step became free');
  }

  async function signIn(page: Page, u: CreatedUser, lang: string): Promise<void> {
    await page.goto(`${base}/sign-in?lang=${lang}`);
    await page.fill('#email', u.email);
    await page.fill('#password', u.password);
    await page.click('form[action="/sign-in"] button[type=submit]');
    expect(page.url()).toBe(`${base}/sign-in/code`);
    await page.fill('#code', await code(u));
    await page.click('form[action="/sign-in/code"] button[type=submit]');
    expect(page.url()).toBe(`${base}/`);
  }

  it('a complainant submits through /report and keeps the receipt', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false, locale: 'en', viewport: { width: 360, height: 740 } });
    const page = await context.newPage();
    page.on('request', (r) => {
      if (!r.url().startsWith(apiBase)) trail.foreignRequests.push(r.url());
    });
    page.on('framenavigated', (f) => {
      if (f === page.mainFrame()) trail.visited.push(f.url());
    });
    await page.goto(`${apiBase}/report?lang=en`);
    await page.check('input[name=category][value=sexual_exploitation]');
    await page.check('input[name=entityType][value=implementing_partner]');
    await page.check('input[name=complainantIsVictim][value=true]');
    await page.check('input[name=victimSex][value=female]');
    await page.check('input[name=victimAgeBand][value="18_25"]');
    await page.check('input[name=dateBand][value=last_month]');
    await page.selectOption('select[name=regionCode]', '');
    await page.fill('textarea[name=narrative]', narrative);
    await page.check('input[name=wantsAssistance][value=true]');
    await page.click('button[type=submit]');
    receipt = (await page.textContent('#receipt'))!.trim();
    rememberSecret(receipt);
    rememberSecret(receipt.replace(/-/g, ''));
    expect(receipt).toMatch(/^\d{4}(-\d{4}){4}$/);
    await page.screenshot({ path: join(shots, 'psea-00-report-receipt.png'), fullPage: true });
    await context.close();
  });

  it('a focal point signs in (key unlocked), reads the complaint and replies; a locked key says so and unlocks', async () => {
    const { context, page } = await openPhonePage(browser, base, 'en', trail);
    await signIn(page, fp, 'en');
    const sea = (await context.cookies()).find((c) => c.name === SEA)!;
    expect([sea.httpOnly, sea.secure, sea.sameSite, sea.path]).toEqual([true, true, 'Strict', '/']);
    rememberSecret(sea.value);
    await page.click('nav a[href="/psea"]');
    expect(page.url()).toBe(`${base}/psea`);
    expect(await page.textContent('#key-state')).toContain('unlocked');
    expect(await page.textContent('body')).not.toContain(narrative);
    await check(page, '01-list-en');

    // The run's database holds other suites' complaints (older ones, overdue, listed first):
    // find this journey's complaint by its receipt, then open it from the list when it is on the
    // first page, else by its address.
    complaintId = await complaintIdOf(api, receipt);
    const link = page.locator(`#complaints a[href="/psea/complaints/${complaintId}"]`);
    if ((await link.count()) > 0) await link.click();
    else await page.goto(`${base}/psea/complaints/${complaintId}`);
    expect(page.url()).toBe(`${base}/psea/complaints/${complaintId}`);
    expect(await page.textContent('#narrative')).toContain(narrative);
    await check(page, '02-complaint-en');

    await page.fill('#reply-body', reply);
    await page.click('#reply-submit');
    expect(page.url()).toBe(`${base}/psea/complaints/${complaintId}#thread`);
    expect(await page.textContent('#messages')).toContain(reply);
    await page.fill('#note-body', note);
    await page.click('#note-submit');
    expect(await page.textContent('#notes')).toContain(note);
    await check(page, '03-replied-en');

    // The client's half gone (as after a browser restart): the page says the key is locked and links to unlock.
    await context.clearCookies({ name: SEA });
    await page.goto(`${base}/psea/complaints/${complaintId}`);
    expect(await page.textContent('h1')).toBe('Key locked');
    expect(await page.textContent('body')).not.toContain(narrative);
    await check(page, '04-locked-en');
    await page.click('#unlock-link');
    expect(page.url()).toBe(`${base}/psea/unlock`);
    await check(page, '05-unlock-en');
    await page.fill('#unlock-password', `${fp.password} typo`);
    await page.click('#unlock-submit');
    expect(await page.textContent('#unlock-password-error')).toContain('not accepted');
    await check(page, '06-unlock-error-en');
    await page.fill('#unlock-password', fp.password);
    await page.click('#unlock-submit');
    expect(page.url()).toBe(`${base}/psea`);
    rememberSecret((await context.cookies()).find((c) => c.name === SEA)!.value);
    await page.goto(`${base}/psea/complaints/${complaintId}`);
    expect(await page.textContent('#narrative')).toContain(narrative);
    await page.click('form[action="/sign-out"] button');
    await context.close();
  });

  it('the complainant reads the reply on /report/follow-up with their receipt', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false, locale: 'en', viewport: { width: 360, height: 740 } });
    const page = await context.newPage();
    page.on('framenavigated', (f) => {
      if (f === page.mainFrame()) trail.visited.push(f.url());
    });
    await page.goto(`${apiBase}/report/follow-up?lang=en`);
    await page.fill('#receipt', receipt);
    await page.click('button[type=submit]');
    expect(await page.textContent('#messages')).toContain(reply);
    expect(await page.textContent('body')).not.toContain(note);
    await page.screenshot({ path: join(shots, 'psea-07-follow-up.png'), fullPage: true });
    await context.close();
  });

  it('in Arabic, the focal point triages and refers the victim to assistance; the key page lists the team', async () => {
    const { context, page } = await openPhonePage(browser, base, 'ar', trail);
    await signIn(page, fp, 'ar');
    await page.selectOption('#ui-language', 'ar');
    await page.click('form[action="/language"] button');
    expect(await page.getAttribute('html', 'dir')).toBe('rtl');
    await page.goto(`${base}/psea`);
    await check(page, '08-list-ar');
    await page.goto(`${base}/psea/complaints/${complaintId}`);
    expect(await page.getAttribute('html', 'dir')).toBe('rtl');
    await page.selectOption('#status-to', 'assessment');
    await page.click('#status-submit');
    expect(page.url()).toBe(`${base}/psea/complaints/${complaintId}`);
    expect(await page.textContent('#complaint-status')).toBe('قيد التقييم');

    // Consent missing first: the message sits by the checkbox, what was typed comes back.
    await page.selectOption('#assistance-service', `${receivingAgency}:psychosocial`);
    await page.fill('#assistance-survivorName', survivor);
    await page.fill('#assistance-summary', 'counselling');
    await page.click('#assistance-submit');
    // The browser's own "required" stops an unticked box with JavaScript off too; tick and send.
    await page.check('#assistance-consent');
    await page.click('#assistance-submit');
    expect(page.url()).toBe(`${base}/psea/complaints/${complaintId}#assistance-section`);
    expect(await page.textContent('#assistance')).toContain('بانتظار الجهة');
    await check(page, '09-complaint-referred-ar');

    await page.click('nav a[href="/psea/keys"]');
    expect(await page.textContent('#team-list')).toContain(fp.user.displayName);
    await check(page, '10-keys-ar');

    // The directory of entities, then the referral to the entity and a victim, on the complaint page.
    await page.click('nav a[href="/psea/entities"]');
    await page.fill('#entity-name', 'Contingent East');
    await page.selectOption('#entity-entityType', 'peacekeeping');
    await page.fill('#entity-pseaContact', 'PSEA office, sector HQ');
    await page.click('#entity-submit');
    expect(page.url()).toBe(`${base}/psea/entities`);
    expect(await page.textContent('#entities')).toContain('Contingent East');
    await check(page, '10b-entities-ar');
    await page.goto(`${base}/psea/complaints/${complaintId}`);
    await page.selectOption('#entity-referral-entityId', { label: 'Contingent East' });
    await page.check('#entity-referral-interimMeasures-suspension');
    await page.click('#entity-referral-submit');
    expect(page.url()).toBe(`${base}/psea/complaints/${complaintId}#entity-referral`);
    expect(await page.textContent('#entity-name')).toBe('Contingent East');
    await page.selectOption('#victim-sex', 'female');
    await page.selectOption('#victim-ageBand', '18_25');
    await page.click('#victim-submit');
    expect(page.url()).toBe(`${base}/psea/complaints/${complaintId}#victims-section`);
    expect(await page.locator('#victims li').count()).toBe(1);
    await check(page, '10c-complaint-follow-up-ar');
    await page.click('form[action="/sign-out"] button');
    await context.close();
  });

  it('a caseworker of the receiving agency sees the request (coded only) from home and accepts it into a case', async () => {
    const { context, page } = await openPhonePage(browser, base, 'en', trail);
    await signIn(page, cwR, 'en');
    await page.click('nav a[href="/sea-assistance"]');
    expect(page.url()).toBe(`${base}/sea-assistance`);
    const body = (await page.textContent('body'))!;
    expect(body).toContain('Psychosocial');
    expect(body).not.toContain(survivor);
    expect(body).not.toContain(narrative);
    await check(page, '11-assistance-inbox-en');
    await page.click('#assistance-requests li:first-child button[type=submit]');
    expect(page.url()).toMatch(new RegExp(`^${base}/cases/${UUID}$`));
    await page.screenshot({ path: join(shots, 'psea-12-case-opened.png'), fullPage: true });
    await page.goto(`${base}/sea-assistance`);
    expect(await page.textContent('#assistance-empty')).toBeTruthy();
    await page.click('form[action="/sign-out"] button');
    await context.close();
  });

  it('visited no URL holding a canary, loaded nothing from elsewhere, broke no CSP rule; the canaries are nowhere in clear', async () => {
    expect(checked.length).toBeGreaterThanOrEqual(10);
    const secrets = [narrative, reply, note, survivor, receipt, receipt.replace(/-/g, '')];
    for (const url of trail.visited) for (const s of [...secrets, encodeURIComponent(survivor), fp.password]) expect(url).not.toContain(s);
    expect(trail.foreignRequests).toEqual([]);
    expect(trail.cspViolations).toEqual([]);
    await api.app.get(AuditSequencer).flush();
    expect(leaked(databaseDump(), secrets)).toEqual([]);
    expect(leaked(await redisDump(), secrets)).toEqual([]);
    expect(leaked(capturedLogs(), secrets)).toEqual([]);
  });
});
