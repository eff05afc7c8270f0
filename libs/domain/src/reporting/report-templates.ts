import {
  AGE_BANDS,
  CLOSURE_REASONS,
  GBV_TYPES,
  GOAL_STATUSES,
  NEED_AREAS,
  PERPETRATOR_AGE_GROUPS,
  PERPETRATOR_RELATIONSHIPS,
  REPORT_DELAY_BUCKETS,
  SEXES,
} from '@amani/domain/cases';
import { REFERRAL_STATES, SERVICE_OUTCOMES } from '@amani/domain/referrals';
import { SERVICE_TYPES } from '@amani/auth';
import { SEA_CATEGORIES, SEA_CHANNELS, SEA_ENTITY_TYPES, SEA_OUTCOMES, SEA_STATUSES, SEA_VICTIM_AGE_BANDS, SEA_VICTIM_ASSISTANCE_STATUSES, SEA_VICTIM_SEXES } from '@amani/domain/sea';
import type { PeriodKind, ReportPeriod } from './report-period';

/**
 * The fixed report templates. Nobody composes a query: a report is one of these, over one
 * period of the template's kind. Every SQL expression here is a constant over coded columns;
 * no request value ever reaches it (period bounds and the agency id travel as parameters).
 */

/** Every template id the reports table accepts (the CHECK constraint's list). */
export const REPORT_TEMPLATE_IDS = ['gbvims_monthly', 'referral_performance', 'sea_quarterly', 'case_management'] as const;
export type ReportTemplateId = (typeof REPORT_TEMPLATE_IDS)[number];

/** inter_agency: every agency, no agency identity (protection officers); agency: one agency (its supervisors). */
export type ReportScope = 'inter_agency' | 'agency';

/** What a section counts. */
export type CountUnit = 'incidents' | 'referrals' | 'allegations' | 'victims' | 'cases' | 'goals' | 'caseworkers';

export interface Dimension {
  key: string;
  /** Expression over the family's source; a constant of this file. */
  sql: string;
  /** Its categories in order, or 'observed' for codes taken from the data (regions). */
  values: readonly string[] | 'observed';
  /** HXL hashtag of the column holding this dimension in the CSV export. */
  hxl: string;
}

/**
 * Where a family's rows come from. `from` is a FROM … WHERE … clause over coded columns only;
 * `params` gives its $-parameters. Sources are the only places that decide who counts.
 */
export interface ReportSource {
  id: 'incidents' | 'referrals' | 'sea_complaints' | 'sea_victims' | 'cases_opened' | 'cases_closed' | 'goals' | 'caseload';
  unit: CountUnit;
  from: string;
  params(period: ReportPeriod, agencyId: string | null): unknown[];
  /** Whether the source can be restricted to one agency (a supervisor's report). */
  agencyScoped: boolean;
  /** Who counts, in words: published with every report that reads the source (its metadata). */
  rule: string;
}

export interface SectionSpec {
  id: string;
  title: string;
  rows: Dimension[];
  columns: Dimension[];
  /**
   * Leave out columns (rows) whose total is zero (a cross product of regions, age bands and
   * sexes is mostly empty). Leaving a zero line out says nothing a published zero would not.
   */
  dropEmptyColumns?: boolean;
  dropEmptyRows?: boolean;
}

/**
 * Tables over one population (one source), aggregated in one statement and suppressed
 * together. 'grand_total': the sections have pairwise disjoint dimensions and share only the
 * grand total (suppressLinked). 'rows': every section has the same row dimensions and
 * disjoint column dimensions, so they share every row total too (suppressRowLinked).
 */
export interface FamilySpec {
  id: string;
  source: ReportSource;
  linkage: 'grand_total' | 'rows';
  sections: SectionSpec[];
}

