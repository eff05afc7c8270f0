import { randomUUID } from 'node:crypto';
import { testAppConfig } from '@amani/testing/test-app-config';
import type { Clock } from '@amani/jobs';
import { FakeAuditService, FakeTransactionHost } from '../testing/unit-fakes';
import type { SeaStatus, SeaOutcome } from './sea-codes';
import { SeaDigestBounds, SeaDigestCounts, SeaDigestRepository } from './sea-digest.repository';
import { receivedBefore, SeaDigestService } from './sea-digest.service';

interface FakeComplaint {
  id: string;
  receivedOn: string;
  status: SeaStatus;
  outcome: SeaOutcome | null;
  wantsAssistance: boolean;
  assisted: boolean;
  shredded: boolean;
}

/** The digest rules over an in-memory list, and notifications keyed once per (user, day). */
class FakeDigestRepository implements SeaDigestRepository {
  readonly complaints: FakeComplaint[] = [];
  readonly focalPoints = [randomUUID(), randomUUID()];
  readonly notifications = new Map<string, { userId: string; day: string; at: Date; counts: SeaDigestCounts }>();

  add(receivedOn: string, over: Partial<FakeComplaint> = {}): FakeComplaint {
    const c: FakeComplaint = { id: randomUUID(), receivedOn, status: 'received', outcome: null, wantsAssistance: false, assisted: false, shredded: false, ...over };
    this.complaints.push(c);
    return c;
  }

  counts(b: SeaDigestBounds): Promise<SeaDigestCounts> {
    const flags = this.complaints
      .filter((c) => !c.shredded)
      .map((c) => ({
        isNew: c.receivedOn === b.newOn,
        triage: c.status === 'received' && c.receivedOn < b.triageBefore,
        assistance: c.wantsAssistance && c.status !== 'closed' && !c.assisted && c.receivedOn < b.assistanceBefore,
        entity: ['received', 'assessment'].includes(c.status) && c.outcome !== 'referred_to_entity' && c.receivedOn < b.entityReferralBefore,
      }));
    const n = (f: (x: (typeof flags)[number]) => boolean) => flags.filter(f).length;
    return Promise.resolve({
      new: n((x) => x.isNew),
      triageOverdue: n((x) => x.triage),
      assistanceOverdue: n((x) => x.assistance),
      entityReferralOverdue: n((x) => x.entity),
      needingAttention: n((x) => x.isNew || x.triage || x.assistance || x.entity),
    });
  }

  notifyFocalPoints(day: string, at: Date, counts: SeaDigestCounts): Promise<number> {
    let inserted = 0;
    for (const userId of this.focalPoints) {
      const key = `${userId}:${day}`;
      if (this.notifications.has(key)) continue;
      this.notifications.set(key, { userId, day, at, counts });
      inserted += 1;
    }
    return Promise.resolve(inserted);
  }
}

class MovableClock implements Clock {
  constructor(public at: Date) {}
  now(): Date {
    return this.at;
  }
}

describe('receivedBefore (deadlines counted from the start of the receipt day, UTC)', () => {
  it('a complaint of 1 December with a 24-hour deadline is overdue only once 2 December 00:00 has passed', () => {
    expect(receivedBefore(new Date('2026-12-02T00:00:00Z'), 24)).toBe('2026-12-01'); // received before 1 Dec: not yet
    expect(receivedBefore(new Date('2026-12-02T00:00:01Z'), 24)).toBe('2026-12-02'); // 1 Dec now counts
    expect(receivedBefore(new Date('2026-12-08T23:59:59Z'), 168)).toBe('2026-12-02');
    expect(receivedBefore(new Date('2026-12-04T12:00:00Z'), 72)).toBe('2026-12-02');
  });
});

describe('SeaDigestService', () => {
  let repo: FakeDigestRepository;
  let clock: MovableClock;
  let audit: FakeAuditService;
  let tx: FakeTransactionHost;
  let sut: SeaDigestService;

  beforeEach(() => {
    repo = new FakeDigestRepository();
    clock = new MovableClock(new Date('2026-12-02T06:00:00Z'));
    audit = new FakeAuditService();
    tx = new FakeTransactionHost();
    const base = testAppConfig();
    const config = { ...base, sea: { ...base.sea, deadlines: { triageHours: 24, assistanceHours: 72, entityReferralHours: 168 } } };
    sut = new SeaDigestService(tx.asHost(), repo, clock, audit.asService(), config);
  });

  it('counts new (received the day before) and overdue complaints per deadline, never shredded ones', async () => {
    repo.add('2026-12-01'); // new; triage due 2 Dec 00:00 → overdue at 06:00
    repo.add('2026-12-02'); // today: neither new nor overdue yet
    repo.add('2026-11-28', { status: 'assessment', wantsAssistance: true }); // assistance due 1 Dec → overdue
    repo.add('2026-11-28', { status: 'assessment', wantsAssistance: true, assisted: true });
    repo.add('2026-11-20', { status: 'assessment', outcome: 'referred_to_entity' }); // referred: not overdue
    repo.add('2026-11-20', { status: 'referred_for_investigation' });
    repo.add('2026-11-24', { status: 'assessment' }); // entity referral (168 h) due 1 Dec 00:00 → overdue
    repo.add('2026-11-26', { status: 'assessment' }); // due 3 Dec 00:00 → not yet
    repo.add('2026-11-01', { shredded: true });
    const result = await sut.run();
    expect(result.counts).toEqual({ new: 1, triageOverdue: 1, assistanceOverdue: 1, entityReferralOverdue: 1, needingAttention: 3 });
    expect(result.notified).toBe(2);
  });

  it('one notification per focal point per day, numbers only, however often it runs; the next day a new one', async () => {
    const c = repo.add('2026-12-01');
    await sut.run();
    await sut.run();
    expect(repo.notifications.size).toBe(2);
    for (const n of repo.notifications.values()) {
      expect(Object.keys(n.counts).sort()).toEqual(['assistanceOverdue', 'entityReferralOverdue', 'needingAttention', 'new', 'triageOverdue']);
      expect(JSON.stringify(n)).not.toContain(c.id);
    }
    expect(audit.events).toEqual([expect.objectContaining({ action: 'sea.digest', outcome: 'success', inTransaction: true, details: { day: '2026-12-02', notified: 2 } })]);
    expect(JSON.stringify(audit.events)).not.toContain(c.id);

    clock.at = new Date('2026-12-03T06:00:00Z');
    const next = await sut.run();
    expect(next.counts).toMatchObject({ new: 0, triageOverdue: 1, entityReferralOverdue: 0 });
    expect(repo.notifications.size).toBe(4);
  });

  it('sends nothing when nothing is new or overdue', async () => {
    repo.add('2026-12-02');
    repo.add('2026-11-01', { status: 'closed' });
    expect(await sut.run()).toMatchObject({ notified: 0, counts: { needingAttention: 0 } });
    expect(repo.notifications.size).toBe(0);
    expect(audit.events).toEqual([]);
  });
});
