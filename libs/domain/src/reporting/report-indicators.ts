import { DisclosureControlError, PublishedValue } from './disclosure-control';
import type { ReportSection } from './report-tables';

/** A table of figures derived from published counts: one line per category, then the total. */
export interface ReportIndicatorTable {
  id: string;
  title: string;
  rowDimensions: string[];
  rows: string[][];
  indicators: string[];
  /** A number (a count or a whole percentage), a bucket code, or null when not publishable. */
  values: (number | string | null)[][];
}

export const REFERRAL_INDICATORS = [
  'referrals_made',
  'acceptance_rate_pct',
  'median_time_to_accept',
  'completion_rate_pct',
  'overdue_share_pct',
] as const;

/** Category of the line of an indicator table that covers every row. */
export const INDICATOR_TOTAL = 'total';

interface Line {
  values: PublishedValue[];
  total: PublishedValue;
}

function line(s: ReportSection, i: number | 'total'): Line {
  return i === 'total' ? { values: s.columnTotals, total: s.grandTotal } : { values: s.cells[i], total: s.rowTotals[i] };
}

function columnValue(s: ReportSection, key: string): (column: string[]) => string {
  const at = s.columnDimensions.indexOf(key);
  if (at < 0) throw new DisclosureControlError(`section ${s.id} has no column dimension ${key}`);
  return (column) => column[at];
}

/**
 * The sum of a line's entries in the matching columns, from published figures only: added
 * up, or the line's total minus the other entries. Null when neither is possible. Columns
 * left out of a section as empty count zero.
 */
function part(s: ReportSection, l: Line, match: (column: string[]) => boolean): PublishedValue {
  const inside = s.columns.map(match);
  const sumOf = (want: boolean): PublishedValue => {
    let sum = 0;
    for (let j = 0; j < inside.length; j++) {
      if (inside[j] !== want) continue;
      const v = l.values[j];
      if (v === null) return null;
      sum += v;
    }
    return sum;
  };
  const direct = sumOf(true);
  if (direct !== null) return direct;
  const rest = sumOf(false);
  return rest !== null && l.total !== null ? l.total - rest : null;
}

function section(sections: ReportSection[], id: string): ReportSection {
  const s = sections.find((x) => x.id === id);
  if (!s) throw new DisclosureControlError(`indicators need section ${id}`);
  return s;
}

const pct = (part: number, whole: number) => Math.round((100 * part) / whole);

/**
 * Referral performance by service type. Every figure is a function of published counts only,
 * so it can reveal nothing the tables do not; on top of that, a rate or the median needs a
 * base of at least k referrals, and every count it uses (its part too) must itself be
 * publishable (0 or at least k). Otherwise the figure is null.
 *
 * - acceptance rate: accepted / (accepted + declined), of the referrals answered;
 * - median time to accept: the time_to_accept bucket holding the middle acceptance (the
 *   lower of the two middle ones when their number is even), when every bucket is published;
 * - completion rate: completed / accepted;
 * - overdue share: referrals whose follow-up deadline passed while open / referrals made.
 */
function referralPerformance(sections: ReportSection[], k: number): ReportIndicatorTable {
  const status = section(sections, 'services_referred');
  const timing = section(sections, 'time_to_accept');
  const followUp = section(sections, 'follow_up');
  const state = columnValue(status, 'referral_state');
  const bucket = columnValue(timing, 'time_to_accept');
  const overdueOf = columnValue(followUp, 'follow_up');
  const publishable = (x: PublishedValue): x is number => x !== null && (x === 0 || x >= k);
  const base = (x: PublishedValue): x is number => x !== null && x >= k;

  const lines: (number | 'total')[] = [...status.rows.map((_, i) => i), 'total'];
  const values = lines.map((i): (number | string | null)[] => {
    const made = line(status, i).total;
    const accepted = part(timing, line(timing, i), (c) => bucket(c) !== 'not_accepted');
    const declined = part(status, line(status, i), (c) => state(c) === 'declined');
    const completed = part(status, line(status, i), (c) => state(c) === 'completed');
    const overdue = part(followUp, line(followUp, i), (c) => overdueOf(c) === 'overdue');

    const answered = publishable(accepted) && publishable(declined) ? accepted + declined : null;
    const acceptance = answered !== null && base(answered) ? pct(accepted as number, answered) : null;

    let median: string | null = null;
    if (base(accepted)) {
      const l = line(timing, i);
      const buckets = timing.columns.map((c, j) => ({ code: bucket(c), n: l.values[j] })).filter((b) => b.code !== 'not_accepted');
      if (buckets.every((b) => b.n !== null)) {
        let seen = 0;
        median = buckets.find((b) => (seen += b.n as number) * 2 >= accepted)?.code ?? null;
      }
    }
    const completion = base(accepted) && publishable(completed) ? pct(completed, accepted) : null;
    const overdueShare = base(made) && publishable(overdue) ? pct(overdue, made) : null;
    return [made, acceptance, median, completion, overdueShare];
  });
  return {
    id: 'performance',
    title: 'Referral performance by service type (from the published counts only)',
    rowDimensions: status.rowDimensions,
    rows: [...status.rows, status.rowDimensions.map(() => INDICATOR_TOTAL)],
    indicators: [...REFERRAL_INDICATORS],
    values,
  };
}

export const SEA_VICTIM_INDICATORS = ['victims', 'referred_to_assistance_pct'] as const;

/**
 * Victims of SEA allegations referred to assistance, by sex: those referred (waiting for the
 * agency) or receiving assistance, over all victims recorded. From published counts only; the
 * share needs a base of at least k victims and a publishable part.
 */
function seaVictimAssistance(sections: ReportSection[], k: number): ReportIndicatorTable {
  const s = section(sections, 'victim_assistance');
  const status = columnValue(s, 'victim_assistance');
  const publishable = (x: PublishedValue): x is number => x !== null && (x === 0 || x >= k);
  const lines: (number | 'total')[] = [...s.rows.map((_, i) => i), 'total'];
  const values = lines.map((i): (number | string | null)[] => {
    const l = line(s, i);
    const referred = part(s, l, (c) => status(c) === 'referred' || status(c) === 'receiving');
    const share = l.total !== null && l.total >= k && publishable(referred) ? pct(referred, l.total) : null;
    return [l.total, share];
  });
  return {
    id: 'victim_assistance_share',
    title: 'Victims referred to assistance, by sex (from the published counts only)',
    rowDimensions: s.rowDimensions,
    rows: [...s.rows, s.rowDimensions.map(() => INDICATOR_TOTAL)],
    indicators: [...SEA_VICTIM_INDICATORS],
    values,
  };
}

export function deriveIndicators(kind: 'referral_performance' | 'sea_victim_assistance', sections: ReportSection[], k: number): ReportIndicatorTable[] {
  switch (kind) {
    case 'referral_performance':
      return [referralPerformance(sections, k)];
    case 'sea_victim_assistance':
      return [seaVictimAssistance(sections, k)];
  }
}
