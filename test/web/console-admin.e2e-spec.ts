import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AuditSequencer } from '@amani/audit';
import type { Role } from '@amani/auth';
import { createTestApp, TestApp } from '../support/app';
import { rememberSecret } from '../support/canary';
import { bearer, createAgency, enrolMfaDirectly, LoggedIn, sessionAs, strongPassword } from '../support/users';
import { browserOf, cookieHeader, createTestWeb, webSignIn, WebUser } from '../support/web';
import { newCase, referralConsent, refer, threeAgencies } from '../referrals/referral-fixtures';
import { complaintBody, focalPoint, newComplaint } from '../sea/sea-fixtures';

/**
 * Administration in the staff console over HTTP: which roles reach which admin page, the
 * invitation shown once, four-eyes approval by a second person (never the inviter), disable,
 * enable and credential reset, agencies with validated regions and an optimistic edit, and
 * the audit chain (verify with CSRF, events without content). An administrator never sees a
 * case, a referral or a complaint page.
 */
describe('staff console administration (apps/web)', () => {
  let api: TestApp;
  let web: TestApp;
  let admin1: LoggedIn;
  let admin2: LoggedIn;
  let agencyA: string;
  let caseId: string;
  let referralId: string;
  let complaintId: string;
  const canary = `CANARY${randomBytes(6).toString('hex')}`;
  const signedIn = new Map<LoggedIn, Promise<WebUser>>();
  const once = (u: LoggedIn) => {
    if (!signedIn.has(u)) signedIn.set(u, webSignIn(web, u));
    return signedIn.get(u)!;
  };
  const as = async (u: LoggedIn) => browserOf(web, await once(u));
  const byRole = new Map<Role, LoggedIn>();
  /** A form post with repeated fields (checkboxes). */
  const postForm = async (u: LoggedIn, url: string, fields: [string, string][]) => {
    const w = await once(u);
    return web
      .http()
      .post(url)
      .set('Cookie', cookieHeader(w))
      .type('form')
      .send(new URLSearchParams([['_csrf', w.csrf], ...fields]).toString());
  };

  beforeAll(async () => {
    rememberSecret(canary);
    api = await createTestApp();
    web = await createTestWeb();
    const x = await threeAgencies(api);
    agencyA = x.agencyA;
    const agencyB = x.agencyB;
    admin1 = await sessionAs(api, { role: 'admin' });
    admin2 = await sessionAs(api, { role: 'admin' });
    byRole.set('caseworker', x.cwA);
    byRole.set('supervisor', x.supA);
    byRole.set('provider', x.provB);
    byRole.set('protection_officer', await sessionAs(api, { role: 'protection_officer', agencyId: null }));
    byRole.set('psea_focal_point', await sessionAs(api, { role: 'psea_focal_point', agencyId: (await createAgency(api, undefined, { type: 'un_agency', serviceTypes: [] })).id }));
    const cw = byRole.get('caseworker')!;
    caseId = (await newCase(api, cw, { survivorName: `${canary} survivor` })).id;
    const consentId = await referralConsent(api, cw, caseId, { serviceType: 'legal', recipientAgencyId: agencyB, shareableFields: ['ageBand', 'sex'] });
    const ref = await refer(api, cw, caseId, { consentId, serviceType: 'legal', recipientAgencyId: agencyB });
    expect(ref.status).toBe(201);
    referralId = ref.body.id;
    // Intake seals complaints to an endorsed focal point's key.
    await focalPoint(api);
    complaintId = (await newComplaint(api, complaintBody({ narrative: `${canary} complaint narrative` }))).id;
  });
  afterAll(async () => {
    await web?.close();
    await api?.close();
  });

  const ADMIN_GETS = ['/admin/users', '/admin/users/new', '/admin/agencies', '/admin/audit', '/admin/audit/events'];
  const ADMIN_POSTS = ['/admin/users', '/admin/agencies', '/admin/audit/verify'];

  describe('who reaches the administration pages', () => {
    it('sends a visitor without a session to sign-in from every admin page and form', async () => {
      for (const url of [...ADMIN_GETS, '/account-approvals']) {
        const res = await web.http().get(url);
        expect([url, res.status, res.headers.location]).toEqual([url, 303, '/sign-in?expired=1']);
      }
      for (const url of [...ADMIN_POSTS, `/admin/users/${admin2.user.id}/disable`, `/account-approvals/${admin2.user.id}`]) {
        const res = await web.http().post(url).type('form').send({ _csrf: 'x' });
        expect([url, res.status, res.headers.location]).toEqual([url, 303, '/sign-in?expired=1']);
      }
    });

    it.each(['caseworker', 'supervisor', 'provider', 'protection_officer', 'psea_focal_point'] as const)('a %s is refused every admin page and post', async (role) => {
      const b = await as(byRole.get(role)!);
      for (const url of ADMIN_GETS) {
        const res = await b.get(url);
        expect([url, res.status]).toEqual([url, 403]);
        expect(res.text).toContain('Your role cannot use this page.');
      }
      const someone = admin2.user.id;
      for (const url of [...ADMIN_POSTS, `/admin/users/${someone}/disable`, `/admin/users/${someone}/reset`, `/admin/agencies/${agencyA}`]) {
        const res = await b.post(url, { name: 'x', email: 'x@example.org' });
        expect([url, res.status]).toEqual([url, 403]);
      }
      expect((await api.app.get(DataSource).query(`SELECT disabled_at FROM users WHERE id = $1`, [someone]))[0].disabled_at).toBeNull();
    });

    it('approvals: supervisors and focal points may open the page, caseworkers, providers and protection officers may not', async () => {
      for (const role of ['supervisor', 'psea_focal_point'] as const) expect((await (await as(byRole.get(role)!)).get('/account-approvals')).status).toBe(200);
      for (const role of ['caseworker', 'provider', 'protection_officer'] as const) expect((await (await as(byRole.get(role)!)).get('/account-approvals')).status).toBe(403);
    });

    it('an administrator gets every admin page, no-store, with the admin menu; no page title names anyone', async () => {
      const b = await as(admin1);
      for (const url of [...ADMIN_GETS, '/account-approvals', `/admin/users/${admin2.user.id}`, `/admin/agencies/${agencyA}`]) {
        const res = await b.get(url);
        expect([url, res.status]).toEqual([url, 200]);
        expect(res.headers['cache-control']).toBe('no-store');
        expect(res.headers['content-security-policy']).toMatch(/^default-src 'none'/);
        expect(res.text).toContain('href="/admin/audit"');
        const title = /<title>([^<]*)<\/title>/.exec(res.text)![1];
        for (const u of [admin1, admin2]) {
          expect(title).not.toContain(u.email);
          expect(title).not.toContain(u.user.displayName);
        }
      }
    });

    it('an administrator never sees a case, a referral or a complaint page: forbidden or not found, with nothing of the record', async () => {
      const b = await as(admin1);
      const pages = [`/cases/${caseId}`, `/cases/${caseId}/referrals/new`, '/cases', '/cases/new', `/referrals/${referralId}`, '/referrals/incoming', `/sea/complaints/${complaintId}`, `/complaints/${complaintId}`, `/psea/complaints/${complaintId}`];
      for (const url of pages) {
        const res = await b.get(url);
        expect([url, [403, 404].includes(res.status)]).toEqual([url, true]);
        expect(res.text).toMatch(/Your role cannot use this page\.|There is nothing here, or you do not have access to it\./);
        expect(res.text).not.toContain(canary);
      }
      // The case and referral pages answer exactly as the API does for an administrator: forbidden.
      for (const path of [`/cases/${caseId}`, `/referrals/${referralId}`]) {
        const [page, json] = [await b.get(path), await api.http().get(path).set(bearer(admin1.accessToken))];
        expect([path, page.status, json.status]).toEqual([path, 403, 403]);
        expect(json.text).not.toContain(canary);
      }
      // The API refuses the complaint to an administrator too; the console has no complaint page for them.
      const complaint = await api.http().get(`/sea/complaints/${complaintId}`).set(bearer(admin1.accessToken));
      expect([403, 404]).toContain(complaint.status);
      expect(complaint.text).not.toContain(canary);
    });
  });

  describe('invitations and four eyes', () => {
    let inviteeId: string;
    let token: string;

    it('checks the invitation form next to each field and keeps what was typed', async () => {
      const b = await as(admin1);
      const bad = await b.post('/admin/users', { email: 'not-an-email', displayName: '', role: 'caseworker', agencyId: '' });
      expect(bad.status).toBe(400);
      expect(bad.text).toContain('id="invite-email-error"');
      expect(bad.text).toContain('id="invite-displayName-error"');
      expect(bad.text).toContain('id="invite-agencyId-error"');
      expect(bad.text).toContain('value="not-an-email"');
      const agencyless = await b.post('/admin/users', { email: 'po@example.org', displayName: 'PO', role: 'protection_officer', agencyId: agencyA });
      expect(agencyless.status).toBe(400);
      expect(agencyless.text).toContain('Administrators and protection officers belong to no agency');
      const taken = await b.post('/admin/users', { email: admin2.email, displayName: 'Dup', role: 'admin', agencyId: '' });
      expect(taken.status).toBe(400);
      expect(taken.text).toContain('An account with this email already exists.');
    });

    it('invites: the code is shown once in the answer to the post, stored only as a hash, and audited', async () => {
      const b = await as(admin1);
      const email = `new-sup-${randomBytes(4).toString('hex')}@example.org`;
      const agency = (await createAgency(api)).id; // no supervisor yet: an admin approves its first
      const res = await b.post('/admin/users', { email, displayName: 'First supervisor', role: 'supervisor', agencyId: agency });
      expect(res.status).toBe(201);
      expect(res.headers['cache-control']).toBe('no-store');
      token = /id="invitation-code" dir="ltr">([A-Za-z0-9_-]{43})</.exec(res.text)![1];
      rememberSecret(token);
      const row = (await api.app.get(DataSource).query(`SELECT id, status, invited_by FROM users WHERE email = $1`, [email]))[0];
      expect(row).toMatchObject({ status: 'invited', invited_by: admin1.user.id });
      inviteeId = row.id;
      expect(JSON.stringify(await api.app.get(DataSource).query(`SELECT * FROM users WHERE id = $1`, [inviteeId]))).not.toContain(token);
      // The account page never shows the code again.
      const page = await b.get(`/admin/users/${inviteeId}`);
      expect(page.text).not.toContain(token);
      expect(page.text).toContain('Invited');
    });

    it('the inviter does not see the account to approve and cannot approve it; the second admin does', async () => {
      const password = strongPassword();
      rememberSecret(password);
      const accept = await api.http().post('/auth/invitations/accept').send({ token, password });
      expect(accept.status).toBe(200);
      // Approval needs the invitee's second factor: enrol it directly (its own suite covers the real enrolment).
      await enrolMfaDirectly(api, inviteeId);
      const inviter = await as(admin1);
      expect((await inviter.get('/account-approvals')).text).not.toContain(inviteeId);
      const tried = await inviter.post(`/account-approvals/${inviteeId}`, { decision: 'approve' });
      expect([tried.status, tried.headers.location]).toEqual([303, '/account-approvals?done=not_approver']);
      expect((await inviter.get(tried.headers.location)).text).toContain('You cannot decide on this account');
      const second = await as(admin2);
      const list = await second.get('/account-approvals');
      expect(list.text).toContain(`data-user="${inviteeId}"`);
      const ok = await second.post(`/account-approvals/${inviteeId}`, { decision: 'approve' });
      expect([ok.status, ok.headers.location]).toEqual([303, '/account-approvals?done=approved']);
      expect((await api.app.get(DataSource).query(`SELECT status, approved_by FROM users WHERE id = $1`, [inviteeId]))[0]).toEqual({ status: 'active', approved_by: admin2.user.id });
      const again = await second.post(`/account-approvals/${inviteeId}`, { decision: 'approve' });
      expect(again.headers.location).toBe('/account-approvals?done=not_waiting');
      await api.app.get(AuditSequencer).flush();
      const denied = await api.app.get(DataSource).query(`SELECT outcome, actor_id FROM audit_events WHERE action = 'user.approval' AND target_id = $1 ORDER BY seq`, [inviteeId]);
      expect(denied).toEqual([
        { outcome: 'denied', actor_id: admin1.user.id },
        { outcome: 'success', actor_id: admin2.user.id },
      ]);
    });

    it('a supervisor approves in the console only accounts of their own agency that need them', async () => {
      const sup = byRole.get('supervisor')!;
      const invited = await (await as(admin1)).post('/admin/users', { email: `cw-${randomBytes(4).toString('hex')}@example.org`, displayName: 'New cw', role: 'caseworker', agencyId: agencyA });
      const code = /id="invitation-code" dir="ltr">([A-Za-z0-9_-]{43})</.exec(invited.text)![1];
      rememberSecret(code);
      const password = strongPassword();
      rememberSecret(password);
      const accepted = await api.http().post('/auth/invitations/accept').send({ token: code, password });
      const id = accepted.body.userId as string;
      await enrolMfaDirectly(api, id);
      // The agency has a supervisor, so an admin is not the approver.
      expect((await (await as(admin2)).get('/account-approvals')).text).not.toContain(id);
      const page = await (await as(sup)).get('/account-approvals');
      expect(page.text).toContain(`data-user="${id}"`);
      const res = await (await as(sup)).post(`/account-approvals/${id}`, { decision: 'approve' });
      expect(res.headers.location).toBe('/account-approvals?done=approved');
    });

    it('a post for an account the approver may not see answers “not found”, like one that does not exist', async () => {
      const fp = await as(byRole.get('psea_focal_point')!);
      expect((await fp.post(`/account-approvals/${admin2.user.id}`, { decision: 'approve' })).status).toBe(404);
      expect((await fp.post(`/account-approvals/00000000-0000-4000-8000-000000000000`, { decision: 'approve' })).status).toBe(404);
    });

    it('disables (ending sessions) and enables; resets credentials with a new code; never the admin’s own account', async () => {
      const b = await as(admin1);
      const target = await sessionAs(api, { role: 'caseworker', agencyId: agencyA });
      const off = await b.post(`/admin/users/${target.user.id}/disable`);
      expect([off.status, off.headers.location]).toEqual([303, `/admin/users/${target.user.id}?done=disabled`]);
      const disabledPage = (await b.get(off.headers.location)).text;
      expect(disabledPage).toContain(' Disabled</span>');
      expect(disabledPage).toContain('The account is disabled and its sessions ended.');
      expect((await api.app.get(DataSource).query(`SELECT count(*)::int AS n FROM auth_sessions WHERE user_id = $1 AND revoked_at IS NULL`, [target.user.id]))[0].n).toBe(0);
      const on = await b.post(`/admin/users/${target.user.id}/enable`);
      expect([on.status, on.headers.location]).toEqual([303, `/admin/users/${target.user.id}?done=enabled`]);
      expect((await b.get(`/admin/users/${target.user.id}`)).text).not.toContain(' Disabled</span>');
      const reset = await b.post(`/admin/users/${target.user.id}/reset`);
      expect(reset.status).toBe(200);
      const code = /id="invitation-code" dir="ltr">([A-Za-z0-9_-]{43})</.exec(reset.text)![1];
      rememberSecret(code);
      expect((await api.app.get(DataSource).query(`SELECT status, password_hash IS NULL AS nopw, mfa_secret IS NULL AS nomfa FROM users WHERE id = $1`, [target.user.id]))[0]).toEqual({ status: 'invited', nopw: true, nomfa: true });
      const reinvite = await b.post(`/admin/users/${target.user.id}/reinvite`);
      const second = /id="invitation-code" dir="ltr">([A-Za-z0-9_-]{43})</.exec(reinvite.text)![1];
      rememberSecret(second);
      expect(second).not.toBe(code);
      expect((await api.http().post('/auth/invitations/accept').send({ token: code, password: strongPassword() })).status).not.toBe(200);
      const self = await b.get(`/admin/users/${admin1.user.id}`);
      expect(self.text).toContain('This is your own account');
      expect(self.text).not.toContain(`/admin/users/${admin1.user.id}/disable`);
      expect((await b.post(`/admin/users/${admin1.user.id}/disable`)).status).toBe(409);
      expect((await b.post(`/admin/users/not-an-id/disable`)).status).toBe(404);
      expect((await b.get(`/admin/users/00000000-0000-4000-8000-000000000000`)).status).toBe(404);
    });

    it('refuses every admin post without the form token', async () => {
      const b = await as(admin1);
      for (const url of [...ADMIN_POSTS, `/admin/users/${admin2.user.id}/disable`, `/account-approvals/${admin2.user.id}`, `/admin/agencies/${agencyA}`]) {
        const res = await b.post(url, { name: 'x', decision: 'approve' }, { csrf: null });
        expect([url, res.status]).toEqual([url, 403]);
      }
      expect((await api.app.get(DataSource).query(`SELECT disabled_at FROM users WHERE id = $1`, [admin2.user.id]))[0].disabled_at).toBeNull();
    });
  });

  describe('agencies', () => {
    it('creates an agency with services and validated region codes; edits it; a stale edit is shown back', async () => {
      const b = await as(admin1);
      const name = `Agency ${randomBytes(4).toString('hex')}`;
      const bad = await postForm(admin1, '/admin/agencies', [['name', name], ['type', 'national_ngo'], ['serviceTypes', 'legal'], ['serviceTypes', 'bogus'], ['regionCodes', 'SO-BN, not a code!']]);
      expect(bad.status).toBe(400);
      expect(bad.text).toContain('id="agency-new-regionCodes-error"');
      expect(bad.text).toContain('id="agency-new-serviceTypes-error"');
      expect(bad.text).toContain(`value="${name}"`);
      const ok = await postForm(admin1, '/admin/agencies', [['name', name], ['type', 'national_ngo'], ['serviceTypes', 'legal'], ['serviceTypes', 'medical'], ['regionCodes', 'so-bn, SO-BR']]);
      expect([ok.status, ok.headers.location]).toEqual([303, '/admin/agencies']);
      const row = (await api.app.get(DataSource).query(`SELECT id, service_types, region_codes, updated_at FROM agencies WHERE name = $1`, [name]))[0];
      expect(row.service_types).toEqual(['legal', 'medical']);
      expect(row.region_codes).toEqual(['SO-BN', 'SO-BR']);
      const dup = await b.post('/admin/agencies', { name, type: 'national_ngo', regionCodes: '' });
      expect(dup.text).toContain('Another agency already has this name.');

      const edit = await b.get(`/admin/agencies/${row.id}`);
      const updatedAt = /name="updatedAt" value="([^"]+)"/.exec(edit.text)![1];
      const saved = await b.post(`/admin/agencies/${row.id}`, { updatedAt, name: `${name} renamed`, type: 'government', serviceTypes: 'psychosocial', regionCodes: 'SO-BN' });
      expect([saved.status, saved.headers.location]).toEqual([303, '/admin/agencies']);
      const after = (await api.app.get(DataSource).query(`SELECT name, type, service_types, region_codes FROM agencies WHERE id = $1`, [row.id]))[0];
      expect(after).toEqual({ name: `${name} renamed`, type: 'government', service_types: ['psychosocial'], region_codes: ['SO-BN'] });
      const stale = await b.post(`/admin/agencies/${row.id}`, { updatedAt, name: `${name} again`, type: 'government', regionCodes: 'SO-BN' });
      expect(stale.status).toBe(409);
      expect(stale.text).toContain('Someone changed this agency meanwhile.');
      expect(stale.text).toContain(`value="${name} renamed"`);
      await api.app.get(AuditSequencer).flush();
      const events = await api.app.get(DataSource).query(`SELECT action, details FROM audit_events WHERE target_id = $1 ORDER BY seq`, [row.id]);
      expect(events.map((e: { action: string }) => e.action)).toEqual(['agency.create', 'agency.update']);
      expect(events[1].details).toEqual({ fields: 'name:type:serviceTypes:regionCodes' });
      expect((await b.get('/admin/agencies/00000000-0000-4000-8000-000000000000')).status).toBe(404);
    });
  });

  describe('audit chain', () => {
    it('verifies on demand (post with the form token) and shows the state: head, checkpoint, last verification', async () => {
      const b = await as(admin1);
      const before = await b.get('/admin/audit');
      expect(before.text).toContain('id="chain-state"');
      const res = await b.post('/admin/audit/verify');
      expect(res.status).toBe(200);
      expect(res.text).toMatch(/id="verify-result">The chain is intact: \d+ events/);
      const state = await b.get('/admin/audit');
      expect(state.text).toMatch(/id="chain-verified">Intact up to event \d+/);
      await api.app.get(AuditSequencer).flush();
      const [v] = await api.app.get(DataSource).query(`SELECT actor_id, outcome FROM audit_events WHERE action = 'audit.verify' ORDER BY seq DESC LIMIT 1`);
      expect(v).toEqual({ actor_id: admin1.user.id, outcome: 'success' });
    });

    it('lists events as who / what / which record / when, filters them, pages them; never their details', async () => {
      const b = await as(admin1);
      await api.app.get(AuditSequencer).flush();
      const all = await b.get('/admin/audit/events');
      expect(all.status).toBe(200);
      expect(all.text).toContain('<ul class="cards" id="events">');
      const mine = await b.get(`/admin/audit/events?action=user.approval&actor=${admin2.user.id}`);
      expect(mine.text).toContain('user.approval');
      expect(mine.text).not.toContain('agency.create');
      const rows = mine.text.match(/data-seq="/g)!.length;
      expect(rows).toBeGreaterThanOrEqual(1);
      // Details (here the inviter's id and the approver rule) are never on the page.
      expect(mine.text).not.toContain('"decision"');
      expect(mine.text).not.toContain('approver');
      const cases = await b.get(`/admin/audit/events?action=case.`);
      expect(cases.text).toContain(caseId);
      expect(cases.text).not.toContain(canary);
      const bad = await b.get('/admin/audit/events?actor=nope&action=DROP%20TABLE&from=2025-02-30');
      expect(bad.status).toBe(400);
      expect(bad.text).toContain('id="ev-actor-error"');
      expect(bad.text).toContain('id="ev-action-error"');
      expect(bad.text).toContain('id="ev-from-error"');
      const today = new Date().toISOString().slice(0, 10);
      const dated = await b.get(`/admin/audit/events?from=${today}&to=${today}`);
      expect(dated.text).toContain('<ul class="cards" id="events">');
      const future = await b.get('/admin/audit/events?from=2999-01-01');
      expect(future.text).toContain('No event matches.');
      const next = /href="\/admin\/audit\/events\?before=(\d+)"/.exec(all.text)![1];
      const page2 = await b.get(`/admin/audit/events?before=${next}`);
      const seqs = [...page2.text.matchAll(/data-seq="(\d+)"/g)].map((m) => Number(m[1]));
      expect(seqs.length).toBeGreaterThan(0);
      expect(Math.max(...seqs)).toBeLessThan(Number(next));
    });
  });
});