export interface TemplateSpec {
  id: ReportTemplateId;
  /** Bumped when the layout changes, so stored results say which layout they follow. */
  version: number;
  title: string;
  periodKind: PeriodKind;
  /**
   * The families the template reads and which of their sections it publishes. A family is
   * always suppressed whole, even when only some sections are published, so two templates
   * publishing sections of one family publish the same figures for the same data.
   */
  families: { family: FamilySpec; publish: string[] }[];
  /** Who may have one: a template without 'agency' is for protection officers only. */
  scopes: readonly ReportScope[];
  /** Indicators derived from the published counts (see report-indicators). */
  indicators?: 'referral_performance' | 'sea_victim_assistance';
  /** The main breakdown drawn by the chart: row totals of this section. */
  chart: { section: string; title: string };
  /** BullMQ cron pattern (UTC) of the scheduled run; it builds the previous period. */
  schedule?: string;
}

const UNKNOWN = 'unknown';

// Sources ------------------------------------------------------------------------------------

/** The case store's projection: incidents of cases consenting to statistics, coded fields only. */
const INCIDENTS: ReportSource = {
  id: 'incidents',
  unit: 'incidents',
  from: `FROM reporting_incidents WHERE report_month = ANY($1::varchar[]) AND ($2::uuid IS NULL OR agency_id = $2::uuid)`,
  params: (period, agencyId) => [period.months, agencyId],
  agencyScoped: true,
  rule: 'Incidents of cases whose survivor consents to statistics, reported in the period; coded fields only.',
};

/**
 * Referrals made in the period (created_at, UTC) whose case has an active statistics consent
 * now, read when the report is built: a withdrawn consent stops counting from the next report,
 * as the incident projection does. An agency's report holds the referrals it made (the
 * referring agency owns the case), like its incidents.
 */
const REFERRALS: ReportSource = {
  id: 'referrals',
  unit: 'referrals',
  from:
    `FROM referrals r WHERE r.created_at >= $1::timestamptz AND r.created_at < $2::timestamptz ` +
    `AND ($3::uuid IS NULL OR r.referring_agency_id = $3::uuid) ` +
    `AND EXISTS (SELECT 1 FROM case_consents k WHERE k.case_id = r.case_id AND k.purpose = 'statistics' AND k.withdrawn_at IS NULL)`,
  params: (period, agencyId) => [period.start, period.end, agencyId],
  agencyScoped: true,
  rule: 'Referrals made in the period whose case has an active statistics consent when the report is built.',
};

/**
 * Who counts in SEA statistics. A complaint's codes are the complainant's own choice until a
 * focal point assesses it: counting them at once would let anyone submit a few complaints with
 * chosen codes and read a suppressed cell as the difference between two reports.
 */
export const SEA_PUBLICATION_RULE =
  'SEA allegations received in the quarter that a PSEA focal point has assessed: status past received, with the coded fields confirmed or corrected by the focal point. Complaints not yet assessed are not counted.';

/**
 * SEA complaints received in the quarter and assessed (SEA_PUBLICATION_RULE). Allegations need
 * no survivor consent (coded facts of a complaint, no case behind them); crypto-shredded
 * complaints keep their coded columns and still count. Complaints belong to no agency: there is
 * no agency scope.
 */
const SEA_COMPLAINTS: ReportSource = {
  id: 'sea_complaints',
  unit: 'allegations',
  from: `FROM sea_complaints WHERE received_quarter = $1::varchar AND status <> 'received' AND coded_confirmed_on IS NOT NULL`,
  params: (period) => [period.code],
  agencyScoped: false,
  rule: SEA_PUBLICATION_RULE,
};

/**
 * The victims focal points recorded on SEA complaints received in the quarter and assessed
 * (the same complaints as SEA_COMPLAINTS): coded sex, age band and assistance status only.
 */
const SEA_VICTIMS: ReportSource = {
  id: 'sea_victims',
  unit: 'victims',
  from: `FROM sea_complaint_victims v JOIN sea_complaints c ON c.id = v.complaint_id
    WHERE c.received_quarter = $1::varchar AND c.status <> 'received' AND c.coded_confirmed_on IS NOT NULL`,
  params: (period) => [period.code],
  agencyScoped: false,
  rule: `Victims recorded by PSEA focal points on the allegations counted (${SEA_PUBLICATION_RULE.charAt(0).toLowerCase()}${SEA_PUBLICATION_RULE.slice(1)}) A complaint may name several victims, or none yet.`,
};

