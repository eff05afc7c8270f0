import type { PublishedValue } from './disclosure-control';
import type { ReportResult } from './report-tables';
import { COUNT_HXL, Dimension, templateSpec } from './report-templates';

/** Category value of a dimension that a total runs over. */
export const TOTAL = 'total';

/**
 * CSV export in long form: one line per published entry (cell, row total, column total,
 * grand total) of every section, a header row, and an HXL hashtag row under it so the file
 * loads into HXL tools. A suppressed count is an empty `incidents` field with `suppressed`
 * true; it never says why. In a section without column dimensions the row totals equal the
 * cells and are not repeated.
 */
export function reportToCsv(result: ReportResult): string {
  const spec = templateSpec(result.template);
  if (!spec) throw new Error('unknown template');
  const dims: Dimension[] = [];
  for (const s of spec.sections) {
    for (const d of [...s.rows, ...s.columns]) if (!dims.some((x) => x.key === d.key)) dims.push(d);
  }
  const header = ['section', 'period', ...dims.map((d) => d.key), 'incidents', 'suppressed'];
  const hxl = ['#meta+section', '#date+reported', ...dims.map((d) => d.hxl), COUNT_HXL, '#meta+suppressed'];
  const lines: string[][] = [header, hxl];
  for (const section of result.sections) {
    const line = (rowCats: string[] | null, colCats: string[] | null, value: PublishedValue) => {
      const cats: Record<string, string> = {};
      section.rowDimensions.forEach((k, i) => (cats[k] = rowCats ? rowCats[i] : TOTAL));
      section.columnDimensions.forEach((k, i) => (cats[k] = colCats ? colCats[i] : TOTAL));
      lines.push([
        section.id,
        result.period,
        ...dims.map((d) => cats[d.key] ?? ''),
        value === null ? '' : String(value),
        value === null ? 'true' : 'false',
      ]);
    };
    const oneWay = section.columnDimensions.length === 0;
    section.rows.forEach((r, i) => {
      section.columns.forEach((c, j) => line(r, c, section.cells[i][j]));
      if (!oneWay) line(r, null, section.rowTotals[i]);
    });
    if (!oneWay) section.columns.forEach((c, j) => line(null, c, section.columnTotals[j]));
    line(null, null, section.grandTotal);
  }
  return lines.map((l) => l.map(csvField).join(',')).join('\r\n') + '\r\n';
}

/** RFC 4180 quoting, and no field that a spreadsheet would run as a formula. */
export function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
