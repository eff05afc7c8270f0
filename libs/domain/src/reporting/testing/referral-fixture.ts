import type { ReportIndicatorTable } from '../report-indicators';
import type { ReportSection } from '../report-tables';

/**
 * A hand-computed referral dataset: 125 referrals made in March 2025 by cases consenting to
 * statistics, and the exact sections and indicators they must give with k = 5 (the
 * `services_referred` section in the GBVIMS monthly report, all three sections and the
 * indicators in referral performance). Shared by the unit test (from aggregated groups) and
 * the end-to-end test (seeded into the referrals table and built by the worker).
 */
export interface FixtureReferral {
  serviceType: string;
  state: 'pending' | 'accepted' | 'declined' | 'completed' | 'revoked';
  outcome: string | null;
  timeToAccept: 'not_accepted' | 'within_24h' | '1_to_3_days' | '3_to_7_days' | 'over_7_days';
  overdue: boolean;
}

export const REFERRAL_FIXTURE_MONTH = '2025-03';

type Group = [number, string, FixtureReferral['state'], string | null, FixtureReferral['timeToAccept'], boolean];

export const REFERRAL_GROUPS: Group[] = [
  [1, 'legal', 'pending', null, 'not_accepted', false],
  [2, 'legal', 'declined', null, 'not_accepted', false],
  [10, 'psychosocial', 'accepted', null, '3_to_7_days', true],
  [12, 'psychosocial', 'declined', null, 'not_accepted', false],
  [10, 'psychosocial', 'completed', 'referred', '1_to_3_days', false],
  [20, 'psychosocial', 'completed', 'provided_by_own_agency', 'within_24h', false],
  [3, 'medical', 'pending', null, 'not_accepted', false],
  [2, 'medical', 'pending', null, 'not_accepted', true],
  [5, 'medical', 'declined', null, 'not_accepted', false],
  [15, 'safety_shelter', 'declined', null, 'not_accepted', false],
  [15, 'safety_shelter', 'completed', 'referred', 'within_24h', true],
  [30, 'safety_shelter', 'completed', 'provided_by_own_agency', 'within_24h', false],
];

export function fixtureReferrals(services?: readonly string[]): FixtureReferral[] {
  return REFERRAL_GROUPS.filter(([, service]) => !services || services.includes(service)).flatMap(
    ([n, serviceType, state, outcome, timeToAccept, overdue]) =>
      Array.from({ length: n }, () => ({ serviceType, state, outcome, timeToAccept, overdue })),
  );
}

const zeros = (n: number) => Array.from({ length: n }, () => 0);
const SERVICE_ROWS = [
  ['legal'],
  ['psychosocial'],
  ['economic'],
  ['reproductive_health'],
  ['medical'],
  ['safety_shelter'],
  ['police_justice'],
  ['child_protection'],
];

/*
 * The three tables share the rows (service types) and so every row total: they are
 * suppressed together (suppressRowLinked). True counts, rows legal, psychosocial, medical,
 * safety_shelter (the other four are empty):
 *
 * services_referred  pending accepted declined compl/referred compl/provided | total
 *   legal               1       0        2          0              0         |   3
 *   psychosocial        0      10       12         10             20         |  52
 *   medical             5       0        5          0              0         |  10
 *   safety_shelter      0       0       15         15             30         |  60
 *   total               6      10       34         25             50         | 125
 *
 * time_to_accept   not_acc  <24h  1-3d  3-7d  >7d | total     follow_up  not_ov  overdue | total
 *   legal             3       0     0     0     0 |   3         legal        3       0    |   3
 *   psychosocial     12      20    10    10     0 |  52         psycho.     42      10    |  52
 *   medical          10       0     0     0     0 |  10         medical      8       2    |  10
 *   safety_shelter   15      45     0     0     0 |  60         safety      45      15    |  60
 *   total            40      65    10    10     0 | 125         total       98      27    | 125
 *
 * Round 1, each table alone (suppress): legal 1, 2 and its total 3 are primary in
 * services_referred; column pending -> medical 5, column declined -> medical 5 (its row holds
 * one already), the totals column -> medical's total 10 (smaller than 52 and 60).
 * time_to_accept: legal 3 and its total; column not_accepted -> medical 10 (< 12 < 15); the
 * totals column -> medical's total. follow_up: legal 3, its total and medical/overdue 2;
 * row medical -> medical/not_overdue 8; column overdue -> psychosocial 10 (< 15); the totals
 * column -> psychosocial's total 52 (its row holds one suppression, medical's two).
 *
 * Shared margins: psychosocial's total is suppressed in all three, medical's in follow_up.
 * services_referred: row psychosocial -> accepted 10 (first of the smallest); column accepted
 * holds nothing else -> its total 10; the column-totals row -> pending's total 6.
 * time_to_accept: row psychosocial -> 1-3 days 10; column 1-3 days -> its total; the
 * column-totals row -> 3-7 days' total 10; column 3-7 days -> psychosocial 10. Now
 * psychosocial's total is a bridge (rows psychosocial and column totals reach the rest only
 * through it): the smallest entry joining the two sides is psychosocial/not_accepted 12.
 * follow_up: medical's total joins two suppressions already there. The suppressed margins of
 * every table are now connected away from the totals column: done.
 */