/** A case counts in statistics only while its survivor's statistics consent is active. */
const CASE_CONSENTS_TO_STATISTICS = `EXISTS (SELECT 1 FROM case_consents k WHERE k.case_id = c.id AND k.purpose = 'statistics' AND k.withdrawn_at IS NULL)`;

/** Cases opened (created, UTC) in the period, with their safety plan if any. */
const CASES_OPENED: ReportSource = {
  id: 'cases_opened',
  unit: 'cases',
  from:
    `FROM cases c LEFT JOIN case_safety_plans sp ON sp.case_id = c.id ` +
    `WHERE c.created_at >= $1::timestamptz AND c.created_at < $2::timestamptz AND ($3::uuid IS NULL OR c.agency_id = $3::uuid) ` +
    `AND ${CASE_CONSENTS_TO_STATISTICS}`,
  params: (period, agencyId) => [period.start, period.end, agencyId],
  agencyScoped: true,
  rule: 'Cases opened in the period whose survivor consents to statistics.',
};

/** Cases closed in the period. */
const CASES_CLOSED: ReportSource = {
  id: 'cases_closed',
  unit: 'cases',
  from:
    `FROM cases c WHERE c.stage = 'closed' AND c.closed_at >= $1::timestamptz AND c.closed_at < $2::timestamptz ` +
    `AND ($3::uuid IS NULL OR c.agency_id = $3::uuid) AND ${CASE_CONSENTS_TO_STATISTICS}`,
  params: (period, agencyId) => [period.start, period.end, agencyId],
  agencyScoped: true,
  rule: 'Cases closed in the period whose survivor consents to statistics.',
};

/** Action-plan goals whose status was last recorded in the period. */
const GOALS: ReportSource = {
  id: 'goals',
  unit: 'goals',
  from:
    `FROM case_action_plan_items i JOIN cases c ON c.id = i.case_id ` +
    `WHERE i.goal_status IS NOT NULL AND i.updated_at >= $1::timestamptz AND i.updated_at < $2::timestamptz ` +
    `AND ($3::uuid IS NULL OR c.agency_id = $3::uuid) AND ${CASE_CONSENTS_TO_STATISTICS}`,
  params: (period, agencyId) => [period.start, period.end, agencyId],
  agencyScoped: true,
  rule: 'Action-plan goals last reviewed in the period, of cases whose survivor consents to statistics.',
};

/**
 * Caseworkers by the number of cases assigned to them and open at the end of the period. The
 * unit is a caseworker and no identity leaves the query; caseload is about staff, so it needs
 * no survivor's consent.
 */
const CASELOAD: ReportSource = {
  id: 'caseload',
  unit: 'caseworkers',
  from:
    `FROM (SELECT c.assigned_caseworker_id, count(*) AS open_cases FROM cases c ` +
    `WHERE c.assigned_caseworker_id IS NOT NULL AND c.created_at < $2::timestamptz AND (c.closed_at IS NULL OR c.closed_at >= $2::timestamptz) ` +
    `AND ($3::uuid IS NULL OR c.agency_id = $3::uuid) AND $1::timestamptz IS NOT NULL GROUP BY c.assigned_caseworker_id) w`,
  params: (period, agencyId) => [period.start, period.end, agencyId],
  agencyScoped: true,
  rule: 'Caseworkers with cases assigned and open at the end of the period; no survivor data.',
};

// Dimensions ---------------------------------------------------------------------------------

/** Hours from a referral to its acceptance, in buckets (an exact time is never published). */
export const TIME_TO_ACCEPT_BUCKETS = ['not_accepted', 'within_24h', '1_to_3_days', '3_to_7_days', 'over_7_days'] as const;
export const FOLLOW_UP_STATES = ['not_overdue', 'overdue'] as const;
/** Days from a complaint's receipt to its assessment (coded fields confirmed): both are days, never times. */
export const SEA_TIME_TO_TRIAGE_BUCKETS = ['within_1_day', '2_to_3_days', '4_to_7_days', 'over_7_days'] as const;
/** Days from a complaint's receipt to its referral to the entity concerned. */
export const SEA_TIME_TO_REFERRAL_BUCKETS = ['not_referred', 'within_7_days', '8_to_30_days', '31_to_90_days', 'over_90_days'] as const;
/** service_outcome of a referral not (yet) completed: only completed referrals carry an outcome. */
export const NO_OUTCOME = 'none';
export const TIME_TO_CLOSURE_BUCKETS = ['within_30_days', '31_to_90_days', '91_to_180_days', 'over_180_days'] as const;
export const SAFETY_PLAN_STATES = ['within_7_days', 'after_7_days', 'none'] as const;
export const CASELOAD_BUCKETS = ['1_10', '11_20', '21_30', 'over_30'] as const;
export const NO_NEED_AREA = 'unspecified';

