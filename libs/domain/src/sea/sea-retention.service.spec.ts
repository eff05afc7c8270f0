import { randomUUID } from 'node:crypto';
import { FakeAuditService, FakeTransactionHost } from '../testing/unit-fakes';
import type { AppConfig } from '@amani/config';
import type { Clock } from '@amani/jobs';
import { SeaStatus } from './sea-codes';
import type { SeaIntakeThrottle } from './sea-intake-throttle';
import { SeaRetentionRepository } from './sea-retention.repository';
import { SeaRetentionService } from './sea-retention.service';

interface Row {
  id: string;
  status: SeaStatus;
  statusChangedOn: string;
  warnedOn: string | null;
  shreddedOn: string | null;
}

const SEA_RETENTION_DAYS = { received: 730, assessment: 730, referred_for_investigation: 1825, closed: 365 };

class FakeRetentionRepository implements SeaRetentionRepository {
  rows: Row[] = [];
  deadSessionKeys = 0;
  days = new Map<string, { submitted: number; complainantMessages: number; accesses: number | null }>();
  counts = { submitted: 3, complainantMessages: 2 };
  readonly batches: number[] = [];

  lockExpired(status: SeaStatus, cutoff: { closedBefore: string; warnedOnOrBefore: string | null }, limit: number): Promise<string[]> {
    return Promise.resolve(
      this.rows
        .filter((r) => r.shreddedOn === null && r.status === status && r.statusChangedOn < cutoff.closedBefore)
        .filter((r) => cutoff.warnedOnOrBefore === null || (r.warnedOn !== null && r.warnedOn <= cutoff.warnedOnOrBefore))
        .slice(0, limit)
        .map((r) => r.id),
    );
  }
  locks = 0;
  lockWarnings(): Promise<void> {
    this.locks += 1;
    return Promise.resolve();
  }
  markWarned(status: SeaStatus, closedBefore: string, today: string): Promise<number> {
    const due = this.rows.filter((r) => r.shreddedOn === null && r.status === status && r.statusChangedOn < closedBefore && r.warnedOn === null);
    for (const r of due) r.warnedOn = today;
    return Promise.resolve(due.length);
  }
  notices: { day: string; counts: Partial<Record<SeaStatus, number>> }[] = [];
  notifyFocalPoints(day: string, _at: Date, counts: Partial<Record<SeaStatus, number>>): Promise<number> {
    this.notices.push({ day, counts });
    return Promise.resolve(2);
  }
  shred(ids: string[], today: string): Promise<void> {
    this.batches.push(ids.length);
    for (const r of this.rows) if (ids.includes(r.id)) r.shreddedOn = today;
    return Promise.resolve();
  }
  withdrawn: string[] = [];
  deleteWithdrawnReceipts(cutoff: string): Promise<number> {
    const before = this.withdrawn.length;
    this.withdrawn = this.withdrawn.filter((day) => day >= cutoff);
    return Promise.resolve(before - this.withdrawn.length);
  }
  deleteDeadSessionKeys(): Promise<number> {
    const n = this.deadSessionKeys;
    this.deadSessionKeys = 0;
    return Promise.resolve(n);
  }
  intakeCounts(): Promise<{ submitted: number; complainantMessages: number }> {
    return Promise.resolve(this.counts);
  }
  insertAuditDay(day: string, submitted: number, complainantMessages: number, accesses: number | null): Promise<boolean> {
    if (this.days.has(day)) return Promise.resolve(false);
    this.days.set(day, { submitted, complainantMessages, accesses });
    return Promise.resolve(true);
  }
}

function daysBefore(iso: string, n: number): string {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - n);
  return d.toISOString().slice(0, 10);
}

