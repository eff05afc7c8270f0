import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { auditPage, launchChromium, openPhonePage } from '../support/browser';
import Redis from 'ioredis';
import { DataSource } from 'typeorm';
import { AuditSequencer } from '@amani/audit';
import { redisOptionsFromUrl } from '@amani/jobs';
import { createTestApp, TestApp } from '../support/app';
import { capturedLogs, databaseDump, leaked, redisDump, rememberSecret } from '../support/canary';
import { InvitationsService } from '@amani/auth';
import { freshTotpCode, LoggedIn, strongPassword } from '../support/users';
import { createTestWeb } from '../support/web';
import { publishService, threeAgencies, ThreeAgencies } from '../referrals/referral-fixtures';

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

/**
 * The acceptance journey of the staff console, in a real Chromium with JavaScript disabled:
 * a caseworker signs in with TOTP, creates a case, classifies an incident with the guided
 * GBVIMS form, records the survivor's referral consent and refers to the demo clinic found in
 * the directory; the clinic's provider (in Arabic, right to left, at 360×740) accepts and
 * completes; the caseworker sees the outcome and asks to close; the supervisor reassigns the
 * case and approves the closure. Every page is screenshotted and checked by axe; canaries
 * typed into identifying fields never reach a URL, the database in clear, Redis or the logs.
 */
jest.setTimeout(600_000);

