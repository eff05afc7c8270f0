import { INestApplicationContext } from '@nestjs/common';
import { Queue, RedisOptions } from 'bullmq';
import { DataSource } from 'typeorm';
import { loadConfig } from '@amani/config';
import { Clock, MAIN_QUEUE, redisOptionsFromUrl } from '@amani/jobs';
import { SEA_DIGEST_JOB, SEA_DIGEST_SCHEDULE, SeaDigestService } from '@amani/domain/sea/worker';
import { utcToday } from '@amani/domain/sea';
import { createWorker } from '../../apps/worker/src/create-worker';
import { until } from '../reports/report-seed';
import { createTestApp, TestApp } from '../support/app';
import { capturedLogs } from '../support/canary';
import { dropIsolatedDatabase, isolatedEnv, prepareIsolatedDatabase } from '../support/isolated-database';
import { bearer } from '../support/users';
import { assessment, focalPoint, FocalPoint, fpApi, newComplaint } from './sea-fixtures';

const DAY = 86_400_000;

/**
 * The focal points' daily digest with a moved clock and two worker application contexts on
 * their own database and Redis prefix: the counts follow the deadlines (from the start of the
 * receipt day, UTC), the notification names no complaint, and however many runs race on the
 * same day each focal point gets exactly one.
 */