describe('SeaRetentionService', () => {
  const today = '2026-12-02';
  let repo: FakeRetentionRepository;
  let audit: FakeAuditService;
  let tx: FakeTransactionHost;
  let sut: SeaRetentionService;
  let accesses: number | null;

  beforeEach(() => {
    repo = new FakeRetentionRepository();
    audit = new FakeAuditService();
    tx = new FakeTransactionHost();
    accesses = 7;
    const counters = { accessesOn: () => Promise.resolve(accesses) } as unknown as SeaIntakeThrottle;
    warningDays = 0;
    const clock: Clock = { now: () => new Date(`${today}T02:15:00Z`) };
    const config = () => ({ retention: { warningDays, caseClosedDays: null, sea: { ...SEA_RETENTION_DAYS, received: keepReceived } } }) as unknown as AppConfig;
    keepReceived = SEA_RETENTION_DAYS.received;
    sut = new SeaRetentionService(tx.asHost(), repo, audit.asService(), counters, clock, new Proxy({}, { get: (_t, k: keyof AppConfig) => config()[k] }) as AppConfig);
  });
  let warningDays: number;
  let keepReceived: number | null;

  const add = (status: SeaStatus, ageDays: number, warnedDaysAgo: number | null = null): Row => {
    const r: Row = { id: randomUUID(), status, statusChangedOn: daysBefore(today, ageDays), warnedOn: warnedDaysAgo === null ? null : daysBefore(today, warnedDaysAgo), shreddedOn: null };
    repo.rows.push(r);
    return r;
  };

  it("shreds complaints past their status's time to live, and only those, each audited in its batch's transaction", async () => {
    const closedOld = add('closed', SEA_RETENTION_DAYS.closed + 1);
    const closedYoung = add('closed', SEA_RETENTION_DAYS.closed - 1);
    // An investigation is kept longer than a closed complaint of the same age.
    const investigation = add('referred_for_investigation', SEA_RETENTION_DAYS.closed + 1);
    const result = await sut.run(today);
    expect(result.shredded).toBe(1);
    expect(closedOld.shreddedOn).toBe(today);
    expect(closedYoung.shreddedOn).toBeNull();
    expect(investigation.shreddedOn).toBeNull();
    const shreds = audit.events.filter((e) => e.action === 'sea.complaint.shred');
    expect(shreds.map((e) => [e.targetId, e.details, e.inTransaction])).toContainEqual([closedOld.id, { status: 'closed', via: 'retention' }, true]);
  });

  it('with notice: warns the focal points once with counts by status, and shreds only complaints warned the full notice ago', async () => {
    warningDays = 30;
    const entering = add('closed', SEA_RETENTION_DAYS.closed - 29); // expires in 29 days: inside the notice
    const notYet = add('closed', SEA_RETENTION_DAYS.closed - 31);
    const expiredUnwarned = add('referred_for_investigation', SEA_RETENTION_DAYS.referred_for_investigation + 10);
    const expiredWarned = add('closed', SEA_RETENTION_DAYS.closed + 1, 30);
    const warnedTooRecently = add('closed', SEA_RETENTION_DAYS.closed + 1, 29);
    const first = await sut.run(today);
    expect(first).toMatchObject({ warned: 2, notified: 2, shredded: 1 });
    expect(repo.notices).toEqual([{ day: today, counts: { closed: 1, referred_for_investigation: 1 } }]);
    expect([entering, expiredUnwarned].map((r) => r.warnedOn)).toEqual([today, today]);
    expect(notYet.warnedOn).toBeNull();
    expect(expiredWarned.shreddedOn).toBe(today);
    expect([entering, notYet, expiredUnwarned, warnedTooRecently].map((r) => r.shreddedOn)).toEqual([null, null, null, null]);
    expect(audit.events.find((e) => e.action === 'sea.retention.warn')).toMatchObject({
      targetId: null,
      details: { day: today, warned: 2, notified: 2, closed: 1, referred_for_investigation: 1 },
      inTransaction: true,
    });
    // Nothing names a complaint in the warning.
    const ids = repo.rows.map((r) => r.id);
    expect(ids.filter((id) => JSON.stringify([repo.notices, audit.events.filter((e) => e.action === 'sea.retention.warn')]).includes(id))).toEqual([]);
    // Warned once: the next run tells nobody again.
    expect((await sut.run(today)).warned).toBe(0);
    expect(repo.notices).toHaveLength(1);
  });

  it('a status whose period is unset (0) keeps its complaints and never warns of them', async () => {
    warningDays = 30;
    keepReceived = null;
    const ancient = add('received', 5000);
    expect(await sut.run(today)).toMatchObject({ warned: 0, shredded: 0 });
    expect(ancient).toMatchObject({ warnedOn: null, shreddedOn: null });
  });

  it('works through more than a batch and is idempotent', async () => {
    for (let i = 0; i < 250; i++) add('closed', SEA_RETENTION_DAYS.closed + 5);
    expect((await sut.run(today)).shredded).toBe(250);
    expect(repo.batches).toEqual([100, 100, 50]);
    expect((await sut.run(today)).shredded).toBe(0);
  });

  it("deletes dead sessions' key copies and summarises yesterday's intake once", async () => {
    repo.deadSessionKeys = 4;
    const first = await sut.run(today);
    expect(first).toEqual({ warned: 0, notified: 0, shredded: 0, sessionKeysDeleted: 4, withdrawnReceiptsDeleted: 0, summarisedDay: '2026-12-01' });
    expect(repo.days.get('2026-12-01')).toEqual({ submitted: 3, complainantMessages: 2, accesses: 7 });
    expect(audit.events).toEqual([
      expect.objectContaining({ action: 'sea.intake.daily', targetId: '2026-12-01', details: { submitted: 3, complainantMessages: 2, accesses: 7 }, inTransaction: true }),
    ]);
    expect((await sut.run(today)).summarisedDay).toBeNull();
    expect(audit.events).toHaveLength(1);
  });

  it('deletes withdrawn receipts once they are a year old, and only those', async () => {
    repo.withdrawn = [daysBefore(today, 366), daysBefore(today, 364)];
    expect((await sut.run(today)).withdrawnReceiptsDeleted).toBe(1);
    expect(repo.withdrawn).toEqual([daysBefore(today, 364)]);
  });

  it('records an unknown access count (counter store down) as null', async () => {
    accesses = null;
    await sut.run(today);
    expect(repo.days.get('2026-12-01')!.accesses).toBeNull();
  });
});
