import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AuditSequencer } from '@amani/audit';
import { Role, ROLES, SERVICE_TYPES } from '@amani/domain';
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
  const newUser = (over: Record<string, unknown> = {}) => {
    const password = strongPassword();
    rememberSecret(password);
    return { email: email(), displayName: 'New Person', password, role: 'caseworker', agencyId, ...over };
  };
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
    it('creates a user, never returning secrets, and audits with ids and field names only', async () => {
      const body = newUser();
      const res = await as(admin.accessToken).post('/users', { ...body, email: body.email.toUpperCase() });
      expect(res.status).toBe(201);
      expect(Object.keys(res.body).sort()).toEqual(
        ['agencyId', 'createdAt', 'disabled', 'displayName', 'email', 'id', 'mfaEnabled', 'role', 'updatedAt', 'version'].sort(),
      );
      expect(res.body).toMatchObject({ email: body.email, role: 'caseworker', agencyId, disabled: false, mfaEnabled: false, version: 1 });
      const [row] = await db.query<{ password_hash: string }[]>('SELECT password_hash FROM users WHERE id = $1', [res.body.id]);
      expect(row.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);

      const [event] = await auditRows(res.body.id);
      expect(event).toMatchObject({ action: 'user.create', outcome: 'success', actor_id: admin.user.id });
      expect(JSON.stringify(event)).not.toContain(body.email);

      const dup = await as(admin.accessToken).post('/users', { ...newUser(), email: body.email });
      expect(dup.status).toBe(409);
      expect(dup.body.code).toBe('email_taken');
    });

    it('applies the password policy: 11 characters and common passwords refused, 64+ accepted', async () => {
      const expectPasswordProblem = (res: { status: number; body: { errors?: { field: string }[] } }) => {
        expect(res.status).toBe(400);
        expect(res.body.errors).toEqual([expect.objectContaining({ field: 'password' })]);
      };
      for (const password of ['Xk9#mP2$vL7', 'password1234', 'qwertyuiopasdf']) {
        rememberSecret(password);
        expectPasswordProblem(await as(admin.accessToken).post('/users', { ...newUser(), password }));
      }
      const local = `amina${randomBytes(3).toString('hex')}`;
      const withLocalPart = `Zq8!${local}#Vw3`;
      rememberSecret(withLocalPart);
      expectPasswordProblem(
        await as(admin.accessToken).post('/users', { ...newUser(), email: `${local}@example.org`, password: withLocalPart }),
      );

      const long = `${randomBytes(48).toString('base64url')}`;
      expect(long.length).toBe(64);
      rememberSecret(long);
      const body = newUser({ password: long, role: 'protection_officer', agencyId: undefined });
      const ok = await as(admin.accessToken).post('/users', body);
      expect(ok.status).toBe(201);
      const session = await login(t, { email: body.email, password: long });
      expect((await t.http().get('/me').set(bearer(session.accessToken))).status).toBe(200);
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
        expect(ok.body.agencyId).toBeNull();
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
        expect((await as(admin.accessToken).post('/users', newUser({ role, agencyId: other.id }))).status).toBe(201);
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
      const created = await as(admin.accessToken).post('/users', newUser());
      expect((await as(admin.accessToken).get(`/users/${created.body.id}`)).body.id).toBe(created.body.id);
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

    it('PATCH: optimistic concurrency (stale version 409), role/agency rules, and password reset ends sessions', async () => {
      const body = newUser();
      const created = await as(admin.accessToken).post('/users', body);
      const id = created.body.id as string;

      const renamed = await as(admin.accessToken).patch(`/users/${id}`, { version: 1, displayName: 'Renamed' });
      expect(renamed.status).toBe(200);
      expect(renamed.body).toMatchObject({ displayName: 'Renamed', version: 2 });

      const stale = await as(admin.accessToken).patch(`/users/${id}`, { version: 1, displayName: 'Lost update' });
      expect(stale.status).toBe(409);
      expect(stale.headers['content-type']).toMatch(PROBLEM);
      expect(stale.body.code).toBe('stale_version');

      const noAgency = await as(admin.accessToken).patch(`/users/${id}`, { version: 2, role: 'protection_officer' });
      expect(noAgency.status).toBe(400);
      expect(noAgency.body.errors).toEqual([{ field: 'agencyId', message: 'must be empty for this role' }]);
      const promoted = await as(admin.accessToken).patch(`/users/${id}`, { version: 2, role: 'protection_officer', agencyId: null });
      expect(promoted.status).toBe(200);
      expect(promoted.body).toMatchObject({ role: 'protection_officer', agencyId: null, version: 3 });

      const session = await login(t, { email: body.email, password: body.password });
      expect((await t.http().get('/me').set(bearer(session.accessToken))).status).toBe(200);
      const newPassword = strongPassword();
      rememberSecret(newPassword);
      const reset = await as(admin.accessToken).patch(`/users/${id}`, { version: 3, password: newPassword });
      expect(reset.status).toBe(200);
      expect((await t.http().get('/me').set(bearer(session.accessToken))).status).toBe(401);
      expect((await t.http().post('/auth/login').send({ email: body.email, password: body.password })).status).toBe(401);
      await login(t, { email: body.email, password: newPassword });

      const weak = await as(admin.accessToken).patch(`/users/${id}`, { version: 4, password: 'short' });
      expect(weak.status).toBe(400);
      expect(weak.body.errors).toEqual([expect.objectContaining({ field: 'password' })]);
      const missingVersion = await as(admin.accessToken).patch(`/users/${id}`, { displayName: 'No version' });
      expect(missingVersion.status).toBe(400);
      expect(missingVersion.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'version' })]));

      const events = await auditRows(id);
      const updates = events.filter((e) => e.action === 'user.update');
      expect(updates.map((e) => e.details)).toEqual([{ displayName: true }, { role: true, agencyId: true }, { password: true }]);
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
