const DAY_MS = 86_400_000;

/** One kind of record's retention: days kept after closing (null: kept), and days of notice before shredding (0: none). */
export interface RetentionPeriod {
  keepDays: number | null;
  warningDays: number;
}

export type RetentionVerdict = 'keep' | 'warn' | 'shred';

/**
 * The bounds one run at `now` applies, for SQL to select with:
 *  - closed at or before `warnClosedBy` and not yet warned since closing: warn now;
 *  - closed at or before `shredClosedBy` and (no notice needed, or warned since closing at or
 *    before `shredWarnedBy`): shred now.
 */
export interface RetentionCutoffs {
  warnClosedBy: Date;
  shredClosedBy: Date;
  /** Null when no notice is given (warningDays 0). */
  shredWarnedBy: Date | null;
}

const daysBefore = (now: Date, days: number) => new Date(now.getTime() - days * DAY_MS);

/**
 * A record expires `keepDays` after it closed; its people are warned `warningDays` before.
 * The notice is a promise: a record is never shredded less than `warningDays` after its
 * warning, so one found already expired (retention just shortened, or the job did not run for
 * a while) is warned first and shredded when the notice has run. Null: the period keeps.
 */
export function retentionCutoffs(now: Date, p: RetentionPeriod): RetentionCutoffs | null {
  if (p.keepDays === null) return null;
  return {
    warnClosedBy: daysBefore(now, Math.max(p.keepDays - p.warningDays, 0)),
    shredClosedBy: daysBefore(now, p.keepDays),
    shredWarnedBy: p.warningDays > 0 ? daysBefore(now, p.warningDays) : null,
  };
}

/**
 * What the retention job does with one record at `now`. `warnedAt` counts only when it is not
 * older than the closing (a case reopened and closed again needs a new warning).
 */
export function retentionVerdict(record: { closedAt: Date; warnedAt: Date | null }, now: Date, p: RetentionPeriod): RetentionVerdict {
  const c = retentionCutoffs(now, p);
  if (c === null) return 'keep';
  const warnedAt = record.warnedAt !== null && record.warnedAt >= record.closedAt ? record.warnedAt : null;
  if (record.closedAt <= c.shredClosedBy && (c.shredWarnedBy === null || (warnedAt !== null && warnedAt <= c.shredWarnedBy))) return 'shred';
  if (c.shredWarnedBy !== null && warnedAt === null && record.closedAt <= c.warnClosedBy) return 'warn';
  return 'keep';
}

/** `YYYY-MM-DD` of an instant, in UTC. */
export const utcDay = (d: Date): string => d.toISOString().slice(0, 10);

/**
 * The same bounds for records that keep a closing day only (SEA complaints): a record closed on
 * day D counts as closed at the end of D, so with `today` 00:00 UTC as `now` it is past a bound
 * B exactly when D < B's day (the `*Before` days are exclusive), and a warning given on day W
 * has run its notice when W <= `shredWarnedOnOrBefore`.
 */
export function retentionDayCutoffs(today: string, p: RetentionPeriod): { warnClosedBefore: string; shredClosedBefore: string; shredWarnedOnOrBefore: string | null } | null {
  const c = retentionCutoffs(new Date(`${today}T00:00:00Z`), p);
  if (c === null) return null;
  return {
    warnClosedBefore: utcDay(c.warnClosedBy),
    shredClosedBefore: utcDay(c.shredClosedBy),
    shredWarnedOnOrBefore: c.shredWarnedBy === null ? null : utcDay(c.shredWarnedBy),
  };
}