export const DIMENSIONS = {
  gbvType: { key: 'gbv_type', sql: 'gbv_type', values: GBV_TYPES, hxl: '#event+type+gbv' },
  region: {
    key: 'region',
    // GBVIMS counts where the incident happened; an incident without a region is "unknown".
    sql: `COALESCE(incident_region_code, '${UNKNOWN}')`,
    values: 'observed',
    hxl: '#adm1+code',
  },
  survivorAgeBand: { key: 'survivor_age_band', sql: 'survivor_age_band', values: AGE_BANDS, hxl: '#affected+age_band' },
  survivorSex: { key: 'survivor_sex', sql: 'survivor_sex', values: SEXES, hxl: '#affected+sex' },
  reportDelay: { key: 'report_delay_days', sql: 'report_delay_bucket', values: REPORT_DELAY_BUCKETS, hxl: '#event+delay_days' },
  perpetratorRelationship: {
    key: 'perpetrator_relationship',
    sql: 'perpetrator_relationship',
    values: PERPETRATOR_RELATIONSHIPS,
    hxl: '#actor+relationship',
  },
  perpetratorAgeGroup: {
    key: 'perpetrator_age_group',
    sql: 'perpetrator_age_group',
    values: PERPETRATOR_AGE_GROUPS,
    hxl: '#actor+age_group',
  },
  serviceType: { key: 'service_type', sql: 'r.service_type', values: SERVICE_TYPES, hxl: '#service+type' },
  referralState: { key: 'referral_state', sql: 'r.state', values: REFERRAL_STATES, hxl: '#status+referral' },
  serviceOutcome: {
    key: 'service_outcome',
    sql: `COALESCE(r.outcome, '${NO_OUTCOME}')`,
    values: [NO_OUTCOME, ...SERVICE_OUTCOMES],
    hxl: '#status+outcome',
  },
  timeToAccept: {
    key: 'time_to_accept',
    sql:
      `CASE WHEN r.accepted_at IS NULL THEN 'not_accepted' ` +
      `WHEN r.accepted_at - r.created_at < interval '24 hours' THEN 'within_24h' ` +
      `WHEN r.accepted_at - r.created_at < interval '72 hours' THEN '1_to_3_days' ` +
      `WHEN r.accepted_at - r.created_at < interval '7 days' THEN '3_to_7_days' ELSE 'over_7_days' END`,
    values: TIME_TO_ACCEPT_BUCKETS,
    hxl: '#status+time_to_accept',
  },
  followUp: {
    key: 'follow_up',
    // Set once by the follow-up job when the deadline passed with the referral still open.
    sql: `CASE WHEN r.overdue_at IS NULL THEN 'not_overdue' ELSE 'overdue' END`,
    values: FOLLOW_UP_STATES,
    hxl: '#status+follow_up',
  },
  seaCategory: { key: 'category', sql: 'category', values: SEA_CATEGORIES, hxl: '#event+type+sea' },
  seaEntityType: { key: 'entity_type', sql: 'entity_type', values: SEA_ENTITY_TYPES, hxl: '#org+type+alleged' },
  victimSex: { key: 'victim_sex', sql: 'victim_sex', values: SEA_VICTIM_SEXES, hxl: '#affected+sex' },
  victimAgeBand: { key: 'victim_age_band', sql: 'victim_age_band', values: SEA_VICTIM_AGE_BANDS, hxl: '#affected+age_band' },
  seaStatus: { key: 'status', sql: 'status', values: SEA_STATUSES, hxl: '#status+code' },
  seaChannel: { key: 'channel', sql: 'channel', values: SEA_CHANNELS, hxl: '#meta+channel' },
  seaTimeToTriage: {
    key: 'time_to_triage',
    sql:
      `CASE WHEN coded_confirmed_on - received_on <= 1 THEN 'within_1_day' ` +
      `WHEN coded_confirmed_on - received_on <= 3 THEN '2_to_3_days' ` +
      `WHEN coded_confirmed_on - received_on <= 7 THEN '4_to_7_days' ELSE 'over_7_days' END`,
    values: SEA_TIME_TO_TRIAGE_BUCKETS,
    hxl: '#status+time_to_triage',
  },
  seaTimeToReferral: {
    key: 'time_to_referral',
    sql:
      `COALESCE((SELECT CASE WHEN r.referred_on - sea_complaints.received_on <= 7 THEN 'within_7_days' ` +
      `WHEN r.referred_on - sea_complaints.received_on <= 30 THEN '8_to_30_days' ` +
      `WHEN r.referred_on - sea_complaints.received_on <= 90 THEN '31_to_90_days' ELSE 'over_90_days' END ` +
      `FROM sea_entity_referrals r WHERE r.complaint_id = sea_complaints.id), 'not_referred')`,
    values: SEA_TIME_TO_REFERRAL_BUCKETS,
    hxl: '#status+time_to_referral',
  },
  // The same key (and CSV column) as the complaint's victim sex: the victims family reads it from each victim's row.
  seaVictimSex: { key: 'victim_sex', sql: 'v.sex', values: SEA_VICTIM_SEXES, hxl: '#affected+sex' },
  seaVictimAssistance: { key: 'victim_assistance', sql: 'v.assistance_status', values: SEA_VICTIM_ASSISTANCE_STATUSES, hxl: '#status+assistance' },
  seaOutcome: { key: 'outcome', sql: `COALESCE(outcome, '${NO_OUTCOME}')`, values: [NO_OUTCOME, ...SEA_OUTCOMES], hxl: '#status+outcome' },
  caseAgeBand: { key: 'case_age_band', sql: 'c.age_band', values: AGE_BANDS, hxl: '#affected+age_band' },
  caseSex: { key: 'case_sex', sql: 'c.sex', values: SEXES, hxl: '#affected+sex' },
  safetyPlan: {
    key: 'safety_plan',
    sql:
      `CASE WHEN sp.in_place_on IS NULL THEN 'none' ` +
      `WHEN sp.in_place_on <= (c.created_at AT TIME ZONE 'UTC')::date + 7 THEN 'within_7_days' ELSE 'after_7_days' END`,
    values: SAFETY_PLAN_STATES,
    hxl: '#status+safety_plan',
  },
  closureReason: { key: 'closure_reason', sql: 'c.closure_reason', values: CLOSURE_REASONS, hxl: '#status+closure_reason' },
  timeToClosure: {
    key: 'time_to_closure',
    sql:
      `CASE WHEN c.closed_at - c.created_at <= interval '30 days' THEN 'within_30_days' ` +
      `WHEN c.closed_at - c.created_at <= interval '90 days' THEN '31_to_90_days' ` +
      `WHEN c.closed_at - c.created_at <= interval '180 days' THEN '91_to_180_days' ELSE 'over_180_days' END`,
    values: TIME_TO_CLOSURE_BUCKETS,
    hxl: '#status+time_to_closure',
  },
  needArea: { key: 'need_area', sql: `COALESCE(i.need_area, '${NO_NEED_AREA}')`, values: [...NEED_AREAS, NO_NEED_AREA], hxl: '#need+area' },
  goalStatus: { key: 'goal_status', sql: 'i.goal_status', values: GOAL_STATUSES, hxl: '#status+goal' },
  caseload: {
    key: 'caseload',
    sql: `CASE WHEN w.open_cases <= 10 THEN '1_10' WHEN w.open_cases <= 20 THEN '11_20' WHEN w.open_cases <= 30 THEN '21_30' ELSE 'over_30' END`,
    values: CASELOAD_BUCKETS,
    hxl: '#staff+caseload',
  },
} satisfies Record<string, Dimension>;

