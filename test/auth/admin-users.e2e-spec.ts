import { createHash, randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AuditSequencer } from '@amani/audit';
import { Role, ROLES, SERVICE_TYPES } from '@amani/auth';
import { createTestApp, TestApp } from '../support/app';
import { rememberSecret } from '../support/canary';
import { bearer, createAgency, LoggedIn, login, sessionAs, strongPassword } from '../support/users';

const PROBLEM = /application\/problem\+json/;
const UNKNOWN_ID = '0f9b7c1e-3a5d-4e2f-8b6a-9c0d1e2f3a4b';

describe('agencies and users (admin only)', () => {
  let t: TestApp;
  let db: DataSource;
  let admin: LoggedIn;
  let agencyId: string;

  beforeAll(async () => {
    t = await createTestApp();
    db = t.app.get(DataSource);
    admin = await sessionAs(t, { role: 'admin' });
    agencyId = (await createAgency(t)).id;
  });

  afterAll(async () => {
    await t?.close();
  });

  const as = (token: string) => ({
    get: (url: string) => t.http().get(url).set(bearer(token)),
    post: (url: string, body: object = {}) => t.http().post(url).set(bearer(token)).send(body),
    patch: (url: string, body: object) => t.http().patch(url).set(bearer(token)).send(body),
  });
  const email = (tag = 'user') => `${tag}-${randomBytes(4).toString('hex')}@example.org`;
  const newUser = (over: Record<string, unknown> = {}) => ({ email: email(), displayName: 'New Person', role: 'caseworker', agencyId, ...over });
  /** Invites over HTTP; returns the new user's id and the invitation token (remembered for the leak check). */
  const invite = async (over: Record<string, unknown> = {}) => {
    const res = await as(admin.accessToken).post('/users', newUser(over));
    expect(res.status).toBe(201);
    rememberSecret(res.body.invitationToken);
    return { id: res.body.user.id as string, token: res.body.invitationToken as string, email: res.body.user.email as string };
  };
  const accept = (token: string, password: string) => t.http().post('/auth/invitations/accept').send({ token, password });
  const auditRows = async (targetId: string) => {
    await t.app.get(AuditSequencer).flush();
    return await db.query<{ action: string; outcome: string; actor_id: string; details: Record<string, unknown> }[]>(
      `SELECT action, outcome, actor_id, details FROM audit_events WHERE target_id = $1 ORDER BY seq`,
      [targetId],
    );
  };

  describe('agencies', () => {
    it('creates, lists (paginated) and reads agencies, audited', async () => {
      const name = `Agency ${randomBytes(4).toString('hex')}`;
      const created = await as(admin.accessToken).post('/agencies', {
        name,
        type: 'international_ngo',
        serviceTypes: ['legal', 'medical'],
        regionCodes: ['NORTH-01'],
      });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ name, type: 'international_ngo', serviceTypes: ['legal', 'medical'], publicKey: null });

      const got = await as(admin.accessToken).get(`/agencies/${created.body.id}`);
      expect(got.status).toBe(200);
      expect(got.body.id).toBe(created.body.id);

      const page = await as(admin.accessToken).get('/agencies?page=1&pageSize=1');
      expect(page.status).toBe(200);
      expect(page.body).toMatchObject({ page: 1, pageSize: 1, total: expect.any(Number) });
      expect(page.body.items).toHaveLength(1);
      expect(page.body.total).toBeGreaterThanOrEqual(2);

      const dup = await as(admin.accessToken).post('/agencies', { name, type: 'un_agency' });
      expect(dup.status).toBe(409);
      expect(dup.body.code).toBe('agency_name_taken');

      const [event] = await auditRows(created.body.id);
      expect(event).toMatchObject({ action: 'agency.create', outcome: 'success', actor_id: admin.user.id });
    });

    it('refuses unknown service types and fields with 400 naming them', async () => {
      const res = await as(admin.accessToken).post('/agencies', { name: 'X', type: 'un_agency', serviceTypes: ['magic'], extra: 1 });
      expect(res.status).toBe(400);
      const fields = (res.body.errors as { field: string }[]).map((e) => e.field);
      expect(fields).toEqual(expect.arrayContaining(['serviceTypes', 'extra']));
      expect(SERVICE_TYPES).not.toContain('magic');
      const nul = await as(admin.accessToken).post('/agencies', { name: 'Bad\u0000Name', type: 'un_agency' });
      expect(nul.status).toBe(400);
      expect(nul.body.errors).toEqual([expect.objectContaining({ field: 'name' })]);
      const blank = await as(admin.accessToken).post('/agencies', { name: '   ', type: 'un_agency' });
      expect(blank.status).toBe(400);
      expect(blank.body.errors).toEqual([expect.objectContaining({ field: 'name' })]);
    });

    it('answers 400 naming id for a malformed id, 404 for an unknown one', async () => {
      const bad = await as(admin.accessToken).get('/agencies/not-a-uuid');
      expect(bad.status).toBe(400);
      expect(bad.body.errors).toEqual([{ field: 'id', message: expect.any(String) }]);
      const missing = await as(admin.accessToken).get(`/agencies/${UNKNOWN_ID}`);
      expect(missing.status).toBe(404);
      expect(missing.headers['content-type']).toMatch(PROBLEM);
    });
  });

  describe('users', () => {
    it('invites a user: no password, a single token stored only as its hash, never other secrets; audited with ids only', async () => {
      const body = newUser();
      const res = await as(admin.accessToken).post('/users', { ...body, email: body.email.toUpperCase() });
      expect(res.status).toBe(201);
      rememberSecret(res.body.invitationToken);
      expect(Object.keys(res.body).sort()).toEqual(['invitationExpiresAt', 'invitationToken', 'user']);
      expect(Object.keys(res.body.user).sort()).toEqual(
        ['agencyId', 'createdAt', 'disabled', 'displayName', 'email', 'id', 'mfaEnabled', 'role', 'status', 'updatedAt', 'version'].sort(),
      );
      expect(res.body.user).toMatchObject({ email: body.email, role: 'caseworker', agencyId, disabled: false, mfaEnabled: false, status: 'invited', version: 1 });
      expect(res.body.invitationToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
      const ttlHours = (Date.parse(res.body.invitationExpiresAt) - Date.now()) / 3_600_000;
      expect(ttlHours).toBeGreaterThan(71.9);
      expect(ttlHours).toBeLessThanOrEqual(72);
      const [row] = await db.query<{ password_hash: string | null; invitation_token_hash: Buffer; invited_by: string }[]>(
        'SELECT password_hash, invitation_token_hash, invited_by FROM users WHERE id = $1',
        [res.body.user.id],
      );
      expect(row.password_hash).toBeNull();
      expect(row.invited_by).toBe(admin.user.id);
      expect(row.invitation_token_hash).toEqual(createHash('sha256').update(Buffer.from(res.body.invitationToken, 'base64url')).digest());
      // An invited account has no credential: nothing logs in.
      expect((await t.http().post('/auth/login').send({ email: body.email, password: 'Anything at all 123' })).status).toBe(401);

      const [event] = await auditRows(res.body.user.id);
      expect(event).toMatchObject({ action: 'user.invite', outcome: 'success', actor_id: admin.user.id });
      expect(JSON.stringify(event)).not.toContain(body.email);

      const dup = await as(admin.accessToken).post('/users', { ...newUser(), email: body.email });
      expect(dup.status).toBe(409);
      expect(dup.body.code).toBe('email_taken');
      const withPassword = await as(admin.accessToken).post('/users', { ...newUser(), password: strongPassword() });
      expect(withPassword.status).toBe(400);
      expect(withPassword.body.errors).toEqual([expect.objectContaining({ field: 'password' })]);
    });

    it('the invitee chooses the password: 11 characters and common passwords refused, 64+ accepted; the token works once', async () => {
      const expectPasswordProblem = (res: { status: number; body: { errors?: { field: string }[] } }) => {
        expect(res.status).toBe(400);
        expect(res.body.errors).toEqual([expect.objectContaining({ field: 'password' })]);
      };
      const { token } = await invite();
      for (const password of ['Xk9#mP2$vL7', 'password1234', 'qwertyuiopasdf']) {
        rememberSecret(password);
        expectPasswordProblem(await accept(token, password));
      }
      const local = `amina${randomBytes(3).toString('hex')}`;
      const withLocalPart = `Zq8!${local}#Vw3`;
      rememberSecret(withLocalPart);
      const named = await invite({ email: `${local}@example.org` });
      expectPasswordProblem(await accept(named.token, withLocalPart));

      const long = `${randomBytes(48).toString('base64url')}`;
      expect(long.length).toBe(64);
      rememberSecret(long);
      const officer = await invite({ role: 'protection_officer', agencyId: undefined });
      const ok = await accept(officer.token, long);
      expect(ok.status).toBe(200);
      // Aggregates only: no second person needed.
      expect(ok.body).toEqual({ userId: officer.id, status: 'active' });
      const again = await accept(officer.token, long);
      expect(again.status).toBe(422);
      expect(again.body).toMatchObject({ code: 'invalid_invitation', errors: [{ field: 'token', message: expect.any(String) }] });
      const session = await login(t, { email: officer.email, password: long });
      expect((await t.http().get('/me').set(bearer(session.accessToken))).body).toMatchObject({ status: 'active' });
      const malformed = await t.http().post('/auth/invitations/accept').send({ token: 'short', password: long });
      expect(malformed.status).toBe(400);
      expect(malformed.body.errors).toEqual([expect.objectContaining({ field: 'token' })]);
    });

    it('an expired invitation cannot be accepted', async () => {
      const { id, token } = await invite();
      await db.query(`UPDATE users SET invitation_expires_at = now() - interval '1 second' WHERE id = $1`, [id]);
      const password = strongPassword();
      rememberSecret(password);
      const res = await accept(token, password);
      expect(res.status).toBe(422);
      expect(res.body.code).toBe('invalid_invitation');
    });

    it('requires an agency for agency roles and refuses one for admin and protection_officer', async () => {
      for (const role of ['caseworker', 'supervisor', 'provider', 'psea_focal_point'] as Role[]) {
        const res = await as(admin.accessToken).post('/users', newUser({ role, agencyId: undefined }));
        expect(res.status).toBe(400);
        expect(res.body.errors).toEqual([{ field: 'agencyId', message: 'is required for this role' }]);
      }
      for (const role of ['admin', 'protection_officer'] as Role[]) {
        const res = await as(admin.accessToken).post('/users', newUser({ role }));
        expect(res.status).toBe(400);
        expect(res.body.errors).toEqual([{ field: 'agencyId', message: 'must be empty for this role' }]);
        const ok = await as(admin.accessToken).post('/users', newUser({ role, agencyId: undefined }));
        expect(ok.status).toBe(201);
        rememberSecret(ok.body.invitationToken);
        expect(ok.body.user.agencyId).toBeNull();
      }
      const unknown = await as(admin.accessToken).post('/users', newUser({ agencyId: UNKNOWN_ID }));
      expect(unknown.status).toBe(422);
      expect(unknown.body.errors).toEqual([expect.objectContaining({ field: 'agencyId' })]);
      const nul = await as(admin.accessToken).post('/users', newUser({ displayName: 'A\u0000B' }));
      expect(nul.status).toBe(400);
      expect(nul.body.errors).toEqual([expect.objectContaining({ field: 'displayName' })]);
      const badRole = await as(admin.accessToken).post('/users', newUser({ role: 'superuser' }));
      expect(badRole.status).toBe(400);
      expect(badRole.body.errors).toEqual([expect.objectContaining({ field: 'role' })]);
    });

    it('lists with pagination and filters by agency and role', async () => {
      const other = await createAgency(t);
      for (const role of ['caseworker', 'supervisor', 'provider'] as Role[]) {
        await invite({ role, agencyId: other.id });
      }
      const all = await as(admin.accessToken).get(`/users?agencyId=${other.id}`);
      expect(all.status).toBe(200);
      expect(all.body.total).toBe(3);
      const sup = await as(admin.accessToken).get(`/users?agencyId=${other.id}&role=supervisor`);
      expect(sup.body.items.map((u: { role: string }) => u.role)).toEqual(['supervisor']);
      const paged = await as(admin.accessToken).get(`/users?agencyId=${other.id}&page=2&pageSize=2`);
      expect(paged.body).toMatchObject({ page: 2, pageSize: 2, total: 3 });
      expect(paged.body.items).toHaveLength(1);
      const bad = await as(admin.accessToken).get('/users?pageSize=1000&role=nope');
      expect(bad.status).toBe(400);
      expect((bad.body.errors as { field: string }[]).map((e) => e.field).sort()).toEqual(['pageSize', 'role']);
    });

    it('reads one user; malformed id 400 naming id, unknown id 404', async () => {
      const created = await invite();
      expect((await as(admin.accessToken).get(`/users/${created.id}`)).body.id).toBe(created.id);
      const bad = await as(admin.accessToken).get('/users/123');
      expect(bad.status).toBe(400);
      expect(bad.body.errors).toEqual([{ field: 'id', message: expect.any(String) }]);
      for (const res of [
        await as(admin.accessToken).get(`/users/${UNKNOWN_ID}`),
        await as(admin.accessToken).patch(`/users/${UNKNOWN_ID}`, { version: 1, displayName: 'X' }),
        await as(admin.accessToken).post(`/users/${UNKNOWN_ID}/disable`),
        await as(admin.accessToken).post(`/users/${UNKNOWN_ID}/enable`),
      ]) {
        expect(res.status).toBe(404);
      }
    });

    it('PATCH: optimistic concurrency (stale version 409), role/agency rules; no password field; a role change ends sessions', async () => {
      const created = await invite({ role: 'protection_officer', agencyId: undefined });
      const password = strongPassword();
      rememberSecret(password);
      expect((await accept(created.token, password)).status).toBe(200);
      const id = created.id;
      // Accepting bumped the version once.
      const renamed = await as(admin.accessToken).patch(`/users/${id}`, { version: 2, displayName: 'Renamed' });
      expect(renamed.status).toBe(200);
      expect(renamed.body).toMatchObject({ displayName: 'Renamed', version: 3 });

      const stale = await as(admin.accessToken).patch(`/users/${id}`, { version: 2, displayName: 'Lost update' });
      expect(stale.status).toBe(409);
      expect(stale.headers['content-type']).toMatch(PROBLEM);
      expect(stale.body.code).toBe('stale_version');

      const noAgency = await as(admin.accessToken).patch(`/users/${id}`, { version: 3, role: 'caseworker' });
      expect(noAgency.status).toBe(400);
      expect(noAgency.body.errors).toEqual([{ field: 'agencyId', message: 'is required for this role' }]);

      const session = await login(t, { email: created.email, password });
      expect((await t.http().get('/me').set(bearer(session.accessToken))).status).toBe(200);
      const admins = strongPassword();
      const setPassword = await as(admin.accessToken).patch(`/users/${id}`, { version: 3, password: admins });
      expect(setPassword.status).toBe(400);
      expect(setPassword.body.errors).toEqual([expect.objectContaining({ field: 'password' })]);

      // Into a role that reaches content: sessions end and a second person must approve,
      // never the administrator who changed it.
      const promoted = await as(admin.accessToken).patch(`/users/${id}`, { version: 3, role: 'caseworker', agencyId });
      expect(promoted.status).toBe(200);
      expect(promoted.body).toMatchObject({ role: 'caseworker', agencyId, version: 4, status: 'awaiting_approval' });
      expect((await t.http().get('/me').set(bearer(session.accessToken))).status).toBe(401);
      const self = await as(admin.accessToken).post(`/users/${id}/approval`, { decision: 'approve' });
      expect(self.status).toBe(403);
      expect(self.body.code).toBe('approver_is_inviter');

      const missingVersion = await as(admin.accessToken).patch(`/users/${id}`, { displayName: 'No version' });
      expect(missingVersion.status).toBe(400);
      expect(missingVersion.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'version' })]));

      const events = await auditRows(id);
      const updates = events.filter((e) => e.action === 'user.update');
      expect(updates.map((e) => e.details)).toEqual([{ displayName: true }, { role: true, agencyId: true, reapproval: true }]);
    });

    it('an admin cannot disable themselves or change their own role', async () => {
      const self = await as(admin.accessToken).post(`/users/${admin.user.id}/disable`);
      expect(self.status).toBe(409);
      const role = await as(admin.accessToken).patch(`/users/${admin.user.id}`, { version: admin.user.version, role: 'caseworker', agencyId });
      expect(role.status).toBe(409);
    });
  });

  describe('authorisation', () => {
    const routes: [string, string, object?][] = [
      ['get', '/agencies'],
      ['get', `/agencies/${UNKNOWN_ID}`],
      ['post', '/agencies', { name: 'Nope', type: 'un_agency' }],
      ['get', '/users'],
      ['get', `/users/${UNKNOWN_ID}`],
      ['post', '/users', { email: 'x@example.org' }],
      ['patch', `/users/${UNKNOWN_ID}`, { version: 1 }],
      ['post', `/users/${UNKNOWN_ID}/disable`],
      ['post', `/users/${UNKNOWN_ID}/enable`],
      ['post', `/users/${UNKNOWN_ID}/reset-credentials`],
    ];

    it('refuses anonymous callers with 401 on every admin route', async () => {
      for (const [method, url, body] of routes) {
        const req = method === 'get' ? t.http().get(url) : method === 'post' ? t.http().post(url) : t.http().patch(url);
        const res = await req.send(body ?? {});
        expect([url, res.status]).toEqual([url, 401]);
        expect(res.headers['content-type']).toMatch(PROBLEM);
      }
    });

    it('refuses every other role with an audited 403 on every admin route', async () => {
      for (const role of ROLES.filter((r) => r !== 'admin')) {
        const user = await sessionAs(t, { role });
        for (const [method, url, body] of routes) {
          const res =
            method === 'get'
              ? await as(user.accessToken).get(url)
              : method === 'post'
                ? await as(user.accessToken).post(url, body)
                : await as(user.accessToken).patch(url, body ?? {});
          expect([role, method, url, res.status]).toEqual([role, method, url, 403]);
          expect(res.headers['content-type']).toMatch(PROBLEM);
          expect(res.body.code).toBe('forbidden');
        }
        await t.app.get(AuditSequencer).flush();
        const denied = await db.query<{ details: { reason: string; route: string } }[]>(
          `SELECT details FROM audit_events WHERE action = 'access.denied' AND actor_id = $1`,
          [user.user.id],
        );
        expect(denied).toHaveLength(routes.length);
        expect(denied.map((d) => d.details.route)).toEqual(
          expect.arrayContaining(['GET:users.:id', 'PATCH:users.:id', 'POST:users.:id.disable', 'GET:agencies']),
        );
      }
    });
  });
});
