import type { PublishedValue } from './disclosure-control';
import type { ReportResult } from './report-tables';
import { COUNT_HXL, CountUnit, DIMENSION_BY_KEY } from './report-templates';

/** Category value of a dimension that a total runs over. */
export const TOTAL = 'total';

const INDICATOR_HXL = '#indicator+code';
const VALUE_HXL = '#indicator+value';

/**
 * CSV export in long form: one line per published entry (cell, row total, column total,
 * grand total) of every section, then one per indicator; a header row, and an HXL hashtag
 * row under it so the file loads into HXL tools. Each unit counted (incidents, referrals,
 * allegations) has its own count column, so each column keeps one meaning and one hashtag.
 * A suppressed count is an empty count field with `suppressed` true; it never says why. In a
 * section without column dimensions the row totals equal the cells and are not repeated.
 */
export function reportToCsv(result: ReportResult): string {
  const dims: string[] = [];
  const units: CountUnit[] = [];
  const indicators = result.indicators ?? [];
  for (const s of result.sections) {
    for (const d of [...s.rowDimensions, ...s.columnDimensions]) if (!dims.includes(d)) dims.push(d);
    // Results stored before sections carried a unit counted incidents.
    const unit = s.unit ?? 'incidents';
    if (!units.includes(unit)) units.push(unit);
  }
  for (const t of indicators) for (const d of t.rowDimensions) if (!dims.includes(d)) dims.push(d);
  const withIndicators = indicators.length > 0;
  const hxlOf = (key: string) => {
    const d = DIMENSION_BY_KEY.get(key);
    if (!d) throw new Error('a stored result names an unknown dimension');
    return d.hxl;
  };
  const header = ['section', 'period', ...dims, ...(withIndicators ? ['indicator'] : []), ...units, ...(withIndicators ? ['value'] : []), 'suppressed'];
  const hxl = [
    '#meta+section',
    '#date+reported',
    ...dims.map(hxlOf),
    ...(withIndicators ? [INDICATOR_HXL] : []),
    ...units.map((u) => COUNT_HXL[u]),
    ...(withIndicators ? [VALUE_HXL] : []),
    '#meta+suppressed',
  ];
  const lines: string[][] = [header, hxl];
  const emit = (section: string, cats: Record<string, string>, counts: Partial<Record<CountUnit, string>>, indicator: string, value: string, suppressed: boolean) =>
    lines.push([
      section,
      result.period,
      ...dims.map((d) => cats[d] ?? ''),
      ...(withIndicators ? [indicator] : []),
      ...units.map((u) => counts[u] ?? ''),
      ...(withIndicators ? [value] : []),
      suppressed ? 'true' : 'false',
    ]);
  for (const section of result.sections) {
    const unit = section.unit ?? 'incidents';
    const line = (rowCats: string[] | null, colCats: string[] | null, value: PublishedValue) => {
      const cats: Record<string, string> = {};
      section.rowDimensions.forEach((k, i) => (cats[k] = rowCats ? rowCats[i] : TOTAL));
      section.columnDimensions.forEach((k, i) => (cats[k] = colCats ? colCats[i] : TOTAL));
      emit(section.id, cats, { [unit]: value === null ? '' : String(value) }, '', '', value === null);
    };
    const oneWay = section.columnDimensions.length === 0;
    section.rows.forEach((r, i) => {
      section.columns.forEach((c, j) => line(r, c, section.cells[i][j]));
      if (!oneWay) line(r, null, section.rowTotals[i]);
    });
    if (!oneWay) section.columns.forEach((c, j) => line(null, c, section.columnTotals[j]));
    line(null, null, section.grandTotal);
  }
  for (const t of indicators) {
    t.rows.forEach((r, i) => {
      const cats: Record<string, string> = {};
      t.rowDimensions.forEach((k, idx) => (cats[k] = r[idx]));
      t.indicators.forEach((code, j) => {
        const v = t.values[i][j];
        emit(t.id, cats, {}, code, v === null ? '' : String(v), v === null);
      });
    });
  }
  return lines.map((l) => l.map(csvField).join(',')).join('\r\n') + '\r\n';
}

/** RFC 4180 quoting, and no field that a spreadsheet would run as a formula. */
export function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
