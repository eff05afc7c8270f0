import { randomUUID } from 'node:crypto';
import { FakeAuditService, FakeTransactionHost } from '../testing/unit-fakes';
import { SEA_RETENTION_DAYS, SeaStatus } from './sea-codes';
import type { SeaIntakeThrottle } from './sea-intake-throttle';
import { SeaRetentionRepository } from './sea-retention.repository';
import { SeaRetentionService } from './sea-retention.service';

interface Row {
  id: string;
  status: SeaStatus;
  statusChangedOn: string;
  shreddedOn: string | null;
}

class FakeRetentionRepository implements SeaRetentionRepository {
  rows: Row[] = [];
  deadSessionKeys = 0;
  days = new Map<string, { submitted: number; complainantMessages: number; accesses: number | null }>();
  counts = { submitted: 3, complainantMessages: 2 };
  readonly batches: number[] = [];

  lockExpired(status: SeaStatus, cutoff: string, limit: number): Promise<string[]> {
    return Promise.resolve(
      this.rows
        .filter((r) => r.shreddedOn === null && r.status === status && r.statusChangedOn < cutoff)
        .slice(0, limit)
        .map((r) => r.id),
    );
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
    sut = new SeaRetentionService(tx.asHost(), repo, audit.asService(), counters);
  });

  const add = (status: SeaStatus, ageDays: number): Row => {
    const r: Row = { id: randomUUID(), status, statusChangedOn: daysBefore(today, ageDays), shreddedOn: null };
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

  it('works through more than a batch and is idempotent', async () => {
    for (let i = 0; i < 250; i++) add('closed', SEA_RETENTION_DAYS.closed + 5);
    expect((await sut.run(today)).shredded).toBe(250);
    expect(repo.batches).toEqual([100, 100, 50]);
    expect((await sut.run(today)).shredded).toBe(0);
  });

  it("deletes dead sessions' key copies and summarises yesterday's intake once", async () => {
    repo.deadSessionKeys = 4;
    const first = await sut.run(today);
    expect(first).toEqual({ shredded: 0, sessionKeysDeleted: 4, withdrawnReceiptsDeleted: 0, summarisedDay: '2026-12-01' });
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
