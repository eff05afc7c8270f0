import {
  DisclosureControlError,
  publish,
  PublishedValue,
  solvableByLinearAlgebra,
  solveBySingleUnknowns,
  suppressLinked,
} from './disclosure-control';
import type { ReportPeriod } from './report-period';
import type { Dimension, OmittedSection, SectionSpec, TemplateSpec } from './report-templates';

/** One group of the aggregation: a section's categories and how many incidents fall in it. */
export interface AggregateRow {
  section: string;
  dims: Record<string, string>;
  n: number;
}

export type ReportScope = 'inter_agency' | 'agency';

/** A published section: categories, and counts with null where suppressed. */
export interface ReportSection {
  id: string;
  title: string;
  rowDimensions: string[];
  columnDimensions: string[];
  rows: string[][];
  columns: string[][];
  cells: PublishedValue[][];
  rowTotals: PublishedValue[];
  columnTotals: PublishedValue[];
  grandTotal: PublishedValue;
}

/** The stored and served result of a report: already suppressed, no agency identity. */
export interface ReportResult {
  template: string;
  templateVersion: number;
  title: string;
  period: string;
  periodKind: string;
  scope: ReportScope;
  /** Counts from 1 to minCellCount-1 are never published. */
  minCellCount: number;
  sections: ReportSection[];
  omittedSections: OmittedSection[];
  chart: { section: string; title: string };
}

/**
 * The one aggregation of a report: every section of the template in a single GROUP BY
 * GROUPING SETS statement, so PostgreSQL scans the period's rows once and returns only the
 * groups (never the rows), all from one snapshot, so sections agree on their grand total.
 * $1: the period's months; $2: an agency id, or null for every agency.
 */
export function aggregationQuery(spec: TemplateSpec): { sql: string; sectionByGrouping: Map<number, SectionSpec> } {
  const dims: Dimension[] = [];
  for (const s of spec.sections) {
    for (const d of [...s.rows, ...s.columns]) if (!dims.some((x) => x.key === d.key)) dims.push(d);
  }
  const alias = (d: Dimension) => `d${dims.findIndex((x) => x.key === d.key)}`;
  const all = dims.map(alias);
  const sectionByGrouping = new Map<number, SectionSpec>();
  const sets: string[] = [];
  for (const s of spec.sections) {
    const used = new Set([...s.rows, ...s.columns].map(alias));
    // GROUPING(a, b, …) sets the bit of each argument left out of the grouping set, first argument highest.
    const mask = all.reduce((acc, a, i) => acc | (used.has(a) ? 0 : 1 << (all.length - 1 - i)), 0);
    if (sectionByGrouping.has(mask)) throw new Error(`sections of ${spec.id} group by the same dimensions`);
    sectionByGrouping.set(mask, s);
    sets.push(`(${[...used].join(', ')})`);
  }
  const sql =
    `SELECT ${all.join(', ')}, GROUPING(${all.join(', ')}) AS g, count(*)::int AS n ` +
    `FROM (SELECT ${dims.map((d) => `${d.sql} AS ${alias(d)}`).join(', ')} FROM reporting_incidents ` +
    `WHERE report_month = ANY($1::varchar[]) AND ($2::uuid IS NULL OR agency_id = $2::uuid)) s ` +
    `GROUP BY GROUPING SETS (${sets.join(', ')})`;
  return { sql, sectionByGrouping };
}

/** Rows of aggregationQuery as AggregateRows. */
export function readAggregation(
  spec: TemplateSpec,
  raw: Record<string, unknown>[],
): AggregateRow[] {
  const { sectionByGrouping } = aggregationQuery(spec);
  const dims: Dimension[] = [];
  for (const s of spec.sections) {
    for (const d of [...s.rows, ...s.columns]) if (!dims.some((x) => x.key === d.key)) dims.push(d);
  }
  return raw.map((r) => {
    const section = sectionByGrouping.get(Number(r.g));
    if (!section) throw new Error('unexpected grouping in the aggregation');
    const out: Record<string, string> = {};
    for (const d of [...section.rows, ...section.columns]) out[d.key] = String(r[`d${dims.findIndex((x) => x.key === d.key)}`]);
    return { section: section.id, dims: out, n: Number(r.n) };
  });
}

