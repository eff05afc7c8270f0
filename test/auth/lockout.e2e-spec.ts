import { DataSource } from 'typeorm';
import { AuditSequencer } from '@amani/audit';
import { createTestApp, TestApp } from '../support/app';
import { rememberSecret } from '../support/canary';
import { focalPoint, fpApi } from '../sea/sea-fixtures';
import { createUser, rememberTokens } from '../support/users';

const MAX_FAILURES = 3;
const LOCKOUT_SECONDS = 2;

describe('lockout after repeated failures', () => {
  let t: TestApp;
  let db: DataSource;
  const wrong = 'Definitely wrong password 7';

  beforeAll(async () => {
    rememberSecret(wrong);
    t = await createTestApp({ LOGIN_MAX_FAILURES: String(MAX_FAILURES), LOGIN_LOCKOUT_SECONDS: String(LOCKOUT_SECONDS) });
    db = t.app.get(DataSource);
  });

  afterAll(async () => {
    await t?.close();
  });

  const lockedFor = async (userId: string): Promise<number> => {
    const [row] = await db.query<{ s: number | null }[]>(
      `SELECT EXTRACT(EPOCH FROM (locked_until - now()))::float AS s FROM users WHERE id = $1`,
      [userId],
    );
    return row.s ?? 0;
  };
  const waitUnlocked = async (userId: string) => {
    const s = await lockedFor(userId);
    if (s > 0) await new Promise((r) => setTimeout(r, s * 1000 + 100));
  };

  it('locks after maxFailures, refuses the right password while locked, then doubles on further failures', async () => {
    const { user, email, password } = await createUser(t, { role: 'protection_officer' });
    for (let i = 0; i < MAX_FAILURES; i++) {
      const res = await t.http().post('/auth/login').send({ email, password: wrong });
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('invalid_credentials');
    }
    const locked = await t.http().post('/auth/login').send({ email, password });
    expect(locked.status).toBe(401);
    expect(locked.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(locked.body.code).toBe('invalid_credentials');
    const first = await lockedFor(user.id);
    expect(first).toBeGreaterThan(0);
    expect(first).toBeLessThanOrEqual(LOCKOUT_SECONDS);

    // After the lockout, one more failure locks again, for twice as long.
    await waitUnlocked(user.id);
    expect((await t.http().post('/auth/login').send({ email, password: wrong })).status).toBe(401);
    const second = await lockedFor(user.id);
    expect(second).toBeGreaterThan(LOCKOUT_SECONDS);
    expect(second).toBeLessThanOrEqual(2 * LOCKOUT_SECONDS);

    // Once it ends, the right password works and resets the counter.
    await waitUnlocked(user.id);
    const ok = await t.http().post('/auth/login').send({ email, password });
    expect(ok.status).toBe(200);
    rememberTokens(ok.body);
    const [row] = await db.query<{
      failed_logins: number;
      locked_until: Date | null;
    }[]>('SELECT failed_logins, locked_until FROM users WHERE id = $1', [user.id]);
    expect(row).toEqual({ failed_logins: 0, locked_until: null });

    await t.app.get(AuditSequencer).flush();
    const events = await db.query<{ action: string; outcome: string; details: Record<string, unknown> }[]>(
      `SELECT action, outcome, details FROM audit_events WHERE target_id = $1 ORDER BY seq`,
      [user.id],
    );
    expect(events.filter((e) => e.action === 'auth.lockout')).toHaveLength(2);
    expect(events).toContainEqual({ action: 'auth.login', outcome: 'denied', details: { reason: 'locked' } });
    expect(events.at(-1)).toMatchObject({ action: 'auth.login', outcome: 'success' });
    // Audit events hold codes, never the email or a password.
    expect(JSON.stringify(events)).not.toContain(email);
  });

  it('counts concurrent failures without losing any', async () => {
    const { user, email } = await createUser(t, { role: 'protection_officer' });
    await Promise.all(
      Array.from({ length: MAX_FAILURES }, () => t.http().post('/auth/login').send({ email, password: wrong })),
    );
    const [row] = await db.query<{
      failed_logins: number;
    }[]>('SELECT failed_logins FROM users WHERE id = $1', [user.id]);
    expect(row.failed_logins).toBe(MAX_FAILURES);
    expect(await lockedFor(user.id)).toBeGreaterThan(0);
  });

  it('SEA key routes share the lockout: once locked, the right and a wrong passphrase get the same answer', async () => {
    const fp = await focalPoint(t, { keys: false });
    const wrongPassphrase = 'amber glacier meadow copper lantern';
    rememberSecret(wrongPassphrase);
    for (let i = 0; i < MAX_FAILURES; i++) {
      const res = await fpApi(t, fp).post('/sea/keys', { password: wrongPassphrase });
      expect(res.status).toBe(422);
    }
    const wrongAgain = await fpApi(t, fp).post('/sea/keys', { password: wrongPassphrase });
    const right = await fpApi(t, fp).post('/sea/keys', { password: fp.password });
    expect([right.status, right.body.code]).toEqual([wrongAgain.status, wrongAgain.body.code]);
    expect(right.status).toBe(422);
    expect((await fpApi(t, fp).get('/sea/keys')).body).toMatchObject({ hasKeys: false });
    const recover = await fpApi(t, fp).post('/sea/keys/recover', { recoveryKey: 'AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA', password: fp.password });
    expect(recover.status).toBe(422);
    expect(recover.body.code).toBe('wrong_password');
    // Parallel guesses at the key routes are counted before the check too.
    const [row] = await db.query<{ failed_logins: number }[]>('SELECT failed_logins FROM users WHERE id = $1', [fp.user.id]);
    expect(row.failed_logins).toBe(MAX_FAILURES);
  });
});
