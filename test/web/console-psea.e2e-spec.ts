import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { Role } from '@amani/auth';
import { createTestApp, TestApp } from '../support/app';
import { capturedLogs, rememberSecret } from '../support/canary';
import { createAgency, createUser, LoggedIn, sessionAs } from '../support/users';
import { createTestWeb, csrfOf, SESSION, webSignIn, cookieHeader } from '../support/web';
import { complaintBody, focalPoint, FocalPoint, newComplaint, sentinel } from '../sea/sea-fixtures';
import { publishService } from '../referrals/referral-fixtures';
import { consoleAs, SEA, webSignInKeepingSea } from './psea-fixtures';

/**
 * The PSEA focal point workspace in the console over HTTP (no browser): who may reach it,
 * the sealed session-key cookie (set at sign-in, bound to the auth session, useless after
 * sign-out), the unlock page, a colleague without a grant seeing "no access" and no content,
 * CSRF, key set-up/endorsement/recovery, and the receiving agency accepting an assistance
 * request. The Chromium journey is console-psea-browser.e2e-spec.ts.
 */
jest.setTimeout(300_000);

describe('staff console PSEA workspace (apps/web)', () => {
  let api: TestApp;
  let web: TestApp;
  let fpA: FocalPoint;
  let webA: Awaited<ReturnType<typeof webSignInKeepingSea>>;
  let complaint: { receipt: string; id: string };
  const narrative = sentinel('PSEANARRATIVE');
  const survivor = sentinel('PSEASURVIVOR');
  let receivingAgency: string;
  let supR: LoggedIn;

  beforeAll(async () => {
    api = await createTestApp();
    web = await createTestWeb();
    fpA = await focalPoint(api);
    complaint = await newComplaint(api, complaintBody({ narrative, wantsAssistance: true }));
    receivingAgency = (await createAgency(api, undefined, { serviceTypes: ['psychosocial'] })).id;
    supR = await sessionAs(api, { role: 'supervisor', agencyId: receivingAgency });
    await publishService(api, supR, 'psychosocial');
    webA = await webSignInKeepingSea(api, web, fpA);
  });
  afterAll(async () => {
    await web?.close();
    await api?.close();
  });

  it('console sign-in unlocks the key: the session half comes back sealed in an HttpOnly __Host- cookie', async () => {
    expect(webA.sea).toBeDefined();
    const line = webA.signInSetCookie.find((c) => c.startsWith(`${SEA}=`))!;
    expect(line).toMatch(/HttpOnly/i);
    expect(line).toMatch(/Secure/i);
    expect(line).toMatch(/SameSite=Strict/i);
    expect(line).toMatch(/Path=\//);
    expect(line).not.toMatch(/Domain=/i);
    // Sealed: not the 43-character session key itself.
    expect(webA.sea).not.toMatch(/^[A-Za-z0-9_-]{43}$/);
    const page = await consoleAs(web, webA).get(`/psea/complaints/${complaint.id}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain(narrative);
    expect(page.headers['cache-control']).toBe('no-store');
    expect(/<title>([^<]*)<\/title>/.exec(page.text)![1]).not.toContain(narrative);
  });

  it('the list is coded only, filterable by status, and marks what the session can open', async () => {
    const list = await consoleAs(web, webA).get('/psea');
    expect(list.status).toBe(200);
    expect(list.text).not.toContain(narrative);
    expect(list.text).toContain('Your complaint key is unlocked for this session.');
    // The run's database holds other suites' complaints (overdue ones first): page until this one shows.
    let found = false;
    for (let page = 1; page <= 50 && !found; page++) {
      const res = await consoleAs(web, webA).get(`/psea?status=received&page=${page}`);
      expect(res.status).toBe(200);
      expect(res.text).not.toContain(narrative);
      found = res.text.includes(`/psea/complaints/${complaint.id}`);
      if (!found && !res.text.includes(`page=${page + 1}`)) break;
    }
    expect(found).toBe(true);
    const closed = await consoleAs(web, webA).get('/psea?status=closed');
    expect(closed.text).not.toContain(`/psea/complaints/${complaint.id}`);
  });

  it('without the cookie, or with one from another session, content stays locked; the unlock page reopens it', async () => {
    const bare = { cookie: `${SESSION}=${webA.session}`, csrf: webA.csrf };
    const locked = await consoleAs(web, bare).get(`/psea/complaints/${complaint.id}`);
    expect(locked.status).toBe(423);
    expect(locked.text).not.toContain(narrative);
    expect(locked.text).toContain('href="/psea/unlock"');
    expect((await consoleAs(web, bare).get('/psea')).text).toContain('Your complaint key is locked for this session.');

    const second = await webSignInKeepingSea(api, web, fpA);
    const swapped = { cookie: `${SESSION}=${second.session}; ${SEA}=${webA.sea!}`, csrf: second.csrf };
    const other = await consoleAs(web, swapped).get(`/psea/complaints/${complaint.id}`);
    expect(other.status).toBe(423);
    expect(other.text).not.toContain(narrative);

    const form = await consoleAs(web, bare).get('/psea/unlock');
    expect(form.status).toBe(200);
    const wrong = await consoleAs(web, bare).post('/psea/unlock', { password: `${fpA.password} wrong` });
    expect(wrong.status).toBe(422);
    expect(wrong.text).not.toContain(fpA.password);
    const right = await consoleAs(web, bare).post('/psea/unlock', { password: fpA.password });
    expect(right.status).toBe(303);
    expect(right.headers.location).toBe('/psea');
    const sealed = /__Host-amani-sea=([^;]+)/.exec((right.headers['set-cookie'] as unknown as string[]).join('\n'))![1];
    rememberSecret(sealed);
    const reopened = await consoleAs(web, { cookie: `${SESSION}=${webA.session}; ${SEA}=${sealed}`, csrf: webA.csrf }).get(`/psea/complaints/${complaint.id}`);
    expect(reopened.status).toBe(200);
    expect(reopened.text).toContain(narrative);
    // Unlocking again re-encrypted the session's copy under a new session key: the earlier cookie no longer opens it.
    expect((await consoleAs(web, webA).get(`/psea/complaints/${complaint.id}`)).status).toBe(423);
    webA = { ...webA, sea: sealed, cookie: `${SESSION}=${webA.session}; ${SEA}=${sealed}` };
  });

  it('replies, notes, status and outcome are form posts answered with redirects carrying ids only; CSRF is required', async () => {
    const as = consoleAs(web, webA);
    const reply = sentinel('PSEAREPLY');
    const note = sentinel('PSEANOTE');
    expect((await as.post(`/psea/complaints/${complaint.id}/messages`, { body: reply }, { csrf: null })).status).toBe(403);
    const sent = await as.post(`/psea/complaints/${complaint.id}/messages`, { body: reply });
    expect([sent.status, sent.headers.location]).toEqual([303, `/psea/complaints/${complaint.id}#thread`]);
    const blank = await as.post(`/psea/complaints/${complaint.id}/notes`, { body: '   ' });
    expect(blank.status).toBe(400);
    expect(blank.text).toContain('Please fill in this field.');
    expect((await as.post(`/psea/complaints/${complaint.id}/notes`, { body: note })).status).toBe(303);
    // Triage without the coded fields is refused by the domain and shown next to the form.
    const uncoded = await as.post(`/psea/complaints/${complaint.id}/status`, { to: 'assessment' });
    expect(uncoded.status).toBe(422);
    const triaged = await as.post(`/psea/complaints/${complaint.id}/status`, {
      to: 'assessment',
      category: 'sexual_exploitation',
      entityType: 'implementing_partner',
      victimSex: 'female',
      victimAgeBand: '12_17',
      dateBand: 'one_to_six_months',
      regionCode: '',
      outcome: '',
    });
    expect(triaged.status).toBe(303);
    expect((await as.post(`/psea/complaints/${complaint.id}/outcome`, { outcome: 'under_investigation' })).status).toBe(303);
    const page = await as.get(`/psea/complaints/${complaint.id}`);
    expect(page.text).toContain(reply);
    expect(page.text).toContain(note);
    expect(/id="complaint-status">([^<]*)</.exec(page.text)![1]).toBe('Assessment');
    expect(/id="complaint-outcome">([^<]*)</.exec(page.text)![1]).toBe('Under investigation');
    for (const secret of [reply, note, narrative]) expect(capturedLogs()).not.toContain(secret);
  });

  it('after triage: keeps the directory of entities, records the referral to the entity and the victims through forms; sealed text only in the page body', async () => {
    const interimNote = sentinel('PSEAINTERIM');
    const description = sentinel('PSEAVICTIM');
    const as = consoleAs(web, webA);
    const entityName = `Contingent ${complaint.id.slice(0, 8)}`;
    expect((await as.post('/psea/entities', { name: entityName, entityType: 'peacekeeping', pseaContact: 'PSEA office, sector HQ' }, { csrf: null })).status).toBe(403);
    const bad = await as.post('/psea/entities', { name: '  ', entityType: 'army', pseaContact: 'x' });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('aria-invalid="true"');
    expect((await as.post('/psea/entities', { name: entityName, entityType: 'peacekeeping', pseaContact: 'PSEA office, sector HQ' })).status).toBe(303);
    expect((await as.post('/psea/entities', { name: entityName.toUpperCase(), entityType: 'other', pseaContact: 'x' })).status).toBe(409);
    const directory = await as.get('/psea/entities');
    expect(directory.status).toBe(200);
    // The directory is shared by the run: take this entry's own retire form.
    const entityId = new RegExp(`<strong>${entityName}</strong>[\\s\\S]*?action="/psea/entities/([0-9a-f-]{36})/active"`).exec(directory.text)![1];

    const today = new Date().toISOString().slice(0, 10);
    const future = await as.post(`/psea/complaints/${complaint.id}/entity-referral`, { entityId, referredOn: '2999-01-01', interimNote });
    expect(future.status).toBe(422);
    const saved = await as.post(`/psea/complaints/${complaint.id}/entity-referral`, { entityId, referredOn: today, interimMeasures: 'suspension', interimNote });
    expect([saved.status, saved.headers.location]).toEqual([303, `/psea/complaints/${complaint.id}#entity-referral`]);
    const added = await as.post(`/psea/complaints/${complaint.id}/victims`, { sex: 'female', ageBand: '18_25', assistanceStatus: 'referred', description });
    expect([added.status, added.headers.location]).toEqual([303, `/psea/complaints/${complaint.id}#victims-section`]);
    expect((await as.post(`/psea/complaints/${complaint.id}/victims`, { sex: '', ageBand: '18_25' })).status).toBe(400);

    let page = await as.get(`/psea/complaints/${complaint.id}`);
    expect(page.status).toBe(200);
    expect(/id="complaint-channel">([^<]*)</.exec(page.text)![1]).toBe('Reporting page');
    expect(/id="entity-name">([^<]*)</.exec(page.text)![1]).toBe(entityName);
    expect(page.text).toContain('Suspension');
    expect(page.text).toContain(interimNote);
    expect(page.text).toContain('Victim 1');
    expect(page.text).toContain(description);
    const victimId = new RegExp(`action="/psea/complaints/${complaint.id}/victims/([0-9a-f-]{36})"`).exec(page.text)![1];
    expect((await as.post(`/psea/complaints/${complaint.id}/victims/${victimId}`, { assistanceStatus: 'receiving' })).status).toBe(303);
    page = await as.get(`/psea/complaints/${complaint.id}`);
    expect(page.text).toContain('Receiving assistance');
    expect(/<title>([^<]*)<\/title>/.exec(page.text)![1]).not.toContain(interimNote);
    for (const secret of [interimNote, description]) expect(capturedLogs()).not.toContain(secret);

    // Retiring the entry keeps the recorded referral readable.
    expect((await as.post(`/psea/entities/${entityId}/active`, { active: 'no' })).status).toBe(303);
    expect((await as.get(`/psea/complaints/${complaint.id}`)).text).toContain(entityName);
  });

  it('a focal point without a grant for the complaint sees "no access" and no content', async () => {
    const fpB = await focalPoint(api);
    const webB = await webSignInKeepingSea(api, web, fpB);
    const page = await consoleAs(web, webB).get(`/psea/complaints/${complaint.id}`);
    expect(page.status).toBe(403);
    expect(page.text).toContain('You do not have access to this complaint yet.');
    expect(page.text).not.toContain(narrative);
    expect((await consoleAs(web, webB).post(`/psea/complaints/${complaint.id}/messages`, { body: 'hello' })).status).toBe(403);
    // Listed all the same (coded), marked as not open to them.
    expect((await consoleAs(web, webB).get('/psea')).text).toContain('no access yet');
    expect((await consoleAs(web, webA).get(`/psea/complaints/${randomUUID()}`)).status).toBe(404);
    expect((await consoleAs(web, webA).get('/psea/complaints/not-an-id')).status).toBe(404);
  });

  it('sends a visitor without a session to sign-in from every PSEA page and form', async () => {
    for (const [method, url] of [
      ['GET', '/psea'],
      ['GET', '/psea/unlock'],
      ['GET', '/psea/keys'],
      ['GET', `/psea/complaints/${complaint.id}`],
      ['GET', '/sea-assistance'],
      ['POST', '/psea/unlock'],
      ['POST', `/psea/complaints/${complaint.id}/messages`],
      ['POST', `/psea/complaints/${complaint.id}/assistance`],
      ['POST', '/psea/keys'],
      ['POST', `/sea-assistance/${randomUUID()}/accept`],
    ]) {
      const res = method === 'GET' ? await web.http().get(url) : await web.http().post(url).type('form').send({ _csrf: 'x' });
      expect([method, url, res.status, res.headers.location]).toEqual([method, url, 303, '/sign-in?expired=1']);
    }
  });

  it('every other role is refused every PSEA page and form with the same 403 page', async () => {
    const roles: Role[] = ['caseworker', 'supervisor', 'provider', 'admin', 'protection_officer'];
    for (const role of roles) {
      const agencyId = role === 'admin' || role === 'protection_officer' ? null : receivingAgency;
      const u = await webSignIn(web, await sessionAs(api, { role, agencyId }));
      const as = consoleAs(web, { cookie: cookieHeader(u), csrf: u.csrf });
      const got = [
        (await as.get('/psea')).status,
        (await as.get('/psea/keys')).status,
        (await as.get('/psea/unlock')).status,
        (await as.get(`/psea/complaints/${complaint.id}`)).status,
        (await as.post(`/psea/complaints/${complaint.id}/messages`, { body: 'x' })).status,
        (await as.post('/psea/unlock', { password: 'x' })).status,
        (await as.post('/psea/keys', { password: 'x' })).status,
        (await as.post(`/psea/focal-points/${fpA.user.id}/endorsement`)).status,
      ];
      expect([role, got]).toEqual([role, [403, 403, 403, 403, 403, 403, 403, 403]]);
      const page = await as.get(`/psea/complaints/${complaint.id}`);
      expect(page.text).not.toContain(narrative);
    }
  });

  it('refers the victim to assistance; the receiving agency sees coded facts, accepts, and gets a case; others do not', async () => {
    const as = consoleAs(web, webA);
    const page = await as.get(`/psea/complaints/${complaint.id}`);
    expect(page.text).toContain(`value="${receivingAgency}:psychosocial"`);
    const noConsent = await as.post(`/psea/complaints/${complaint.id}/assistance`, { service: `${receivingAgency}:psychosocial`, survivorName: survivor });
    expect(noConsent.status).toBe(400);
    expect(noConsent.text).toContain('A referral needs the victim’s consent.');
    const notOffered = await as.post(`/psea/complaints/${complaint.id}/assistance`, { service: `${receivingAgency}:legal`, survivorName: survivor, consent: 'yes' });
    expect(notOffered.status).toBe(422);
    const referred = await as.post(`/psea/complaints/${complaint.id}/assistance`, { service: `${receivingAgency}:psychosocial`, survivorName: survivor, summary: 'needs counselling', consent: 'yes' });
    expect([referred.status, referred.headers.location]).toEqual([303, `/psea/complaints/${complaint.id}#assistance-section`]);
    expect((await as.get(`/psea/complaints/${complaint.id}`)).text).toContain('Waiting for the agency');

    const fpWeb = await as.get('/sea-assistance');
    expect(fpWeb.status).toBe(403);
    const elsewhere = await webSignIn(web, await sessionAs(api, { role: 'caseworker', agencyId: (await createAgency(api)).id }));
    const other = consoleAs(web, { cookie: cookieHeader(elsewhere), csrf: elsewhere.csrf });
    expect((await other.get('/sea-assistance')).text).toContain('No assistance requests are waiting.');

    const cw = await webSignIn(web, await sessionAs(api, { role: 'caseworker', agencyId: receivingAgency }));
    const cwAs = consoleAs(web, { cookie: cookieHeader(cw), csrf: cw.csrf });
    expect((await cwAs.get('/')).text).toContain('href="/sea-assistance"');
    const inbox = await cwAs.get('/sea-assistance');
    expect(inbox.status).toBe(200);
    expect(inbox.text).not.toContain(survivor);
    expect(inbox.text).not.toContain(narrative);
    const requestId = /action="\/sea-assistance\/([0-9a-f-]{36})\/accept"/.exec(inbox.text)![1];
    expect((await other.post(`/sea-assistance/${requestId}/accept`)).status).toBe(404);
    const accepted = await cwAs.post(`/sea-assistance/${requestId}/accept`);
    expect(accepted.status).toBe(303);
    expect(accepted.headers.location).toMatch(/^\/cases\/[0-9a-f-]{36}$/);
    const casePage = await cwAs.get(accepted.headers.location);
    expect(casePage.status).toBe(200);
    expect((await cwAs.get('/sea-assistance')).text).toContain('No assistance requests are waiting.');
    expect((await as.get(`/psea/complaints/${complaint.id}`)).text).toMatch(/Accepted/);
  });

  it('a new focal point sets up a key (recovery key on the response only), is endorsed by a colleague, and recovers', async () => {
    const created = await createUser(api, { role: 'psea_focal_point', agencyId: (await createAgency(api, undefined, { type: 'un_agency', serviceTypes: [] })).id, mfa: true });
    const newcomer = await webSignInKeepingSea(api, web, created);
    expect(newcomer.sea).toBeUndefined();
    const as = consoleAs(web, newcomer);
    const keys = await as.get('/psea/keys');
    expect(keys.text).toContain('action="/psea/keys"');
    expect((await as.get('/psea')).text).toContain('You have no complaint key yet');
    const wrong = await as.post('/psea/keys', { password: `${created.password} wrong` });
    expect(wrong.status).toBe(422);
    const setup = await as.post('/psea/keys', { password: created.password });
    expect(setup.status).toBe(201);
    expect(setup.headers['cache-control']).toBe('no-store');
    const recoveryKey = /id="recovery-key" dir="ltr">([^<]+)</.exec(setup.text)![1].trim();
    rememberSecret(recoveryKey);
    expect(/<title>([^<]*)<\/title>/.exec(setup.text)![1]).not.toContain(recoveryKey);
    const sealed = /__Host-amani-sea=([^;]+)/.exec((setup.headers['set-cookie'] as unknown as string[]).join('\n'))![1];
    rememberSecret(sealed);
    const unlocked = { cookie: `${SESSION}=${newcomer.session}; ${SEA}=${sealed}`, csrf: newcomer.csrf };
    expect((await consoleAs(web, unlocked).get('/psea/keys')).text).toContain('Your key is not endorsed yet');
    expect((await consoleAs(web, unlocked).get('/psea/keys')).text).not.toContain(recoveryKey);

    // A colleague endorses it from the team list.
    const team = await consoleAs(web, webA).get('/psea/keys');
    expect(team.text).toContain(`action="/psea/focal-points/${created.user.id}/endorsement"`);
    const endorsed = await consoleAs(web, webA).post(`/psea/focal-points/${created.user.id}/endorsement`);
    expect([endorsed.status, endorsed.headers.location]).toEqual([303, '/psea/keys#team']);
    expect((await consoleAs(web, unlocked).get('/psea/keys')).text).toContain('Your key is endorsed by the team');

    // Recovery with the recovery key: a new one is shown, once.
    const badRecovery = await consoleAs(web, unlocked).post('/psea/keys/recover', { recoveryKey: 'AAAA-BBBB-CCCC-DDDD', password: created.password });
    expect(badRecovery.status).toBe(422);
    const recovered = await consoleAs(web, unlocked).post('/psea/keys/recover', { recoveryKey, password: created.password });
    expect(recovered.status).toBe(200);
    const next = /id="recovery-key" dir="ltr">([^<]+)</.exec(recovered.text)![1].trim();
    rememberSecret(next);
    expect(next).not.toBe(recoveryKey);
  });

  it('sign-out clears the cookie and the key row dies with the session: the old cookie opens nothing afterwards', async () => {
    const fresh = await webSignInKeepingSea(api, web, fpA);
    expect((await consoleAs(web, fresh).get(`/psea/complaints/${complaint.id}`)).status).toBe(200);
    const out = await consoleAs(web, fresh).post('/sign-out');
    expect(out.status).toBe(303);
    expect((out.headers['set-cookie'] as unknown as string[]).some((c) => c.startsWith(`${SEA}=;`))).toBe(true);
    const rows: unknown[] = await api.app.get(DataSource).query(`SELECT 1 FROM sea_session_keys WHERE user_id = $1 AND session_id NOT IN (SELECT id FROM auth_sessions WHERE revoked_at IS NULL)`, [fpA.user.id]);
    expect(rows).toEqual([]);
    // The old session is gone: sign-in again; the old sealed cookie does not open the new session's key.
    const again = await webSignInKeepingSea(api, web, fpA);
    const stale = { cookie: `${SESSION}=${again.session}; ${SEA}=${fresh.sea!}`, csrf: again.csrf };
    expect((await consoleAs(web, stale).get(`/psea/complaints/${complaint.id}`)).status).toBe(423);
    expect(csrfOf((await consoleAs(web, again).get('/psea')).text)).toBe(again.csrf);
  });
});