export const REFERRAL_SECTIONS: ReportSection[] = [
  {
    id: 'services_referred',
    title: 'Referrals made in the month by service type, and their status or outcome',
    unit: 'referrals',
    rowDimensions: ['service_type'],
    columnDimensions: ['referral_state', 'service_outcome'],
    rows: SERVICE_ROWS,
    columns: [
      ['pending', 'none'],
      ['accepted', 'none'],
      ['declined', 'none'],
      ['completed', 'referred'],
      ['completed', 'provided_by_own_agency'],
    ],
    cells: [[null, 0, null, 0, 0], [0, null, 12, 10, 20], zeros(5), zeros(5), [null, 0, null, 0, 0], [0, 0, 15, 15, 30], zeros(5), zeros(5)],
    rowTotals: [null, null, 0, 0, null, 60, 0, 0],
    columnTotals: [null, null, 34, 25, 50],
    grandTotal: 125,
  },
  {
    id: 'time_to_accept',
    title: 'Referrals made in the month by service type, and time to acceptance',
    unit: 'referrals',
    rowDimensions: ['service_type'],
    columnDimensions: ['time_to_accept'],
    rows: SERVICE_ROWS,
    columns: [['not_accepted'], ['within_24h'], ['1_to_3_days'], ['3_to_7_days'], ['over_7_days']],
    cells: [[null, 0, 0, 0, 0], [null, 20, null, null, 0], zeros(5), zeros(5), [null, 0, 0, 0, 0], [15, 45, 0, 0, 0], zeros(5), zeros(5)],
    rowTotals: [null, null, 0, 0, null, 60, 0, 0],
    columnTotals: [40, 65, null, null, 0],
    grandTotal: 125,
  },
  {
    id: 'follow_up',
    title: 'Referrals made in the month by service type, and whether the follow-up deadline passed',
    unit: 'referrals',
    rowDimensions: ['service_type'],
    columnDimensions: ['follow_up'],
    rows: SERVICE_ROWS,
    columns: [['not_overdue'], ['overdue']],
    cells: [[null, 0], [42, null], zeros(2), zeros(2), [null, null], [45, 15], zeros(2), zeros(2)],
    rowTotals: [null, null, 0, 0, null, 60, 0, 0],
    columnTotals: [98, 27],
    grandTotal: 125,
  },
];

/*
 * From the published counts only. safety_shelter: accepted 45 (<24h 45 + 0 + 0 + 0), declined
 * 15: 45/60 = 75 %; median in <24h; completed 15 + 30 = 45 of 45 accepted: 100 %; overdue
 * 15/60 = 25 %. Total: accepted = 125 - 40 = 85, declined 34: 85/119 = 71 %; the median needs
 * the suppressed 1-3 and 3-7 day totals: null; completed 25 + 50 = 75 of 85: 88 %; overdue
 * 27/125 = 22 %. Every other row has a suppressed total or none at all.
 */
const none = [null, null, null, null] as const;
export const REFERRAL_INDICATORS_TABLE: ReportIndicatorTable = {
  id: 'performance',
  title: 'Referral performance by service type (from the published counts only)',
  rowDimensions: ['service_type'],
  rows: [...SERVICE_ROWS, ['total']],
  indicators: ['referrals_made', 'acceptance_rate_pct', 'median_time_to_accept', 'completion_rate_pct', 'overdue_share_pct'],
  values: [
    [null, ...none],
    [null, ...none],
    [0, ...none],
    [0, ...none],
    [null, ...none],
    [60, 75, 'within_24h', 100, 25],
    [0, ...none],
    [0, ...none],
    [125, 71, null, 88, 22],
  ],
};
