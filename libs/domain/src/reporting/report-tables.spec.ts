import { renderChartSvg } from './report-chart';
import { reportToCsv } from './report-csv';
import { parsePeriod, periodHasEnded, previousPeriod } from './report-period';
import { AggregateRow, aggregationQuery, buildReportResult, readAggregation } from './report-tables';
import {
  checkFamily,
  GBVIMS_MONTHLY,
  INCIDENT_FAMILY,
  REFERRAL_FAMILY,
  REFERRAL_PERFORMANCE,
  REPORT_TEMPLATE_IDS,
  SEA_FAMILY,
  SEA_QUARTERLY,
  templateFamilies,
  templateSpec,
} from './report-templates';
import { REFERRAL_FIXTURE_MONTH, REFERRAL_INDICATORS_TABLE, REFERRAL_SECTIONS, fixtureReferrals } from '@amani/testing/reporting/referral-fixture';
import { FIXTURE_MONTH, FIXTURE_SECTIONS, fixtureIncidents } from '@amani/testing/reporting/report-fixture';
import { SEA_FIXTURE_QUARTER, SEA_SECTIONS, SEA_VICTIM_SECTIONS, fixtureComplaints } from '@amani/testing/reporting/sea-fixture';

/** What the GROUPING SETS statements return for the fixtures, computed here by hand-rolled counting. */
function counter() {
  const counts = new Map<string, AggregateRow>();
  const add = (section: string, dims: Record<string, string>) => {
    const key = section + JSON.stringify(dims);
    const g = counts.get(key) ?? { section, dims, n: 0 };
    g.n++;
    counts.set(key, g);
  };
  return { add, groups: () => [...counts.values()] };
}

function incidentGroups(): AggregateRow[] {
  const c = counter();
  for (const i of fixtureIncidents()) {
    c.add('incidents', { gbv_type: i.gbvType, region: i.region, survivor_age_band: i.ageBand, survivor_sex: i.sex });
    c.add('report_delay', { report_delay_days: i.delay });
    c.add('perpetrators', { perpetrator_relationship: i.relationship, perpetrator_age_group: i.perpetratorAge });
  }
  return c.groups();
}

function referralGroups(): AggregateRow[] {
  const c = counter();
  for (const r of fixtureReferrals()) {
    c.add('services_referred', { service_type: r.serviceType, referral_state: r.state, service_outcome: r.outcome ?? 'none' });
    c.add('time_to_accept', { service_type: r.serviceType, time_to_accept: r.timeToAccept });
    c.add('follow_up', { service_type: r.serviceType, follow_up: r.overdue ? 'overdue' : 'not_overdue' });
  }
  return c.groups();
}

/** The buckets of report-templates' SQL, restated for the fixture. */
const triageBucket = (d: number) => (d <= 1 ? 'within_1_day' : d <= 3 ? '2_to_3_days' : d <= 7 ? '4_to_7_days' : 'over_7_days');
const referralBucket = (d: number | null) =>
  d === null ? 'not_referred' : d <= 7 ? 'within_7_days' : d <= 30 ? '8_to_30_days' : d <= 90 ? '31_to_90_days' : 'over_90_days';

function complaintGroups(): AggregateRow[] {
  const c = counter();
  for (const x of fixtureComplaints()) {
    c.add('allegations', {
      category: x.category,
      entity_type: x.entityType,
      victim_sex: x.victimSex,
      victim_age_band: x.victimAgeBand,
      status: x.status,
    });
    c.add('outcomes', { outcome: x.outcome ?? 'none' });
    c.add('channel', { channel: x.channel });
    c.add('time_to_triage', { time_to_triage: triageBucket(x.triageDays) });
    c.add('time_to_referral', { time_to_referral: referralBucket(x.referralDays) });
    for (const v of x.victims) c.add('victim_assistance', { victim_sex: v.sex, victim_assistance: v.assistanceStatus });
  }
  return c.groups();
}

