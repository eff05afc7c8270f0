import { execFileSync } from 'node:child_process';
import { INestApplicationContext } from '@nestjs/common';
import { Queue, RedisOptions } from 'bullmq';
import { DataSource } from 'typeorm';
import { loadConfig } from '@amani/config';
import { Clock, MAIN_QUEUE, redisOptionsFromUrl } from '@amani/jobs';
import { CASE_RETENTION_JOB, CASE_RETENTION_SCHEDULE, CaseRetentionService } from '@amani/domain/retention/worker';
import { SeaRetentionService } from '@amani/domain/sea';
import { createWorker } from '../../apps/worker/src/create-worker';
import { until } from '../reports/report-seed';
import { createTestApp, TestApp } from '../support/app';
import { rememberSecret } from '../support/canary';
import { dropIsolatedDatabase, isolatedEnv, prepareIsolatedDatabase } from '../support/isolated-database';
import { as, tag } from '../cases/case-fixtures';
import { newCase, refer, referralConsent, threeAgencies, ThreeAgencies } from '../referrals/referral-fixtures';
import { assessment, complaintBody, focalPoint, FocalPoint, fpApi, newComplaint } from '../sea/sea-fixtures';

const DAY = 86_400_000;

/**
 * Retention with a moved clock (issue 14 item 7), on a database and Redis prefix of its own
 * with two worker contexts: closed cases are kept 365 days, closed SEA complaints 365, SEA
 * complaints still `received` forever (0), with 30 days' notice. The jobs warn once, then
 * shred exactly what expired, through the erasure paths; shredded cases answer 410 to their
 * agency and 404 to others, and their sentinels are gone from a dump of the database.
 */
