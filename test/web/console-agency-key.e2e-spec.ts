import { randomUUID } from 'node:crypto';
import { AGENCYLESS_ROLES, ROLES } from '@amani/auth';
import type { Role } from '@amani/auth';
import { createTestApp, TestApp } from '../support/app';
import { rememberSecret } from '../support/canary';
import { createAgency, createUser, CreatedUser, login, LoggedIn, sessionAs } from '../support/users';
import { browserOf, createTestWeb, webSignIn, WebUser } from '../support/web';
import { newCase } from '../referrals/referral-fixtures';
import { auditEvents } from '../cases/case-fixtures';

jest.setTimeout(300_000);

/** The recovery key shown on a set-up or rotation page. */
export function recoveryKeyOn(html: string): string {
  const m = /id="recovery-key"[^>]*>([^<]+)</.exec(html);
  if (!m) throw new Error('no recovery key on the page');
  rememberSecret(m[1].trim());
  return m[1].trim();
}

/**
 * The console's Agency key page over HTTP (no browser): who reaches it and who may change
 * anything (caseworkers, supervisors, providers see their state; supervisors alone set up,
 * give, remove, rotate and recover), the recovery key shown once and never cached, the API's
 * refusals as pages (409 in place, 404 for another agency's member, 422 at the field in the
 * user's language), and the filter's 423 page when a case needs a key this session lacks.
 * The Chromium journey is console-agency-key-browser.e2e-spec.ts.
 */