const fixtureGroups = () => [...incidentGroups(), ...referralGroups()];
const month = (code: string) => parsePeriod(code, 'month')!;

describe('report periods', () => {
  it('accepts calendar months and quarters of the right kind only', () => {
    expect(parsePeriod('2025-03', 'month')).toMatchObject({ code: '2025-03', months: ['2025-03'] });
    expect(parsePeriod('2025-Q4', 'quarter')).toMatchObject({ months: ['2025-10', '2025-11', '2025-12'] });
    expect(parsePeriod('2025-Q4', 'quarter')!.end.toISOString()).toBe('2026-01-01T00:00:00.000Z');
    for (const bad of ['2025-13', '2025-00', '2025-3', '25-03', '2025-03-01', '1999-12', '2101-01', '2025-Q1', ' 2025-03']) {
      expect(parsePeriod(bad, 'month')).toBeNull();
    }
    expect(parsePeriod('2025-03', 'quarter')).toBeNull();
    expect(parsePeriod('2025-Q5', 'quarter')).toBeNull();
  });

  it('knows whether a period has ended, and which one a schedule builds', () => {
    const march = parsePeriod('2025-03', 'month')!;
    expect(periodHasEnded(march, new Date('2025-03-31T23:59:59Z'))).toBe(false);
    expect(periodHasEnded(march, new Date('2025-04-01T00:00:00Z'))).toBe(true);
    expect(previousPeriod('month', new Date('2025-01-05T02:00:00Z')).code).toBe('2024-12');
    expect(previousPeriod('month', new Date('2025-04-05T02:00:00Z')).code).toBe('2025-03');
    expect(previousPeriod('quarter', new Date('2025-01-10T03:00:00Z')).code).toBe('2024-Q4');
    expect(previousPeriod('quarter', new Date('2025-08-10T03:00:00Z')).code).toBe('2025-Q2');
  });
});