/** Every dimension by key (CSV columns of stored results are looked up here). */
export const DIMENSION_BY_KEY: ReadonlyMap<string, Dimension> = new Map(Object.values(DIMENSIONS).map((d) => [d.key, d]));

/** The count column of each unit in the CSV export. */
export const COUNT_HXL: Record<CountUnit, string> = {
  incidents: '#event+num',
  referrals: '#indicator+num+referrals',
  allegations: '#event+num+sea',
  victims: '#affected+num+sea',
  cases: '#indicator+num+cases',
  goals: '#indicator+num+goals',
  caseworkers: '#staff+num',
};

// Families -----------------------------------------------------------------------------------

export const INCIDENT_FAMILY: FamilySpec = {
  id: 'incidents',
  source: INCIDENTS,
  linkage: 'grand_total',
  sections: [
    {
      id: 'incidents',
      title: 'Incidents reported in the month by GBV type, region, survivor age band and sex',
      rows: [DIMENSIONS.gbvType],
      columns: [DIMENSIONS.region, DIMENSIONS.survivorAgeBand, DIMENSIONS.survivorSex],
      dropEmptyColumns: true,
    },
    {
      id: 'report_delay',
      title: 'Days from incident to report',
      rows: [DIMENSIONS.reportDelay],
      columns: [],
    },
    {
      id: 'perpetrators',
      title: 'Alleged perpetrator: relationship to the survivor by age group',
      rows: [DIMENSIONS.perpetratorRelationship],
      columns: [DIMENSIONS.perpetratorAgeGroup],
    },
  ],
};

