import { renderChartSvg } from './report-chart';
import { reportToCsv } from './report-csv';
import { parsePeriod, periodHasEnded, previousPeriod } from './report-period';
import { AggregateRow, aggregationQuery, buildReportResult, readAggregation } from './report-tables';
import { GBVIMS_MONTHLY, templateSpec } from './report-templates';
import { FIXTURE_MONTH, FIXTURE_SECTIONS, fixtureIncidents } from './testing/report-fixture';

/** What the GROUPING SETS query returns for the fixture, computed here by hand-rolled counting. */
function fixtureGroups(): AggregateRow[] {
  const counts = new Map<string, AggregateRow>();
  const add = (section: string, dims: Record<string, string>) => {
    const key = section + JSON.stringify(dims);
    const g = counts.get(key) ?? { section, dims, n: 0 };
    g.n++;
    counts.set(key, g);
  };
  for (const i of fixtureIncidents()) {
    add('incidents', { gbv_type: i.gbvType, region: i.region, survivor_age_band: i.ageBand, survivor_sex: i.sex });
    add('report_delay', { report_delay_days: i.delay });
    add('perpetrators', { perpetrator_relationship: i.relationship, perpetrator_age_group: i.perpetratorAge });
  }
  return [...counts.values()];
}

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
  it('builds exactly the hand-computed report from the fixture', () => {
    const period = parsePeriod(FIXTURE_MONTH, 'month')!;
    const result = buildReportResult(GBVIMS_MONTHLY, period, 'inter_agency', 5, fixtureGroups());
    expect(result.sections).toEqual(FIXTURE_SECTIONS);
    expect(result).toMatchObject({
      template: 'gbvims_monthly',
      period: '2025-03',
      scope: 'inter_agency',
      minCellCount: 5,
      omittedSections: [{ id: 'services_referred', reason: 'referrals_not_available' }],
    });
    // Nothing but codes and counts: no agency identity, no ids.
    expect(JSON.stringify(result)).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-/);
  });

  it('an empty month publishes zeros only', () => {
    const result = buildReportResult(GBVIMS_MONTHLY, parsePeriod('2025-03', 'month')!, 'agency', 5, []);
    expect(result.sections.map((s) => s.grandTotal)).toEqual([0, 0, 0]);
    expect(result.sections[0].columns).toEqual([]);
  });

  it('aggregates every section in one GROUPING SETS statement over the projection', () => {
    const { sql, sectionByGrouping } = aggregationQuery(GBVIMS_MONTHLY);
    expect(sql).toContain('FROM reporting_incidents');
    expect(sql).toContain('GROUPING SETS ((d0, d1, d2, d3), (d4), (d5, d6))');
    expect(sql).not.toMatch(/case_incidents|cases\b/);
    // d0..d6 in order; a section's bit is set for each dimension it leaves out.
    expect(sectionByGrouping.get(0b0000111)!.id).toBe('incidents');
    expect(sectionByGrouping.get(0b1111011)!.id).toBe('report_delay');
    expect(sectionByGrouping.get(0b1111100)!.id).toBe('perpetrators');
    const rows = readAggregation(GBVIMS_MONTHLY, [{ d4: '0_3', g: 0b1111011, n: 3 }]);
    expect(rows).toEqual([{ section: 'report_delay', dims: { report_delay_days: '0_3' }, n: 3 }]);
  });

  it('refuses a category outside the vocabulary instead of dropping it', () => {
    const groups = fixtureGroups();
    groups.push({ section: 'report_delay', dims: { report_delay_days: 'tomorrow' }, n: 9 });
    expect(() => buildReportResult(GBVIMS_MONTHLY, parsePeriod('2025-03', 'month')!, 'inter_agency', 5, groups)).toThrow();
  });

  it('knows only the templates that can be built', () => {
    expect(templateSpec('gbvims_monthly')).toBe(GBVIMS_MONTHLY);
    expect(templateSpec('sea_quarterly')).toBeUndefined();
    expect(templateSpec('constructor')).toBeUndefined();
  });
});

describe('exports', () => {
  const result = buildReportResult(GBVIMS_MONTHLY, parsePeriod(FIXTURE_MONTH, 'month')!, 'inter_agency', 5, fixtureGroups());

  it('CSV has a header, an HXL row, and one line per published entry', () => {
    const lines = reportToCsv(result).trimEnd().split('\r\n');
    expect(lines[0]).toBe(
      'section,period,gbv_type,region,survivor_age_band,survivor_sex,report_delay_days,perpetrator_relationship,perpetrator_age_group,incidents,suppressed',
    );
    expect(lines[1]).toBe(
      '#meta+section,#date+reported,#event+type+gbv,#adm1+code,#affected+age_band,#affected+sex,#event+delay_days,#actor+relationship,#actor+age_group,#event+num,#meta+suppressed',
    );
    expect(lines).toContain('incidents,2025-03,rape,ZZ-01,26_40,female,,,,,true');
    expect(lines).toContain('incidents,2025-03,rape,total,total,total,,,,16,false');
    expect(lines).toContain('incidents,2025-03,total,ZZ-02,18_25,female,,,,9,false');
    expect(lines).toContain('report_delay,2025-03,,,,,4_5,,,,true');
    expect(lines).toContain('perpetrators,2025-03,,,,,,total,total,31,false');
    // incidents: 7x3 cells + 7 row totals + 3 column totals + 1; delay: 5 + 1; perpetrators: 14x7 + 14 + 7 + 1
    expect(lines.length).toBe(2 + 32 + 6 + 120);
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
});