describe('GBVIMS monthly template', () => {
  it('builds exactly the hand-computed report from the fixture, referrals included', () => {
    expect(REFERRAL_FIXTURE_MONTH).toBe(FIXTURE_MONTH);
    const result = buildReportResult(GBVIMS_MONTHLY, month(FIXTURE_MONTH), 'inter_agency', 5, fixtureGroups());
    expect(result.sections).toEqual([...FIXTURE_SECTIONS, REFERRAL_SECTIONS[0]]);
    expect(result).toMatchObject({ template: 'gbvims_monthly', templateVersion: 2, period: '2025-03', scope: 'inter_agency', minCellCount: 5 });
    expect(result.indicators).toEqual([]);
    // Nothing but codes and counts: no agency identity, no ids.
    expect(JSON.stringify(result)).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-/);
  });

  it('an empty month publishes zeros only', () => {
    const result = buildReportResult(GBVIMS_MONTHLY, month('2025-03'), 'agency', 5, []);
    expect(result.sections.map((s) => s.grandTotal)).toEqual([0, 0, 0, 0]);
    expect(result.sections[0].columns).toEqual([]);
    expect(result.sections[3].rowTotals).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
  });

  it('aggregates each family in one GROUPING SETS statement over its source', () => {
    const { sql, sectionByGrouping } = aggregationQuery(INCIDENT_FAMILY);
    expect(sql).toContain('FROM reporting_incidents');
    expect(sql).toContain('GROUPING SETS ((d0, d1, d2, d3), (d4), (d5, d6))');
    expect(sql).not.toMatch(/case_incidents|cases\b/);
    // d0..d6 in order; a section's bit is set for each dimension it leaves out.
    expect(sectionByGrouping.get(0b0000111)!.id).toBe('incidents');
    expect(sectionByGrouping.get(0b1111011)!.id).toBe('report_delay');
    expect(sectionByGrouping.get(0b1111100)!.id).toBe('perpetrators');
    const rows = readAggregation(INCIDENT_FAMILY, [{ d4: '0_3', g: 0b1111011, n: 3 }]);
    expect(rows).toEqual([{ section: 'report_delay', dims: { report_delay_days: '0_3' }, n: 3 }]);

    const referrals = aggregationQuery(REFERRAL_FAMILY).sql;
    expect(referrals).toContain('FROM referrals r WHERE r.created_at >= $1::timestamptz AND r.created_at < $2::timestamptz');
    expect(referrals).toContain(`k.purpose = 'statistics' AND k.withdrawn_at IS NULL`);
    expect(referrals).toContain('GROUPING SETS ((d0, d1, d2), (d0, d3), (d0, d4))');
    // Coded columns only: never the packet, the override reason or any person.
    expect(referrals).not.toMatch(/packet|override_reason|referred_by|responded_by/);
    const sea = aggregationQuery(SEA_FAMILY).sql;
    expect(sea).toContain('FROM sea_complaints WHERE received_quarter = $1::varchar');
    expect(sea).not.toMatch(/narrative|contact|receipt/);
  });

  it('refuses a category outside the vocabulary instead of dropping it', () => {
    const groups = fixtureGroups();
    groups.push({ section: 'report_delay', dims: { report_delay_days: 'tomorrow' }, n: 9 });
    expect(() => buildReportResult(GBVIMS_MONTHLY, month('2025-03'), 'inter_agency', 5, groups)).toThrow();
  });

  it('knows every template, and refuses families its suppression would not cover', () => {
    for (const id of REPORT_TEMPLATE_IDS) expect(templateSpec(id)!.id).toBe(id);
    expect(templateSpec('constructor')).toBeUndefined();
    for (const id of REPORT_TEMPLATE_IDS) expect(() => templateFamilies(templateSpec(id)!)).not.toThrow();
    const [a, b] = INCIDENT_FAMILY.sections;
    expect(() => checkFamily({ ...INCIDENT_FAMILY, sections: [a, { ...b, rows: a.rows }] })).toThrow(/appears in two sections/);
    const [r1, r2] = REFERRAL_FAMILY.sections;
    expect(() => checkFamily({ ...REFERRAL_FAMILY, sections: [r1, { ...r2, rows: b.rows }] })).toThrow(/row dimensions/);
    expect(() => checkFamily({ ...REFERRAL_FAMILY, sections: [r1, { ...r2, columns: r1.columns }] })).toThrow(/appears twice/);
    expect(() => checkFamily({ ...REFERRAL_FAMILY, sections: [r1, { ...r2, dropEmptyRows: true }] })).toThrow(/every row/);
  });
});

describe('referral performance template', () => {
  const result = buildReportResult(REFERRAL_PERFORMANCE, month(REFERRAL_FIXTURE_MONTH), 'inter_agency', 5, referralGroups());

  it('builds exactly the hand-computed tables and indicators', () => {
    expect(result.sections).toEqual(REFERRAL_SECTIONS);
    expect(result.indicators).toEqual([REFERRAL_INDICATORS_TABLE]);
    expect(result).toMatchObject({ template: 'referral_performance', templateVersion: 1, chart: { section: 'services_referred' } });
  });

  it('publishes the same services_referred table as the GBVIMS report of the month', () => {
    const gbvims = buildReportResult(GBVIMS_MONTHLY, month(REFERRAL_FIXTURE_MONTH), 'inter_agency', 5, fixtureGroups());
    expect(gbvims.sections.find((s) => s.id === 'services_referred')).toEqual(result.sections[0]);
  });

  it('derives nothing from a base below k, and uses only published counts', () => {
    // One service, fully published: 5 accepted in under a day, 5 declined, 3 of the accepted overdue.
    const groups: AggregateRow[] = [
      { section: 'services_referred', dims: { service_type: 'legal', referral_state: 'completed', service_outcome: 'referred' }, n: 5 },
      { section: 'services_referred', dims: { service_type: 'legal', referral_state: 'declined', service_outcome: 'none' }, n: 5 },
      { section: 'time_to_accept', dims: { service_type: 'legal', time_to_accept: 'within_24h' }, n: 5 },
      { section: 'time_to_accept', dims: { service_type: 'legal', time_to_accept: 'not_accepted' }, n: 5 },
      { section: 'follow_up', dims: { service_type: 'legal', follow_up: 'overdue' }, n: 3 },
      { section: 'follow_up', dims: { service_type: 'legal', follow_up: 'not_overdue' }, n: 7 },
    ];
    const r = buildReportResult(REFERRAL_PERFORMANCE, month('2025-03'), 'agency', 5, groups);
    // Overdue 3 is suppressed (with its complement): no overdue share; everything else has a base of 5 or 10.
    expect(r.indicators[0].values[0]).toEqual([10, 50, 'within_24h', 100, null]);
    const k10 = buildReportResult(REFERRAL_PERFORMANCE, month('2025-03'), 'agency', 10, groups);
    expect(k10.indicators[0].values[0]).toEqual([10, null, null, null, null]);
  });
});

