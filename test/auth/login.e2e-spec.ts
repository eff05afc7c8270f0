import { DataSource } from 'typeorm';
import { AuditSequencer } from '@amani/audit';
import { createTestApp, TestApp } from '../support/app';
import { rememberSecret } from '../support/canary';
import { bearer, createUser, login, loginAs, rememberTokens, sessionAs } from '../support/users';

const PROBLEM = /application\/problem\+json/;

describe('login, sessions and refresh tokens', () => {
  let t: TestApp;
  let db: DataSource;

  beforeAll(async () => {
    t = await createTestApp();
    db = t.app.get(DataSource);
  });

  afterAll(async () => {
    await t?.close();
  });

  const auditCount = async (action: string, outcome: string, targetId: string): Promise<number> => {
    await t.app.get(AuditSequencer).flush();
    const [{ n }] = await db.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM audit_events WHERE action = $1 AND outcome = $2 AND target_id = $3`,
      [action, outcome, targetId],
    );
    return n;
  };

  it('logs in a role without MFA straight to a full session, and GET /me answers', async () => {
    const { user, email, password } = await createUser(t, { role: 'protection_officer' });
    const res = await t.http().post('/auth/login').send({ email: email.toUpperCase(), password });
    expect(res.status).toBe(200);
    rememberTokens(res.body);
    expect(res.body).toEqual({
      accessToken: expect.any(String),
      refreshToken: expect.stringMatching(/^[0-9a-f-]{36}\.[A-Za-z0-9_-]{43}$/),
      tokenType: 'Bearer',
      expiresIn: t.config.auth.accessTtlSeconds,
      stage: 'full',
    });
    const me = await t.http().get('/me').set(bearer(res.body.accessToken));
    expect(me.status).toBe(200);
    expect(me.body).toEqual({
      id: user.id,
      email,
      displayName: user.displayName,
      role: 'protection_officer',
      agencyId: null,
      mfaEnabled: false,
      status: 'active',
    });
    expect(await auditCount('auth.login', 'success', user.id)).toBe(1);
  });

  it('answers a wrong password and an unknown email alike: 401 problem+json invalid_credentials', async () => {
    const { user, email } = await createUser(t, { role: 'caseworker' });
    const wrong = 'Not the right password 42';
    rememberSecret(wrong);
    const a = await t.http().post('/auth/login').send({ email, password: wrong });
    const b = await t.http().post('/auth/login').send({ email: 'nobody-here@example.org', password: wrong });
    for (const res of [a, b]) {
      expect(res.status).toBe(401);
      expect(res.headers['content-type']).toMatch(PROBLEM);
      expect(res.body).toMatchObject({ status: 401, code: 'invalid_credentials' });
      expect(JSON.stringify(res.body)).not.toContain(email);
    }
    expect(a.body.detail).toBe(b.body.detail);
    expect(await auditCount('auth.login', 'failure', user.id)).toBe(1);
    const [row] = await db.query<{ failed_logins: number }[]>('SELECT failed_logins FROM users WHERE id = $1', [user.id]);
    expect(row.failed_logins).toBe(1);
  });

  it('refuses a missing or malformed body with 400 naming the field', async () => {
    const res = await t.http().post('/auth/login').send({ email: 'x@example.org' });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'password' })]));
    const nul = await t.http().post('/auth/login').send({ email: 'a\u0000b@example.org', password: 'whatever at all' });
    expect(nul.status).toBe(400);
    expect(nul.body.errors).toEqual([expect.objectContaining({ field: 'email' })]);
  });

  it('requires a token everywhere else: 401 problem+json', async () => {
    for (const res of [
      await t.http().get('/me'),
      await t.http().get('/me').set('Authorization', 'Bearer not.a.jwt'),
      await t.http().get('/users'),
    ]) {
      expect(res.status).toBe(401);
      expect(res.headers['content-type']).toMatch(PROBLEM);
      expect(res.body.code).toBe('unauthenticated');
    }
  });

  it('rotates refresh tokens: each is single-use and the new one works', async () => {
    const session = await loginAs(t, { role: 'caseworker' });
    const first = await t.http().post('/auth/refresh').send({ refreshToken: session.refreshToken });
    expect(first.status).toBe(200);
    rememberTokens(first.body);
    expect(first.body.refreshToken).not.toBe(session.refreshToken);
    expect(first.body.stage).toBe('full');
    expect((await t.http().get('/me').set(bearer(first.body.accessToken))).status).toBe(200);

    const second = await t.http().post('/auth/refresh').send({ refreshToken: first.body.refreshToken });
    expect(second.status).toBe(200);
    rememberTokens(second.body);
    expect((await t.http().get('/me').set(bearer(second.body.accessToken))).status).toBe(200);
  });

  it('a replayed refresh token revokes the whole family: the newest refresh and access tokens stop working', async () => {
    const session = await loginAs(t, { role: 'supervisor' });
    const rotated = await t.http().post('/auth/refresh').send({ refreshToken: session.refreshToken });
    expect(rotated.status).toBe(200);
    rememberTokens(rotated.body);
    expect((await t.http().get('/me').set(bearer(rotated.body.accessToken))).status).toBe(200);

    const replay = await t.http().post('/auth/refresh').send({ refreshToken: session.refreshToken });
    expect(replay.status).toBe(401);
    expect(replay.headers['content-type']).toMatch(PROBLEM);
    expect(replay.body.code).toBe('refresh_token_reused');

    const newest = await t.http().post('/auth/refresh').send({ refreshToken: rotated.body.refreshToken });
    expect(newest.status).toBe(401);
    expect(newest.body.code).toBe('invalid_refresh_token');
    expect((await t.http().get('/me').set(bearer(rotated.body.accessToken))).status).toBe(401);
    expect((await t.http().get('/me').set(bearer(session.accessToken))).status).toBe(401);

    const [s] = await db.query<{ id: string; revoke_reason: string }[]>(
      `SELECT s.id, s.revoke_reason FROM auth_sessions s JOIN refresh_tokens r ON r.session_id = s.id WHERE r.id = $1`,
      [session.refreshToken.split('.')[0]],
    );
    expect(s.revoke_reason).toBe('token_reuse');
    expect(await auditCount('auth.token_reuse', 'denied', s.id)).toBe(1);
  });

  it('refuses forged and malformed refresh tokens without revoking anything', async () => {
    const session = await sessionAs(t, { role: 'provider' });
    const [id] = session.refreshToken.split('.');
    const forged = `${id}.${Buffer.alloc(32, 7).toString('base64url')}`;
    for (const refreshToken of [forged, 'garbage', `${id}.short`]) {
      const res = await t.http().post('/auth/refresh').send({ refreshToken });
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('invalid_refresh_token');
    }
    const ok = await t.http().post('/auth/refresh').send({ refreshToken: session.refreshToken });
    expect(ok.status).toBe(200);
    rememberTokens(ok.body);
  });

  it('logout revokes the session: its access and refresh tokens stop working', async () => {
    const session = await loginAs(t, { role: 'psea_focal_point' });
    const out = await t.http().post('/auth/logout').set(bearer(session.accessToken));
    expect(out.status).toBe(204);
    expect((await t.http().get('/me').set(bearer(session.accessToken))).status).toBe(401);
    const refresh = await t.http().post('/auth/refresh').send({ refreshToken: session.refreshToken });
    expect(refresh.status).toBe(401);
  });

  it("a disabled user's live access token is refused on the next request", async () => {
    const admin = await sessionAs(t, { role: 'admin' });
    const victim = await loginAs(t, { role: 'caseworker' });
    expect((await t.http().get('/me').set(bearer(victim.accessToken))).status).toBe(200);

    const disabled = await t.http().post(`/users/${victim.user.id}/disable`).set(bearer(admin.accessToken));
    expect(disabled.status).toBe(200);
    expect(disabled.body.disabled).toBe(true);

    const after = await t.http().get('/me').set(bearer(victim.accessToken));
    expect(after.status).toBe(401);
    expect(after.headers['content-type']).toMatch(PROBLEM);
    expect((await t.http().post('/auth/refresh').send({ refreshToken: victim.refreshToken })).status).toBe(401);
    const again = await t.http().post('/auth/login').send({ email: victim.email, password: victim.password });
    expect(again.status).toBe(401);
    expect(again.body.code).toBe('invalid_credentials');

    // Disabling alone (without the session revocation) is enough: the guard reads the user too.
    const other = await sessionAs(t, { role: 'protection_officer' });
    await db.query('UPDATE users SET disabled_at = now() WHERE id = $1', [other.user.id]);
    expect((await t.http().get('/me').set(bearer(other.accessToken))).status).toBe(401);

    const enabled = await t.http().post(`/users/${victim.user.id}/enable`).set(bearer(admin.accessToken));
    expect(enabled.status).toBe(200);
    const back = await login(t, victim);
    expect((await t.http().get('/me').set(bearer(back.accessToken))).status).toBe(200);
  });

  it('an mfa_pending session reaches /me and MFA routes only; /users answers 403 mfa_required', async () => {
    const admin = await createUser(t, { role: 'admin' });
    const res = await t.http().post('/auth/login').send({ email: admin.email, password: admin.password });
    expect(res.status).toBe(200);
    rememberTokens(res.body);
    expect(res.body).toMatchObject({ stage: 'mfa_pending', mfa: 'enrol' });
    const pending = res.body.accessToken as string;

    expect((await t.http().get('/me').set(bearer(pending))).status).toBe(200);
    const users = await t.http().get('/users').set(bearer(pending));
    expect(users.status).toBe(403);
    expect(users.headers['content-type']).toMatch(PROBLEM);
    expect(users.body.code).toBe('mfa_required');
    expect((await t.http().post('/agencies').set(bearer(pending)).send({ name: 'x', type: 'un_agency' })).status).toBe(403);

    // A refresh keeps the session pending.
    const refreshed = await t.http().post('/auth/refresh').send({ refreshToken: res.body.refreshToken });
    expect(refreshed.status).toBe(200);
    rememberTokens(refreshed.body);
    expect(refreshed.body.stage).toBe('mfa_pending');
    expect((await t.http().get('/users').set(bearer(refreshed.body.accessToken))).status).toBe(403);
  });

  it('a tampered or foreign-key access token is refused', async () => {
    const session = await sessionAs(t, { role: 'protection_officer' });
    const [h, p, s] = session.accessToken.split('.');
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>;
    const escalated = Buffer.from(JSON.stringify({ ...claims, role: 'admin' })).toString('base64url');
    expect((await t.http().get('/me').set(bearer(`${h}.${escalated}.${s}`))).status).toBe(401);
    const none = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
    expect((await t.http().get('/me').set(bearer(`${none}.${p}.`))).status).toBe(401);
  });

  it('role comes from the database, not from the token: a demoted admin loses access at once', async () => {
    const admin = await sessionAs(t, { role: 'admin' });
    expect((await t.http().get('/users').set(bearer(admin.accessToken))).status).toBe(200);
    // Directly in the database, bypassing the session revocation the API would do.
    await db.query(`UPDATE users SET role = 'protection_officer' WHERE id = $1`, [admin.user.id]);
    expect((await t.http().get('/users').set(bearer(admin.accessToken))).status).toBe(403);
  });

  it('a full session of a role that needs MFA, for a user without MFA, is held to the MFA routes', async () => {
    const officer = await sessionAs(t, { role: 'protection_officer', mfa: false });
    expect((await t.http().get('/me').set(bearer(officer.accessToken))).status).toBe(200);
    await db.query(`UPDATE users SET role = 'admin' WHERE id = $1`, [officer.user.id]);
    const res = await t.http().get('/users').set(bearer(officer.accessToken));
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('mfa_required');
  });
});
