/**
 * Report periods: calendar months ("2025-03") and calendar quarters ("2025-Q1") only. Each
 * template has exactly one kind, so two reports of a template never overlap: a month report
 * next to a quarter report of the same data would let anyone subtract one from the other.
 */

export const PERIOD_KINDS = ['month', 'quarter'] as const;
export type PeriodKind = (typeof PERIOD_KINDS)[number];

export const MIN_REPORT_YEAR = 2000;
export const MAX_REPORT_YEAR = 2100;

/** Any period code (the database CHECK uses the same shape). */
export const PERIOD_SQL_PATTERN = '^[0-9]{4}-(0[1-9]|1[0-2]|Q[1-4])$';

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;
const QUARTER = /^(\d{4})-Q([1-4])$/;

export interface ReportPeriod {
  kind: PeriodKind;
  /** "2025-03" or "2025-Q1". */
  code: string;
  /** The months covered, as stored in reporting_incidents.report_month. */
  months: string[];
  /** First instant of the period and first instant after it (UTC). */
  start: Date;
  end: Date;
}

const pad = (n: number) => String(n).padStart(2, '0');
const monthCode = (year: number, month: number) => `${year}-${pad(month)}`;

/** The period a code names, or null when the code is not a period of that kind. */
export function parsePeriod(code: string, kind: PeriodKind): ReportPeriod | null {
  if (typeof code !== 'string') return null;
  const m = (kind === 'month' ? MONTH : QUARTER).exec(code);
  if (!m) return null;
  const year = Number(m[1]);
  if (year < MIN_REPORT_YEAR || year > MAX_REPORT_YEAR) return null;
  const firstMonth = kind === 'month' ? Number(m[2]) : (Number(m[2]) - 1) * 3 + 1;
  const length = kind === 'month' ? 1 : 3;
  const months = Array.from({ length }, (_, i) => monthCode(year, firstMonth + i));
  return {
    kind,
    code,
    months,
    start: new Date(Date.UTC(year, firstMonth - 1, 1)),
    end: new Date(Date.UTC(year, firstMonth - 1 + length, 1)),
  };
}

/** A report of a period that is still running would freeze incomplete counts under its key. */
export function periodHasEnded(period: ReportPeriod, now: Date): boolean {
  return period.end.getTime() <= now.getTime();
}

/** The last period of the kind that ended at or before `now` (what a schedule builds). */
export function previousPeriod(kind: PeriodKind, now: Date): ReportPeriod {
  const year = now.getUTCFullYear();
  const month = now.getUTCMonth() + 1;
  if (kind === 'month') {
    const y = month === 1 ? year - 1 : year;
    const mo = month === 1 ? 12 : month - 1;
    return parsePeriod(monthCode(y, mo), 'month')!;
  }
  const quarter = Math.floor((month - 1) / 3) + 1;
  const y = quarter === 1 ? year - 1 : year;
  const q = quarter === 1 ? 4 : quarter - 1;
  return parsePeriod(`${y}-Q${q}`, 'quarter')!;
}

/** The `n` periods of the kind ending with `period` (itself last), oldest first. */
export function periodsUpTo(period: ReportPeriod, n: number): string[] {
  const start = period.start;
  const step = period.kind === 'month' ? 1 : 3;
  const codes: string[] = [];
  for (let i = n - 1; i >= 0; i--) {
    const d = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() - i * step, 1));
    const y = d.getUTCFullYear();
    const m = d.getUTCMonth() + 1;
    if (y < MIN_REPORT_YEAR) continue;
    codes.push(period.kind === 'month' ? monthCode(y, m) : `${y}-Q${Math.floor((m - 1) / 3) + 1}`);
  }
  return codes;
}