describe('quarterly SEA template', () => {
  const quarter = parsePeriod(SEA_FIXTURE_QUARTER, 'quarter')!;

  it('builds exactly the hand-computed report, shredded complaints included', () => {
    const result = buildReportResult(SEA_QUARTERLY, quarter, 'inter_agency', 5, complaintGroups());
    expect(result.sections).toEqual([...SEA_SECTIONS, ...SEA_VICTIM_SECTIONS]);
    expect(result).toMatchObject({ template: 'sea_quarterly', periodKind: 'quarter', period: '2025-Q1' });
    // Referred or receiving over all victims, by sex: female 13 of 25, male 0 of 6 (both parts published as 0), other and unknown no base.
    expect(result.indicators).toEqual([
      {
        id: 'victim_assistance_share',
        title: 'Victims referred to assistance, by sex (from the published counts only)',
        rowDimensions: ['victim_sex'],
        rows: [['female'], ['male'], ['other'], ['unknown'], ['total']],
        indicators: ['victims', 'referred_to_assistance_pct'],
        values: [[25, 52], [6, 0], [0, null], [0, null], [31, 42]],
      },
    ]);
    expect(fixtureComplaints().filter((c) => c.shredded)).toHaveLength(1);
  });

  it('is for protection officers only and runs each quarter', () => {
    expect(SEA_QUARTERLY.scopes).toEqual(['inter_agency']);
    expect(SEA_FAMILY.source.agencyScoped).toBe(false);
    expect(SEA_QUARTERLY.schedule).toBe('0 3 10 1,4,7,10 *');
    expect(GBVIMS_MONTHLY.scopes).toEqual(['inter_agency', 'agency']);
  });
});

