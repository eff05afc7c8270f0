import { Queue, RedisOptions } from 'bullmq';
import { Client } from 'pg';
import { DEADLINE_SCAN_JOB } from '@amani/domain/referrals/worker';
import { MAIN_QUEUE, redisOptionsFromUrl } from '@amani/jobs';
import { newCase, refer, referralConsent, threeAgencies, ThreeAgencies } from '../referrals/referral-fixtures';
import { LoggedIn, sessionAs } from '../support/users';
import { sleep, until } from './support/processes';
import { Stack } from './support/stack';

/**
 * Issue 15, deadlines: exactly once under two workers and a `kill -9` of one of them. The clock
 * is moved by moving the records into the past (the workers scan at their own, real time).
 * To kill a worker in the middle of a scan rather than before or after it, the test holds an
 * uncommitted notification row with the scan's unique key: the worker's insert waits on it
 * inside its transaction, and is killed there.
 */
describe('deadline scan: kill -9 of a worker mid-scan, two workers', () => {
  let stack: Stack;
  let queue: Queue;
  let x: ThreeAgencies;
  let provB2: LoggedIn;
  let referral: string;
  let jobs = 0;
  /** Nothing waiting or running (the schedulers' next runs stay delayed). */
  const idle = async () => {
    const c = await queue.getJobCounts('active', 'waiting');
    return c.active + c.waiting === 0;
  };
  const scan = () => queue.add(DEADLINE_SCAN_JOB, {}, { jobId: `test-scan-${++jobs}` });
  const notified = (kind: string) =>
    stack.sql<{ user_id: string }>(`SELECT user_id FROM notifications WHERE target_id = $1 AND kind = $2 ORDER BY user_id`, [referral, kind]);

  beforeAll(async () => {
    stack = await Stack.create('deadline-kill');
    queue = new Queue(MAIN_QUEUE, { prefix: stack.env.REDIS_PREFIX, connection: redisOptionsFromUrl(stack.redis.url) as RedisOptions });
    const t = await stack.fixtures();
    x = await threeAgencies(t);
    provB2 = await sessionAs(t, { role: 'provider', agencyId: x.agencyB });
    const kase = await newCase(t, x.cwA);
    await referralConsent(t, x.cwA, kase.id, { recipientAgencyId: x.agencyB, shareableFields: ['ageBand'] });
    const res = await refer(t, x.cwA, kase.id, { recipientAgencyId: x.agencyB, serviceType: 'legal' });
    expect(res.status).toBe(201);
    referral = res.body.id as string;
    // 49 hours without an answer (the acceptance deadline is 48 h).
    await stack.sql(`UPDATE referrals SET created_at = now() - interval '49 hours' WHERE id = $1`, [referral]);
  }, 240_000);

  afterAll(async () => {
    await queue?.close();
    await stack?.close();
  });

  it('notifies each provider once and escalates once, although a worker died inside the scan', async () => {
    // Hold the key of one provider's notification in an open transaction.
    const blocker = new Client({ connectionString: stack.env.DATABASE_OWNER_URL });
    await blocker.connect();
    await blocker.query('BEGIN');
    await blocker.query(
      `INSERT INTO notifications (user_id, kind, target_type, target_id, referral_id) VALUES ($1, 'referral_unanswered', 'referral', $2, $2)`,
      [x.provB.user.id, referral],
    );

    const first = await stack.startWorker();
    await scan();
    let pid = 0;
    await until('the first worker to wait inside its scan', async () => {
      const rows = await stack.sql<{ pid: number }>(
        `SELECT pid FROM pg_stat_activity WHERE usename = 'amani_app' AND wait_event_type = 'Lock' AND query LIKE '%notifications%'`,
      );
      pid = rows[0]?.pid ?? 0;
      return pid > 0;
    }, 30_000);
    await first.kill('SIGKILL');
    await until('the dead worker\'s backend to end', async () => (await stack.sql(`SELECT 1 FROM pg_stat_activity WHERE pid = $1`, [pid])).length === 0, 15_000);
    // Its transaction died with it: nothing of that scan is left.
    await blocker.query('ROLLBACK');
    await blocker.end();
    expect(await notified('referral_unanswered')).toEqual([]);

    // Two workers now; the killed job is picked up again (stalled), and two more scans race.
    await Promise.all([stack.startWorker(), stack.startWorker()]);
    await scan();
    await scan();
    const providers = [x.provB.user.id, provB2.user.id].sort();
    await until('both providers to be notified', async () => (await notified('referral_unanswered')).length === 2, 60_000);
    await until('every scan job to have finished', idle, 60_000);
    expect((await notified('referral_unanswered')).map((r) => r.user_id)).toEqual(providers);

    // The grace period passes: one escalation to the receiving supervisor, with both workers scanning.
    await stack.sql(`UPDATE notifications SET created_at = created_at - interval '25 hours' WHERE target_id = $1`, [referral]);
    await Promise.all([scan(), scan(), scan()]);
    await until('the escalation', async () => (await notified('referral_unanswered_escalated')).length > 0, 60_000);
    await sleep(1000);
    await scan();
    await until('the last scan to finish', idle, 60_000);
    expect((await notified('referral_unanswered_escalated')).map((r) => r.user_id)).toEqual([x.supB.user.id]);
    expect((await notified('referral_unanswered')).map((r) => r.user_id)).toEqual(providers);
    // Audit events reach the chain through the sequencer: wait for them, then count.
    const audited = async () =>
      (await stack.sql<{ n: number }>(`SELECT count(*)::int AS n FROM audit_events WHERE action = 'deadline.notify' AND target_id = $1`, [referral]))[0].n;
    await until('the notifications to be audited', async () => (await audited()) >= 3, 30_000);
    await sleep(1000);
    expect(await audited()).toBe(3);
  }, 240_000);
});