/**
 * Referrals made in the month, by service type, three ways. The GBVIMS monthly report
 * publishes the first, referral performance all three; both suppress all three together, so
 * the same month's table reads the same in both.
 */
export const REFERRAL_FAMILY: FamilySpec = {
  id: 'referrals',
  source: REFERRALS,
  linkage: 'rows',
  sections: [
    {
      id: 'services_referred',
      title: 'Referrals made in the month by service type, and their status or outcome',
      rows: [DIMENSIONS.serviceType],
      // Only completed referrals carry an outcome: impossible pairs are always empty and dropped.
      columns: [DIMENSIONS.referralState, DIMENSIONS.serviceOutcome],
      dropEmptyColumns: true,
    },
    {
      id: 'time_to_accept',
      title: 'Referrals made in the month by service type, and time to acceptance',
      rows: [DIMENSIONS.serviceType],
      columns: [DIMENSIONS.timeToAccept],
    },
    {
      id: 'follow_up',
      title: 'Referrals made in the month by service type, and whether the follow-up deadline passed',
      rows: [DIMENSIONS.serviceType],
      columns: [DIMENSIONS.followUp],
    },
  ],
};

export const SEA_FAMILY: FamilySpec = {
  id: 'sea_complaints',
  source: SEA_COMPLAINTS,
  linkage: 'grand_total',
  sections: [
    {
      id: 'allegations',
      title: 'SEA allegations received in the quarter by category, entity type of the alleged perpetrator, victim sex and age band, and status',
      rows: [DIMENSIONS.seaCategory, DIMENSIONS.seaEntityType],
      columns: [DIMENSIONS.victimSex, DIMENSIONS.victimAgeBand, DIMENSIONS.seaStatus],
      dropEmptyRows: true,
      dropEmptyColumns: true,
    },
    {
      id: 'outcomes',
      title: 'SEA allegations received in the quarter by outcome',
      rows: [DIMENSIONS.seaOutcome],
      columns: [],
    },
    {
      id: 'channel',
      title: 'SEA allegations received in the quarter by the channel they came through',
      rows: [DIMENSIONS.seaChannel],
      columns: [],
    },
    {
      id: 'time_to_triage',
      title: 'SEA allegations received in the quarter by days from receipt to assessment',
      rows: [DIMENSIONS.seaTimeToTriage],
      columns: [],
    },
    {
      id: 'time_to_referral',
      title: 'SEA allegations received in the quarter by days from receipt to referral to the entity concerned',
      rows: [DIMENSIONS.seaTimeToReferral],
      columns: [],
    },
  ],
};

