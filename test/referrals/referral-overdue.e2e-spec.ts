import { execFileSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { INestApplicationContext } from '@nestjs/common';
import { Queue, RedisOptions } from 'bullmq';
import { DataSource } from 'typeorm';
import { loadConfig } from '@amani/config';
import { MAIN_QUEUE, redisOptionsFromUrl } from '@amani/jobs';
import { REFERRAL_OVERDUE_EVERY_MS, REFERRAL_OVERDUE_JOB } from '@amani/domain/referrals/worker';
import { createWorker } from '../../apps/worker/src/create-worker';
import { dropDatabase } from '@amani/database/db-drop';
import { as, auditEvents } from '../cases/case-fixtures';
import { createTestApp, TestApp } from '../support/app';
import { capturedLogs } from '../support/canary';
import { newCase, refer, referralConsent, ThreeAgencies, threeAgencies } from './referral-fixtures';

const root = resolve(__dirname, '../..');

const until = async (what: string, check: () => Promise<boolean>, ms = 30_000) => {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}`);
};

/**
 * The follow-up job with two workers (two worker application contexts) on their own database
 * and Redis prefix, so only they take its jobs: a referral past its deadline gives exactly one
 * notification, however many scans run at once.
 */
describe('referral follow-up: overdue notifications with two workers', () => {
  const env: Record<string, string> = {
    DATABASE_URL: `${process.env.DATABASE_URL}_ovd`,
    DATABASE_OWNER_URL: `${process.env.DATABASE_OWNER_URL}_ovd`,
    REDIS_PREFIX: `${process.env.REDIS_PREFIX}_ovd`,
  };
  let t: TestApp;
  let db: DataSource;
  let x: ThreeAgencies;
  let queue: Queue;
  const workers: INestApplicationContext[] = [];

  beforeAll(async () => {
    execFileSync(process.execPath, [join(root, 'dist/apps/cli/src/main.js'), 'db:prepare'], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    t = await createTestApp(env);
    db = t.app.get(DataSource);
    queue = new Queue(MAIN_QUEUE, { prefix: env.REDIS_PREFIX, connection: redisOptionsFromUrl(process.env.REDIS_URL!) as RedisOptions });
    x = await threeAgencies(t);
  });

  afterAll(async () => {
    await Promise.all(workers.map((w) => w.close()));
    await queue?.close();
    await t?.close();
    await dropDatabase(env.DATABASE_OWNER_URL);
  });

  it('a referral past its deadline produces exactly one notification for the referring caseworker', async () => {
    const kase = await newCase(t, x.cwA);
    await referralConsent(t, x.cwA, kase.id, { recipientAgencyId: x.agencyB, shareableFields: ['ageBand'] });
    const due = (await refer(t, x.cwA, kase.id, { recipientAgencyId: x.agencyB, serviceType: 'legal' })).body.id as string;
    const accepted = (await refer(t, x.cwA, kase.id, { recipientAgencyId: x.agencyB, serviceType: 'psychosocial' })).body.id as string;
    const future = (await refer(t, x.cwA, kase.id, { recipientAgencyId: x.agencyB, serviceType: 'medical' })).body.id as string;
    const other = await newCase(t, x.cwA);
    await referralConsent(t, x.cwA, other.id, { recipientAgencyId: x.agencyB, shareableFields: ['ageBand'] });
    const done = (await refer(t, x.cwA, other.id, { recipientAgencyId: x.agencyB, serviceType: 'legal' })).body.id as string;
    expect((await as(t, x.provB.accessToken).post(`/referrals/${accepted}/accept`)).status).toBe(200);
    expect((await as(t, x.provB.accessToken).post(`/referrals/${done}/decline`, { reason: 'no_capacity' })).status).toBe(200);
    // Deadlines cannot be set in the past through the API; move three of them there.
    await db.query(`UPDATE referrals SET follow_up_due_at = now() - interval '1 hour' WHERE id = ANY($1)`, [[due, accepted, done]]);

    // Two workers; each upserts the job scheduler (whose first run is immediate).
    const config = loadConfig({ ...process.env, ...env });
    workers.push(...(await Promise.all([createWorker(config), createWorker(config)])));
    // At-least-once delivery and racing scans: more scans at the same moment.
    await Promise.all([1, 2, 3, 4].map(() => queue.add(REFERRAL_OVERDUE_JOB, {})));

    await until('the overdue notifications', async () => {
      const [{ n }] = await db.query(`SELECT count(*)::int AS n FROM notifications WHERE referral_id = ANY($1)`, [[due, accepted]]);
      return n === 2;
    });
    await until('every scan to finish', async () => {
      const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'completed', 'failed');
      return counts.waiting === 0 && counts.active === 0 && counts.completed >= 5;
    });
    expect((await queue.getJobCounts('failed')).failed).toBe(0);

    const rows = await db.query(`SELECT user_id, kind, referral_id FROM notifications ORDER BY referral_id`);
    expect(rows).toEqual(
      [due, accepted].sort().map((id) => ({ user_id: x.cwA.user.id, kind: 'referral_overdue', referral_id: id })),
    );
    const flags = await db.query(`SELECT id, overdue_at IS NOT NULL AS overdue FROM referrals WHERE id = ANY($1)`, [[due, accepted, future, done]]);
    expect(Object.fromEntries(flags.map((r: { id: string; overdue: boolean }) => [r.id, r.overdue]))).toEqual({
      [due]: true,
      [accepted]: true,
      [future]: false,
      [done]: false,
    });

    // Another scan changes nothing.
    await queue.add(REFERRAL_OVERDUE_JOB, {});
    await until('the extra scan', async () => (await queue.getJobCounts('completed')).completed >= 6);
    expect(await db.query(`SELECT count(*)::int AS n FROM notifications`)).toEqual([{ n: 2 }]);

    const schedulers = await queue.getJobSchedulers();
    expect(schedulers.filter((s) => s.key === REFERRAL_OVERDUE_JOB || s.id === REFERRAL_OVERDUE_JOB)).toEqual([
      expect.objectContaining({ every: REFERRAL_OVERDUE_EVERY_MS }),
    ]);

    const mine = await as(t, x.cwA.accessToken).get('/notifications');
    expect(mine.status).toBe(200);
    expect(mine.body.total).toBe(2);
    for (const n of mine.body.items) {
      expect(Object.keys(n).sort()).toEqual(['caseId', 'counts', 'createdAt', 'id', 'itemCount', 'kind', 'readAt', 'referralId', 'targetId', 'targetType']);
      expect(n).toMatchObject({ targetType: 'referral', targetId: n.referralId, caseId: kase.id, itemCount: null });
    }
    expect((await as(t, x.supA.accessToken).get('/notifications')).body.total).toBe(0);
    expect((await as(t, x.provB.accessToken).get('/notifications')).body.total).toBe(0);
    const view = await as(t, x.cwA.accessToken).get(`/referrals/${due}`);
    expect(view.body).toMatchObject({ overdue: true, overdueAt: expect.any(String), state: 'pending' });

    const audited = await auditEvents(t, { targetId: due, action: 'referral.overdue' });
    expect(audited).toEqual([expect.objectContaining({ outcome: 'success', actor_id: null, details: expect.objectContaining({ user: x.cwA.user.id }) })]);
    await until('the job to log its count (ids and numbers only)', async () => capturedLogs().includes('overdue referrals notified'), 10_000);
  }, 120_000);
});