describe('SEA daily digest: counts only, once per day under two workers', () => {
  const env: Record<string, string> = {
    ...isolatedEnv('seadig'),
    SEA_TRIAGE_DEADLINE_HOURS: '24',
    SEA_ASSISTANCE_DEADLINE_HOURS: '72',
    SEA_ENTITY_REFERRAL_DEADLINE_HOURS: '168',
  };
  let t: TestApp;
  let db: DataSource;
  let queue: Queue;
  let fps: FocalPoint[];
  const workers: INestApplicationContext[] = [];
  const complaintIds: string[] = [];
  const today = utcToday();
  const dayOffset = (days: number) => utcToday(new Date(Date.parse(`${today}T00:00:00Z`) + days * DAY));
  const moveClocks = (at: Date) => workers.forEach((w) => jest.spyOn(w.get(Clock, { strict: false }), 'now').mockReturnValue(at));
  const digests = (): Promise<{ user_id: string; target_type: string; target_id: string; item_count: number; counts: Record<string, number>; referral_id: null; case_id: null; created_at: Date }[]> =>
    db.query(`SELECT user_id, target_type, target_id, item_count, counts, referral_id, case_id, created_at FROM notifications WHERE kind = 'sea_digest' ORDER BY created_at, user_id`);

  beforeAll(async () => {
    prepareIsolatedDatabase(env);
    t = await createTestApp(env);
    db = t.app.get(DataSource);
    queue = new Queue(MAIN_QUEUE, { prefix: env.REDIS_PREFIX, connection: redisOptionsFromUrl(process.env.REDIS_URL!) as RedisOptions });
    fps = [await focalPoint(t), await focalPoint(t)];
  });
  afterAll(async () => {
    jest.restoreAllMocks();
    await Promise.all(workers.map((w) => w.close()));
    await queue?.close();
    await t?.close();
    await dropIsolatedDatabase(env);
  });

  it('tomorrow at 06:00: one new complaint, two past triage, two past assistance, one past entity referral — one digest per focal point', async () => {
    // A: received today (new tomorrow; triage due tomorrow 00:00). B: two days ago, untriaged.
    // C: ten days ago, triaged, victim asked for assistance, not referred. D: referred for investigation. E: closed.
    const [a, b, c, d, e] = await Promise.all([0, 1, 2, 3, 4].map(() => newComplaint(t)));
    complaintIds.push(a.id, b.id, c.id, d.id, e.id);
    const api = fpApi(t, fps[0]);
    for (const x of [c, d, e]) expect((await api.post(`/sea/complaints/${x.id}/status`, assessment())).status).toBe(200);
    expect((await api.post(`/sea/complaints/${d.id}/status`, { to: 'referred_for_investigation' })).status).toBe(200);
    expect((await api.post(`/sea/complaints/${e.id}/status`, { to: 'closed', outcome: 'unsubstantiated' })).status).toBe(200);
    await db.query(`UPDATE sea_complaints SET received_on = $2 WHERE id = $1`, [b.id, dayOffset(-2)]);
    await db.query(`UPDATE sea_complaints SET received_on = $2 WHERE id = ANY($1)`, [[c.id, d.id, e.id], dayOffset(-10)]);
    // D's victim did not ask for assistance (C's did, and nobody asked an agency yet).
    await db.query(`UPDATE sea_complaints SET wants_assistance = false WHERE id = $1`, [d.id]);

    const config = loadConfig({ ...process.env, ...env });
    workers.push(...(await Promise.all([createWorker(config), createWorker(config)])));
    const tomorrow = new Date(`${dayOffset(1)}T06:00:00Z`);
    moveClocks(tomorrow);
    // Racing runs: queued jobs (either worker takes them) and direct runs in both contexts at once.
    await Promise.all([1, 2, 3].map(() => queue.add(SEA_DIGEST_JOB, {})));
    const direct = await Promise.all(workers.map((w) => w.get(SeaDigestService, { strict: false }).run()));
    await until('the queued digests', async () => {
      const counts = await queue.getJobCounts('waiting', 'active', 'completed', 'failed');
      return counts.waiting === 0 && counts.active === 0 && counts.completed + counts.failed >= 3;
    });
    expect((await queue.getJobCounts('failed')).failed).toBe(0);
    expect(direct.map((r) => r.counts)).toEqual([0, 1].map(() => ({ new: 1, triageOverdue: 2, assistanceOverdue: 2, entityReferralOverdue: 1, needingAttention: 3 })));

    const rows = await digests();
    expect(rows.map((r) => r.user_id).sort()).toEqual(fps.map((f) => f.user.id).sort());
    for (const r of rows) {
      expect(r).toMatchObject({ target_type: 'digest', item_count: 3, referral_id: null, case_id: null, counts: { new: 1, triageOverdue: 2, assistanceOverdue: 2, entityReferralOverdue: 1 } });
      expect(new Date(r.created_at).toISOString()).toBe(tomorrow.toISOString());
      // Names no complaint: neither its id nor anything derived from one.
      expect(complaintIds.filter((id) => JSON.stringify(r).includes(id))).toEqual([]);
    }

    const mine = await t.http().get('/notifications').set(bearer(fps[1].accessToken));
    expect(mine.status).toBe(200);
    expect(mine.body.items).toEqual([
      expect.objectContaining({ kind: 'sea_digest', targetType: 'digest', itemCount: 3, referralId: null, caseId: null, counts: { new: 1, triageOverdue: 2, assistanceOverdue: 2, entityReferralOverdue: 1 } }),
    ]);
    // One audit event for the run that notified (queued, then chained by the sequencer): no complaint id in it.
    const audited = (): Promise<{ target_id: string | null; details: object }[]> =>
      db.query(`SELECT target_id, details FROM audit_queue WHERE action = 'sea.digest' UNION ALL SELECT target_id, details FROM audit_events WHERE action = 'sea.digest'`);
    const events = await audited();
    expect(events.length === 1 || events.length === 2).toBe(true); // the same event may be seen in both while being chained
    expect(events[0]).toEqual({ target_id: null, details: { day: dayOffset(1), notified: 2 } });
    await until('the digest log line', async () => capturedLogs().includes('SEA digest sent'), 10_000);
    const lines = capturedLogs()
      .split('\n')
      .filter((l) => l.includes('SEA digest sent'));
    expect(lines.every((l) => complaintIds.every((id) => !l.includes(id)))).toBe(true);
  }, 120_000);

  it('the day after: a new digest per focal point (nothing new, the same complaints still overdue), again only once', async () => {
    moveClocks(new Date(`${dayOffset(2)}T06:00:00Z`));
    const runs = await Promise.all([...workers, ...workers].map((w) => w.get(SeaDigestService, { strict: false }).run()));
    expect(runs.reduce((n, r) => n + r.notified, 0)).toBe(2);
    const rows = await digests();
    expect(rows).toHaveLength(4);
    // A and B still untriaged; B and C still waiting for assistance (A's 72 hours not yet past); C for entity referral.
    expect(rows.slice(2).map((r) => r.counts)).toEqual([0, 1].map(() => ({ new: 0, triageOverdue: 2, assistanceOverdue: 2, entityReferralOverdue: 1 })));
  });

  it('is scheduled once a day at 06:00 UTC, one schedule however many workers start', async () => {
    const schedulers = await queue.getJobSchedulers();
    expect(schedulers.filter((s) => s.key === SEA_DIGEST_JOB || s.id === SEA_DIGEST_JOB)).toEqual([expect.objectContaining({ pattern: SEA_DIGEST_SCHEDULE, tz: 'UTC' })]);
  });
});
