import { retentionCutoffs, retentionDayCutoffs, retentionVerdict, RetentionPeriod } from './retention-rule';

const DAY = 86_400_000;
const now = new Date('2027-06-30T02:30:00Z');
const ago = (days: number) => new Date(now.getTime() - days * DAY);

describe('retention rule', () => {
  const year: RetentionPeriod = { keepDays: 365, warningDays: 30 };

  it('keeps a record forever when the period is unset (null), whatever its age', () => {
    expect(retentionCutoffs(now, { keepDays: null, warningDays: 30 })).toBeNull();
    expect(retentionVerdict({ closedAt: ago(10_000), warnedAt: ago(5_000) }, now, { keepDays: null, warningDays: 30 })).toBe('keep');
  });

  it('keeps a recently closed record; warns it once it is within the notice of expiring', () => {
    expect(retentionVerdict({ closedAt: ago(334), warnedAt: null }, now, year)).toBe('keep');
    expect(retentionVerdict({ closedAt: ago(335), warnedAt: null }, now, year)).toBe('warn');
    expect(retentionVerdict({ closedAt: ago(364), warnedAt: null }, now, year)).toBe('warn');
  });

  it('a warned record is kept until it expires, and then shredded', () => {
    expect(retentionVerdict({ closedAt: ago(340), warnedAt: ago(5) }, now, year)).toBe('keep');
    expect(retentionVerdict({ closedAt: ago(364.99), warnedAt: ago(30) }, now, year)).toBe('keep');
    expect(retentionVerdict({ closedAt: ago(365), warnedAt: ago(30) }, now, year)).toBe('shred');
    expect(retentionVerdict({ closedAt: ago(900), warnedAt: ago(400) }, now, year)).toBe('shred');
  });

  it('never shreds without the full notice: an expired record not yet warned is warned first, shredded when the notice has run', () => {
    expect(retentionVerdict({ closedAt: ago(800), warnedAt: null }, now, year)).toBe('warn');
    expect(retentionVerdict({ closedAt: ago(800), warnedAt: ago(29) }, now, year)).toBe('keep');
    expect(retentionVerdict({ closedAt: ago(800), warnedAt: ago(30) }, now, year)).toBe('shred');
  });

  it('a warning from before the last closing does not count (reopened and closed again)', () => {
    expect(retentionVerdict({ closedAt: ago(400), warnedAt: ago(500) }, now, year)).toBe('warn');
  });

  it('without notice (0 warning days) a record is shredded the moment it expires and never warned', () => {
    const noNotice = { keepDays: 365, warningDays: 0 };
    expect(retentionVerdict({ closedAt: ago(364), warnedAt: null }, now, noNotice)).toBe('keep');
    expect(retentionVerdict({ closedAt: ago(365), warnedAt: null }, now, noNotice)).toBe('shred');
    expect(retentionCutoffs(now, noNotice)?.shredWarnedBy).toBeNull();
  });

  it('a notice longer than the period warns at closing', () => {
    const short = { keepDays: 10, warningDays: 30 };
    expect(retentionVerdict({ closedAt: ago(0), warnedAt: null }, now, short)).toBe('warn');
    expect(retentionVerdict({ closedAt: ago(15), warnedAt: ago(15) }, now, short)).toBe('keep');
    expect(retentionVerdict({ closedAt: ago(31), warnedAt: ago(30) }, now, short)).toBe('shred');
  });

  it('day-precision records: closed on day D, kept N days, go once D is more than N days before today', () => {
    const c = retentionDayCutoffs('2027-06-30', year)!;
    expect(c).toEqual({ warnClosedBefore: '2026-07-30', shredClosedBefore: '2026-06-30', shredWarnedOnOrBefore: '2027-05-31' });
    // Closed 2026-06-29: 366 days ago, expired; closed 2026-06-30: exactly 365, still kept today.
    expect('2026-06-29' < c.shredClosedBefore).toBe(true);
    expect('2026-06-30' < c.shredClosedBefore).toBe(false);
    expect(retentionDayCutoffs('2027-06-30', { keepDays: null, warningDays: 30 })).toBeNull();
    expect(retentionDayCutoffs('2027-06-30', { keepDays: 365, warningDays: 0 })?.shredWarnedOnOrBefore).toBeNull();
  });
});
