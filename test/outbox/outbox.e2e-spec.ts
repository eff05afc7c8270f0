import { INestApplicationContext } from '@nestjs/common';
import { readFileSync } from 'node:fs';
import { DataSource } from 'typeorm';
import { loadConfig } from '@amani/config';
import { createWorker } from '../../apps/worker/src/create-worker';
import { createTestApp, TestApp } from '../support/app';
import { dropIsolatedDatabase, isolatedEnv, prepareIsolatedDatabase } from '../support/isolated-database';
import { DisposableRedis } from '../support/redis-server';
import { loginAs, bearer } from '../support/users';

const until = async (what: string, check: () => Promise<boolean>, ms = 20000) => {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
};

/** CPU time this process used over a wait: a busy loop shows as most of the wall time. */
const cpuMsOver = async (ms: number) => {
  const before = process.cpuUsage();
  await new Promise((r) => setTimeout(r, ms));
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000;
};

/**
 * DESIGN §7: Redis being down fails no request and loses no job. This test runs its own
 * redis-server so it can stop "Redis" without disturbing anything else, and its own database:
 * the relay publishes the oldest pending row first and stops at the first failure, so in the
 * shared database another suite's pending row would take every attempt.
 */
describe('transactional outbox with Redis down', () => {
  let redis: DisposableRedis;
  let t: TestApp;
  let worker: INestApplicationContext;
  let db: DataSource;
  let env: Record<string, string>;

  beforeAll(async () => {
    redis = await DisposableRedis.create();
    env = { ...isolatedEnv('outbox'), REDIS_URL: redis.url };
    prepareIsolatedDatabase(env);
    t = await createTestApp(env);
    worker = await createWorker(loadConfig({ ...process.env, ...env }));
    db = t.app.get(DataSource);
  });

  afterAll(async () => {
    // If the test failed while "Redis" was down, bring it back so closing does not wait on it.
    await redis?.start();
    await worker?.close();
    await t?.close();
    await redis?.stop();
    if (env) await dropIsolatedDatabase(env);
  });

  it('accepts the write while Redis is down, then runs the job exactly once when it returns', async () => {
    const admin = await loginAs(t, { role: 'admin' });
    await redis.stop();

    const res = await t
      .http()
      .post('/audit/checkpoints')
      .set(bearer(admin.accessToken))
      .send({});
    expect(res.status).toBe(202);
    const outboxId = String(res.body.outboxId);

    // The relay tries, fails, and keeps the row.
    await until('a failed relay attempt', async () => {
      const [row] = await db.query('SELECT attempts, published_at FROM outbox WHERE id = $1', [outboxId]);
      return row.attempts >= 1;
    });
    const [pending] = await db.query('SELECT published_at FROM outbox WHERE id = $1', [outboxId]);
    expect(pending.published_at).toBeNull();

    // While Redis stays down the API and the worker wait; they must not spin.
    expect(await cpuMsOver(2000)).toBeLessThan(1000);

    await redis.start();
    await until('the relay to publish', async () => {
      const [row] = await db.query('SELECT published_at FROM outbox WHERE id = $1', [outboxId]);
      return row.published_at !== null;
    });
    const jobDone = () =>
      readFileSync(process.env.LOG_FILE!, 'utf8')
        .split('\n')
        .filter((l) => l.includes(`"jobId":"outbox-${outboxId}"`) && l.includes('job done')).length;
    await until('the job to run', async () => jobDone() >= 1);
    // Give a duplicate every chance to appear before counting; the process is idle again.
    expect(await cpuMsOver(2000)).toBeLessThan(1000);
    expect(jobDone()).toBe(1);
    const checkpoints: unknown[] = await db.query('SELECT seq FROM audit_checkpoints');
    expect(checkpoints.length).toBeGreaterThanOrEqual(1);
  });
});