function product(lists: string[][]): string[][] {
  return lists.reduce<string[][]>((acc, list) => acc.flatMap((prefix) => list.map((v) => [...prefix, v])), [[]]);
}

function categories(d: Dimension, rows: AggregateRow[]): string[] {
  if (d.values !== 'observed') return [...d.values];
  const seen = [...new Set(rows.map((r) => r.dims[d.key]))];
  // Codes in order, the "unknown" group last.
  return seen.sort((a, b) => (a === 'unknown' ? 1 : b === 'unknown' ? -1 : a < b ? -1 : a > b ? 1 : 0));
}

interface Crosstab {
  spec: SectionSpec;
  rows: string[][];
  columns: string[][];
  counts: number[][];
}

/** Flattens a section's groups into a two-way table (rows and columns are category tuples). */
export function crossTabulate(spec: SectionSpec, groups: AggregateRow[]): Crosstab {
  const rows = product(spec.rows.map((d) => categories(d, groups)));
  let columns = product(spec.columns.map((d) => categories(d, groups)));
  const rowIndex = new Map(rows.map((r, i) => [r.join('\u0000'), i]));
  const colIndex = new Map(columns.map((c, j) => [c.join('\u0000'), j]));
  let counts = rows.map(() => columns.map(() => 0));
  for (const g of groups) {
    const i = rowIndex.get(spec.rows.map((d) => g.dims[d.key]).join('\u0000'));
    const j = colIndex.get(spec.columns.map((d) => g.dims[d.key]).join('\u0000'));
    // A value outside the vocabulary would be dropped silently and break the shared total: fail.
    if (i === undefined || j === undefined) throw new DisclosureControlError(`section ${spec.id} holds an unknown category`);
    counts[i][j] += g.n;
  }
  if (spec.dropEmptyColumns) {
    const keep = columns.map((_, j) => counts.some((row) => row[j] > 0));
    columns = columns.filter((_, j) => keep[j]);
    counts = counts.map((row) => row.filter((_, j) => keep[j]));
  }
  return { spec, rows, columns, counts };
}

/**
 * Builds the publishable result: cross-tabulates every section, suppresses them as linked
 * tables, and checks the output once more with both attackers before anything is stored.
 */
export function buildReportResult(
  spec: TemplateSpec,
  period: ReportPeriod,
  scope: ReportScope,
  k: number,
  groups: AggregateRow[],
): ReportResult {
  const tabs = spec.sections.map((s) => crossTabulate(s, groups.filter((g) => g.section === s.id)));
  const suppressed = suppressLinked(
    tabs.map((t) => t.counts),
    k,
  );
  const sections = tabs.map((t, idx): ReportSection => {
    const p = publish(suppressed[idx]);
    const values = [...p.cells.flat(), ...p.rowTotals, ...p.columnTotals, p.grandTotal];
    if (values.some((v) => v !== null && v > 0 && v < k)) throw new DisclosureControlError('a small count survived suppression');
    if (solveBySingleUnknowns(p).length || solvableByLinearAlgebra(p).length) {
      throw new DisclosureControlError('a suppressed count could be recovered');
    }
    return {
      id: t.spec.id,
      title: t.spec.title,
      rowDimensions: t.spec.rows.map((d) => d.key),
      columnDimensions: t.spec.columns.map((d) => d.key),
      rows: t.rows,
      columns: t.columns,
      ...p,
    };
  });
  return {
    template: spec.id,
    templateVersion: spec.version,
    title: spec.title,
    period: period.code,
    periodKind: period.kind,
    scope,
    minCellCount: k,
    sections,
    omittedSections: spec.omitted,
    chart: spec.chart,
  };
}
