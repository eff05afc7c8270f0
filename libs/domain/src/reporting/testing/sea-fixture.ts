import type { ReportSection } from '../report-tables';

/**
 * A hand-computed SEA dataset: 29 complaints received in 2025-Q1 and assessed by a focal point
 * (one of them crypto-shredded, which keeps its coded columns and still counts), and the exact
 * quarterly SEA sections they must give with k = 5. Complaints still `received` never count.
 */
export interface FixtureComplaint {
  category: string;
  entityType: string;
  victimSex: string;
  victimAgeBand: string;
  status: string;
  outcome: string | null;
  shredded: boolean;
}

export const SEA_FIXTURE_QUARTER = '2025-Q1';

type Group = [number, string, string, string, string, string, string | null];

const GROUPS: Group[] = [
  [6, 'sexual_exploitation', 'peacekeeping', 'female', '18_25', 'closed', 'substantiated'],
  [2, 'sexual_exploitation', 'peacekeeping', 'female', '12_17', 'referred_for_investigation', 'under_investigation'],
  [5, 'sexual_exploitation', 'implementing_partner', 'female', '18_25', 'closed', 'unsubstantiated'],
  [7, 'sexual_exploitation', 'implementing_partner', 'female', '26_40', 'assessment', null],
  [5, 'sexual_abuse', 'peacekeeping', 'female', '12_17', 'referred_for_investigation', 'under_investigation'],
  [1, 'sexual_abuse', 'peacekeeping', 'male', '12_17', 'assessment', null],
  [3, 'unknown', 'unknown', 'female', '18_25', 'closed', 'insufficient_information'],
];

export function fixtureComplaints(): FixtureComplaint[] {
  return GROUPS.flatMap(([n, category, entityType, victimSex, victimAgeBand, status, outcome], g) =>
    Array.from({ length: n }, (_, i) => ({
      category,
      entityType,
      victimSex,
      victimAgeBand,
      status,
      outcome,
      // The first of the closed "unknown" complaints was crypto-shredded by retention.
      shredded: g === GROUPS.length - 1 && i === 0,
    })),
  );
}

/*
 * Allegations (rows and columns that are all zero are left out):
 *
 *                          female/12_17/  female/18_25/  female/26_40/  male/12_17/ | total
 *                          referred       closed         assessment     assessment  |
 *   expl./peacekeeping          2p             6c             0              0      |   8
 *   expl./impl. partner         0              5              7              0      |  12
 *   abuse/peacekeeping          5c             0              0              1p     |   6c
 *   unknown/unknown             0              3p             0              0      |   3p
 *   total                       7c            14              7              1p     |  29
 *
 * Primary: 2, 1, 3, the total 3 and the column total 1. Row expl./peacekeeping -> 6 (its
 * column holds one already); row abuse/peacekeeping -> 5 (the same); the column-totals row
 * -> 7 of female/12_17 (first of the two 7s); the totals column -> abuse/peacekeeping's
 * total 6 (smallest). Two cycles cover every suppression: no bridge.
 *
 * Outcomes (one column): insufficient_information 3p; its column needs a second -> the
 * smallest, unsubstantiated 5, which also gives the row-totals column its second.
 */
export const SEA_SECTIONS: ReportSection[] = [
  {
    id: 'allegations',
    title:
      'SEA allegations received in the quarter by category, entity type of the alleged perpetrator, victim sex and age band, and status',
    unit: 'allegations',
    rowDimensions: ['category', 'entity_type'],
    columnDimensions: ['victim_sex', 'victim_age_band', 'status'],
    rows: [
      ['sexual_exploitation', 'peacekeeping'],
      ['sexual_exploitation', 'implementing_partner'],
      ['sexual_abuse', 'peacekeeping'],
      ['unknown', 'unknown'],
    ],
    columns: [
      ['female', '12_17', 'referred_for_investigation'],
      ['female', '18_25', 'closed'],
      ['female', '26_40', 'assessment'],
      ['male', '12_17', 'assessment'],
    ],
    cells: [
      [null, null, 0, 0],
      [0, 5, 7, 0],
      [null, 0, 0, null],
      [0, null, 0, 0],
    ],
    rowTotals: [8, 12, null, null],
    columnTotals: [null, 14, 7, null],
    grandTotal: 29,
  },
  {
    id: 'outcomes',
    title: 'SEA allegations received in the quarter by outcome',
    unit: 'allegations',
    rowDimensions: ['outcome'],
    columnDimensions: [],
    rows: [
      ['none'],
      ['under_investigation'],
      ['substantiated'],
      ['unsubstantiated'],
      ['insufficient_information'],
      ['referred_to_entity'],
      ['withdrawn'],
    ],
    columns: [[]],
    cells: [[8], [7], [6], [null], [null], [0], [0]],
    rowTotals: [8, 7, 6, null, null, 0, 0],
    columnTotals: [29],
    grandTotal: 29,
  },
];
