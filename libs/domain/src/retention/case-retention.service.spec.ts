import { randomUUID } from 'node:crypto';
import type { AppConfig } from '@amani/config';
import type { CasesService } from '@amani/domain/cases';
import type { Clock } from '@amani/jobs';
import { FakeAuditService, FakeTransactionHost } from '../testing/unit-fakes';
import { CaseRetentionRepository, ExpiringCase } from './case-retention.repository';
import { CaseRetentionService } from './case-retention.service';
import { RetentionCutoffs } from './retention-rule';

const DAY = 86_400_000;
const now = new Date('2027-03-01T02:30:00Z');

interface Row {
  id: string;
  agencyId: string;
  closedAt: Date | null;
  warnedAt: Date | null;
  erased: boolean;
}

/** Applies the cutoffs as the SQL does. */
class FakeRepo extends CaseRetentionRepository {
  rows: Row[] = [];
  notified: { id: string; daysLeft: number }[] = [];
  markWarned(c: RetentionCutoffs, at: Date, limit: number): Promise<ExpiringCase[]> {
    const due = this.rows
      .filter((r) => !r.erased && r.closedAt !== null && r.closedAt <= c.warnClosedBy && (r.warnedAt === null || r.warnedAt < r.closedAt))
      .slice(0, limit);
    for (const r of due) r.warnedAt = at;
    return Promise.resolve(due.map((r) => ({ id: r.id, agencyId: r.agencyId, closedAt: r.closedAt! })));
  }
  notify(c: ExpiringCase, daysLeft: number): Promise<number> {
    this.notified.push({ id: c.id, daysLeft });
    return Promise.resolve(2);
  }
  lockExpired(c: RetentionCutoffs): Promise<ExpiringCase | null> {
    const r = this.rows.find(
      (x) =>
        !x.erased &&
        x.closedAt !== null &&
        x.closedAt <= c.shredClosedBy &&
        (c.shredWarnedBy === null || (x.warnedAt !== null && x.warnedAt >= x.closedAt && x.warnedAt <= c.shredWarnedBy)),
    );
    return Promise.resolve(r ? { id: r.id, agencyId: r.agencyId, closedAt: r.closedAt! } : null);
  }
}

describe('CaseRetentionService', () => {
  let repo: FakeRepo;
  let audit: FakeAuditService;
  let erased: string[];
  let retention: { warningDays: number; caseClosedDays: number | null };
  let sut: CaseRetentionService;

  beforeEach(() => {
    repo = new FakeRepo();
    audit = new FakeAuditService();
    erased = [];
    retention = { warningDays: 30, caseClosedDays: 365 };
    const cases = {
      eraseExpired: (id: string) => {
        const r = repo.rows.find((x) => x.id === id)!;
        if (r.erased) return Promise.resolve(false);
        r.erased = true;
        erased.push(id);
        return Promise.resolve(true);
      },
    } as unknown as CasesService;
    const clock: Clock = { now: () => now };
    const config = { get retention() {
      return { ...retention, sea: {} };
    } } as unknown as AppConfig;
    sut = new CaseRetentionService(new FakeTransactionHost().asHost(), repo, cases, audit.asService(), clock, config);
  });

  const add = (closedDaysAgo: number | null, warnedDaysAgo: number | null = null): Row => {
    const r: Row = {
      id: randomUUID(),
      agencyId: 'agency',
      closedAt: closedDaysAgo === null ? null : new Date(now.getTime() - closedDaysAgo * DAY),
      warnedAt: warnedDaysAgo === null ? null : new Date(now.getTime() - warnedDaysAgo * DAY),
      erased: false,
    };
    repo.rows.push(r);
    return r;
  };

  it('warns what enters the notice (days left: the rest of the period, at least the full notice), erases what expired after its notice', async () => {
    const open = add(null);
    const young = add(300);
    const entering = add(340); // 25 days left, but the notice is 30
    const expiredWarned = add(400, 40);
    const expiredUnwarned = add(400);
    const result = await sut.run();
    expect(result).toEqual({ warned: 2, notified: 4, erased: 1 });
    expect(repo.notified.sort((a, b) => a.id.localeCompare(b.id))).toEqual([{ id: entering.id, daysLeft: 30 }, { id: expiredUnwarned.id, daysLeft: 30 }].sort((a, b) => a.id.localeCompare(b.id)));
    expect(erased).toEqual([expiredWarned.id]);
    expect([open, young].map((r) => [r.warnedAt, r.erased])).toEqual([[null, false], [null, false]]);
    const warnings = audit.events.filter((e) => e.action === 'case.retention.warn');
    expect(warnings.map((e) => [e.targetId, e.actorRole, e.details, e.inTransaction])).toContainEqual([entering.id, 'system', { daysLeft: 30, notified: 2 }, true]);
    // Once: nothing new on the same day.
    expect(await sut.run()).toEqual({ warned: 0, notified: 0, erased: 0 });
  });

  it('keeps every closed case when no period is set', async () => {
    retention.caseClosedDays = null;
    const ancient = add(5000);
    expect(await sut.run()).toEqual({ warned: 0, notified: 0, erased: 0 });
    expect(ancient).toMatchObject({ warnedAt: null, erased: false });
  });

  it('without notice, erases on expiry and warns nobody', async () => {
    retention.warningDays = 0;
    const expired = add(366);
    add(364);
    expect(await sut.run()).toEqual({ warned: 0, notified: 0, erased: 1 });
    expect(erased).toEqual([expired.id]);
    expect(repo.notified).toEqual([]);
  });
});