describe('exports', () => {
  const result = buildReportResult(GBVIMS_MONTHLY, month(FIXTURE_MONTH), 'inter_agency', 5, fixtureGroups());

  it('CSV has a header, an HXL row, one count column per unit, and one line per published entry', () => {
    const lines = reportToCsv(result).trimEnd().split('\r\n');
    expect(lines[0]).toBe(
      'section,period,gbv_type,region,survivor_age_band,survivor_sex,report_delay_days,perpetrator_relationship,perpetrator_age_group,service_type,referral_state,service_outcome,incidents,referrals,suppressed',
    );
    expect(lines[1]).toBe(
      '#meta+section,#date+reported,#event+type+gbv,#adm1+code,#affected+age_band,#affected+sex,#event+delay_days,#actor+relationship,#actor+age_group,#service+type,#status+referral,#status+outcome,#event+num,#indicator+num+referrals,#meta+suppressed',
    );
    expect(lines).toContain('incidents,2025-03,rape,ZZ-01,26_40,female,,,,,,,,,true');
    expect(lines).toContain('incidents,2025-03,rape,total,total,total,,,,,,,16,,false');
    expect(lines).toContain('incidents,2025-03,total,ZZ-02,18_25,female,,,,,,,9,,false');
    expect(lines).toContain('report_delay,2025-03,,,,,4_5,,,,,,,,true');
    expect(lines).toContain('perpetrators,2025-03,,,,,,total,total,,,,31,,false');
    expect(lines).toContain('services_referred,2025-03,,,,,,,,psychosocial,declined,none,,12,false');
    expect(lines).toContain('services_referred,2025-03,,,,,,,,legal,total,total,,,true');
    expect(lines).toContain('services_referred,2025-03,,,,,,,,total,total,total,,125,false');
    // incidents: 7x3 cells + 7 row totals + 3 column totals + 1; delay: 5 + 1; perpetrators: 14x7 + 14 + 7 + 1;
    // services referred: 8x5 + 8 + 5 + 1
    expect(lines.length).toBe(2 + 32 + 6 + 120 + 54);
  });

  it('CSV of referral performance carries the indicators after the counts', () => {
    const rp = buildReportResult(REFERRAL_PERFORMANCE, month(REFERRAL_FIXTURE_MONTH), 'inter_agency', 5, referralGroups());
    const lines = reportToCsv(rp).trimEnd().split('\r\n');
    expect(lines[0]).toBe('section,period,service_type,referral_state,service_outcome,time_to_accept,follow_up,indicator,referrals,value,suppressed');
    expect(lines[1]).toBe(
      '#meta+section,#date+reported,#service+type,#status+referral,#status+outcome,#status+time_to_accept,#status+follow_up,#indicator+code,#indicator+num+referrals,#indicator+value,#meta+suppressed',
    );
    expect(lines).toContain('time_to_accept,2025-03,psychosocial,,,within_24h,,,20,,false');
    expect(lines).toContain('performance,2025-03,safety_shelter,,,,,acceptance_rate_pct,,75,false');
    expect(lines).toContain('performance,2025-03,safety_shelter,,,,,median_time_to_accept,,within_24h,false');
    expect(lines).toContain('performance,2025-03,psychosocial,,,,,referrals_made,,,true');
    expect(lines).toContain('performance,2025-03,total,,,,,completion_rate_pct,,88,false');
    // sections: 54 + (8x5 + 8 + 5 + 1) + (8x2 + 8 + 2 + 1); indicators: 9 x 5
    expect(lines.length).toBe(2 + 54 + 54 + 27 + 45);
  });

  it('SVG chart of incidents by GBV type, with suppressed bars labelled', async () => {
    const svg = await renderChartSvg(result);
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('Incidents by GBV type, 2025-03');
    expect(svg).toContain('sexual_assault');
    expect(svg).toContain('suppressed');
    expect(svg).toContain('>16<');
    expect(svg).not.toMatch(/<script/i);
  });

  it('SVG charts of referrals by service type and of SEA allegations', async () => {
    const rp = buildReportResult(REFERRAL_PERFORMANCE, month(REFERRAL_FIXTURE_MONTH), 'inter_agency', 5, referralGroups());
    const svg = await renderChartSvg(rp);
    expect(svg).toContain('Referrals made by service type, 2025-03');
    expect(svg).toContain('>60<');
    expect(svg).toContain('>referrals<');
    const sea = buildReportResult(SEA_QUARTERLY, parsePeriod(SEA_FIXTURE_QUARTER, 'quarter')!, 'inter_agency', 5, complaintGroups());
    const seaSvg = await renderChartSvg(sea);
    expect(seaSvg).toContain('SEA allegations by category and entity type, 2025-Q1');
    expect(seaSvg).toContain('sexual_exploitation / implementing_partner');
    expect(seaSvg).toContain('>12<');
    expect(seaSvg).toContain('>allegations<');
  });
});
