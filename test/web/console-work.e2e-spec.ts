import { randomBytes, randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { DataSource } from 'typeorm';
import type { Role } from '@amani/auth';
import { ROLES } from '@amani/auth';
import { redisOptionsFromUrl } from '@amani/jobs';
import { createTestApp, TestApp } from '../support/app';
import { redisDump, rememberSecret } from '../support/canary';
import { freshTotpCode, LoggedIn, sessionAs } from '../support/users';
import { browserOf, cookieFrom, createTestWeb, csrfOf, PRE, SESSION, setCookieLine, webSignIn, WebUser, cookieHeader, KEYS } from '../support/web';
import { newCase, referralConsent, refer, threeAgencies, ThreeAgencies } from '../referrals/referral-fixtures';
import { auditEvents } from '../cases/case-fixtures';

const PENDING = '__Host-amani-pending';

/**
 * The console's case work over HTTP: who may use each new page and form, CSRF and Origin on
 * them, another agency's case answering like a random id, the allowed stage transitions only,
 * field errors in the user's language with the typed values kept, and a form sent into an
 * ended session coming back — to its owner only — after signing in again.
 */
describe('staff console case work (apps/web)', () => {
  let api: TestApp;
  let web: TestApp;
  let x: ThreeAgencies;
  let caseA: string;
  let redis: Redis;
  const users = new Map<LoggedIn, Promise<WebUser>>();
  const once = (u: LoggedIn) => {
    if (!users.has(u)) users.set(u, webSignIn(web, u));
    return users.get(u)!;
  };

  beforeAll(async () => {
    api = await createTestApp();
    web = await createTestWeb();
    redis = new Redis(redisOptionsFromUrl(web.config.redis.url));
    x = await threeAgencies(api);
    caseA = (await newCase(api, x.cwA)).id;
  });
  afterAll(async () => {
    redis?.disconnect();
    await web?.close();
    await api?.close();
  });

  /** Signs in through the console's pages, sending extra cookies along (the kept-form cookie). */
  async function signInWith(u: LoggedIn, extra: string): Promise<{ cookie: string; keys?: string; location: string }> {
    const form = await web.http().get('/sign-in');
    const first = await web.http().post('/sign-in').set('Cookie', `${PRE}=${cookieFrom(form, PRE)!}; ${extra}`).type('form').send({ _csrf: csrfOf(form.text), email: u.email, password: u.password });
    const pending = cookieFrom(first, SESSION)!;
    const keys = cookieFrom(first, KEYS);
    const code = await web.http().get('/sign-in/code').set('Cookie', `${SESSION}=${pending}; ${extra}`);
    const ok = await web.http().post('/sign-in/code').set('Cookie', `${SESSION}=${pending}; ${extra}`).type('form').send({ _csrf: csrfOf(code.text), code: await freshTotpCode(u.totpSecret!) });
    expect(ok.status).toBe(303);
    return { cookie: cookieFrom(ok, SESSION)!, keys, location: ok.headers.location };
  }

  async function expire(u: LoggedIn): Promise<void> {
    for (const k of await redis.keys(`${web.config.redis.prefix}:web-session:*`)) if ((await redis.get(k))!.includes(u.user.id)) await redis.del(k);
  }

  describe('who may use what', () => {
    it('gives each role its pages and the same 403 page elsewhere', async () => {
      const by = {} as Record<Role, WebUser>;
      for (const role of ROLES) {
        const agencyId = role === 'admin' || role === 'protection_officer' ? null : role === 'provider' ? x.agencyB : x.agencyA;
        by[role] = await webSignIn(web, await sessionAs(api, { role, agencyId }));
      }
      const pages = ['/cases/new', `/cases/${caseA}/refer`, `/cases/${caseA}/incidents/new`, '/supervisor', '/services'];
      const expected: Record<Role, number[]> = {
        // A caseworker reaches only cases assigned or shared to them: someone else's is "not found".
        caseworker: [200, 404, 404, 403, 403],
        supervisor: [200, 200, 200, 200, 200],
        provider: [403, 403, 403, 403, 403],
        admin: [403, 403, 403, 403, 403],
        protection_officer: [403, 403, 403, 403, 403],
        psea_focal_point: [403, 403, 403, 403, 403],
      };
      for (const role of ROLES) {
        const got = [];
        for (const url of pages) got.push((await browserOf(web, by[role]).get(url)).status);
        expect([role, got]).toEqual([role, expected[role]]);
      }
      // Forms: the supervisor's own, refused to a caseworker; the referring side's revoke, refused to a provider.
      expect((await browserOf(web, by.caseworker).post(`/cases/${caseA}/assign`, { caseworkerId: x.colleagueA.user.id, version: '1' })).status).toBe(403);
      expect((await browserOf(web, by.caseworker).post(`/approvals/${randomUUID()}/decide`, { decision: 'approve', version: '1' })).status).toBe(403);
      expect((await browserOf(web, by.provider).post(`/referrals/${randomUUID()}/revoke`)).status).toBe(403);
      expect((await browserOf(web, by.provider).post('/cases', { sex: 'female' })).status).toBe(403);
    });

    it('answers another agency’s case exactly like a random id, on every case page and form', async () => {
      const strip = (html: string) => html.replace(/value="[A-Za-z0-9_-]{43}"/g, '');
      const other = await webSignIn(web, await sessionAs(api, { role: 'caseworker', agencyId: x.agencyC }));
      const random = randomUUID();
      for (const path of ['refer', 'incidents/new']) {
        const foreign = await browserOf(web, other).get(`/cases/${caseA}/${path}`);
        const missing = await browserOf(web, other).get(`/cases/${random}/${path}`);
        expect([path, foreign.status, missing.status]).toEqual([path, 404, 404]);
        expect(strip(foreign.text)).toBe(strip(missing.text));
      }
      for (const [path, body] of [
        ['notes', { body: 'x' }],
        ['consents', { purpose: 'services', givenBy: 'survivor' }],
        ['stage', { to: 'assessment', version: '1' }],
        ['closure', { closureReason: 'needs_met', version: '1' }],
        ['action-plan', { description: 'x' }],
        ['incidents', { step: 'preview' }],
        ['referrals', { serviceId: randomUUID(), followUpDays: '7' }],
      ] as const) {
        const foreign = await browserOf(web, other).post(`/cases/${caseA}/${path}`, body);
        const missing = await browserOf(web, other).post(`/cases/${random}/${path}`, body);
        expect([path, foreign.status, missing.status]).toEqual([path, 404, 404]);
        expect(strip(foreign.text)).toBe(strip(missing.text));
      }
      const audits = await auditEvents(web, { targetId: caseA, actorId: undefined, action: 'case.note.create' });
      expect(audits.filter((a) => a.outcome === 'success')).toEqual([]);
    });

    it('refuses a case form without the token, with a foreign Origin or from a cross-site fetch', async () => {
      const cw = await once(x.cwA);
      const b = browserOf(web, cw);
      for (const res of [
        await b.post(`/cases/${caseA}/notes`, { body: 'forged' }, { csrf: null }),
        await b.post(`/cases/${caseA}/notes`, { body: 'forged' }, { csrf: 'y'.repeat(43) }),
        await b.post(`/cases/${caseA}/notes`, { body: 'forged' }).set('Origin', 'https://evil.example'),
        await b.post(`/cases/${caseA}/notes`, { body: 'forged' }).set('Sec-Fetch-Site', 'cross-site'),
        await b.post('/cases', { survivorName: 'forged' }, { csrf: null }),
      ]) {
        expect(res.status).toBe(403);
        expect(res.text).toContain('This form could not be accepted.');
      }
      expect((await b.get(`/cases/${caseA}`)).text).not.toContain('forged');
    });
  });

  describe('forms', () => {
    it('offers and accepts only the allowed stage transitions; closing goes through its own form', async () => {
      const cw = await once(x.cwA);
      const b = browserOf(web, cw);
      const page = await b.get(`/cases/${caseA}`);
      const options = /<select id="stage-to"[^>]*>(.*?)<\/select>/s.exec(page.text)![1];
      expect([...options.matchAll(/<option value(?:="([a-z_]*)")?/g)].map((m) => m[1] ?? '')).toEqual(['', 'assessment']);
      const version = /name="version" value="(\d+)"/.exec(page.text)![1];
      for (const to of ['closed', 'follow_up', 'intake', 'nonsense']) {
        const res = await b.post(`/cases/${caseA}/stage`, { to, version });
        expect([to, res.status]).toEqual([to, 400]);
        expect(res.text).toMatch(/id="stage-to-error">Please choose one of the options.</);
      }
      const ok = await b.post(`/cases/${caseA}/stage`, { to: 'assessment', version });
      expect([ok.status, ok.headers.location]).toEqual([303, `/cases/${caseA}`]);
      expect((await b.get(`/cases/${caseA}`)).text).toContain('id="case-stage">Assessment<');
      // A stale version (someone changed the case meanwhile) is refused, not applied.
      expect((await b.post(`/cases/${caseA}/stage`, { to: 'action_plan', version })).status).toBe(409);
    });

    it('shows field errors next to the fields in the user’s language and keeps what was typed', async () => {
      const u = await sessionAs(api, { role: 'caseworker', agencyId: x.agencyA });
      const w = await webSignIn(web, u);
      await browserOf(web, w).post('/language', { lang: 'fr' });
      const typed = `Nom ${randomBytes(4).toString('hex')}`;
      const res = await browserOf(web, w).post('/cases', { survivorName: typed, sex: 'robot', regionCode: 'so-bn', ageBand: '18_25' });
      expect(res.status).toBe(400);
      expect(res.text).toContain('<html lang="fr"');
      expect(res.text).toMatch(/id="case-sex-error">Veuillez choisir une des options.</);
      expect(res.text).toMatch(/id="case-nationalityStatus-error">Veuillez choisir une des options.</);
      expect(res.text).toMatch(/<input type="text" id="case-survivorName" name="survivorName" value="[^"]*"/);
      expect(res.text).toContain(`value="${typed}"`);
      expect(res.text).toMatch(/<option value="18_25" selected>/);
      expect(res.text).not.toContain('id="case-regionCode-error"'); // lower case is accepted and upper-cased

      const consent = await browserOf(web, w).post(`/cases/${(await newCase(api, u)).id}/consents`, { purpose: 'referral', givenBy: 'survivor' });
      expect(consent.status).toBe(400);
      expect(consent.text).toMatch(/id="consent-serviceType-error">Un consentement au référencement/);
      expect(consent.text).toMatch(/id="consent-shareableFields-error">Cochez au moins/);
    });

    it('records and withdraws a consent, adds a note and an action, and revokes a referral from the referring side', async () => {
      const cw = await once(x.cwA);
      const b = browserOf(web, cw);
      const kase = await newCase(api, x.cwA);
      expect((await b.post(`/cases/${kase.id}/consents`, { purpose: 'referral', givenBy: 'survivor', serviceType: 'legal', shareableFields: 'ageBand' })).status).toBe(303);
      const page = await b.get(`/cases/${kase.id}`);
      const consentId = new RegExp(`/cases/${kase.id}/consents/([0-9a-f-]{36})/withdraw`).exec(page.text)![1];
      expect(page.text).toMatch(/id="consent-list">.*Referral to other agencies.*Active/s);
      const consentRef = await referralConsent(api, x.cwA, kase.id, { serviceType: 'psychosocial', recipientAgencyId: x.agencyB, shareableFields: ['sex'] });
      const r = await refer(api, x.cwA, kase.id, { consentId: consentRef, serviceType: 'psychosocial', recipientAgencyId: x.agencyB });
      expect((await b.post(`/cases/${kase.id}/consents/${consentId}/withdraw`)).status).toBe(303);
      expect((await b.get(`/cases/${kase.id}`)).text).toMatch(/id="consent-list">.*Withdrawn/s);

      expect((await b.post(`/cases/${kase.id}/notes`, { body: '' })).text).toMatch(/id="note-body-error">Please fill in this field.</);
      expect((await b.post(`/cases/${kase.id}/notes`, { body: 'A note' })).status).toBe(303);
      expect((await b.post(`/cases/${kase.id}/action-plan`, { description: 'Accompany', needArea: 'health', dueDate: '2031-02-30' })).text).toMatch(/id="plan-dueDate-error">/);
      expect((await b.post(`/cases/${kase.id}/action-plan`, { description: 'Accompany', needArea: 'health', dueDate: '2031-02-03' })).status).toBe(303);
      const after = await b.get(`/cases/${kase.id}`);
      expect(after.text).toMatch(/id="note-list">.*A note/s);
      expect(after.text).toMatch(/id="action-plan-list">.*Accompany.*Planned/s);
      const item = new RegExp(`action="/cases/${kase.id}/action-plan/([0-9a-f-]{36})">.*?name="version" value="(\\d+)"`, 's').exec(after.text)!;
      expect((await b.post(`/cases/${kase.id}/action-plan/${item[1]}`, { status: 'done', version: item[2] })).status).toBe(303);
      expect((await b.get(`/cases/${kase.id}`)).text).toMatch(/id="action-plan-list">.*Accompany.*Done/s);
      expect((await b.post(`/cases/${kase.id}/action-plan/${item[1]}`, { status: 'done', version: item[2] })).status).toBe(409);

      const referral = await b.get(`/referrals/${r.body.id}`);
      expect(referral.text).toContain('id="revoke"');
      expect((await b.post(`/referrals/${r.body.id}/revoke`)).status).toBe(303);
      expect((await b.get(`/referrals/${r.body.id}`)).text).toContain('id="referral-state">Withdrawn');
    });

    it('lets the receiving provider send notes, shows them to the referring side, and lists the referral on the caseworker’s home once answered', async () => {
      const kase = await newCase(api, x.cwA);
      const consentId = await referralConsent(api, x.cwA, kase.id, { serviceType: 'medical', recipientAgencyId: x.agencyB, shareableFields: ['sex'] });
      const r = await refer(api, x.cwA, kase.id, { consentId, serviceType: 'medical', recipientAgencyId: x.agencyB });
      const prov = await once(x.provB);
      const p = browserOf(web, prov);
      const empty = await p.post(`/referrals/${r.body.id}/notes`, { body: '  ' });
      expect(empty.status).toBe(400);
      expect(empty.text).toMatch(/id="note-body-error">Please fill in this field.</);
      expect((await p.post(`/referrals/${r.body.id}/notes`, { body: 'Seen on Tuesday' })).status).toBe(303);
      expect((await p.post(`/referrals/${r.body.id}/accept`)).status).toBe(303);
      const cw = await once(x.cwA);
      expect((await browserOf(web, cw).get(`/referrals/${r.body.id}`)).text).toMatch(/id="referral-notes".*Seen on Tuesday/s);
      expect((await browserOf(web, cw).post(`/referrals/${r.body.id}/notes`, { body: 'x' })).status).toBe(403);
      const otherProvider = await webSignIn(web, x.provC);
      expect((await browserOf(web, otherProvider).post(`/referrals/${r.body.id}/notes`, { body: 'x' })).status).toBe(404);
      const home = await browserOf(web, cw).get('/');
      expect(home.text).toMatch(new RegExp(`id="home-referrals".*href="/referrals/${r.body.id}">Medical</a> <span class="tag">Accepted`, 's'));
    });

    it('turns a caseworker’s closure into a request the supervisor approves or returns; a supervisor closes directly', async () => {
      const cw = await once(x.cwA);
      const sup = await once(x.supA);
      const kase = await newCase(api, x.cwA);
      const version = async (who: WebUser) => /name="version" value="(\d+)"/.exec((await browserOf(web, who).get(`/cases/${kase.id}`)).text)![1];
      expect((await browserOf(web, cw).post(`/cases/${kase.id}/closure`, { version: await version(cw) })).text).toMatch(/id="closure-closureReason-error">Please choose one of the options.</);
      expect((await browserOf(web, cw).post(`/cases/${kase.id}/closure`, { closureReason: 'lost_contact', version: await version(cw) })).status).toBe(303);
      const cwPage = await browserOf(web, cw).get(`/cases/${kase.id}`);
      expect(cwPage.text).toContain('id="case-stage">Intake<');
      expect(cwPage.text).toContain('id="closure-pending"');
      const desk = await browserOf(web, sup).get('/supervisor');
      const [, approvalId, approvalVersion] = new RegExp(`href="/cases/${kase.id}".*?action="/approvals/([0-9a-f-]{36})/decide".*?name="version" value="(\\d+)"`, 's').exec(desk.text)!;
      expect((await browserOf(web, sup).post(`/approvals/${approvalId}/decide`, { decision: 'maybe', version: approvalVersion })).status).toBe(404);
      const bare = await browserOf(web, sup).post(`/approvals/${approvalId}/decide`, { decision: 'return', version: approvalVersion, comment: ' ' });
      expect(bare.status).toBe(400);
      expect(bare.text).toMatch(/id="approval-[0-9a-f]{8}-comment-error">Say what is missing before returning the request.</);
      const returned = await browserOf(web, sup).post(`/approvals/${approvalId}/decide`, { decision: 'return', version: approvalVersion, comment: 'Call her first' });
      expect([returned.status, returned.headers.location]).toEqual([303, `/cases/${kase.id}`]);
      const after = await browserOf(web, cw).get(`/cases/${kase.id}`);
      expect(after.text).toMatch(/id="approval-list">.*Closure.*Returned.*Call her first/s);
      expect(after.text).not.toContain('id="closure-pending"');
      // Another agency's supervisor cannot decide it (not found, like a random id).
      const otherSup = await webSignIn(web, x.supC);
      expect((await browserOf(web, otherSup).post(`/approvals/${approvalId}/decide`, { decision: 'approve', version: approvalVersion })).status).toBe(404);
      // The supervisor closes directly, with a reason.
      expect((await browserOf(web, sup).post(`/cases/${kase.id}/closure`, { closureReason: 'needs_met', version: await version(sup) })).status).toBe(303);
      const closed = await browserOf(web, sup).get(`/cases/${kase.id}`);
      expect(closed.text).toContain('id="case-stage">Closed<');
      expect(closed.text).not.toContain(`action="/cases/${kase.id}/notes"`); // a closed case takes no new work
    });

    it('sends a visitor without a session to sign-in from the new pages and forms, keeping nothing', async () => {
      for (const [method, url] of [
        ['GET', '/cases/new'],
        ['GET', `/cases/${caseA}/refer`],
        ['GET', `/cases/${caseA}/incidents/new`],
        ['GET', '/supervisor'],
        ['GET', '/services'],
        ['GET', '/resume'],
        ['GET', '/awaiting-approval'],
        ['POST', '/cases'],
        ['POST', `/cases/${caseA}/notes`],
        ['POST', `/approvals/${randomUUID()}/decide`],
      ]) {
        const res = method === 'GET' ? await web.http().get(url) : await web.http().post(url).type('form').send({ _csrf: 'x', body: 'typed' });
        expect([method, url, res.status, res.headers.location]).toEqual([method, url, 303, '/sign-in?expired=1']);
        expect(setCookieLine(res, PENDING)).toBeUndefined();
      }
    });

    it('lets a supervisor add a service to the directory, edit it and stop or resume referrals', async () => {
      const sup = await webSignIn(web, x.supB);
      const b = browserOf(web, sup);
      const bad = await b.post('/services', { name: 'Night shelter', serviceType: 'safety_shelter', regionCodes: 'so bn!', languages: 'so' });
      expect(bad.status).toBe(400);
      expect(bad.text).toMatch(/id="svc-new-regionCodes-error">/);
      expect(bad.text).toContain('value="Night shelter"');
      expect((await b.post('/services', { name: 'Night shelter', serviceType: 'safety_shelter', regionCodes: 'SO-BN, SO-BR', languages: 'so, en', openingHours: '24/7' })).status).toBe(303);
      const list = await b.get('/services');
      const id = /href="\/services\/([0-9a-f-]{36})">Night shelter</.exec(list.text)![1];
      const version = new RegExp(`action="/services/${id}/close">.*?name="version" value="(\\d+)"`, 's').exec(list.text)![1];
      expect((await b.post(`/services/${id}/close`, { version })).status).toBe(303);
      expect((await b.get('/services')).text).toMatch(new RegExp(`Night shelter</a>.*?Not taking referrals`, 's'));
      const edit = await b.get(`/services/${id}`);
      const v2 = /name="version" value="(\d+)"/.exec(edit.text)![1];
      expect((await b.post(`/services/${id}`, { version: v2, name: 'Night shelter (women)', serviceType: 'safety_shelter', regionCodes: 'SO-BN', languages: 'so' })).status).toBe(303);
      expect((await b.get('/services')).text).toContain('Night shelter (women)');
      // Another agency's supervisor: not found, and nothing changes.
      const other = await webSignIn(web, x.supC);
      expect((await browserOf(web, other).get(`/services/${id}`)).status).toBe(404);
      expect((await browserOf(web, other).post(`/services/${id}/open`, { version: '9' })).status).toBe(404);
    });
  });

  describe('sign-in messages', () => {
    it('answers a locked account with the same page as a wrong password, and an expired session with a neutral notice', async () => {
      const u = await sessionAs(api, { role: 'caseworker', agencyId: x.agencyA });
      const attempt = async (password: string) => {
        const form = await web.http().get('/sign-in');
        const res = await web.http().post('/sign-in').set('Cookie', `${PRE}=${cookieFrom(form, PRE)!}`).type('form').send({ _csrf: csrfOf(form.text), email: u.email, password, lang: 'en' });
        expect(res.status).toBe(401);
        return res.text.replace(/value="[A-Za-z0-9_-]{43}"/, '');
      };
      const wrong = await attempt('not the password 123');
      await api.app.get(DataSource).query(`UPDATE users SET locked_until = now() + interval '1 hour', failed_logins = 10 WHERE id = $1`, [u.user.id]);
      expect(await attempt(u.password)).toBe(wrong);
      const expired = await web.http().get('/sign-in?expired=1');
      expect(expired.text).toContain('Your session ended. Please sign in again.');
      expect(expired.text).not.toMatch(/idle|revoked|locked|disabled/i);
    });
  });

  describe('an ended session', () => {
    it('keeps a form sent into it, encrypted, and gives it back to its owner after signing in again', async () => {
      const u = await sessionAs(api, { role: 'caseworker', agencyId: x.agencyA });
      const kase = await newCase(api, u);
      const w = await webSignIn(web, u);
      const typed = `Kept note ${randomBytes(6).toString('hex')}`;
      rememberSecret(typed);
      await expire(u);
      const sent = await browserOf(web, w).post(`/cases/${kase.id}/notes`, { body: typed });
      expect([sent.status, sent.headers.location]).toEqual([303, '/sign-in?expired=1&kept=1&lang=en']);
      expect(setCookieLine(sent, PENDING)).toMatch(/^__Host-amani-pending=[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}; Max-Age=900; Path=\/; Expires=[^;]+; HttpOnly; Secure; SameSite=Strict$/);
      const handle = cookieFrom(sent, PENDING)!;
      expect(await redisDump()).not.toContain(typed);
      expect((await web.http().get('/sign-in?expired=1&kept=1')).text).toContain('what you typed in the form is kept for 15 minutes');

      // Someone else signing in on this browser gets nothing, and the kept form is gone.
      const other = await sessionAs(api, { role: 'caseworker', agencyId: x.agencyA });
      const stranger = await signInWith(other, `${PENDING}=${handle}`);
      expect(stranger.location).toBe('/resume');
      const nothing = await web.http().get('/resume').set('Cookie', cookieHeader(stranger, `${PENDING}=${handle}`));
      expect([nothing.status, nothing.headers.location]).toEqual([303, '/']);

      // Again, and this time its owner signs in: the note comes back in the form, once.
      await expire(u);
      const again = await browserOf(web, w).post(`/cases/${kase.id}/notes`, { body: typed });
      const handle2 = cookieFrom(again, PENDING)!;
      const owner = await signInWith(u, `${PENDING}=${handle2}`);
      expect(owner.location).toBe('/resume');
      const back = await web.http().get('/resume').set('Cookie', cookieHeader(owner, `${PENDING}=${handle2}`));
      expect(back.status).toBe(200);
      expect(back.text).toContain('Here is what you typed');
      expect(back.text).toMatch(new RegExp(`<textarea id="note-body" name="body"[^>]*>${typed}</textarea>`));
      expect(setCookieLine(back, PENDING)).toMatch(/^__Host-amani-pending=; Path=\/; Expires=Thu, 01 Jan 1970/);
      const twice = await web.http().get('/resume').set('Cookie', cookieHeader(owner, `${PENDING}=${handle2}`));
      expect(twice.headers.location).toBe('/');
      // Nothing was written while the session was gone.
      const [{ n }] = await api.app.get(DataSource).query(`SELECT count(*)::int AS n FROM case_notes WHERE case_id = $1`, [kase.id]);
      expect(n).toBe(0);
    });

    it('keeps nothing after a deliberate sign-out, and no secret field ever', async () => {
      const u = await sessionAs(api, { role: 'caseworker', agencyId: x.agencyA });
      const kase = await newCase(api, u);
      const w = await webSignIn(web, u);
      await browserOf(web, w).post('/sign-out');
      const res = await browserOf(web, w).post(`/cases/${kase.id}/notes`, { body: 'after sign-out' });
      expect([res.status, res.headers.location]).toEqual([303, '/sign-in?expired=1']);
      expect(setCookieLine(res, PENDING)).toBeUndefined();
    });
  });
});