/** Victims of the quarter's assessed allegations and whether they were referred to assistance. */
export const SEA_VICTIMS_FAMILY: FamilySpec = {
  id: 'sea_victims',
  source: SEA_VICTIMS,
  linkage: 'grand_total',
  sections: [
    {
      id: 'victim_assistance',
      title: 'Victims named in the SEA allegations of the quarter by sex and assistance status',
      rows: [DIMENSIONS.seaVictimSex],
      columns: [DIMENSIONS.seaVictimAssistance],
    },
  ],
};

/** Cases opened in the month: who they are (coded) and how soon a safety plan was in place. */
export const CASES_OPENED_FAMILY: FamilySpec = {
  id: 'cases_opened',
  source: CASES_OPENED,
  linkage: 'grand_total',
  sections: [
    { id: 'cases_opened', title: 'Cases opened in the month by survivor age band and sex', rows: [DIMENSIONS.caseAgeBand], columns: [DIMENSIONS.caseSex] },
    { id: 'safety_plan', title: 'Cases opened in the month by whether a safety plan was in place within 7 days of intake', rows: [DIMENSIONS.safetyPlan], columns: [] },
  ],
};

export const CASES_CLOSED_FAMILY: FamilySpec = {
  id: 'cases_closed',
  source: CASES_CLOSED,
  linkage: 'grand_total',
  sections: [
    { id: 'closure_reasons', title: 'Cases closed in the month by closure reason', rows: [DIMENSIONS.closureReason], columns: [] },
    { id: 'time_to_closure', title: 'Cases closed in the month by time from intake to closure', rows: [DIMENSIONS.timeToClosure], columns: [] },
  ],
};

export const GOALS_FAMILY: FamilySpec = {
  id: 'goals',
  source: GOALS,
  linkage: 'grand_total',
  sections: [{ id: 'goals', title: 'Action-plan goals reviewed in the month by need area and whether they were met', rows: [DIMENSIONS.needArea], columns: [DIMENSIONS.goalStatus], dropEmptyRows: true }],
};

export const CASELOAD_FAMILY: FamilySpec = {
  id: 'caseload',
  source: CASELOAD,
  linkage: 'grand_total',
  sections: [{ id: 'caseload', title: 'Caseworkers by the number of open cases assigned to them at the end of the month', rows: [DIMENSIONS.caseload], columns: [] }],
};

// Templates ----------------------------------------------------------------------------------

export const GBVIMS_MONTHLY: TemplateSpec = {
  id: 'gbvims_monthly',
  version: 2,
  title: 'GBVIMS monthly statistics',
  periodKind: 'month',
  families: [
    { family: INCIDENT_FAMILY, publish: ['incidents', 'report_delay', 'perpetrators'] },
    { family: REFERRAL_FAMILY, publish: ['services_referred'] },
  ],
  scopes: ['inter_agency', 'agency'],
  chart: { section: 'incidents', title: 'Incidents by GBV type' },
  // 02:00 UTC on the 5th: the previous month, after late data entry has mostly caught up.
  schedule: '0 2 5 * *',
};

export const REFERRAL_PERFORMANCE: TemplateSpec = {
  id: 'referral_performance',
  version: 1,
  title: 'Referral performance',
  periodKind: 'month',
  families: [{ family: REFERRAL_FAMILY, publish: ['services_referred', 'time_to_accept', 'follow_up'] }],
  scopes: ['inter_agency', 'agency'],
  indicators: 'referral_performance',
  chart: { section: 'services_referred', title: 'Referrals made by service type' },
  // With the GBVIMS report of the same month, so both read the referrals' states at one time.
  schedule: '0 2 5 * *',
};

