import { ChildProcess, spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { Queue, RedisOptions } from 'bullmq';
import { DataSource } from 'typeorm';
import { MAIN_QUEUE, redisOptionsFromUrl } from '@amani/jobs';
import { FIXTURE_MONTH, FIXTURE_SECTIONS, fixtureIncidents } from '@amani/testing/reporting/report-fixture';
import { createTestApp, TestApp } from '../support/app';
import { dropIsolatedDatabase, isolatedEnv, prepareIsolatedDatabase } from '../support/isolated-database';
import { bearer, createAgency, LoggedIn, sessionAs } from '../support/users';
import { seedCase, until } from './report-seed';

const root = resolve(__dirname, '../..');

/**
 * Real worker processes (the built dist/apps/worker), killed with SIGKILL. This file gets its
 * own database and Redis prefix, so no in-process worker of another test file can take its
 * jobs: every build here is done by the processes it starts.
 */
describe('report jobs across worker processes', () => {
  const env = isolatedEnv('rw');
  let t: TestApp;
  let db: DataSource;
  let queue: Queue;
  let officer: LoggedIn;
  const workers: ChildProcess[] = [];

  const startWorker = (pauseMs: number): ChildProcess => {
    const child = spawn(process.execPath, [join(root, 'dist/apps/worker/src/main.js')], {
      env: { ...process.env, ...env, AMANI_TEST_REPORT_PAUSE_MS: String(pauseMs) },
      stdio: 'ignore',
    });
    workers.push(child);
    return child;
  };
  const report = async (id: string) => (await db.query(`SELECT * FROM reports WHERE id = $1`, [id]))[0];

  beforeAll(async () => {
    prepareIsolatedDatabase(env);
    t = await createTestApp(env);
    db = t.app.get(DataSource);
    queue = new Queue(MAIN_QUEUE, { prefix: env.REDIS_PREFIX, connection: redisOptionsFromUrl(process.env.REDIS_URL!) as RedisOptions });
    const agency = (await createAgency(t)).id;
    officer = await sessionAs(t, { role: 'protection_officer' });
    const supervisor = await sessionAs(t, { role: 'supervisor', agencyId: agency });
    for (const month of [FIXTURE_MONTH, '2025-04']) {
      await seedCase(db, { agencyId: agency, userId: supervisor.user.id, month, incidents: fixtureIncidents(), statisticsConsent: true });
    }
  });

  const stopWorkers = async () => {
    const running = workers.filter((w) => w.exitCode === null && w.signalCode === null);
    for (const w of running) w.kill('SIGTERM');
    await Promise.all(running.map((w) => new Promise((r) => w.once('exit', r))));
  };

  afterAll(async () => {
    await stopWorkers();
    await queue?.close();
    await t?.close();
    await dropIsolatedDatabase(env);
  });

  it('kill -9 in the middle of a build: another worker finishes it, and exactly one report exists', async () => {
    const first = startWorker(600_000);
    const res = await t.http().post('/reports').set(bearer(officer.accessToken)).send({ template: 'gbvims_monthly', period: FIXTURE_MONTH });
    expect(res.status).toBe(202);
    const id = res.body.id as string;

    // The first worker has counted and now sits in the test pause, lock held, status running.
    await until('the first worker to be mid-build', async () => {
      const r = await report(id);
      return r.status === 'running' && r.progress >= 60;
    }, 30_000);
    first.kill('SIGKILL');
    await new Promise((r) => first.once('exit', r));
    expect(first.signalCode).toBe('SIGKILL');
    expect((await report(id)).status).toBe('running');

    // BullMQ's stalled-job check (lock expiry) hands the job to the new worker.
    startWorker(0);
    await until('the second worker to finish the report', async () => (await report(id)).status === 'done', 120_000);

    const rows = await db.query(`SELECT id, status, runs, result FROM reports WHERE template = 'gbvims_monthly' AND period = $1`, [FIXTURE_MONTH]);
    expect(rows).toHaveLength(1);
    expect(rows[0].runs).toBe(2);
    // The incident sections of the fixture; no referrals were seeded in this database.
    expect(rows[0].result.sections.slice(0, 3)).toEqual(FIXTURE_SECTIONS);
    expect(rows[0].result.sections[3]).toMatchObject({ id: 'services_referred', grandTotal: 0 });
    const job = await queue.getJob(`outbox-${(await db.query(`SELECT id FROM outbox WHERE payload->>'reportId' = $1`, [id]))[0].id}`);
    expect(await job?.getState()).toBe('completed');
  }, 180_000);

  it('two workers and duplicate deliveries of the same build make one report, built once', async () => {
    await stopWorkers();
    startWorker(1500);
    startWorker(1500);
    const [{ id }] = await db.query(
      `INSERT INTO reports (template, period, agency_id, origin) VALUES ('gbvims_monthly', '2025-04', NULL, 'request') RETURNING id`,
    );
    // At-least-once delivery: three build jobs for the one report, plus two racing requests.
    await db.query(
      `INSERT INTO outbox (queue, name, payload) SELECT 'amani', 'report.build', jsonb_build_object('reportId', $1::text) FROM generate_series(1, 3)`,
      [id],
    );
    const posts = await Promise.all(
      [0, 1].map(() => t.http().post('/reports').set(bearer(officer.accessToken)).send({ template: 'gbvims_monthly', period: '2025-04' })),
    );
    expect(posts.map((p) => p.body.id)).toEqual([id, id]);

    await until('the report to be built', async () => (await report(id)).status === 'done', 60_000);
    const outboxIds: { id: string }[] = await db.query(`SELECT id FROM outbox WHERE payload->>'reportId' = $1`, [id]);
    expect(outboxIds).toHaveLength(3);
    // Every delivery ends completed: the ones that found the build lock taken retried and
    // then found the report done.
    await until('every delivery to finish', async () => {
      const states = await Promise.all(outboxIds.map(async (o) => (await queue.getJob(`outbox-${o.id}`))?.getState()));
      return states.every((s) => s === 'completed');
    }, 60_000);
    const rows = await db.query(`SELECT runs, status FROM reports WHERE template = 'gbvims_monthly' AND period = '2025-04'`);
    expect(rows).toEqual([{ runs: 1, status: 'done' }]);
  }, 150_000);
});