describe('console: agency key page', () => {
  let api: TestApp;
  let web: TestApp;
  let agencyA: string;
  let agencyB: string;
  let supA: CreatedUser;
  let cwA: CreatedUser;
  let supB: LoggedIn;
  let firstRecoveryKey = '';
  const signedIn = new Map<CreatedUser, Promise<WebUser>>();
  const once = (u: CreatedUser) => {
    if (!signedIn.has(u)) signedIn.set(u, webSignIn(web, u));
    return signedIn.get(u)!;
  };

  beforeAll(async () => {
    api = await createTestApp();
    web = await createTestWeb();
    agencyA = (await createAgency(api, 'Agency key A', { withoutKey: true })).id;
    agencyB = (await createAgency(api, 'Agency key B')).id;
    supA = await createUser(api, { role: 'supervisor', agencyId: agencyA, mfa: true, withoutAgencyKey: true, displayName: 'Supervisor Amina' });
    cwA = await createUser(api, { role: 'caseworker', agencyId: agencyA, mfa: true, withoutAgencyKey: true, displayName: 'Caseworker Bashir' });
    supB = await sessionAs(api, { role: 'supervisor', agencyId: agencyB });
  });
  afterAll(async () => {
    await web?.close();
    await api?.close();
  });

  it('caseworkers, supervisors and providers see the page (and the menu link); other roles get the 403 page; only supervisors change anything', async () => {
    const by = {} as Record<Role, WebUser>;
    for (const role of ROLES) by[role] = await webSignIn(web, await sessionAs(api, { role, agencyId: AGENCYLESS_ROLES.includes(role) ? null : agencyB }));
    for (const role of ROLES) {
      const res = await browserOf(web, by[role]).get('/agency-key');
      const allowed = role === 'caseworker' || role === 'supervisor' || role === 'provider';
      expect([role, res.status]).toEqual([role, allowed ? 200 : 403]);
      const home = await browserOf(web, by[role]).get('/');
      expect([role, home.text.includes('href="/agency-key"')]).toEqual([role, allowed]);
      if (allowed) {
        expect(res.text).toContain('id="key-version"');
        // Members, set-up, rotation and recovery are the supervisor's alone.
        expect([role, res.text.includes('id="members-table"')]).toEqual([role, role === 'supervisor']);
        expect([role, res.text.includes('action="/agency-key/recovery"')]).toEqual([role, role === 'supervisor']);
      }
    }
    const member = randomUUID();
    const posts: [string, Record<string, string>][] = [
      ['/agency-key', {}],
      ['/agency-key/grants', { userId: member }],
      [`/agency-key/members/${member}/remove`, {}],
      [`/agency-key/members/${member}/remove/confirm`, {}],
      ['/agency-key/rotation', {}],
      ['/agency-key/rotation/confirm', {}],
      ['/agency-key/recovery', { recoveryKey: 'x' }],
    ];
    for (const role of ROLES.filter((r) => r !== 'supervisor')) {
      for (const [path, body] of posts) {
        const res = await browserOf(web, by[role]).post(path, body);
        expect([role, path, res.status]).toEqual([role, path, 403]);
      }
    }
    // Without a session: the sign-in page, from the page and from every form.
    for (const [method, path] of [['GET', '/agency-key'], ...posts.map(([p]) => ['POST', p])]) {
      const res = method === 'GET' ? await web.http().get(path) : await web.http().post(path).type('form').send({ _csrf: 'x' });
      expect([method, path, res.status, res.headers.location]).toEqual([method, path, 303, '/sign-in?expired=1']);
    }
    // Without the CSRF token, even a supervisor is refused.
    for (const [path, body] of posts) {
      const res = await browserOf(web, by.supervisor).post(path, body, { csrf: null });
      expect([path, res.status]).toEqual([path, 403]);
    }
  });

  it('a caseworker of an agency without a key is told to ask a supervisor; a supervisor sets it up and sees the recovery key once, not cached', async () => {
    const cw = await browserOf(web, await once(cwA)).get('/agency-key');
    expect(cw.status).toBe(200);
    expect(cw.text).toContain('Your agency has no key yet');
    expect(cw.text).not.toContain('action="/agency-key"');

    const sup = await once(supA);
    const before = await browserOf(web, sup).get('/agency-key');
    expect(before.text).toContain('action="/agency-key"');
    expect(before.text).toContain('Caseworker Bashir');
    // Nothing to give yet: no key.
    const early = await browserOf(web, sup).post('/agency-key/grants', { userId: cwA.user.id });
    expect(early.status).toBe(409);
    expect(early.text).toContain('Your agency has no key yet: set it up first.');

    const set = await browserOf(web, sup).post('/agency-key');
    expect(set.status).toBe(201);
    expect(set.headers['cache-control']).toBe('no-store');
    const recovery = recoveryKeyOn(set.text);
    firstRecoveryKey = recovery;
    expect(set.text).toContain('Write it on paper');
    const after = await browserOf(web, sup).get('/agency-key');
    expect(after.text).not.toContain(recovery);
    expect(after.text).toMatch(/id="key-version"><bdi dir="ltr">1</);
    expect(after.text).toMatch(/id="key-unlocked">Yes</);

    const again = await browserOf(web, sup).post('/agency-key');
    expect(again.status).toBe(409);
    expect(again.text).toContain('Your agency already has a key.');
    const events = await auditEvents(api, { targetId: supA.user.id, action: 'agency_key.set_up' });
    expect(events.map((e) => e.outcome)).toEqual(['success']);
  });

  it('give access, then remove it with a confirmation step; a supervisor of another agency gets the 404 page for either', async () => {
    const sup = await once(supA);
    const other = await webSignIn(web, supB);
    // Agency B's supervisor cannot give or take away access of agency A's member: the not-found page.
    const crossGrant = await browserOf(web, other).post('/agency-key/grants', { userId: cwA.user.id });
    expect(crossGrant.status).toBe(404);
    expect(crossGrant.text).toContain('There is nothing here');
    // Exactly like a member who does not exist.
    const strip = (html: string) => html.replace(/value="[A-Za-z0-9_-]{43}"/g, '');
    const randomGrant = await browserOf(web, other).post('/agency-key/grants', { userId: randomUUID() });
    expect(randomGrant.status).toBe(404);
    expect(strip(crossGrant.text)).toBe(strip(randomGrant.text));
    const crossRemove = await browserOf(web, other).post(`/agency-key/members/${cwA.user.id}/remove/confirm`);
    const randomRemove = await browserOf(web, other).post(`/agency-key/members/${randomUUID()}/remove/confirm`);
    expect(strip(crossRemove.text)).toBe(strip(randomRemove.text));

    const page = await browserOf(web, sup).get('/agency-key');
    expect(page.text).toContain('Give access to Caseworker Bashir');
    const give = await browserOf(web, sup).post('/agency-key/grants', { userId: cwA.user.id });
    expect([give.status, give.headers.location]).toEqual([303, '/agency-key?done=granted#members']);
    const done = await browserOf(web, sup).get('/agency-key?done=granted');
    expect(done.text).toContain('Access given.');
    expect(done.text).toContain('Remove access of Caseworker Bashir');
    const cw = await browserOf(web, await once(cwA)).get('/agency-key');
    expect(cw.text).toMatch(/id="key-held">Yes</);
    expect(cw.text).toMatch(/id="key-unlocked">Yes</);

    for (const path of [`/agency-key/members/${cwA.user.id}/remove`, `/agency-key/members/${cwA.user.id}/remove/confirm`, '/agency-key/members/not-an-id/remove']) {
      const res = await browserOf(web, other).post(path);
      expect([path, res.status]).toEqual([path, 404]);
    }
    expect((await browserOf(web, await once(cwA)).get('/agency-key')).text).toMatch(/id="key-held">Yes</);

    const confirm = await browserOf(web, sup).post(`/agency-key/members/${cwA.user.id}/remove`);
    expect(confirm.status).toBe(200);
    expect(confirm.text).toContain('From now on Caseworker Bashir cannot open any record');
    // Nothing is removed before the confirmation.
    expect((await browserOf(web, await once(cwA)).get('/agency-key')).text).toMatch(/id="key-held">Yes</);
    const removed = await browserOf(web, sup).post(`/agency-key/members/${cwA.user.id}/remove/confirm`);
    expect([removed.status, removed.headers.location]).toEqual([303, '/agency-key?done=removed#members']);
    const cwAfter = await browserOf(web, await once(cwA)).get('/agency-key');
    expect(cwAfter.text).toMatch(/id="key-held">No</);
    expect(cwAfter.text).toContain('Ask a supervisor of your agency to give you access.');
    // Removing again: there is no grant any more.
    expect((await browserOf(web, sup).post(`/agency-key/members/${cwA.user.id}/remove/confirm`)).status).toBe(404);
  });

  it('a case page that needs the key this session lacks is the 423 "sign in again or ask a supervisor" page, never a 500', async () => {
    const sup = await once(supA);
    expect((await browserOf(web, sup).post('/agency-key/grants', { userId: cwA.user.id })).status).toBe(303);
    const cwApi: LoggedIn = { ...cwA, ...(await login(api, cwA)) };
    const kase = await newCase(api, cwApi);
    const cwWeb = await once(cwA);
    expect((await browserOf(web, cwWeb).get(`/cases/${kase.id}`)).status).toBe(200);
    // A browser that lost its keys cookie: the same page says what to do.
    const noKeys = await browserOf(web, { cookie: cwWeb.cookie, csrf: cwWeb.csrf }).get(`/cases/${kase.id}`);
    expect(noKeys.status).toBe(423);
    expect(noKeys.text).toContain("Your agency's key is not unlocked for this session: sign in again, or ask a supervisor of your agency to give you access.");
    expect(noKeys.text).toContain('href="/agency-key"');
    expect(noKeys.text).not.toContain(kase.survivorName);
    // Access removed: the live session opens nothing either.
    expect((await browserOf(web, sup).post(`/agency-key/members/${cwA.user.id}/remove/confirm`)).status).toBe(303);
    const locked = await browserOf(web, cwWeb).get(`/cases/${kase.id}`);
    expect(locked.status).toBe(423);
    expect(locked.text).toContain('Agency key not unlocked');
    expect(locked.text).not.toContain(kase.survivorName);
  });

  it('the recovery key: a wrong one is a field error in the user’s language (422); the right one gives the key back; rotation shows a new one and the old one stops working', async () => {
    // A second supervisor of agency A, without the key: only the recovery key can give it to them.
    const sup2 = await createUser(api, { role: 'supervisor', agencyId: agencyA, mfa: true, withoutAgencyKey: true, displayName: 'Supervisor Chantal' });
    const set = await browserOf(web, await once(supA)).get('/agency-key');
    expect(set.status).toBe(200);
    const web2 = await once(sup2);
    expect((await browserOf(web, web2).post('/language', { lang: 'fr' })).status).toBe(303);
    const empty = await browserOf(web, web2).post('/agency-key/recovery', { recoveryKey: '  ' });
    expect(empty.status).toBe(400);
    const wrong = await browserOf(web, web2).post('/agency-key/recovery', { recoveryKey: 'ABCD-EFGH-IJKL-MNOP' });
    expect(wrong.status).toBe(422);
    expect(wrong.text).toContain('id="recover-recoveryKey-error"');
    expect(wrong.text).toContain('Cette clé de récupération n');
    expect(wrong.text).toContain('ouvre pas la clé de votre agence.');
    expect(wrong.text).toContain('aria-invalid="true"');

    // Rotation (by the supervisor who holds the key): confirmation first, then the new key once.
    const sup = await once(supA);
    const step = await browserOf(web, sup).post('/agency-key/rotation');
    expect(step.status).toBe(200);
    expect(step.text).toContain('after a member left under suspicion');
    expect((await browserOf(web, sup).get('/agency-key')).text).toMatch(/id="key-version"><bdi dir="ltr">1</);
    const rotated = await browserOf(web, sup).post('/agency-key/rotation/confirm');
    expect(rotated.status).toBe(201);
    expect(rotated.headers['cache-control']).toBe('no-store');
    expect(rotated.text).toContain('The previous recovery key no longer works');
    const newKey = recoveryKeyOn(rotated.text);
    expect((await browserOf(web, sup).get('/agency-key')).text).toMatch(/id="key-version"><bdi dir="ltr">2</);

    // The recovery key of the first version no longer opens anything.
    expect(firstRecoveryKey).not.toBe('');
    expect((await browserOf(web, web2).post('/agency-key/recovery', { recoveryKey: firstRecoveryKey })).status).toBe(422);
    const ok = await browserOf(web, web2).post('/agency-key/recovery', { recoveryKey: newKey });
    expect([ok.status, ok.headers.location]).toEqual([303, '/agency-key?done=recovered']);
    const after = await browserOf(web, web2).get('/agency-key?done=recovered');
    expect(after.text).toContain("Vous détenez de nouveau la clé de l");
    expect(after.text).toMatch(/id="key-unlocked">Oui</);
    const events = await auditEvents(api, { targetId: sup2.user.id, action: 'agency_key.recover' });
    expect(events.map((e) => e.outcome)).toEqual(['success']);
  });

  it('rotation by a supervisor whose session does not hold the key is the 423 page, and the page offers neither rotation nor giving access', async () => {
    const sup3 = await createUser(api, { role: 'supervisor', agencyId: agencyA, mfa: true, withoutAgencyKey: true });
    const w = await once(sup3);
    const res = await browserOf(web, w).post('/agency-key/rotation/confirm');
    expect(res.status).toBe(423);
    expect(res.text).toContain('Agency key not unlocked');
    const page = await browserOf(web, w).get('/agency-key');
    expect(page.text).not.toContain('id="rotate-start"');
    expect(page.text).not.toContain('Give access to');
  });
});