export const SEA_QUARTERLY: TemplateSpec = {
  id: 'sea_quarterly',
  // 2: only complaints a focal point has assessed count. 3: channel, time to triage and to referral, victims' assistance.
  version: 3,
  title: 'Quarterly SEA statistics',
  periodKind: 'quarter',
  families: [
    { family: SEA_FAMILY, publish: ['allegations', 'outcomes', 'channel', 'time_to_triage', 'time_to_referral'] },
    { family: SEA_VICTIMS_FAMILY, publish: ['victim_assistance'] },
  ],
  indicators: 'sea_victim_assistance',
  // Inter-agency only: complaints belong to no agency, so there is no agency report to give a supervisor.
  scopes: ['inter_agency'],
  chart: { section: 'allegations', title: 'SEA allegations by category and entity type' },
  // 03:00 UTC on the 10th of January, April, July and October: the quarter just ended.
  schedule: '0 3 10 1,4,7,10 *',
};

export const CASE_MANAGEMENT: TemplateSpec = {
  id: 'case_management',
  version: 1,
  title: 'Case management indicators',
  periodKind: 'month',
  families: [
    { family: CASES_OPENED_FAMILY, publish: ['cases_opened', 'safety_plan'] },
    { family: CASES_CLOSED_FAMILY, publish: ['closure_reasons', 'time_to_closure'] },
    { family: GOALS_FAMILY, publish: ['goals'] },
    { family: CASELOAD_FAMILY, publish: ['caseload'] },
    // Referrals accepted within the deadline: the referral family's own table, suppressed with it.
    { family: REFERRAL_FAMILY, publish: ['time_to_accept'] },
  ],
  scopes: ['inter_agency', 'agency'],
  chart: { section: 'cases_opened', title: 'Cases opened by survivor age band' },
  schedule: '0 2 5 * *',
};

export const REPORT_TEMPLATES: Record<ReportTemplateId, TemplateSpec> = {
  gbvims_monthly: GBVIMS_MONTHLY,
  referral_performance: REFERRAL_PERFORMANCE,
  sea_quarterly: SEA_QUARTERLY,
  case_management: CASE_MANAGEMENT,
};

export function templateSpec(id: string): TemplateSpec | undefined {
  return Object.prototype.hasOwnProperty.call(REPORT_TEMPLATES, id) ? REPORT_TEMPLATES[id as ReportTemplateId] : undefined;
}

/** Every dimension of a family, in first-use order. */
export function familyDimensions(family: FamilySpec): Dimension[] {
  const dims: Dimension[] = [];
  for (const s of family.sections) {
    for (const d of [...s.rows, ...s.columns]) if (!dims.some((x) => x.key === d.key)) dims.push(d);
  }
  return dims;
}

/**
 * Refuses a family whose sections would be linked in ways its suppression does not cover
 * (two sections sharing a dimension other than the rows of a row-linked family).
 */
export function checkFamily(family: FamilySpec): void {
  const keys = (ds: Dimension[]) => ds.map((d) => d.key);
  const fail = (why: string) => {
    throw new Error(`report family ${family.id}: ${why}`);
  };
  if (family.sections.length === 0) fail('has no section');
  const seenColumns = new Set<string>();
  const rowKey = keys(family.sections[0].rows).join(',');
  const seenAll = new Set<string>();
  for (const s of family.sections) {
    if (family.linkage === 'rows') {
      if (keys(s.rows).join(',') !== rowKey) fail('row-linked sections must share their row dimensions');
      if (s.dropEmptyRows) fail('row-linked sections keep every row');
      for (const k of keys(s.columns)) {
        if (seenColumns.has(k) || rowKey.split(',').includes(k)) fail(`dimension ${k} appears twice`);
        seenColumns.add(k);
      }
    } else {
      for (const k of keys([...s.rows, ...s.columns])) {
        if (seenAll.has(k)) fail(`dimension ${k} appears in two sections`);
        seenAll.add(k);
      }
    }
  }
}

/** Every family a template reads, checked; section ids are unique across the template. */
export function templateFamilies(spec: TemplateSpec): FamilySpec[] {
  const ids = new Set<string>();
  for (const { family, publish } of spec.families) {
    checkFamily(family);
    for (const s of family.sections) {
      if (ids.has(s.id)) throw new Error(`section ${s.id} appears twice in ${spec.id}`);
      ids.add(s.id);
    }
    for (const p of publish) if (!family.sections.some((s) => s.id === p)) throw new Error(`${spec.id} publishes unknown section ${p}`);
  }
  return spec.families.map((f) => f.family);
}
