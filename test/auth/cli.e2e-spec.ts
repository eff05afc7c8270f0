import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { DataSource } from 'typeorm';
import { ROLES } from '@amani/auth';
import { createTestApp, TestApp } from '../support/app';
import { dropIsolatedDatabase, isolatedEnv, prepareIsolatedDatabase } from '../support/isolated-database';
import { rememberSecret } from '../support/canary';
import { bearer, login } from '../support/users';

const CLI = resolve(__dirname, '../../dist/apps/cli/src/main.js');

function cli(args: string[], input = '', env: Record<string, string> = {}) {
  const res = spawnSync(process.execPath, [CLI, ...args], {
    input,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: 60000,
  });
  return { status: res.status, stdout: res.stdout, stderr: res.stderr };
}

describe('operator CLI: admin:create and seed:demo', () => {
  let t: TestApp;
  let db: DataSource;

  beforeAll(async () => {
    t = await createTestApp();
    db = t.app.get(DataSource);
  });

  afterAll(async () => {
    await t?.close();
  });

  it('admin:create reads the password from standard input and applies the policy', async () => {
    const email = `ops-${randomBytes(4).toString('hex')}@example.org`;
    const password = `Operator ${randomBytes(9).toString('base64url')}`;
    rememberSecret(password);

    const weak = cli(['admin:create', '--email', email, '--name', 'Ops'], 'password1234\n');
    expect(weak.status).toBe(1);
    expect(weak.stderr).toMatch(/password/);
    expect(weak.stderr).not.toContain('password1234');

    const ok = cli(['admin:create', '--email', email, '--name', 'Ops Admin'], `${password}\n`);
    expect(ok.stderr).toBe('');
    expect(ok.status).toBe(0);
    expect(ok.stdout).toMatch(/^created admin [0-9a-f-]{36}\n$/);
    expect(ok.stdout + ok.stderr).not.toContain(password);

    const [row] = await db.query<{
      role: string;
      agency_id: string | null;
    }[]>('SELECT role, agency_id FROM users WHERE email = $1', [email]);
    expect(row).toEqual({ role: 'admin', agency_id: null });
    const session = await login(t, { email, password }); // enrols TOTP on first login
    expect((await t.http().get('/users').set(bearer(session.accessToken))).status).toBe(200);

    expect(cli(['admin:create', '--email', email, '--name', 'Again'], `${password}\n`).status).toBe(1);
  });

  // In its own database: the demo gazetteer it loads would make every other suite's region codes unknown.
  it('seed:demo refuses production, is idempotent, loads a demo gazetteer, and its printed credentials work (with TOTP)', async () => {
    const env = isolatedEnv('seed');
    prepareIsolatedDatabase(env);
    const ts = await createTestApp(env);
    try {
      await seedDemoChecks(ts, env);
    } finally {
      await ts.close();
      await dropIsolatedDatabase(env);
    }
  });
});

async function seedDemoChecks(t: TestApp, env: Record<string, string>): Promise<void> {
  const db = t.app.get(DataSource);
  {
    const prod = cli(['seed:demo'], '', { ...env, NODE_ENV: 'production' });
    expect(prod.status).not.toBe(0);
    expect(prod.stdout).toBe('');

    const first = cli(['seed:demo'], '', env);
    expect(first.stderr).toBe('');
    expect(first.status).toBe(0);
    const second = cli(['seed:demo'], '', env);
    expect(second.status).toBe(0);

    const rows = [...second.stdout.matchAll(/^(\w+)\s+(\S+@demo\.amani\.test)\s+(\S+)\s+([A-Z2-7]{16,})$/gm)];
    for (const [, , , password, secret] of [...rows, ...first.stdout.matchAll(/^(\w+)\s+(\S+@demo\.amani\.test)\s+(\S+)\s+([A-Z2-7]{16,})$/gm)]) {
      rememberSecret(password);
      rememberSecret(secret);
    }
    expect(rows.map((r) => r[1]).sort()).toEqual([...ROLES].sort());

    const [{ agencies }] = await db.query<{ agencies: number }[]>(
      `SELECT count(*)::int AS agencies FROM agencies WHERE name LIKE 'Demo %'`,
    );
    expect(agencies).toBe(4);
    const [{ users }] = await db.query<{ users: number }[]>(
      `SELECT count(*)::int AS users FROM users WHERE email LIKE '%@demo.amani.test' AND mfa_enabled_at IS NOT NULL`,
    );
    expect(users).toBe(ROLES.length);

    for (const [, role, email, password, totpSecret] of rows) {
      const session = await login(t, { email, password, totpSecret });
      const me = await t.http().get('/me').set(bearer(session.accessToken));
      expect(me.body).toMatchObject({ role, mfaEnabled: true });
    }
    // The first run's passwords were replaced by the second run.
    const stale = first.stdout.match(/^admin\s+(\S+)\s+(\S+)/m)!;
    expect((await t.http().post('/auth/login').send({ email: stale[1], password: stale[2] })).status).toBe(401);

    const [{ locations }] = await db.query<{ locations: number }[]>(`SELECT count(*)::int AS locations FROM locations WHERE p_code LIKE 'DEMO%'`);
    expect(locations).toBe(3);
  }
}
