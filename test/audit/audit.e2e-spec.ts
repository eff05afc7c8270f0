import { ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { AuditSequencer } from '@amani/audit';
import { loadConfig } from '@amani/config';
import { MAIN_QUEUE } from '@amani/jobs';
import { WorkerModule } from '../../apps/worker/src/worker.module';
import { createTestApp, TestApp } from '../support/app';
import { rememberSecret } from '../support/canary';
import { createUser, loginAs, bearer } from '../support/users';

const ROOT = resolve(__dirname, '../..');

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const srv = createServer();
    srv.once('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => done(port));
    });
  });
}

async function until(what: string, check: () => Promise<boolean>, ms = 30000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** A second API process: the real built server, as deployed. */
async function spawnApi(): Promise<{ url: string; child: ChildProcess; stop: () => Promise<void> }> {
  const port = await freePort();
  const child = spawn(process.execPath, [resolve(ROOT, 'dist/apps/api/src/main.js')], {
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const url = `http://127.0.0.1:${port}`;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  try {
    await until('the second API process', async () => {
      if (child.exitCode !== null) throw new Error(`second API exited ${child.exitCode}: ${stderr.slice(0, 500)}`);
      return (await request(url).get('/health/live')).status === 200;
    });
  } catch (e) {
    child.kill('SIGKILL');
    throw e;
  }
  return {
    url,
    child,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

describe('audit chain over HTTP (DESIGN §5)', () => {
  let t: TestApp;
  let db: DataSource;
  let admin: { accessToken: string };

  beforeAll(async () => {
    t = await createTestApp();
    db = t.app.get(DataSource);
    admin = await loginAs(t, { role: 'admin' });
  });

  afterAll(async () => {
    await t?.close();
  });

  const sequenced = async (action: string, targetId?: string): Promise<number> => {
    await t.app.get(AuditSequencer).flush();
    const [{ n }] = await db.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM audit_events WHERE action = $1 AND ($2::text IS NULL OR target_id = $2)`,
      [action, targetId ?? null],
    );
    return n;
  };

  it('GET /audit/verify: OK for an admin, and audited', async () => {
    const before = await sequenced('audit.verify');
    const res = await t.http().get('/audit/verify').set(bearer(admin.accessToken));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ok: true, length: expect.any(Number), head: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(res.body.length).toBeGreaterThan(0);
    expect(await sequenced('audit.verify')).toBe(before + 1);
  });

  it('refuses the audit routes to anonymous callers and to other roles', async () => {
    const anonymous = await t.http().get('/audit/verify');
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers['content-type']).toMatch(/application\/problem\+json/);
    expect((await t.http().post('/audit/checkpoints').send({})).status).toBe(401);

    const officer = await loginAs(t, { role: 'protection_officer' });
    const denied = await t.http().get('/audit/verify').set(bearer(officer.accessToken));
    expect(denied.status).toBe(403);
    const deniedPost = await t.http().post('/audit/checkpoints').set(bearer(officer.accessToken));
    expect(deniedPost.status).toBe(403);
  });

  it('POST /audit/checkpoints: 202 with an outbox row, written with its audit event', async () => {
    const res = await t.http().post('/audit/checkpoints').set(bearer(admin.accessToken)).send({});
    expect(res.status).toBe(202);
    const outboxId = String(res.body.outboxId);
    expect(outboxId).toMatch(/^\d+$/);
    const [row] = await db.query<
      {
        name: string;
        payload: unknown;
      }[]
    >('SELECT name, payload FROM outbox WHERE id = $1', [outboxId]);
    expect(row).toEqual({ name: 'audit.checkpoint', payload: {} });
    expect(await sequenced('audit.checkpoint.request', outboxId)).toBe(1);
  });

  it('keeps one verifiable chain through 50 concurrent logins across two API processes', async () => {
    // Thirteen accounts, at most four logins each in flight: the lockout counts every attempt
    // before it is checked, so one account's parallel logins stay under LOGIN_MAX_FAILURES.
    const accounts = await Promise.all(Array.from({ length: 13 }, () => createUser(t, { role: 'protection_officer' })));

    const second = await spawnApi();
    try {
      const statuses = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          (i % 2 ? t.http() : request(second.url))
            .post('/auth/login')
            .send({ email: accounts[i % accounts.length].email, password: accounts[i % accounts.length].password })
            .then((r) => {
              for (const k of ['accessToken', 'refreshToken']) if (r.body?.[k]) rememberSecret(String(r.body[k]));
              return r.status;
            }),
        ),
      );
      expect(statuses.filter((s) => s === 200)).toHaveLength(50);
    } finally {
      await second.stop();
    }

    let sequencedLogins = 0;
    for (const a of accounts) sequencedLogins += await sequenced('auth.login', a.user.id);
    expect(sequencedLogins).toBeGreaterThanOrEqual(50);
    const res = await t.http().get('/audit/verify').set(bearer(admin.accessToken));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ ok: true });
    const [{ n, last }] = await db.query<
      {
        n: number;
        last: number;
      }[]
    >('SELECT count(*)::int AS n, max(seq)::int AS last FROM audit_events');
    expect(n).toBe(last); // seq 1..n, no gap
    expect(res.body.length).toBeLessThanOrEqual(n);
  });

  it('the worker schedules hourly checkpoints and signs the head', async () => {
    const config = loadConfig(process.env);
    const worker: INestApplicationContext = await NestFactory.createApplicationContext(WorkerModule.forRoot(config), {
      logger: false,
    });
    try {
      await worker.init();
      const queue = worker.get<Queue>(getQueueToken(MAIN_QUEUE));
      await until('the checkpoint scheduler', async () => Boolean(await queue.getJobScheduler('audit.checkpoint')));
      const scheduler = await queue.getJobScheduler('audit.checkpoint');
      expect(scheduler).toMatchObject({ name: 'audit.checkpoint', every: 3600000 });
      // The first iteration runs at once and signs the head it finds.
      await until('the first scheduled checkpoint to complete', async () => {
        const done = await queue.getJobs(['completed']);
        return done.some((j) => j.repeatJobKey === 'audit.checkpoint');
      });
      const rows = await db.query<{ n: number }[]>('SELECT count(*)::int AS n FROM audit_checkpoints');
      expect(rows[0].n).toBeGreaterThan(0);
    } finally {
      await worker.close();
    }
    const res = await t.http().get('/audit/verify').set(bearer(admin.accessToken));
    expect(res.body).toMatchObject({ ok: true });
  });
});
