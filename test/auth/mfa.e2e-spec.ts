import { DataSource } from 'typeorm';
import { AuditSequencer } from '@amani/audit';
import { totpCode, totpStep, TOTP_PERIOD_SECONDS } from '@amani/auth';
import { createTestApp, TestApp } from '../support/app';
import { rememberSecret } from '../support/canary';
import { bearer, createUser, freshTotpCode, markTotpStepUsed, rememberTokens } from '../support/users';

describe('TOTP multi-factor authentication', () => {
  let t: TestApp;
  let db: DataSource;

  beforeAll(async () => {
    t = await createTestApp();
    db = t.app.get(DataSource);
  });

  afterAll(async () => {
    await t?.close();
  });

  const passwordLogin = async (email: string, password: string) => {
    const res = await t.http().post('/auth/login').send({ email, password });
    expect(res.status).toBe(200);
    rememberTokens(res.body);
    return res.body as { accessToken: string; refreshToken: string; stage: string; mfa?: string };
  };

  const actions = async (userId: string): Promise<string[]> => {
    await t.app.get(AuditSequencer).flush();
    const rows = await db.query<{ a: string }[]>(
      `SELECT action || ':' || outcome AS a FROM audit_events WHERE target_id = $1 ORDER BY seq`,
      [userId],
    );
    return rows.map((r) => r.a);
  };

  /** A six-digit code that is wrong for this secret in the whole ±1 window. */
  const wrongCode = async (secret: string): Promise<string> => {
    const now = Date.now() / 1000;
    const valid = await Promise.all([-1, 0, 1].map((d) => totpCode(secret, now + d * TOTP_PERIOD_SECONDS)));
    for (let n = 0; ; n++) {
      const code = String(n).padStart(6, '0');
      if (!valid.includes(code)) return code;
    }
  };

  it('enrols, activates on the first good code, refuses a replayed code, and asks for a code next time', async () => {
    const { user, email, password } = await createUser(t, { role: 'caseworker' });
    const first = await passwordLogin(email, password);
    expect(first).toMatchObject({ stage: 'mfa_pending', mfa: 'enrol' });

    const enrol = await t.http().post('/auth/mfa/enrol').set(bearer(first.accessToken)).send({});
    expect(enrol.status).toBe(201);
    const secret = enrol.body.secret as string;
    rememberSecret(secret);
    rememberSecret(enrol.body.otpauthUrl);
    expect(secret).toMatch(/^[A-Z2-7]{16,}$/);
    expect(enrol.body.otpauthUrl).toMatch(/^otpauth:\/\/totp\/Amani:/);
    expect(enrol.body.otpauthUrl).toContain(`secret=${secret}`);

    // The secret is stored encrypted, never in plain text.
    const [stored] = await db.query<{
      mfa_secret: Buffer;
      mfa_enabled_at: Date | null;
    }[]>('SELECT mfa_secret, mfa_enabled_at FROM users WHERE id = $1', [user.id]);
    expect(stored.mfa_enabled_at).toBeNull();
    expect(stored.mfa_secret.toString('latin1')).not.toContain(secret);

    const wrong = await t.http().post('/auth/mfa/verify').set(bearer(first.accessToken)).send({ code: await wrongCode(secret) });
    expect(wrong.status).toBe(401);
    expect(wrong.body.code).toBe('invalid_mfa_code');

    const code = await freshTotpCode(secret);
    const ok = await t.http().post('/auth/mfa/verify').set(bearer(first.accessToken)).send({ code });
    expect(ok.status).toBe(200);
    rememberTokens(ok.body);
    expect(ok.body.stage).toBe('full');
    expect((await t.http().get('/users').set(bearer(ok.body.accessToken))).status).toBe(403); // a caseworker, not mfa_required
    const me = await t.http().get('/me').set(bearer(ok.body.accessToken));
    expect(me.body.mfaEnabled).toBe(true);

    // The old pending access token stays limited; its pending refresh token is spent.
    const stale = await t.http().get('/users').set(bearer(first.accessToken));
    expect(stale.body.code).toBe('mfa_required');

    const replay = await t.http().post('/auth/mfa/verify').set(bearer(ok.body.accessToken)).send({ code });
    expect(replay.status).toBe(401);
    expect(replay.body.code).toBe('invalid_mfa_code');

    // Once active, a password alone cannot replace the second factor.
    const second = await passwordLogin(email, password);
    expect(second).toMatchObject({ stage: 'mfa_pending', mfa: 'verify' });
    const reEnrol = await t.http().post('/auth/mfa/enrol').set(bearer(second.accessToken)).send({});
    expect(reEnrol.status).toBe(409);
    expect(reEnrol.body.code).toBe('mfa_already_enabled');

    // The same code in a new session is still refused: a code is never accepted twice.
    const replayNewSession = await t.http().post('/auth/mfa/verify').set(bearer(second.accessToken)).send({ code });
    expect(replayNewSession.status).toBe(401);
    const next = await t
      .http()
      .post('/auth/mfa/verify')
      .set(bearer(second.accessToken))
      .send({ code: await freshTotpCode(secret) });
    expect(next.status).toBe(200);
    rememberTokens(next.body);

    expect(await actions(user.id)).toEqual(
      expect.arrayContaining([
        'auth.mfa.enrol:success',
        'auth.mfa.verify:failure',
        'auth.mfa.activate:success',
        'auth.mfa.verify:success',
      ]),
    );
  });

  it('refuses, with one answer, two concurrent uses of the same code', async () => {
    const { email, password, totpSecret } = await createUser(t, { role: 'supervisor', mfa: true });
    const a = await passwordLogin(email, password);
    const b = await passwordLogin(email, password);
    const code = await freshTotpCode(totpSecret!);
    const results = await Promise.all(
      [a, b].map((s) => t.http().post('/auth/mfa/verify').set(bearer(s.accessToken)).send({ code })),
    );
    for (const r of results) if (r.status === 200) rememberTokens(r.body);
    expect(results.map((r) => r.status).sort()).toEqual([200, 401]);
  });

  it('the refresh token from before the second factor cannot be upgraded: presenting it revokes the session', async () => {
    const { email, password, totpSecret } = await createUser(t, { role: 'provider', mfa: true });
    const pending = await passwordLogin(email, password);
    const full = await t
      .http()
      .post('/auth/mfa/verify')
      .set(bearer(pending.accessToken))
      .send({ code: await freshTotpCode(totpSecret!) });
    expect(full.status).toBe(200);
    rememberTokens(full.body);

    const stolen = await t.http().post('/auth/refresh').send({ refreshToken: pending.refreshToken });
    expect(stolen.status).toBe(401);
    expect(stolen.body.code).toBe('refresh_token_reused');
    expect((await t.http().get('/me').set(bearer(full.body.accessToken))).status).toBe(401);
  });

  it('failed codes count toward lockout', async () => {
    const { user, email, password, totpSecret } = await createUser(t, { role: 'psea_focal_point', mfa: true });
    const pending = await passwordLogin(email, password);
    const bad = await wrongCode(totpSecret!);
    for (let i = 0; i < t.config.auth.maxFailures; i++) {
      const res = await t.http().post('/auth/mfa/verify').set(bearer(pending.accessToken)).send({ code: bad });
      expect(res.status).toBe(401);
    }
    // Locked: even the right code is refused, and so is the password.
    const step = totpStep(Date.now() / 1000);
    markTotpStepUsed(totpSecret!, step);
    const right = await t
      .http()
      .post('/auth/mfa/verify')
      .set(bearer(pending.accessToken))
      .send({ code: await totpCode(totpSecret!, step * TOTP_PERIOD_SECONDS) });
    expect(right.status).toBe(401);
    const login = await t.http().post('/auth/login').send({ email, password });
    expect(login.status).toBe(401);
    expect(login.body.code).toBe('invalid_credentials');
    expect(await actions(user.id)).toContain('auth.lockout:denied');
  });

  it('validates the code format: 400 naming code', async () => {
    const { email, password } = await createUser(t, { role: 'caseworker', mfa: true });
    const pending = await passwordLogin(email, password);
    for (const code of ['12345', 'abcdef', 123456]) {
      const res = await t.http().post('/auth/mfa/verify').set(bearer(pending.accessToken)).send({ code });
      expect(res.status).toBe(400);
      expect(res.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'code' })]));
    }
  });

  it('verification before enrolment is a 409', async () => {
    const { email, password } = await createUser(t, { role: 'caseworker' });
    const pending = await passwordLogin(email, password);
    const res = await t.http().post('/auth/mfa/verify').set(bearer(pending.accessToken)).send({ code: '123456' });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('mfa_not_enrolled');
  });
});
