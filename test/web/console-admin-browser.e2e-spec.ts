import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { DataSource } from 'typeorm';
import { AuditSequencer } from '@amani/audit';
import { auditPage, launchChromium, openPhonePage } from '../support/browser';
import { createTestApp, TestApp } from '../support/app';
import { capturedLogs, databaseDump, leaked, redisDump, rememberSecret } from '../support/canary';
import { freshTotpCode, LoggedIn, sessionAs, strongPassword } from '../support/users';
import { createTestWeb } from '../support/web';
import { newCase, referralConsent, refer, threeAgencies, ThreeAgencies } from '../referrals/referral-fixtures';
import { complaintBody, focalPoint, newComplaint } from '../sea/sea-fixtures';

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

/**
 * Administration in the staff console, in a real Chromium with JavaScript disabled at
 * 360×740: an administrator creates an agency and invites its first supervisor; the invitee
 * accepts, sets a password, enrols TOTP and waits; a second administrator (in Arabic, right
 * to left) approves; the invitee signs in and works. The administrator is refused the case,
 * referral and complaint pages; the audit pages show the journey's events as ids and codes,
 * never the canaries typed into a case and a complaint elsewhere. Every page is
 * screenshotted and checked by axe.
 */
jest.setTimeout(600_000);

describe('console administration in headless Chromium without JavaScript', () => {
  let api: TestApp;
  let web: TestApp;
  let x: ThreeAgencies;
  let browser: Browser;
  let axeContext: BrowserContext;
  let base: string;
  let admin1: LoggedIn;
  let admin2: LoggedIn;
  let caseId: string;
  let referralId: string;
  let complaintId: string;
  let inviteeId: string;
  let agencyId: string;
  const canary = `CANARY${randomBytes(6).toString('hex')}`;
  const canaries = { name: `${canary} Survivor`, complaint: `${canary} complaint narrative`, agency: `Agency ${randomBytes(4).toString('hex')}` };
  const invitee = { email: `first-sup-${randomBytes(4).toString('hex')}@example.org`, name: 'First supervisor', password: strongPassword(), token: '', totp: '' };
  const shots = join(process.env.AMANI_TEST_RUN_DIR!, 'screenshots');
  const visited: string[] = [];
  const foreignRequests: string[] = [];
  const cspViolations: string[] = [];
  const checkedPages: string[] = [];

  beforeAll(async () => {
    mkdirSync(shots, { recursive: true });
    rememberSecret(canary);
    rememberSecret(canaries.name);
    rememberSecret(canaries.complaint);
    rememberSecret(invitee.password);
    api = await createTestApp();
    web = await createTestWeb();
    await web.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(web.app.getHttpServer().address() as AddressInfo).port}`;
    x = await threeAgencies(api);
    admin1 = await sessionAs(api, { role: 'admin', displayName: 'Admin One' });
    admin2 = await sessionAs(api, { role: 'admin', displayName: 'Admin Two' });
    // Content elsewhere, whose canaries must never reach an admin page.
    caseId = (await newCase(api, x.cwA, { survivorName: canaries.name })).id;
    const consentId = await referralConsent(api, x.cwA, caseId, { serviceType: 'legal', recipientAgencyId: x.agencyB, shareableFields: ['ageBand', 'sex'] });
    const ref = await refer(api, x.cwA, caseId, { consentId, serviceType: 'legal', recipientAgencyId: x.agencyB });
    expect(ref.status).toBe(201);
    referralId = ref.body.id;
    await focalPoint(api);
    complaintId = (await newComplaint(api, complaintBody({ narrative: canaries.complaint }))).id;
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

  /** Screenshot, no script, no sideways scrolling at 360 px, every control labelled, no serious or critical axe violation, no canary. */
  async function check(page: Page, name: string): Promise<void> {
    checkedPages.push(name);
    await page.screenshot({ path: join(shots, `admin-${name}.png`), fullPage: true });
    expect(await page.locator('script').count()).toBe(0);
    expect(await page.content()).not.toContain(canary);
    const audit = await auditPage(axeContext, page);
    expect([name, audit.overflow, audit.serious, audit.unlabelled]).toEqual([name, 0, [], []]);
  }

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

  async function signIn(page: Page, who: { email: string; password: string; totpSecret: string }, lang: string): Promise<void> {
    await page.goto(`${base}/sign-in?lang=${lang}`);
    await page.fill('#email', who.email);
    await page.fill('#password', who.password);
    await page.click('form[action="/sign-in"] button[type=submit]');
    expect(page.url()).toBe(`${base}/sign-in/code`);
    await page.fill('#code', await code(who.totpSecret));
    await page.click('form[action="/sign-in/code"] button[type=submit]');
  }

  it('an administrator creates an agency and invites its first supervisor; the code is shown once', async () => {
    const { context, page } = await newPage('en');
    await signIn(page, { ...admin1, totpSecret: admin1.totpSecret! }, 'en');
    expect(page.url()).toBe(`${base}/`);
    await check(page, '01-admin-home');
    await page.click('nav a[href="/admin/agencies"]');
    await check(page, '02-agencies');
    await page.fill('#agency-new-name', canaries.agency);
    await page.selectOption('#agency-new-type', 'national_ngo');
    await page.check('#agency-new-serviceTypes-legal');
    await page.check('#agency-new-serviceTypes-psychosocial');
    await page.fill('#agency-new-regionCodes', 'SO-BN, nope!');
    await page.click('#agency-new-submit');
    expect(await page.textContent('#agency-new-regionCodes-error')).toContain('Please give region codes');
    expect(await page.isChecked('#agency-new-serviceTypes-psychosocial')).toBe(true);
    await check(page, '03-agency-error');
    await page.fill('#agency-new-regionCodes', 'SO-BN, SO-BR');
    await page.click('#agency-new-submit');
    expect(page.url()).toBe(`${base}/admin/agencies`);
    const entry = page.locator('#agency-list li', { hasText: canaries.agency });
    expect(await entry.textContent()).toContain('Psychosocial');
    await entry.locator('a').click();
    expect(page.url()).toMatch(new RegExp(`^${base}/admin/agencies/${UUID}$`));
    agencyId = page.url().slice(`${base}/admin/agencies/`.length);
    await check(page, '04-agency-edit');
    await page.check('#agency-edit-serviceTypes-medical');
    await page.click('#agency-edit-submit');
    expect(await page.locator('#agency-list li', { hasText: canaries.agency }).textContent()).toContain('Medical');

    await page.click('nav a[href="/admin/users"]');
    await check(page, '05-users');
    await page.click('#invite-link');
    await check(page, '06-invite');
    await page.fill('#invite-email', invitee.email);
    await page.fill('#invite-displayName', invitee.name);
    await page.selectOption('#invite-role', 'supervisor');
    await page.selectOption('#invite-agencyId', agencyId);
    await page.click('#invite-submit');
    expect(page.url()).toBe(`${base}/admin/users`);
    invitee.token = (await page.textContent('#invitation-code'))!.trim();
    expect(invitee.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    rememberSecret(invitee.token);
    expect(await page.textContent('#invitation-link')).toContain('/invitation');
    await check(page, '07-invitation-once');
    // The account page lists the invitee without the code.
    await page.goto(`${base}/admin/users`);
    await page.selectOption('#uf-agency', agencyId);
    await page.selectOption('#uf-role', 'supervisor');
    await page.click('form[action="/admin/users"] button[type=submit]');
    expect(page.url()).toBe(`${base}/admin/users?role=supervisor&agency=${agencyId}`);
    await page.locator('#user-list li', { hasText: invitee.name }).locator('a').click();
    inviteeId = page.url().slice(`${base}/admin/users/`.length);
    expect(inviteeId).toMatch(new RegExp(`^${UUID}$`));
    expect(await page.textContent('#account-status')).toContain('Invited');
    expect(await page.content()).not.toContain(invitee.token);
    await check(page, '08-account-invited');
    // The inviter cannot approve: the account is not even on their list.
    await page.click('nav a[href="/account-approvals"]');
    expect(await page.locator(`#approvals li[data-user="${inviteeId}"]`).count()).toBe(0);
    await check(page, '09-approvals-inviter');
    await page.click('form[action="/sign-out"] button');
    await context.close();
  });

  it('the invitee accepts, sets a password, enrols TOTP and waits for approval', async () => {
    const { context, page } = await newPage('en');
    await page.goto(`${base}/invitation?lang=en`);
    await page.fill('#inv-token', invitee.token);
    await page.fill('#inv-password', invitee.password);
    await page.fill('#inv-confirm', invitee.password);
    await page.click('form[action="/invitation"] button[type=submit]');
    expect(page.url()).toBe(`${base}/sign-in?welcome=1&lang=en`);
    await page.fill('#email', invitee.email);
    await page.fill('#password', invitee.password);
    await page.click('form[action="/sign-in"] button[type=submit]');
    await page.click('form[action="/sign-in/enrol"] button');
    invitee.totp = (await page.textContent('#totp-secret'))!.replace(/\s+/g, '');
    rememberSecret(invitee.totp);
    await page.fill('#code', await code(invitee.totp));
    await page.click('form[action="/sign-in/code"] button[type=submit]');
    expect(page.url()).toBe(`${base}/awaiting-approval`);
    await check(page, '10-invitee-awaiting');
    await page.click('form[action="/sign-out"] button');
    await context.close();
  });

  it('a second administrator, in Arabic at 360×740, approves the account', async () => {
    const { context, page } = await newPage('ar');
    await signIn(page, { ...admin2, totpSecret: admin2.totpSecret! }, 'ar');
    expect(await page.getAttribute('html', 'dir')).toBe('rtl');
    await page.click('nav a[href="/account-approvals"]');
    const item = page.locator(`#approvals li[data-user="${inviteeId}"]`);
    expect(await item.count()).toBe(1);
    await check(page, '11-approvals-ar');
    await item.locator('button[value=approve]').click();
    expect(page.url()).toBe(`${base}/account-approvals?done=approved`);
    expect(await page.textContent('#page-notice')).toContain('تمت الموافقة');
    await check(page, '12-approved-ar');
    await page.goto(`${base}/admin/users/${inviteeId}`);
    expect(await page.textContent('#account-status')).toContain('نشط');
    await check(page, '13-account-active-ar');
    await page.click('nav a[href="/admin/audit"]');
    await check(page, '14-audit-ar');
    await page.goto(`${base}/admin/audit/events?actor=${inviteeId}`);
    await check(page, '15-events-ar');
    await page.click('form[action="/sign-out"] button');
    await context.close();
  });

  it('the invitee signs in and works', async () => {
    const { context, page } = await newPage('en');
    await signIn(page, { email: invitee.email, password: invitee.password, totpSecret: invitee.totp }, 'en');
    expect(page.url()).toBe(`${base}/`);
    expect(await page.textContent('main')).toContain('Signed in as supervisor');
    await page.click('nav a[href="/supervisor"]');
    expect(page.url()).toBe(`${base}/supervisor`);
    await page.click('form[action="/sign-out"] button');
    await context.close();
  });

  it('the administrator is refused the case, referral and complaint pages, and the audit pages show the journey without content', async () => {
    const { context, page } = await newPage('en');
    await signIn(page, { ...admin1, totpSecret: admin1.totpSecret! }, 'en');
    for (const [path, status] of [
      [`/cases/${caseId}`, 403],
      [`/referrals/${referralId}`, 403],
      ['/cases', 403],
    ] as const) {
      const res = await page.goto(`${base}${path}`);
      expect([path, res!.status()]).toEqual([path, status]);
      expect(await page.textContent('main')).toContain('Your role cannot use this page.');
      expect(await page.content()).not.toContain(canary);
    }
    await check(page, '20-case-forbidden');
    // No complaint page answers an administrator: not found or forbidden, and nothing of the complaint.
    for (const path of [`/sea/complaints/${complaintId}`, `/complaints/${complaintId}`, `/psea/complaints/${complaintId}`]) {
      const res = await page.goto(`${base}${path}`);
      expect([path, [403, 404].includes(res!.status())]).toEqual([path, true]);
      expect(await page.content()).not.toContain(canary);
    }
    await check(page, '21-complaint-refused');

    await page.goto(`${base}/admin/audit`);
    await check(page, '22-audit-state');
    await page.click('#verify-now');
    expect(await page.textContent('#verify-result')).toMatch(/^The chain is intact: \d+ events/);
    await check(page, '23-audit-verified');
    await page.goto(`${base}/admin/audit`);
    expect(await page.textContent('#chain-verified')).toMatch(/Intact up to event \d+/);

    // The journey's events, by who did them and to which record.
    await api.app.get(AuditSequencer).flush();
    await page.click('a[href="/admin/audit/events"]');
    await page.fill('#ev-actor', admin1.user.id);
    await page.click('#filter-events');
    expect(page.url()).toContain(`actor=${admin1.user.id}`);
    const mine = (await page.textContent('#events'))!;
    for (const action of ['agency.create', 'agency.update', 'user.invite', 'audit.verify']) expect(mine).toContain(action);
    expect(mine).toContain(inviteeId);
    expect(mine).toContain(agencyId);
    await check(page, '24-events-admin');
    await page.goto(`${base}/admin/audit/events?actor=${admin2.user.id}&action=user.approval`);
    const approval = (await page.textContent('#events'))!;
    expect(approval).toContain(inviteeId);
    expect(approval).toContain('success');
    await page.goto(`${base}/admin/audit/events?actor=${inviteeId}`);
    expect(await page.textContent('#events')).toContain('user.invitation.accept');
    // The case's and complaint's own events show ids only.
    await page.goto(`${base}/admin/audit/events?action=case.`);
    expect(await page.textContent('#events')).toContain(caseId);
    await page.goto(`${base}/admin/audit/events`);
    const all = await page.content();
    for (const secret of [canary, invitee.email, invitee.token, x.cwA.email]) expect(all).not.toContain(secret);
    await check(page, '25-events-all');
    if (await page.locator('#older-events').count()) {
      await page.click('#older-events');
      expect(page.url()).toMatch(/before=\d+/);
      await check(page, '26-events-older');
    }
    await page.click('form[action="/sign-out"] button');
    await context.close();
  });

  it('visited no URL holding a secret, loaded nothing from elsewhere, broke no CSP rule; the canaries are nowhere in clear', async () => {
    expect(checkedPages.length).toBeGreaterThan(20);
    for (const url of visited) {
      expect(url.startsWith(base)).toBe(true);
      for (const secret of [canary, invitee.email, encodeURIComponent(invitee.email), invitee.password, invitee.token, admin1.email, admin1.password]) expect(url).not.toContain(secret);
    }
    expect(foreignRequests).toEqual([]);
    expect(cspViolations).toEqual([]);
    await api.app.get(AuditSequencer).flush();
    // The invitation code is kept only as its hash.
    expect(JSON.stringify(await api.app.get(DataSource).query(`SELECT * FROM users WHERE id = $1`, [inviteeId]))).not.toContain(invitee.token);
    const secrets = [canary, invitee.token, invitee.password, invitee.totp];
    expect(leaked(databaseDump(), secrets)).toEqual([]);
    expect(leaked(await redisDump(), secrets)).toEqual([]);
    expect(leaked(capturedLogs(), secrets)).toEqual([]);
  });
});