describe('staff console journeys in headless Chromium without JavaScript', () => {
  let api: TestApp;
  let web: TestApp;
  let x: ThreeAgencies;
  let browser: Browser;
  let axeContext: BrowserContext;
  let base: string;
  let caseId: string;
  let referralId: string;
  const canary = `CANARY${randomBytes(6).toString('hex')}`;
  const canaries = { name: `${canary} Name`, narrative: `${canary} narrative`, phone: `+2526${randomBytes(3).readUIntBE(0, 3)}`, note: `${canary} note`, incident: `${canary} incident` };
  const shots = join(process.env.AMANI_TEST_RUN_DIR!, 'screenshots');
  const visited: string[] = [];
  const foreignRequests: string[] = [];
  const cspViolations: string[] = [];
  const checkedPages: string[] = [];
  const urlSecrets: string[] = [];

  beforeAll(async () => {
    mkdirSync(shots, { recursive: true });
    for (const c of Object.values(canaries)) rememberSecret(c);
    api = await createTestApp();
    web = await createTestWeb();
    await web.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(web.app.getHttpServer().address() as AddressInfo).port}`;
    x = await threeAgencies(api);
    // The demo clinic: agency B's reproductive health service, in the directory.
    await publishService(api, x.supB, 'reproductive_health', { name: 'Demo Health Clinic', regionCodes: ['DEMO-NORTH'], languages: ['ar', 'en'] });
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

  /** Screenshot, no script, no horizontal scrolling at 360 px, every control labelled, no serious or critical axe violation. */
  async function check(page: Page, name: string): Promise<void> {
    checkedPages.push(name);
    await page.screenshot({ path: join(shots, `journey-${name}.png`), fullPage: true });
    expect(await page.locator('script').count()).toBe(0);
    const audit = await auditPage(axeContext, page);
    // Every form control has a label too (axe's "label" rule covers it; this says which one).
    expect([name, audit.overflow, audit.serious, audit.unlabelled]).toEqual([name, 0, [], []]);
  }

  /** A TOTP code not used yet; waits for the next period when both usable steps are spent. */
  async function code(secret: string): Promise<string> {
    for (let i = 0; i < 8; i++) {
      try {
        return await freshTotpCode(secret);
      } catch {
        await new Promise((r) => setTimeout(r, 5000));
      }
    }
    throw new Error('no TOTP step became free');
  }

  async function signIn(page: Page, user: LoggedIn, lang: string, name: string): Promise<void> {
    await page.goto(`${base}/sign-in?lang=${lang}`);
    await page.fill('#email', user.email);
    await page.fill('#password', user.password);
    await page.click('form[action="/sign-in"] button[type=submit]');
    expect(page.url()).toBe(`${base}/sign-in/code`);
    await page.fill('#code', await code(user.totpSecret!));
    await page.click('form[action="/sign-in/code"] button[type=submit]');
    expect(page.url()).toBe(`${base}/`);
    await check(page, name);
  }

  it('a caseworker creates a case, classifies an incident, records consent and refers to the demo clinic', async () => {
    const { context, page } = await newPage('en');
    await signIn(page, x.cwA, 'en', '01-cw-home');
    await page.click('nav a[href="/cases"]');
    await page.click('#new-case-link');
    expect(page.url()).toBe(`${base}/cases/new`);
    await check(page, '02-new-case');

    // A mistake first (the browser's own checks pass, the server's do not): the message sits
    // next to its field, in the user's language, and everything typed comes back.
    await page.fill('#case-survivorName', canaries.name);
    await page.selectOption('#case-sex', 'female');
    await page.selectOption('#case-ageBand', '18_25');
    await page.selectOption('#case-nationalityStatus', 'national');
    await page.selectOption('#case-displacementStatus', 'idp');
    await page.selectOption('#case-disability', 'none');
    await page.check('#case-vulnerabilities-female_headed_household');
    await page.fill('#case-regionCode', 'not a code!');
    await page.click('#create-case');
    expect(await page.textContent('#case-regionCode-error')).toBe('Please give region codes such as SO-BN (capital letters, digits, - or _).');
    expect(await page.getAttribute('#case-regionCode', 'aria-invalid')).toBe('true');
    expect(await page.inputValue('#case-survivorName')).toBe(canaries.name);
    expect(await page.inputValue('#case-ageBand')).toBe('18_25');
    expect(await page.isChecked('#case-vulnerabilities-female_headed_household')).toBe(true);
    expect(page.url()).toBe(`${base}/cases`);
    await check(page, '03-new-case-errors');

    await page.fill('#case-regionCode', 'DEMO-NORTH');
    await page.fill('#case-phone', canaries.phone);
    await page.fill('#case-narrative', canaries.narrative);
    await page.click('#create-case');
    expect(page.url()).toMatch(new RegExp(`^${base}/cases/${UUID}$`));
    caseId = page.url().slice(`${base}/cases/`.length);
    expect(await page.textContent('#case-stage')).toBe('Intake');
    expect(await page.textContent('body')).not.toContain(canary);
    await check(page, '04-case-created');

    // The guided GBVIMS classification: the computed type shows before anything is saved.
    await page.click('#new-incident');
    await check(page, '05-incident-form');
    for (const q of ['penetration', 'physicalAssault', 'forcedMarriage', 'denialOfResources', 'moneyGoodsBenefitsExchanged', 'abductedOrHeld', 'harmfulTraditionalPractice']) await page.check(`#incident-${q}-no`);
    await page.check('#incident-sexualContactWithoutPenetration-yes');
    await page.check('#incident-psychologicalAbuse-yes');
    await page.fill('#incident-incidentDate', '2025-03-01');
    await page.selectOption('#incident-timeOfDay', 'evening_night');
    await page.selectOption('#incident-locationType', 'survivor_home');
    await page.selectOption('#incident-priorIncidents', 'no');
    await page.selectOption('#incident-perpCount', '1');
    await page.selectOption('#incident-perpSex', 'male');
    await page.selectOption('#incident-perpAge', '26_40');
    await page.selectOption('#incident-perpRelationship', 'intimate_partner');
    await page.selectOption('#incident-perpOccupation', 'farmer');
    await page.fill('#incident-narrative', canaries.incident);
    await page.click('#incident-preview-button');
    expect(await page.textContent('#computed-type')).toBe('Sexual assault');
    expect(await page.textContent('#incident-preview')).toContain('Intimate partner violence');
    expect(await page.isChecked('#incident-sexualContactWithoutPenetration-yes')).toBe(true);
    await check(page, '06-incident-preview');
    await page.click('#incident-save');
    expect(page.url()).toBe(`${base}/cases/${caseId}#incidents`);
    expect(await page.textContent('#incident-list')).toContain('Sexual assault');

    // The survivor's referral consent, with what may be shared.
    await page.selectOption('#consent-purpose', 'referral');
    await page.selectOption('#consent-givenBy', 'survivor');
    await page.selectOption('#consent-serviceType', 'reproductive_health');
    for (const f of ['ageBand', 'sex', 'incidentTypes']) await page.check(`#consent-shareableFields-${f}`);
    await page.click('#record-consent');
    expect(await page.textContent('#consent-list')).toContain('Referral to other agencies');
    await page.fill('#note-body', canaries.note);
    await page.click('#add-note');
    expect(await page.textContent('#note-list')).toContain(canaries.note);
    await check(page, '07-case-with-consent');

    // The directory: by type, region, and "open now"; what the survivor agreed to share; send.
    await page.click('#refer-link');
    expect(await page.textContent('#consented-fields')).toContain('Types of incident');
    await page.selectOption('#dir-type', 'reproductive_health');
    await page.fill('#dir-region', 'DEMO-NORTH');
    await page.fill('#dir-language', 'ar');
    await page.check('#dir-open');
    await page.click('#search-services');
    expect(page.url()).toContain('type=reproductive_health');
    const clinic = page.locator('#services li', { hasText: 'Demo Health Clinic' });
    expect(await clinic.count()).toBe(1);
    await check(page, '08-refer-search');
    await clinic.locator('button.send-referral').click();
    expect(page.url()).toMatch(new RegExp(`^${base}/referrals/${UUID}$`));
    referralId = page.url().slice(`${base}/referrals/`.length);
    expect(await page.textContent('#referral-state')).toContain('Waiting for answer');
    await check(page, '09-referral-sent');
    await page.click('form[action="/sign-out"] button');
    await context.close();
  });

  it('the clinic’s provider, in Arabic at 360×740, accepts and completes with a GBVIMS outcome', async () => {
    const { context, page } = await newPage('ar');
    await signIn(page, x.provB, 'ar', '10-provider-home-ar');
    expect(await page.getAttribute('html', 'dir')).toBe('rtl');
    await page.click('nav a[href="/referrals/incoming"]');
    expect(await page.locator(`#inbox-pending a[href="/referrals/${referralId}"]`).count()).toBe(1);
    await check(page, '11-inbox-ar');
    await page.click(`a[href="/referrals/${referralId}"]`);
    expect(await page.getAttribute('html', 'dir')).toBe('rtl');
    expect(await page.locator('#packet dt').allTextContents()).toEqual(expect.arrayContaining(['العمر', 'الجنس']));
    expect(await page.textContent('body')).not.toContain(canary);
    await check(page, '12-referral-ar');
    await page.click('#accept');
    expect(await page.textContent('#referral-state')).toContain('مقبولة');
    await page.fill('#note-body', 'موعد يوم الثلاثاء');
    await page.click('#add-note');
    expect(await page.textContent('#referral-notes')).toContain('موعد يوم الثلاثاء');
    await page.selectOption('#complete-outcome', 'referred');
    await page.click('#complete');
    expect(await page.textContent('#referral-state')).toContain('مكتملة');
    await check(page, '13-referral-completed-ar');
    await page.click('button.leave');
    await context.close();
  });

  it('the caseworker sees the outcome and asks to close the case', async () => {
    const { context, page } = await newPage('en');
    await signIn(page, x.cwA, 'en', '14-cw-home-again');
    expect(await page.textContent('#home-referrals')).toContain('Completed');
    expect(await page.textContent('#home-cases')).toContain('Next: assess the survivor’s needs');
    await page.goto(`${base}/cases/${caseId}`);
    const referrals = (await page.textContent('#case-referrals'))!.replace(/\s+/g, ' ');
    expect(referrals).toContain('Completed');
    expect(referrals).toContain('Service provided after referral');
    expect(await page.textContent('#service-record-list')).toContain('Reproductive health');
    await page.selectOption('#closure-closureReason', 'needs_met');
    await page.click('#request-closure');
    expect(await page.textContent('#closure-pending')).toBe('Closure is waiting for a supervisor’s approval.');
    await check(page, '15-closure-requested');
    await page.click('form[action="/sign-out"] button');
    await context.close();
  });

  it('the supervisor reassigns the case and approves its closure', async () => {
    const { context, page } = await newPage('en');
    await signIn(page, x.supA, 'en', '16-supervisor-home');
    await page.click('nav a[href="/supervisor"]');
    expect(await page.textContent('#caseload-table')).toContain('Test caseworker');
    expect(await page.locator(`#pending-approvals a[href="/cases/${caseId}"]`).count()).toBe(1);
    await check(page, '17-supervisor-desk');
    await page.goto(`${base}/cases/${caseId}`);
    await page.selectOption('#assign-caseworkerId', x.colleagueA.user.id);
    await page.click('#assign');
    expect(page.url()).toBe(`${base}/cases/${caseId}`);
    expect(await page.textContent('#case-summary')).toContain('another caseworker');
    await check(page, '18-case-reassigned');
    await page.goto(`${base}/supervisor`);
    await page.locator('#pending-approvals li', { has: page.locator(`a[href="/cases/${caseId}"]`) }).locator('button[value=approve]').click();
    expect(page.url()).toBe(`${base}/cases/${caseId}`);
    expect(await page.textContent('#case-stage')).toBe('Closed');
    await check(page, '19-case-closed');
    await page.click('nav a[href="/services"]');
    await check(page, '20-services');
    await page.click('form[action="/sign-out"] button');
    await context.close();
  });

  it('an invitee sets a password, enrols TOTP from the QR code page and waits for approval; once approved, works', async () => {
    const invitations = api.app.get(InvitationsService);
    const email = `invitee-${randomBytes(4).toString('hex')}@example.org`;
    const invited = await invitations.invite({ email, role: 'caseworker', agencyId: x.agencyA, displayName: 'New caseworker' }, { actor: null, via: 'test' });
    rememberSecret(invited.invitationToken);
    urlSecrets.push(invited.invitationToken, email, encodeURIComponent(email));
    const password = strongPassword();
    rememberSecret(password);
    urlSecrets.push(password);
    const { context, page } = await newPage('en');
    await page.goto(`${base}/sign-in?lang=en`);
    await page.click('a[href="/invitation?lang=en"]');
    await check(page, '30-invitation');
    // Secrets never come back in the page: after a mistake every field is empty again.
    await page.fill('#inv-token', invited.invitationToken);
    await page.fill('#inv-password', password);
    await page.fill('#inv-confirm', `${password}x`);
    await page.click('form[action="/invitation"] button[type=submit]');
    expect(await page.textContent('#inv-confirm-error')).toBe('The two passwords are not the same.');
    expect(await page.inputValue('#inv-token')).toBe('');
    expect(await page.content()).not.toContain(password);
    await check(page, '31-invitation-error');
    await page.fill('#inv-token', 'not-a-real-code');
    await page.fill('#inv-password', password);
    await page.fill('#inv-confirm', password);
    await page.click('form[action="/invitation"] button[type=submit]');
    expect(await page.textContent('#invitation-error')).toContain('This invitation code cannot be used');
    await page.fill('#inv-token', invited.invitationToken);
    await page.fill('#inv-password', password);
    await page.fill('#inv-confirm', password);
    await page.click('form[action="/invitation"] button[type=submit]');
    expect(page.url()).toBe(`${base}/sign-in?welcome=1&lang=en`);
    expect(await page.textContent('.note')).toContain('Your password is set.');
    await page.fill('#email', email);
    await page.fill('#password', password);
    await page.click('form[action="/sign-in"] button[type=submit]');
    expect(page.url()).toBe(`${base}/sign-in/code`);
    await check(page, '32-enrol-start');
    await page.click('form[action="/sign-in/enrol"] button');
    expect(await page.locator('.qr svg[role=img]').count()).toBe(1);
    const secret = (await page.textContent('#totp-secret'))!.replace(/\s+/g, '');
    rememberSecret(secret);
    await check(page, '33-enrol-qr');
    await page.fill('#code', await code(secret));
    await page.click('form[action="/sign-in/code"] button[type=submit]');
    expect(page.url()).toBe(`${base}/awaiting-approval`);
    expect(await page.textContent('#awaiting')).toContain('a second person must approve it');
    await check(page, '34-awaiting-approval');
    // Nothing else is reachable until then.
    await page.goto(`${base}/cases`);
    expect(page.url()).toBe(`${base}/awaiting-approval`);
    await invitations.activateByOperator((await api.app.get(DataSource).query(`SELECT id FROM users WHERE email = $1`, [email]))[0].id, 'test');
    await page.goto(`${base}/cases`);
    expect(page.url()).toBe(`${base}/cases`);
    await page.click('form[action="/sign-out"] button');
    await context.close();
  });

  it('a note typed into an expired session comes back after signing in again, and is saved on the second try', async () => {
    const { context, page } = await newPage('fr');
    const typed = `${canary} kept`;
    await signIn(page, x.colleagueA, 'fr', '40-colleague-home-fr');
    // The supervisor reassigned the journey's case to this colleague.
    await page.goto(`${base}/cases/${caseId}`);
    expect(await page.textContent('#case-stage')).toBe('Clos');
    // A new case of their own, through the form in French.
    await page.goto(`${base}/cases/new`);
    await page.fill('#case-survivorName', `${canary} second`);
    for (const [f, v] of [['sex', 'male'], ['ageBand', '26_40'], ['nationalityStatus', 'unknown'], ['displacementStatus', 'unknown'], ['disability', 'unknown']]) await page.selectOption(`#case-${f}`, v);
    await page.fill('#case-regionCode', 'DEMO-SOUTH');
    await page.click('#create-case');
    const target = page.url().slice(`${base}/cases/`.length);
    await page.goto(`${base}/cases/${target}`);
    await page.fill('#note-body', typed);
    // The session ends while the note is being typed (idle timeout, simulated).
    const redis = new Redis(redisOptionsFromUrl(web.config.redis.url));
    try {
      for (const k of await redis.keys(`${web.config.redis.prefix}:web-session:*`)) if ((await redis.get(k))!.includes(x.colleagueA.user.id)) await redis.del(k);
    } finally {
      redis.disconnect();
    }
    await page.click('#add-note');
    expect(page.url()).toBe(`${base}/sign-in?expired=1&kept=1&lang=fr`);
    expect(await page.textContent('.note')).toContain('15 minutes');
    await check(page, '41-expired-kept');
    await page.fill('#email', x.colleagueA.email);
    await page.fill('#password', x.colleagueA.password);
    await page.click('form[action="/sign-in"] button[type=submit]');
    await page.fill('#code', await code(x.colleagueA.totpSecret!));
    await page.click('form[action="/sign-in/code"] button[type=submit]');
    expect(page.url()).toBe(`${base}/resume`);
    expect(await page.inputValue('#note-body')).toBe(typed);
    expect(await page.textContent('#page-notice')).toContain('Voici ce que vous aviez saisi');
    await check(page, '42-form-back');
    await page.click('#add-note');
    expect(page.url()).toBe(`${base}/cases/${target}`);
    expect(await page.textContent('#note-list')).toContain(typed);
    await page.click('form[action="/sign-out"] button');
    await context.close();
  });

  it('a supervisor adds a service to the directory, edits it and closes it to referrals', async () => {
    const { context, page } = await newPage('es');
    await signIn(page, x.supB, 'es', '50-supervisor-home-es');
    await page.click('nav a[href="/services"]');
    await page.fill('#svc-new-name', 'Refugio nocturno');
    await page.selectOption('#svc-new-serviceType', 'safety_shelter');
    await page.fill('#svc-new-regionCodes', 'SO-BN; nope!');
    await page.fill('#svc-new-languages', 'so, es');
    await page.click('form[action="/services"] button[type=submit]');
    expect(await page.textContent('#svc-new-regionCodes-error')).toContain('Indique códigos de región');
    expect(await page.inputValue('#svc-new-name')).toBe('Refugio nocturno');
    await check(page, '51-service-error-es');
    await page.fill('#svc-new-regionCodes', 'SO-BN, SO-BR');
    await page.click('form[action="/services"] button[type=submit]');
    const entry = page.locator('#own-services li', { hasText: 'Refugio nocturno' });
    expect(await entry.count()).toBe(1);
    await entry.locator('button').click();
    expect(await page.locator('#own-services li', { hasText: 'Refugio nocturno' }).textContent()).toContain('No acepta remisiones');
    await page.click('#own-services a:text("Refugio nocturno")');
    await check(page, '52-service-edit-es');
    await page.fill('#svc-edit-openingHours', '24/7');
    await page.click('form[action^="/services/"] button[type=submit]');
    expect(page.url()).toBe(`${base}/services`);
    await check(page, '53-services-es');
    await page.click('form[action="/sign-out"] button');
    await context.close();
  });

  it('visited no URL holding a canary, loaded nothing from elsewhere, broke no CSP rule; the canaries are nowhere in clear', async () => {
    expect(checkedPages.length).toBeGreaterThan(15);
    for (const url of visited) {
      expect(url.startsWith(base)).toBe(true);
      for (const secret of [canary, canaries.phone, encodeURIComponent(canaries.phone), x.cwA.email, x.cwA.password, x.provB.password, ...urlSecrets]) expect(url).not.toContain(secret);
    }
    expect(foreignRequests).toEqual([]);
    expect(cspViolations).toEqual([]);
    await api.app.get(AuditSequencer).flush();
    const secrets = [canary, canaries.phone];
    expect(leaked(databaseDump(), secrets)).toEqual([]);
    expect(leaked(await redisDump(), secrets)).toEqual([]);
    expect(leaked(capturedLogs(), secrets)).toEqual([]);
  });
});
