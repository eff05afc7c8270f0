import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { DataSource } from 'typeorm';
import { SessionService, ROLES } from '@amani/auth';
import type { Role } from '@amani/auth';
import { redisOptionsFromUrl } from '@amani/jobs';
import { createTestApp, TestApp } from '../support/app';
import { listRoutes } from '../support/routes';
import { createUser, freshTotpCode, LoggedIn, sessionAs } from '../support/users';
import { browserOf, cookieFrom, createTestWeb, csrfOf, PRE, SESSION, setCookieLine, webSignIn, WebUser } from '../support/web';
import { newCase, referralConsent, refer, threeAgencies, ThreeAgencies } from '../referrals/referral-fixtures';
import { auditEvents } from '../cases/case-fixtures';

/**
 * The staff console over HTTP: sign-in with password and TOTP (and first enrolment), the
 * session cookie and its flags, CSRF and Origin checks, sign-out and "leave quickly", idle
 * expiry and revocation, and who may open which page — another agency's record answers
 * exactly like a record that does not exist.
 */
describe('staff console (apps/web)', () => {
  let api: TestApp;
  let web: TestApp;
  let x: ThreeAgencies;
  let caseA: string;
  let referralAB: string;
  let redis: Redis;

  beforeAll(async () => {
    api = await createTestApp();
    web = await createTestWeb();
    redis = new Redis(redisOptionsFromUrl(web.config.redis.url));
    x = await threeAgencies(api);
    caseA = (await newCase(api, x.cwA)).id;
    const consentId = await referralConsent(api, x.cwA, caseA, { serviceType: 'legal', recipientAgencyId: x.agencyB, shareableFields: ['ageBand', 'sex', 'incidentTypes'] });
    const res = await refer(api, x.cwA, caseA, { consentId, serviceType: 'legal', recipientAgencyId: x.agencyB });
    expect(res.status).toBe(201);
    referralAB = res.body.id;
  });
  afterAll(async () => {
    redis?.disconnect();
    await web?.close();
    await api?.close();
  });

  const signIn = (u: LoggedIn) => webSignIn(web, u);
  // One console session per fixture user: each sign-in spends a TOTP step, and only two are usable per 30 s.
  const signedIn = new Map<LoggedIn, Promise<WebUser>>();
  const once = (u: LoggedIn) => {
    if (!signedIn.has(u)) signedIn.set(u, signIn(u));
    return signedIn.get(u)!;
  };

  describe('sign-in', () => {
    it('serves the form with a strict CSP, no-store, a pre-session token cookie with the __Host- flags, and no script', async () => {
      const res = await web.http().get('/sign-in?lang=ar');
      expect(res.status).toBe(200);
      expect(res.headers['content-security-policy']).toMatch(/^default-src 'none'; style-src 'sha256-[^']+'; img-src 'none'; form-action 'self'/);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.headers['referrer-policy']).toBe('same-origin');
      expect(res.text).toContain('<html lang="ar" dir="rtl">');
      expect(res.text).not.toMatch(/<script|\son[a-z]+=/i);
      expect(setCookieLine(res, PRE)).toMatch(/^__Host-amani-pre=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; Secure; SameSite=Strict$/);
    });

    it('signs in with password then TOTP; the session cookie is __Host-, HttpOnly, Secure, SameSite=Strict and changes after the second factor', async () => {
      const u = await sessionAs(api, { role: 'caseworker', agencyId: x.agencyA });
      const form = await web.http().get('/sign-in');
      const pre = cookieFrom(form, PRE)!;
      const first = await web.http().post('/sign-in').set('Cookie', `${PRE}=${pre}`).type('form').send({ _csrf: csrfOf(form.text), email: u.email, password: u.password, lang: 'fr' });
      expect(first.status).toBe(303);
      expect(first.headers.location).toBe('/sign-in/code');
      expect(setCookieLine(first, SESSION)).toMatch(/^__Host-amani-session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; Secure; SameSite=Strict$/);
      const pending = cookieFrom(first, SESSION)!;
      // Password alone reaches nothing but the code page.
      const early = await web.http().get('/cases').set('Cookie', `${SESSION}=${pending}`);
      expect([early.status, early.headers.location]).toEqual([303, '/sign-in/code']);
      const codePage = await web.http().get('/sign-in/code').set('Cookie', `${SESSION}=${pending}`);
      expect(codePage.text).toContain('lang="fr"');
      const wrong = await web.http().post('/sign-in/code').set('Cookie', `${SESSION}=${pending}`).type('form').send({ _csrf: csrfOf(codePage.text), code: '000000' });
      expect(wrong.status).toBe(401);
      expect(wrong.text).toContain('Ce code n’a pas été accepté.');
      const ok = await web.http().post('/sign-in/code').set('Cookie', `${SESSION}=${pending}`).type('form').send({ _csrf: csrfOf(codePage.text), code: await freshTotpCode(u.totpSecret!) });
      expect([ok.status, ok.headers.location]).toEqual([303, '/']);
      const full = cookieFrom(ok, SESSION)!;
      expect(full).not.toBe(pending);
      expect((await web.http().get('/').set('Cookie', `${SESSION}=${pending}`)).status).toBe(303); // the pre-MFA token is gone
      const home = await web.http().get('/').set('Cookie', `${SESSION}=${full}`);
      expect(home.status).toBe(200);
      expect(home.text).toContain('Connecté·e comme gestionnaire de cas');
      // The Redis record holds ids and a form token, nothing identifying; it expires after the idle timeout.
      const keys = await redis.keys(`${web.config.redis.prefix}:web-session:*`);
      const mine = [];
      for (const k of keys) if ((await redis.get(k))!.includes(u.user.id)) mine.push(k);
      expect(mine).toHaveLength(1);
      expect(await redis.get(mine[0])).not.toContain(u.email);
      const ttl = await redis.ttl(mine[0]);
      expect(ttl).toBeGreaterThan(web.config.web.idleTimeoutSeconds - 5);
      expect(ttl).toBeLessThanOrEqual(web.config.web.idleTimeoutSeconds);
    });

    it('answers a wrong password, an unknown account and a disabled one with the same page', async () => {
      const u = await sessionAs(api, { role: 'provider', agencyId: x.agencyB });
      const attempt = async (email: string, password: string) => {
        const form = await web.http().get('/sign-in');
        const res = await web.http().post('/sign-in').set('Cookie', `${PRE}=${cookieFrom(form, PRE)!}`).type('form').send({ _csrf: csrfOf(form.text), email, password, lang: 'en' });
        expect(res.status).toBe(401);
        return res.text.replace(/value="[A-Za-z0-9_-]{43}"/, '').replace(/value="[^"]*@[^"]*"/, '');
      };
      const wrong = await attempt(u.email, 'not the password 123');
      const unknown = await attempt(`nobody-${randomUUID()}@example.org`, 'whatever 12345');
      await api.app.get(DataSource).query(`UPDATE users SET disabled_at = now() WHERE id = $1`, [u.user.id]);
      const disabled = await attempt(u.email, u.password);
      expect(unknown).toBe(wrong);
      expect(disabled).toBe(wrong);
      expect(wrong).toContain('We could not sign you in with these details.');
      expect(wrong).not.toContain(u.password);
    });

    it('enrols TOTP on a first sign-in: the key as text and as an inline SVG QR code, shown only in a POST answer', async () => {
      const u = await createUser(api, { role: 'supervisor', agencyId: x.agencyA });
      const form = await web.http().get('/sign-in');
      const first = await web.http().post('/sign-in').set('Cookie', `${PRE}=${cookieFrom(form, PRE)!}`).type('form').send({ _csrf: csrfOf(form.text), email: u.email, password: u.password });
      const cookie = cookieFrom(first, SESSION)!;
      const start = await web.http().get('/sign-in/code').set('Cookie', `${SESSION}=${cookie}`);
      expect(start.text).toContain('Set up your authenticator app');
      const enrol = await web.http().post('/sign-in/enrol').set('Cookie', `${SESSION}=${cookie}`).type('form').send({ _csrf: csrfOf(start.text) });
      expect(enrol.status).toBe(200);
      expect(enrol.text).toMatch(/<svg [^>]*role="img"/);
      const secret = /id="totp-secret">([A-Z2-7 ]+)</.exec(enrol.text)![1].replace(/ /g, '');
      const ok = await web.http().post('/sign-in/code').set('Cookie', `${SESSION}=${cookie}`).type('form').send({ _csrf: csrfOf(enrol.text), code: await freshTotpCode(secret) });
      expect([ok.status, ok.headers.location]).toEqual([303, '/']);
      const [row] = await api.app.get(DataSource).query(`SELECT mfa_enabled_at IS NOT NULL AS on FROM users WHERE id = $1`, [u.user.id]);
      expect(row.on).toBe(true);
    });
  });

  describe('forms', () => {
    it('refuses a post without the token, with another session’s token, or from a foreign origin', async () => {
      const u = await signIn(await sessionAs(api, { role: 'provider', agencyId: x.agencyB }));
      const other = await signIn(await sessionAs(api, { role: 'provider', agencyId: x.agencyB }));
      const b = browserOf(web, u);
      for (const res of [
        await b.post('/language', { lang: 'fr' }, { csrf: null }),
        await b.post('/language', { lang: 'fr' }, { csrf: other.csrf }),
        await b.post('/language', { lang: 'fr' }).set('Origin', 'https://evil.example'),
        await b.post('/language', { lang: 'fr' }).set('Sec-Fetch-Site', 'cross-site'),
      ]) {
        expect(res.status).toBe(403);
        expect(res.text).toContain('This form could not be accepted.');
      }
      // The sign-in form too: its token must match the pre-session cookie.
      const form = await web.http().get('/sign-in');
      const forged = await web.http().post('/sign-in').set('Cookie', `${PRE}=${cookieFrom(form, PRE)!}`).type('form').send({ _csrf: 'x'.repeat(43), email: 'a@example.org', password: 'p' });
      expect(forged.status).toBe(403);
      // With the right token and this origin, the same post goes through.
      const ok = await b.post('/language', { lang: 'es' }).set('Origin', `http://${'127.0.0.1'}`).set('Host', '127.0.0.1');
      expect([ok.status, ok.headers.location]).toEqual([303, '/']);
      expect((await b.get('/')).text).toContain('<html lang="es"');
    });
  });

  describe('ending a session', () => {
    it('signs out: the auth session is revoked, the cookie cleared, the browser told to forget the site', async () => {
      const u = await sessionAs(api, { role: 'supervisor', agencyId: x.agencyA });
      const w = await signIn(u);
      const out = await browserOf(web, w).post('/sign-out');
      expect(out.status).toBe(303);
      expect(out.headers.location).toBe('/sign-in?out=1&lang=en');
      expect(out.headers['clear-site-data']).toBe('"cache", "cookies", "storage"');
      expect(setCookieLine(out, SESSION)).toMatch(/^__Host-amani-session=; Path=\/; Expires=Thu, 01 Jan 1970/);
      const rows = await api.app.get(DataSource).query(`SELECT revoke_reason FROM auth_sessions WHERE user_id = $1 AND revoked_at IS NOT NULL`, [u.user.id]);
      expect(rows.map((r: { revoke_reason: string }) => r.revoke_reason)).toContain('logout');
      const after = await browserOf(web, w).get('/cases');
      expect([after.status, after.headers.location]).toEqual([303, '/sign-in?expired=1']);
    });

    it('“leave quickly” ends the session and lands on a page that names nothing', async () => {
      const w = await signIn(await sessionAs(api, { role: 'caseworker', agencyId: x.agencyA }));
      const home = await browserOf(web, w).get('/');
      expect(home.text).toMatch(/<form class="inline" method="post" action="\/leave">/);
      const out = await browserOf(web, w).post('/leave');
      expect([out.status, out.headers.location]).toEqual([303, '/bye?lang=en']);
      expect(out.headers['clear-site-data']).toBeDefined();
      const bye = await web.http().get('/bye?lang=en');
      expect(bye.status).toBe(200);
      expect(bye.text).not.toMatch(/Amani|case|referral|sign/i);
      expect((await browserOf(web, w).get('/')).status).toBe(303);
    });

    it('ends after the idle timeout, and when the API revokes the session', async () => {
      const u = await sessionAs(api, { role: 'caseworker', agencyId: x.agencyA });
      const idle = await signIn(u);
      // Stand in for WEB_IDLE_TIMEOUT_SECONDS of silence: the record's own expiry.
      for (const k of await redis.keys(`${web.config.redis.prefix}:web-session:*`)) if ((await redis.get(k))!.includes(u.user.id)) await redis.pexpire(k, 1);
      await new Promise((r) => setTimeout(r, 20));
      expect((await browserOf(web, idle).get('/')).headers.location).toBe('/sign-in?expired=1');

      const v = await sessionAs(api, { role: 'caseworker', agencyId: x.agencyA });
      const revoked = await signIn(v);
      expect((await browserOf(web, revoked).get('/')).status).toBe(200);
      await api.app.get(SessionService).revokeAllForUser(v.user.id, 'user_disabled');
      expect((await browserOf(web, revoked).get('/')).headers.location).toBe('/sign-in?expired=1');
    });
  });

  describe('who may open what', () => {
    let by: Record<Role, WebUser>;
    let otherCw: WebUser;
    let otherProvider: WebUser;

    beforeAll(async () => {
      by = {} as Record<Role, WebUser>;
      for (const role of ROLES) {
        const agencyId = role === 'admin' || role === 'protection_officer' ? null : role === 'provider' ? x.agencyB : x.agencyA;
        by[role] = await signIn(await sessionAs(api, { role, agencyId }));
      }
      otherCw = await signIn(await sessionAs(api, { role: 'caseworker', agencyId: x.agencyC }));
      otherProvider = await signIn(x.provC);
    });

    it('covers every console route', () => {
      const routes = listRoutes(web.app).map((r) => r.key).sort();
      expect(routes).toEqual(
        [
          'GET /',
          'GET /bye',
          'GET /cases',
          'GET /cases/:id',
          'GET /referrals/:id',
          'GET /referrals/incoming',
          'GET /sign-in',
          'GET /sign-in/code',
          'POST /language',
          'POST /leave',
          'POST /notifications/:id/read',
          'POST /cases/:id/identifying',
          'POST /referrals/:id/accept',
          'POST /referrals/:id/complete',
          'POST /referrals/:id/decline',
          'POST /sign-in',
          'POST /sign-in/code',
          'POST /sign-in/enrol',
          'POST /sign-out',
          'GET /cases/new',
          'POST /cases',
          'GET /cases/:id/incidents/new',
          'POST /cases/:id/incidents',
          'POST /cases/:id/consents',
          'POST /cases/:id/consents/:consentId/withdraw',
          'POST /cases/:id/stage',
          'POST /cases/:id/closure',
          'POST /cases/:id/assign',
          'POST /cases/:id/erase',
          'POST /cases/:id/erase/confirm',
          'POST /cases/:id/action-plan',
          'POST /cases/:id/notes',
          'GET /cases/:id/refer',
          'POST /cases/:id/referrals',
          'POST /referrals/:id/revoke',
          'GET /supervisor',
          'POST /approvals/:id/decide',
          'GET /services',
          'POST /services',
          'GET /services/:id',
          'POST /services/:id',
          'POST /services/:id/open',
          'POST /services/:id/close',
          'GET /resume',
          // statistics (issue 13, merged from main)
          'GET /reports',
          'GET /reports/:id',
          'GET /reports/:id/csv',
          'GET /reports/:id/svg',
          'GET /reports/compare',
          'POST /reports',
          'GET /invitation',
          'POST /invitation',
          'GET /awaiting-approval',
          'POST /referrals/:id/notes',
          'POST /cases/:id/action-plan/:itemId',
          // assisted SEA intake (issue 16 item 1): focal points only, see test/sea/sea-assisted-intake-console.e2e-spec.ts
          'GET /sea/intake',
          'POST /sea/intake',
          // PSEA focal point workspace and the receiving side of SEA assistance (issue 13 item 2: console-psea.e2e-spec.ts)
          'GET /psea',
          'GET /psea/unlock',
          'POST /psea/unlock',
          'GET /psea/complaints/:id',
          'POST /psea/complaints/:id/messages',
          'POST /psea/complaints/:id/notes',
          'POST /psea/complaints/:id/status',
          'POST /psea/complaints/:id/outcome',
          'POST /psea/complaints/:id/assistance',
          'GET /psea/keys',
          'POST /psea/keys',
          'POST /psea/keys/recover',
          'POST /psea/focal-points/:userId/endorsement',
          'POST /psea/focal-points/:userId/grants',
          'POST /psea/complaints/:id/entity-referral',
          'POST /psea/complaints/:id/victims',
          'POST /psea/complaints/:id/victims/:victimId',
          'GET /psea/entities',
          'POST /psea/entities',
          'POST /psea/entities/:entityId/active',
          'GET /sea-assistance',
          'POST /sea-assistance/:id/accept',
          // administration (issue 13 item 3)
          'GET /admin/agencies',
          'POST /admin/agencies',
          'GET /admin/agencies/:id',
          'POST /admin/agencies/:id',
          'GET /admin/users',
          'GET /admin/users/new',
          'POST /admin/users',
          'GET /admin/users/:id',
          'POST /admin/users/:id/disable',
          'POST /admin/users/:id/enable',
          'POST /admin/users/:id/reinvite',
          'POST /admin/users/:id/reset',
          'GET /account-approvals',
          'POST /account-approvals/:id',
          'GET /admin/audit',
          'POST /admin/audit/verify',
          'GET /admin/audit/events',
        ].sort(),
      );
    });

    it('sends a visitor without a session to sign-in from every page and form', async () => {
      for (const [method, url] of [
        ['GET', '/'],
        ['GET', '/cases'],
        ['GET', `/cases/${caseA}`],
        ['GET', '/referrals/incoming'],
        ['GET', `/referrals/${referralAB}`],
        ['GET', '/sign-in/code'],
        ['POST', `/referrals/${referralAB}/accept`],
        ['POST', `/referrals/${referralAB}/decline`],
        ['POST', `/referrals/${referralAB}/complete`],
        ['POST', '/language'],
        ['POST', `/cases/${caseA}/identifying`],
        ['POST', `/notifications/${randomUUID()}/read`],
        ['POST', '/sign-out'],
        ['POST', '/leave'],
        ['POST', '/sign-in/code'],
        ['POST', '/sign-in/enrol'],
      ]) {
        const res = method === 'GET' ? await web.http().get(url) : await web.http().post(url).type('form').send({ _csrf: 'x' });
        expect([method, url, res.status, res.headers.location]).toEqual([method, url, 303, '/sign-in?expired=1']);
      }
    });

    it('gives each role its pages and a 403 page elsewhere', async () => {
      const expected: Record<Role, Record<string, number>> = {
        // A caseworker sees only cases assigned or shared to them: a colleague's case is "not found".
        caseworker: { '/': 200, '/cases': 200, case: 404, '/referrals/incoming': 403, referral: 404 },
        supervisor: { '/': 200, '/cases': 200, case: 200, '/referrals/incoming': 403, referral: 200 },
        provider: { '/': 200, '/cases': 403, case: 403, '/referrals/incoming': 200, referral: 200 },
        admin: { '/': 200, '/cases': 403, case: 403, '/referrals/incoming': 403, referral: 403 },
        protection_officer: { '/': 200, '/cases': 403, case: 403, '/referrals/incoming': 403, referral: 403 },
        psea_focal_point: { '/': 200, '/cases': 403, case: 403, '/referrals/incoming': 403, referral: 403 },
      };
      for (const role of ROLES) {
        const got: Record<string, number> = {};
        for (const [name, url] of [
          ['/', '/'],
          ['/cases', '/cases'],
          ['case', `/cases/${caseA}`],
          ['/referrals/incoming', '/referrals/incoming'],
          ['referral', `/referrals/${referralAB}`],
        ]) {
          const res = await browserOf(web, by[role]).get(url);
          got[name] = res.status;
          expect(res.headers['cache-control']).toBe('no-store');
        }
        expect([role, got]).toEqual([role, expected[role]]);
      }
      // The case's own caseworker does see it.
      const owner = await once(x.cwA);
      expect((await browserOf(web, owner).get(`/cases/${caseA}`)).status).toBe(200);
      expect((await browserOf(web, owner).get(`/referrals/${referralAB}`)).status).toBe(200);
      // Forms of a role's own pages only.
      for (const role of ROLES.filter((r) => r !== 'provider')) {
        expect((await browserOf(web, by[role]).post(`/referrals/${referralAB}/accept`)).status).toBe(403);
        expect((await browserOf(web, by[role]).post(`/referrals/${referralAB}/complete`, { outcome: 'referred' })).status).toBe(403);
      }
    });

    it('shows another agency’s case or referral exactly like one that does not exist', async () => {
      const strip = (html: string) => html.replace(/value="[A-Za-z0-9_-]{43}"/g, '');
      const foreignCase = await browserOf(web, otherCw).get(`/cases/${caseA}`);
      const randomCase = await browserOf(web, otherCw).get(`/cases/${randomUUID()}`);
      const notAnId = await browserOf(web, otherCw).get('/cases/not-an-id');
      expect(foreignCase.status).toBe(404);
      expect(randomCase.status).toBe(404);
      expect(notAnId.status).toBe(404);
      expect(strip(foreignCase.text)).toBe(strip(randomCase.text));
      expect(strip(notAnId.text)).toBe(strip(randomCase.text));

      const foreignReferral = await browserOf(web, otherProvider).get(`/referrals/${referralAB}`);
      const randomReferral = await browserOf(web, otherProvider).get(`/referrals/${randomUUID()}`);
      expect(foreignReferral.status).toBe(404);
      expect(strip(foreignReferral.text)).toBe(strip(randomReferral.text));
      const foreignAccept = await browserOf(web, otherProvider).post(`/referrals/${referralAB}/accept`);
      expect(foreignAccept.status).toBe(404);
    });
  });

  describe('limits', () => {
    it('puts sign-in under the API’s strict login limit, answered with a page', async () => {
      // Its own Redis prefix, so the counters of the other tests' sign-ins do not count here.
      const limited = await createTestWeb({ THROTTLE_AUTH_LIMIT: '3', REDIS_PREFIX: `${process.env.REDIS_PREFIX!}-limited` });
      try {
        const statuses: number[] = [];
        let last = '';
        for (let i = 0; i < 5; i++) {
          const form = await limited.http().get('/sign-in');
          const res = await limited.http().post('/sign-in').set('Cookie', `${PRE}=${cookieFrom(form, PRE)!}`).type('form').send({ _csrf: csrfOf(form.text), email: `nobody-${i}@example.org`, password: 'wrong password 1' });
          statuses.push(res.status);
          last = res.text;
        }
        expect(statuses.slice(0, 2)).toEqual([401, 401]);
        expect(statuses[4]).toBe(429);
        expect(last).toContain('The service is busy.');
        // Pages that need no secret stay reachable.
        expect((await limited.http().get('/sign-in')).status).toBe(200);
      } finally {
        await limited.close();
      }
    });
  });

  describe('journeys', () => {
    it('shows the caseworker’s open cases and unread notifications on the home page; marking one read removes it', async () => {
      const db = api.app.get(DataSource);
      const [n] = await db.query(
        `INSERT INTO notifications (user_id, kind, target_type, target_id, referral_id, case_id) VALUES ($1, 'referral_unanswered', 'referral', $2, $2, $3) RETURNING id`,
        [x.cwA.user.id, referralAB, caseA],
      );
      const [foreign] = await db.query(
        `INSERT INTO notifications (user_id, kind, target_type, target_id, referral_id, case_id) VALUES ($1, 'referral_unanswered', 'referral', $2, $2, $3) RETURNING id`,
        [x.colleagueA.user.id, referralAB, caseA],
      );
      const cw = await once(x.cwA);
      const home = await browserOf(web, cw).get('/');
      expect(home.text).toMatch(new RegExp(`id="home-cases".*href="/cases/${caseA}"`, 's'));
      expect(home.text).toMatch(new RegExp(`id="home-notifications".*href="/referrals/${referralAB}">A referral has had no answer<`, 's'));
      const read = await browserOf(web, cw).post(`/notifications/${n.id}/read`);
      expect([read.status, read.headers.location]).toEqual([303, '/']);
      expect((await browserOf(web, cw).get('/')).text).toContain('No unread notification.');
      // Someone else's notification answers like a missing one, and stays unread.
      expect((await browserOf(web, cw).post(`/notifications/${foreign.id}/read`)).status).toBe(404);
      const [still] = await db.query(`SELECT read_at FROM notifications WHERE id = $1`, [foreign.id]);
      expect(still.read_at).toBeNull();
    });

    it('lists the agency’s cases with filters and pages, without identifying fields', async () => {
      const cw = await once(x.cwA);
      const list = await browserOf(web, cw).get('/cases');
      expect(list.status).toBe(200);
      expect(list.text).toContain(`/cases/${caseA}`);
      expect(list.text).not.toMatch(/Survivor [0-9a-f]{8}/); // the fixture's name
      const filtered = await browserOf(web, cw).get('/cases?stage=closed');
      expect(filtered.text).not.toContain(`/cases/${caseA}`);
      expect(filtered.text).toContain('0 cases');
      const bad = await browserOf(web, cw).get('/cases?sex=robot&region=%3Cx%3E');
      expect(bad.status).toBe(400);
      expect(bad.text).toMatch(/id="f-sex-error">Please choose one of the options.</);
      expect(bad.text).toMatch(/id="f-region-error">/);
      expect(bad.text).not.toContain('<x>');
      const view = await browserOf(web, cw).get(`/cases/${caseA}`);
      expect(view.status).toBe(200);
      expect(view.text).toContain('id="case-stage">Intake<');
      expect(view.text).not.toMatch(/Survivor [0-9a-f]{8}/);
      // Identifying details: only after a deliberate, CSRF-protected post, and each viewing is audited.
      expect((await browserOf(web, cw).post(`/cases/${caseA}/identifying`, {}, { csrf: null })).status).toBe(403);
      const shown = await browserOf(web, cw).post(`/cases/${caseA}/identifying`);
      expect(shown.status).toBe(200);
      expect(shown.headers['cache-control']).toBe('no-store');
      expect(shown.text).toMatch(/id="case-identifying".*Survivor [0-9a-f]{8}/s);
      const audited = await auditEvents(web, { targetId: caseA, actorId: x.cwA.user.id, action: 'case.identifying.view' });
      expect(audited.map((a) => [a.outcome, a.details])).toEqual([['success', { via: 'console' }]]);
      // Another agency's caseworker: the same "not found" as anywhere else, and nothing audited as viewed.
      const otherAgency = await signIn(await sessionAs(api, { role: 'caseworker', agencyId: x.agencyC }));
      expect((await browserOf(web, otherAgency).post(`/cases/${caseA}/identifying`)).status).toBe(404);
    });

    it('lets the receiving provider read the consented packet, then decline with a reason or accept', async () => {
      const prov = await signIn(x.provB);
      const inbox = await browserOf(web, prov).get('/referrals/incoming');
      expect(inbox.text).toContain(`/referrals/${referralAB}`);
      const page = await browserOf(web, prov).get(`/referrals/${referralAB}`);
      expect(page.text).toMatch(/<dl id="packet">.*Age.*18–25/s);
      expect(page.text).not.toContain('Name</dt>'); // not consented, not sent
      const missing = await browserOf(web, prov).post(`/referrals/${referralAB}/decline`, { reason: '', note: 'kept text' });
      expect(missing.status).toBe(400);
      expect(missing.text).toMatch(/id="decline-reason-error">Please fill in this field.</);
      expect(missing.text).toContain('>kept text</textarea>');
      const accept = await browserOf(web, prov).post(`/referrals/${referralAB}/accept`);
      expect([accept.status, accept.headers.location]).toEqual([303, `/referrals/${referralAB}`]);
      expect((await browserOf(web, prov).get(`/referrals/${referralAB}`)).text).toContain('id="referral-state">Accepted');
      const again = await browserOf(web, prov).post(`/referrals/${referralAB}/accept`);
      expect(again.status).toBe(409);
      const noOutcome = await browserOf(web, prov).post(`/referrals/${referralAB}/complete`, { outcome: 'made_up', note: 'n' });
      expect(noOutcome.status).toBe(400);
      expect(noOutcome.text).toMatch(/id="complete-outcome-error">Please choose one of the options.</);
      const done = await browserOf(web, prov).post(`/referrals/${referralAB}/complete`, { outcome: 'referred' });
      expect(done.status).toBe(303);
      const cw = await signIn(x.supA);
      const casePage = await browserOf(web, cw).get(`/cases/${caseA}`);
      expect(casePage.text).toMatch(/id="case-referrals".*Completed.*Service provided after referral/s);
    });
  });
});
