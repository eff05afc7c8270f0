import {
  AGE_BANDS,
  GBV_TYPES,
  PERPETRATOR_AGE_GROUPS,
  PERPETRATOR_RELATIONSHIPS,
  REPORT_DELAY_BUCKETS,
  SEXES,
} from '../cases/case-codes';
import type { PeriodKind } from './report-period';

/**
 * The fixed report templates. Nobody composes a query: a report is one of these, over one
 * period of the template's kind. Every SQL expression here is a constant over the reporting
 * projection (coded columns only); no request value ever reaches it.
 */

/** Every template id the reports table accepts (the CHECK constraint's list). */
export const REPORT_TEMPLATE_IDS = ['gbvims_monthly', 'referral_performance', 'sea_quarterly'] as const;
export type ReportTemplateId = (typeof REPORT_TEMPLATE_IDS)[number];

export interface Dimension {
  key: string;
  /** Expression over reporting_incidents; a constant of this file. */
  sql: string;
  /** Its categories in order, or 'observed' for codes taken from the data (regions). */
  values: readonly string[] | 'observed';
  /** HXL hashtag of the column holding this dimension in the CSV export. */
  hxl: string;
}

export interface SectionSpec {
  id: string;
  title: string;
  rows: Dimension[];
  columns: Dimension[];
  /**
   * Leave out columns whose total is zero (a cross product of regions, age bands and sexes is
   * mostly empty). Leaving a zero column out says nothing a published zero would not.
   */
  dropEmptyColumns?: boolean;
}

export interface OmittedSection {
  id: string;
  reason: string;
}

export interface TemplateSpec {
  id: ReportTemplateId;
  /** Bumped when the layout changes, so stored results say which layout they follow. */
  version: number;
  title: string;
  periodKind: PeriodKind;
  /**
   * Sections share nothing but their grand total (all incidents of the period), so
   * suppressing them as linked tables is enough; see suppressLinked.
   */
  sections: SectionSpec[];
  omitted: OmittedSection[];
  /** The main breakdown drawn by the chart: row totals of this section. */
  chart: { section: string; title: string };
  /** BullMQ cron pattern (UTC) of the scheduled run; it builds the previous period. */
  schedule?: string;
}

const UNKNOWN = 'unknown';

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
} satisfies Record<string, Dimension>;

/** The count column of every section (incidents). */
export const COUNT_HXL = '#event+num';

export const GBVIMS_MONTHLY: TemplateSpec = {
  id: 'gbvims_monthly',
  version: 1,
  title: 'GBVIMS monthly statistics',
  periodKind: 'month',
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
  omitted: [
    // The referrals feature and its projection do not exist yet.
    { id: 'services_referred', reason: 'referrals_not_available' },
  ],
  chart: { section: 'incidents', title: 'Incidents by GBV type' },
  // 02:00 UTC on the 5th: the previous month, after late data entry has mostly caught up.
  schedule: '0 2 5 * *',
};

/** Templates that can be built now. Referral performance and SEA statistics wait for their features. */
export const AVAILABLE_TEMPLATES: Partial<Record<ReportTemplateId, TemplateSpec>> = {
  gbvims_monthly: GBVIMS_MONTHLY,
};

export const UNAVAILABLE_TEMPLATES: Partial<Record<ReportTemplateId, string>> = {
  referral_performance: 'referrals_not_available',
  sea_quarterly: 'sea_complaints_not_available',
};

export function templateSpec(id: string): TemplateSpec | undefined {
  return Object.prototype.hasOwnProperty.call(AVAILABLE_TEMPLATES, id)
    ? AVAILABLE_TEMPLATES[id as ReportTemplateId]
    : undefined;
}
