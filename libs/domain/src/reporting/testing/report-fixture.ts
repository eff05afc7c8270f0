import type { ReportSection } from '../report-tables';

/**
 * A small hand-computed dataset (31 incidents reported in one month) and the exact published
 * incident sections of the GBVIMS monthly report it must give with k = 5 (its referral
 * section comes from referral-fixture). Shared by the unit test (from aggregated groups) and
 * the end-to-end test (seeded into the projection and built by the worker).
 */
export interface FixtureIncident {
  gbvType: string;
  region: string;
  ageBand: string;
  sex: string;
  delay: string;
  relationship: string;
  perpetratorAge: string;
}

const repeat = <T>(n: number, v: T): T[] => Array.from({ length: n }, () => v);

export function fixtureIncidents(): FixtureIncident[] {
  const incidents = [
    ...repeat(6, ['rape', 'ZZ-01', '18_25']),
    ...repeat(3, ['rape', 'ZZ-01', '26_40']),
    ...repeat(7, ['rape', 'ZZ-02', '18_25']),
    ...repeat(8, ['sexual_assault', 'ZZ-01', '18_25']),
    ...repeat(2, ['sexual_assault', 'ZZ-02', '18_25']),
    ...repeat(5, ['physical_assault', 'ZZ-01', '26_40']),
  ];
  const delays = [...repeat(20, '0_3'), ...repeat(4, '4_5'), ...repeat(4, '6_14'), ...repeat(3, 'over_30')];
  const perpetrators = [
    ...repeat(6, ['intimate_partner', '18_25']),
    ...repeat(12, ['intimate_partner', '26_40']),
    ...repeat(5, ['family_friend_neighbour', '26_40']),
    ...repeat(4, ['no_relation', 'unknown']),
    ...repeat(4, ['unknown', 'unknown']),
  ];
  return incidents.map(([gbvType, region, ageBand], i) => ({
    gbvType,
    region,
    ageBand,
    sex: 'female',
    delay: delays[i],
    relationship: perpetrators[i][0],
    perpetratorAge: perpetrators[i][1],
  }));
}

const zeros = (n: number) => repeat(n, 0);

/**
 * Incidents (rows: the seven GBV types; columns: the three non-empty region/age/sex groups):
 *
 *                     ZZ-01/18_25  ZZ-01/26_40  ZZ-02/18_25 | total
 *   rape                   6            3p           7      |  16
 *   sexual_assault         8            0            2p     |  10
 *   physical_assault       0            5            0      |   5
 *   (four empty rows)      0            0            0      |   0
 *   total                 14            8            9      |  31
 *
 * Primary: 3 and 2. Row rape -> 7 (its column already holds 2p); row sexual_assault -> 8;
 * column ZZ-01/18_25 -> 6; column ZZ-01/26_40 -> 5; row physical_assault then holds one
 * unknown -> its total 5; the totals column then holds one -> sexual_assault's total 10
 * (smaller than 16). Every line now holds 0 or >= 2 unknowns, and there is no bridge.
 *
 * Report delay: 20, 4p, 4p, 0, 3p (each row total equals its cell): three unknowns in the
 * one column, summing to 11: nothing to add.
 * Perpetrators: no_relation/unknown 4p and unknown/unknown 4p and both row totals (4p): a
 * closed cycle of four unknowns; everything else is published.
 */
export const FIXTURE_MONTH = '2025-03';

export const FIXTURE_SECTIONS: ReportSection[] = [
  {
    id: 'incidents',
    title: 'Incidents reported in the month by GBV type, region, survivor age band and sex',
    unit: 'incidents',
    rowDimensions: ['gbv_type'],
    columnDimensions: ['region', 'survivor_age_band', 'survivor_sex'],
    rows: [
      ['rape'],
      ['sexual_assault'],
      ['physical_assault'],
      ['forced_marriage'],
      ['denial_of_resources_opportunities_or_services'],
      ['psychological_emotional_abuse'],
      ['non_gbv'],
    ],
    columns: [
      ['ZZ-01', '18_25', 'female'],
      ['ZZ-01', '26_40', 'female'],
      ['ZZ-02', '18_25', 'female'],
    ],
    cells: [[null, null, null], [null, 0, null], [0, null, 0], zeros(3), zeros(3), zeros(3), zeros(3)],
    rowTotals: [16, null, null, 0, 0, 0, 0],
    columnTotals: [14, 8, 9],
    grandTotal: 31,
  },
  {
    id: 'report_delay',
    title: 'Days from incident to report',
    unit: 'incidents',
    rowDimensions: ['report_delay_days'],
    columnDimensions: [],
    rows: [['0_3'], ['4_5'], ['6_14'], ['15_30'], ['over_30']],
    columns: [[]],
    cells: [[20], [null], [null], [0], [null]],
    rowTotals: [20, null, null, 0, null],
    columnTotals: [31],
    grandTotal: 31,
  },
  {
    id: 'perpetrators',
    title: 'Alleged perpetrator: relationship to the survivor by age group',
    unit: 'incidents',
    rowDimensions: ['perpetrator_relationship'],
    columnDimensions: ['perpetrator_age_group'],
    rows: [
      ['intimate_partner'],
      ['primary_caregiver'],
      ['family_other'],
      ['supervisor_employer'],
      ['schoolmate'],
      ['teacher_school_official'],
      ['service_provider'],
      ['cotenant_housemate'],
      ['family_friend_neighbour'],
      ['other_displaced_person'],
      ['other_community_member'],
      ['no_relation'],
      ['other'],
      ['unknown'],
    ],
    columns: [['0_11'], ['12_17'], ['18_25'], ['26_40'], ['41_60'], ['61_plus'], ['unknown']],
    cells: [
      [0, 0, 6, 12, 0, 0, 0],
      zeros(7),
      zeros(7),
      zeros(7),
      zeros(7),
      zeros(7),
      zeros(7),
      zeros(7),
      [0, 0, 0, 5, 0, 0, 0],
      zeros(7),
      zeros(7),
      [0, 0, 0, 0, 0, 0, null],
      zeros(7),
      [0, 0, 0, 0, 0, 0, null],
    ],
    rowTotals: [18, 0, 0, 0, 0, 0, 0, 0, 5, 0, 0, null, 0, null],
    columnTotals: [0, 0, 6, 17, 0, 0, 8],
    grandTotal: 31,
  },
];
