import { DataSource } from 'typeorm';
import { AuditService } from '@amani/audit';
import { TransactionHost } from '@amani/database';
import { DeadlineScanJob } from '@amani/domain/referrals/worker';
import { as, auditEvents } from '../cases/case-fixtures';
import { createTestApp, TestApp } from '../support/app';
import { dropIsolatedDatabase, isolatedEnv, prepareIsolatedDatabase } from '../support/isolated-database';
import { sessionAs, LoggedIn } from '../support/users';
import { newCase, refer, referralConsent, ThreeAgencies, threeAgencies } from './referral-fixtures';

const HOUR = 3_600_000;

/**
 * Deadlines with a moved clock: a missed deadline notifies the person responsible once, then,
 * still open after the grace period, the supervisors once; two scans racing each other notify
 * nobody twice. Notifications carry kinds, ids and counts only. Its own database: a scan
 * with the clock days ahead would otherwise chase every other suite's referrals.
 */
describe('deadlines: notifications and escalation', () => {
  let t: TestApp;
  let db: DataSource;
  let x: ThreeAgencies;
  let provB2: LoggedIn;
  let scans: DeadlineScanJob[];
  const start = Date.now();
  const at = (hours: number) => new Date(start + hours * HOUR);
  /** Two scans at the same moment, as two workers would run them. */
  const scanTwiceAt = (hours: number) => Promise.all(scans.map((s) => s.handle(undefined, undefined, at(hours))));
  const notified = (targetId: string): Promise<{ user_id: string; kind: string }[]> =>
    db.query(`SELECT user_id, kind FROM notifications WHERE target_id = $1 ORDER BY kind, user_id`, [targetId]);

  const env: Record<string, string> = {
    ...isolatedEnv('ddl'),
    DEADLINE_REFERRAL_ACCEPT_HOURS: '48',
    DEADLINE_APPROVAL_HOURS: '72',
    DEADLINE_ESCALATION_HOURS: '24',
  };

  beforeAll(async () => {
    prepareIsolatedDatabase(env);
    t = await createTestApp(env);
    db = t.app.get(DataSource);
    x = await threeAgencies(t);
    provB2 = await sessionAs(t, { role: 'provider', agencyId: x.agencyB });
    scans = [0, 1].map(() => new DeadlineScanJob(t.app.get(TransactionHost), t.app.get(AuditService), t.config));
  });
  afterAll(async () => {
    await t?.close();
    await dropIsolatedDatabase(env);
  });

  const sorted = (rows: { user_id: string; kind: string }[]) => [...rows].sort((a, b) => (a.kind + a.user_id).localeCompare(b.kind + b.user_id));

  it('an unanswered referral notifies the receiving providers once, then escalates to their supervisor once', async () => {
    const kase = await newCase(t, x.cwA);
    await referralConsent(t, x.cwA, kase.id, { recipientAgencyId: x.agencyB, shareableFields: ['ageBand'] });
    const referral = (await refer(t, x.cwA, kase.id, { recipientAgencyId: x.agencyB, serviceType: 'legal' })).body.id as string;

    await scanTwiceAt(47);
    expect(await notified(referral)).toEqual([]);
    await scanTwiceAt(49);
    await scanTwiceAt(50);
    expect(await notified(referral)).toEqual(
      sorted([
        { user_id: x.provB.user.id, kind: 'referral_unanswered' },
        { user_id: provB2.user.id, kind: 'referral_unanswered' },
      ]),
    );
    await scanTwiceAt(49 + 23);
    expect((await notified(referral)).filter((n) => n.kind.endsWith('_escalated'))).toEqual([]);
    await scanTwiceAt(49 + 25);
    await scanTwiceAt(49 + 26);
    expect((await notified(referral)).filter((n) => n.kind.endsWith('_escalated'))).toEqual([{ user_id: x.supB.user.id, kind: 'referral_unanswered_escalated' }]);

    const events = await auditEvents(t, { targetId: referral, action: 'deadline.notify' });
    expect(events).toHaveLength(3);
    expect(events.every((e) => e.outcome === 'success')).toBe(true);
  });

  it('an answered referral is never chased', async () => {
    const kase = await newCase(t, x.cwA);
    await referralConsent(t, x.cwA, kase.id, { recipientAgencyId: x.agencyB, shareableFields: ['ageBand'] });
    const referral = (await refer(t, x.cwA, kase.id, { recipientAgencyId: x.agencyB, serviceType: 'psychosocial' })).body.id as string;
    expect((await as(t, x.provB.accessToken).post(`/referrals/${referral}/accept`)).status).toBe(200);
    await scanTwiceAt(100);
    expect(await notified(referral)).toEqual([]);
  });

  it('an overdue action-plan item notifies the assigned caseworker, then the supervisors', async () => {
    const kase = await newCase(t, x.cwA);
    const item = await as(t, x.cwA.accessToken).post(`/cases/${kase.id}/action-plan`, { description: 'accompany to clinic', needArea: 'health', dueDate: '2030-01-01' });
    expect(item.status).toBe(201);
    const done = await as(t, x.cwA.accessToken).post(`/cases/${kase.id}/action-plan`, { description: 'done already', dueDate: '2030-01-01' });
    await as(t, x.cwA.accessToken).patch(`/cases/${kase.id}/action-plan/${done.body.id}`, { version: 1, status: 'done' });
    // Due dates are days; move both into the past rather than the clock years ahead.
    await db.query(`UPDATE case_action_plan_items SET due_date = ($1::timestamptz AT TIME ZONE 'UTC')::date - 2 WHERE case_id = $2`, [at(0).toISOString(), kase.id]);

    await scanTwiceAt(1);
    expect(await notified(item.body.id)).toEqual([{ user_id: x.cwA.user.id, kind: 'action_item_overdue' }]);
    await scanTwiceAt(26);
    expect(await notified(item.body.id)).toEqual([
      { user_id: x.cwA.user.id, kind: 'action_item_overdue' },
      { user_id: x.supA.user.id, kind: 'action_item_overdue_escalated' },
    ]);
    expect(await notified(done.body.id)).toEqual([]);
    const [row] = await db.query(`SELECT case_id, referral_id, target_type FROM notifications WHERE target_id = $1 AND kind = 'action_item_overdue'`, [item.body.id]);
    expect(row).toEqual({ case_id: kase.id, referral_id: null, target_type: 'case_action_plan_item' });
  });

  it('an approval request waiting too long notifies the supervisors other than the requester', async () => {
    const kase = await newCase(t, x.cwA);
    const sup2 = await sessionAs(t, { role: 'supervisor', agencyId: x.agencyA });
    const request = await as(t, x.supA.accessToken).post(`/cases/${kase.id}/approvals`, { kind: 'closure', closureReason: 'needs_met' });
    expect(request.status).toBe(201);
    await scanTwiceAt(71);
    expect(await notified(request.body.id)).toEqual([]);
    await scanTwiceAt(73);
    expect(await notified(request.body.id)).toEqual([{ user_id: sup2.user.id, kind: 'approval_waiting' }]);
  });

  it('gives each user one digest a day counting what waits unread since before that day; users mark notifications read', async () => {
    await scanTwiceAt(24 * 5);
    await scanTwiceAt(24 * 5);
    const digests: { item_count: number }[] = await db.query(
      `SELECT item_count FROM notifications WHERE kind = 'daily_digest' AND user_id = $1 AND created_at = $2`,
      [x.cwA.user.id, at(24 * 5).toISOString()],
    );
    expect(digests).toHaveLength(1);
    expect(digests[0].item_count).toBeGreaterThanOrEqual(1);

    const mine = await as(t, x.cwA.accessToken).get('/notifications?unread=true');
    expect(mine.status).toBe(200);
    const first = mine.body.items[0];
    expect(Object.keys(first).sort()).toEqual(['caseId', 'counts', 'createdAt', 'id', 'itemCount', 'kind', 'readAt', 'referralId', 'targetId', 'targetType']);
    expect((await as(t, x.supB.accessToken).post(`/notifications/${first.id}/read`)).status).toBe(404);
    const read = await as(t, x.cwA.accessToken).post(`/notifications/${first.id}/read`);
    expect(read.status).toBe(200);
    expect(read.body.readAt).not.toBeNull();
    const all = await as(t, x.cwA.accessToken).post('/notifications/read-all');
    expect(all.status).toBe(200);
    expect(all.body.updated).toBe(mine.body.total - 1);
    expect((await as(t, x.cwA.accessToken).get('/notifications?unread=true')).body.total).toBe(0);
    expect((await as(t, x.cwA.accessToken).get('/notifications?unread=maybe')).status).toBe(400);
  });
});