describe('retention: warn once, then shred exactly the expired records', () => {
  const env: Record<string, string> = {
    ...isolatedEnv('retain'),
    RETENTION_CASE_CLOSED_DAYS: '365',
    RETENTION_WARNING_DAYS: '30',
    RETENTION_SEA_CLOSED_DAYS: '365',
    RETENTION_SEA_RECEIVED_DAYS: '0',
  };
  let t: TestApp;
  let db: DataSource;
  let queue: Queue;
  let x: ThreeAgencies;
  let fp: FocalPoint;
  const workers: INestApplicationContext[] = [];
  const t0 = new Date();
  const at = (days: number) => new Date(t0.getTime() + days * DAY);
  const moveClocks = (to: Date) => workers.forEach((w) => jest.spyOn(w.get(Clock, { strict: false }), 'now').mockReturnValue(to));
  const runCases = () => Promise.all(workers.map((w) => w.get(CaseRetentionService, { strict: false }).run()));
  const runSea = () => Promise.all(workers.map((w) => w.get(SeaRetentionService, { strict: false }).run()));
  const dump = () => execFileSync('pg_dump', ['--no-owner', '--no-privileges', env.DATABASE_OWNER_URL], { maxBuffer: 512 * 1024 * 1024 }).toString('utf8');
  const sentinel = (field: string) => {
    const v = `RETAIN${field}${tag().toUpperCase()}${tag().toUpperCase()}`;
    rememberSecret(v);
    return v;
  };

  const cases: Record<'expired' | 'nearly' | 'reopened' | 'recent' | 'open', { id: string; name: string; note: string }> = {} as never;
  const complaints: Record<'closedOld' | 'closedRecent' | 'receivedAncient' | 'investigation', string> = {} as never;
  let referralId: string;

  async function closeCase(id: string, closedDaysAgo: number): Promise<void> {
    const { version } = (await as(t, x.supA.accessToken).get(`/cases/${id}`)).body as { version: number };
    const closed = await as(t, x.supA.accessToken).post(`/cases/${id}/stage`, { to: 'closed', version, closureReason: 'needs_met' });
    expect(closed.status).toBe(200);
    await db.query(`UPDATE cases SET closed_at = $2 WHERE id = $1`, [id, new Date(t0.getTime() - closedDaysAgo * DAY)]);
  }

  beforeAll(async () => {
    prepareIsolatedDatabase(env);
    t = await createTestApp(env);
    db = t.app.get(DataSource);
    queue = new Queue(MAIN_QUEUE, { prefix: env.REDIS_PREFIX, connection: redisOptionsFromUrl(process.env.REDIS_URL!) as RedisOptions });
    x = await threeAgencies(t);
    fp = await focalPoint(t);

    for (const [key, closedDaysAgo] of [['expired', 400], ['nearly', 350], ['reopened', 350], ['recent', 100], ['open', null]] as const) {
      const name = sentinel(`NAME${key.toUpperCase()}`);
      const note = sentinel(`NOTE${key.toUpperCase()}`);
      const c = await newCase(t, x.cwA, { survivorName: name });
      expect((await as(t, x.cwA.accessToken).post(`/cases/${c.id}/notes`, { body: note })).status).toBe(201);
      cases[key] = { id: c.id, name, note };
      if (key === 'expired') {
        await referralConsent(t, x.cwA, c.id, { serviceType: 'legal', recipientAgencyId: x.agencyB, shareableFields: ['survivorName'] });
        const referral = await refer(t, x.cwA, c.id, { recipientAgencyId: x.agencyB, serviceType: 'legal' });
        expect(referral.status).toBe(201);
        referralId = referral.body.id as string;
      }
      if (closedDaysAgo !== null) await closeCase(c.id, closedDaysAgo);
    }
    // The open case is old too: only closed cases expire.
    await db.query(`UPDATE cases SET created_at = $2 WHERE id = $1`, [cases.open.id, new Date(t0.getTime() - 3000 * DAY)]);

    const api = fpApi(t, fp);
    for (const key of ['closedOld', 'closedRecent', 'receivedAncient', 'investigation'] as const) {
      complaints[key] = (await newComplaint(t, complaintBody({ narrative: sentinel(`SEA${key.toUpperCase()}`) }))).id;
    }
    for (const key of ['closedOld', 'closedRecent', 'investigation'] as const) expect((await api.post(`/sea/complaints/${complaints[key]}/status`, assessment())).status).toBe(200);
    for (const key of ['closedOld', 'closedRecent'] as const) {
      expect((await api.post(`/sea/complaints/${complaints[key]}/status`, { to: 'closed', outcome: 'unsubstantiated' })).status).toBe(200);
    }
    expect((await api.post(`/sea/complaints/${complaints.investigation}/status`, { to: 'referred_for_investigation' })).status).toBe(200);
    const setChanged = (id: string, daysAgo: number) => db.query(`UPDATE sea_complaints SET status_changed_on = current_date - $2::int WHERE id = $1`, [id, daysAgo]);
    await setChanged(complaints.closedOld, 400);
    await setChanged(complaints.closedRecent, 100);
    await setChanged(complaints.receivedAncient, 3000);
    await setChanged(complaints.investigation, 400); // kept 1825 days

    const config = loadConfig({ ...process.env, ...env });
    workers.push(...(await Promise.all([createWorker(config), createWorker(config)])));
  }, 180_000);

  afterAll(async () => {
    jest.restoreAllMocks();
    await Promise.all(workers.map((w) => w.close()));
    await queue?.close();
    await t?.close();
    await dropIsolatedDatabase(env);
  });

  const caseWarnings = (): Promise<{ user_id: string; case_id: string; target_type: string; target_id: string; counts: Record<string, number> }[]> =>
    db.query(`SELECT user_id, case_id, target_type, target_id, counts FROM notifications WHERE kind = 'case_retention_warning' ORDER BY case_id, user_id`);
  const liveCases = async (): Promise<string[]> => {
    const rows: { id: string }[] = await db.query(`SELECT id FROM cases WHERE erased_at IS NULL AND id = ANY($1)`, [Object.values(cases).map((c) => c.id)]);
    return rows.map((r) => r.id).sort();
  };

  it('today: warns the caseworker and supervisors of each case due (once, even when two workers race), shreds nothing yet', async () => {
    moveClocks(t0);
    const runs = await runCases();
    expect(runs.reduce((n, r) => n + r.warned, 0)).toBe(3);
    expect(runs.reduce((n, r) => n + r.erased, 0)).toBe(0);
    const warnings = await caseWarnings();
    const expected = [cases.expired.id, cases.nearly.id, cases.reopened.id].flatMap((id) => [x.cwA.user.id, x.supA.user.id].map((user) => ({ case_id: id, user_id: user })));
    expect(warnings.map((w) => ({ case_id: w.case_id, user_id: w.user_id })).sort((a, b) => (a.case_id + a.user_id).localeCompare(b.case_id + b.user_id))).toEqual(
      expected.sort((a, b) => (a.case_id + a.user_id).localeCompare(b.case_id + b.user_id)),
    );
    // Ids and a number only: the case 15 days from its end, and the one found already past it, both get the full notice.
    for (const w of warnings) expect(w).toMatchObject({ target_type: 'case', target_id: w.case_id, counts: { daysLeft: 30 } });
    const mine = await as(t, x.cwA.accessToken).get('/notifications');
    expect(mine.body.items).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'case_retention_warning', targetType: 'case', caseId: cases.expired.id })]));
    expect(JSON.stringify(mine.body)).not.toContain(cases.expired.name);

    // Once: running again (and the queued job) warns nobody more.
    await queue.add(CASE_RETENTION_JOB, {});
    await until('the queued retention job', async () => {
      const counts = await queue.getJobCounts('waiting', 'active', 'completed', 'failed');
      return counts.waiting === 0 && counts.active === 0 && counts.completed + counts.failed >= 1;
    });
    expect((await queue.getJobCounts('failed')).failed).toBe(0);
    expect((await runCases()).reduce((n, r) => n + r.warned, 0)).toBe(0);
    expect(await caseWarnings()).toHaveLength(6);
    expect(await liveCases()).toHaveLength(5);
  }, 60_000);

  it('a warned case reopened and closed again starts a new period: not shredded with the others', async () => {
    const mine = await as(t, x.cwA.accessToken).get('/notifications');
    const warning = (mine.body.items as { id: string; kind: string; caseId: string }[]).find((n) => n.kind === 'case_retention_warning' && n.caseId === cases.reopened.id)!;
    expect((await as(t, x.cwA.accessToken).post(`/notifications/${warning.id}/read`)).status).toBeLessThan(300);
    const { version } = (await as(t, x.supA.accessToken).get(`/cases/${cases.reopened.id}`)).body as { version: number };
    expect((await as(t, x.supA.accessToken).post(`/cases/${cases.reopened.id}/reopen`, { version, reason: 'survivor_returned' })).status).toBe(200);
    // Closed again (one day into the moved clock's future, so the new closing is after the first warning).
    await closeCase(cases.reopened.id, -1);
  });

  it('SEA today: the focal points get one count of complaints due (no complaint named), nothing is shredded', async () => {
    const runs = await runSea();
    expect(runs.reduce((n, r) => n + r.warned, 0)).toBe(1);
    expect(runs.reduce((n, r) => n + r.shredded, 0)).toBe(0);
    const rows: { user_id: string; target_type: string; target_id: string; item_count: number; counts: object; case_id: null }[] = await db.query(
      `SELECT user_id, target_type, target_id, item_count, counts, case_id FROM notifications WHERE kind = 'sea_retention_warning'`,
    );
    expect(rows).toEqual([expect.objectContaining({ user_id: fp.user.id, target_type: 'digest', item_count: 1, counts: { closed: 1 }, case_id: null })]);
    expect(Object.values(complaints).filter((id) => JSON.stringify(rows).includes(id))).toEqual([]);
    expect((await runSea()).reduce((n, r) => n + r.warned, 0)).toBe(0);
  });

  it('29 days later the notice has not run: nothing is shredded', async () => {
    moveClocks(at(29));
    expect((await runCases()).reduce((n, r) => n + r.erased, 0)).toBe(0);
    expect((await runSea()).reduce((n, r) => n + r.shredded, 0)).toBe(0);
    expect(await liveCases()).toHaveLength(5);
  });

  it('30 days later: exactly the expired, warned closed cases are erased (retention_expired, audited without data); open and recently closed stay', async () => {
    moveClocks(at(30));
    const runs = await runCases();
    expect(runs.reduce((n, r) => n + r.erased, 0)).toBe(2);
    expect(await liveCases()).toEqual([cases.reopened.id, cases.recent.id, cases.open.id].sort());

    for (const gone of [cases.expired, cases.nearly]) {
      expect((await as(t, x.supA.accessToken).get(`/cases/${gone.id}`)).status).toBe(410);
      expect((await as(t, x.cwA.accessToken).get(`/cases/${gone.id}/notes`)).status).toBe(410);
      expect((await as(t, x.supB.accessToken).get(`/cases/${gone.id}`)).status).toBe(404);
    }
    for (const kept of [cases.reopened, cases.recent, cases.open]) expect((await as(t, x.cwA.accessToken).get(`/cases/${kept.id}`)).body.survivorName).toBe(kept.name);
    // Through the erasure hooks: the referral revoked, its packet destroyed; the erased cases' notifications gone.
    expect((await as(t, x.provB.accessToken).get(`/referrals/${referralId}`)).body).toMatchObject({ state: 'revoked', packetDestroyedReason: 'case_erased' });
    expect((await caseWarnings()).map((w) => w.case_id)).toEqual([cases.reopened.id, cases.reopened.id]);

    const [row] = await db.query(
      `SELECT erasure_reason, survivor_name, (SELECT count(*)::int FROM case_keys k WHERE k.case_id = c.id) AS keys, (SELECT count(*)::int FROM case_notes n WHERE n.case_id = c.id) AS notes FROM cases c WHERE id = $1`,
      [cases.expired.id],
    );
    expect(row).toEqual({ erasure_reason: 'retention_expired', survivor_name: null, keys: 0, notes: 0 });

    const audited: { actor_id: string | null; actor_role: string; target_id: string; details: object }[] = await db.query(
      `SELECT actor_id, actor_role, target_id, details FROM audit_queue WHERE action = 'case.erase' UNION SELECT actor_id, actor_role, target_id, details FROM audit_events WHERE action = 'case.erase'`,
    );
    expect(audited.map((a) => a.target_id).sort()).toEqual([cases.expired.id, cases.nearly.id].sort());
    for (const a of audited) expect(a).toMatchObject({ actor_id: null, actor_role: 'system', details: { reason: 'retention_expired', via: 'retention' } });

    // Nothing more to do on a second run.
    expect((await runCases()).reduce((n, r) => n + r.erased + r.warned, 0)).toBe(0);
  });

  it('30 days later, SEA: only the closed complaint past 365 days is shredded; recent, investigation and received (kept) stay', async () => {
    expect((await runSea()).reduce((n, r) => n + r.shredded, 0)).toBe(1);
    const rows: { id: string; narrative: Buffer | null; shredded_on: string | null; status: string }[] = await db.query(
      `SELECT id, narrative, shredded_on::text AS shredded_on, status FROM sea_complaints WHERE id = ANY($1)`,
      [Object.values(complaints)],
    );
    const byId = new Map(rows.map((r) => [r.id, r]));
    expect(byId.get(complaints.closedOld)).toMatchObject({ narrative: null, status: 'closed', shredded_on: at(30).toISOString().slice(0, 10) });
    for (const key of ['closedRecent', 'receivedAncient', 'investigation'] as const) expect([key, byId.get(complaints[key])!.shredded_on]).toEqual([key, null]);
    expect((await fpApi(t, fp).get(`/sea/complaints/${complaints.closedOld}`)).status).toBe(410);
  });

  it('the reopened case is warned again for its new closing: the same people, their warning new and unread again', async () => {
    const reclosedAt = new Date(t0.getTime() + DAY);
    moveClocks(new Date(reclosedAt.getTime() + 340 * DAY));
    const runs = await runCases();
    // The reopened case, and now the one closed 100 days before the first run too.
    expect(runs.reduce((n, r) => n + r.warned, 0)).toBe(2);
    expect(runs.reduce((n, r) => n + r.notified, 0)).toBe(4);
    const rows: { user_id: string; created_at: Date; read_at: Date | null; counts: object }[] = await db.query(
      `SELECT user_id, created_at, read_at, counts FROM notifications WHERE kind = 'case_retention_warning' AND case_id = $1 ORDER BY user_id`,
      [cases.reopened.id],
    );
    expect(rows.map((r) => r.user_id).sort()).toEqual([x.cwA.user.id, x.supA.user.id].sort());
    for (const r of rows) expect([new Date(r.created_at).toISOString(), r.read_at, r.counts]).toEqual([new Date(reclosedAt.getTime() + 340 * DAY).toISOString(), null, { daysLeft: 30 }]);
    expect(await liveCases()).toContain(cases.reopened.id);
  });

  it('the shredded records leave no sentinel in a dump of the database; the kept ones are still there (sealed)', () => {
    const text = dump();
    for (const gone of [cases.expired, cases.nearly]) for (const s of [gone.name, gone.note]) expect(text).not.toContain(s);
    // Kept records are sealed, so their sentinels never appear in plain text either; their rows do.
    for (const kept of [cases.reopened, cases.recent, cases.open]) expect(text).toContain(kept.id);
  });

  it('is scheduled once a day at 02:30 UTC, one schedule however many workers start', async () => {
    const schedulers = await queue.getJobSchedulers();
    expect(schedulers.filter((s) => s.key === CASE_RETENTION_JOB || s.id === CASE_RETENTION_JOB)).toEqual([expect.objectContaining({ pattern: CASE_RETENTION_SCHEDULE, tz: 'UTC' })]);
  });
});
