import {
  DisclosureControlError,
  publish,
  PublishedTable,
  PublishedValue,
  solvableByLinearAlgebra,
  solvableInLinkedTables,
  solveBySingleUnknowns,
  SuppressedTable,
  suppressLinked,
  suppressRowLinked,
} from './disclosure-control';
import { RegionNode, rollUpRegions } from '@amani/domain/locations';
import { deriveIndicators, ReportIndicatorTable } from './report-indicators';
import type { ReportPeriod } from './report-period';
import {
  CountUnit,
  Dimension,
  FamilySpec,
  familyDimensions,
  ReportScope,
  SectionSpec,
  TemplateSpec,
  templateFamilies,
} from './report-templates';

/** One group of an aggregation: a section's categories and how many rows fall in it. */
export interface AggregateRow {
  section: string;
  dims: Record<string, string>;
  n: number;
}

/** A published section: categories, and counts with null where suppressed. */
export interface ReportSection {
  id: string;
  title: string;
  /** What the counts count. */
  unit: CountUnit;
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
  /** Figures derived from the published counts only (rates, median bucket); null where not publishable. */
  indicators: ReportIndicatorTable[];
  chart: { section: string; title: string };
  /** Who counts in each population the report reads, in words (results stored earlier have none). */
  inclusion?: { population: string; rule: string }[];
  /**
   * Admin-1 codes under which all their sub-units were counted because a sub-unit's cell
   * would have been suppressed (results stored earlier have none).
   */
  regionRollUp?: string[];
}

/** The dimension key of region columns, which roll up along the gazetteer. */
export const REGION_KEY = 'region';

const alias = (dims: Dimension[], d: Dimension) => `d${dims.findIndex((x) => x.key === d.key)}`;

/**
 * The one aggregation of a family: all its sections in a single GROUP BY GROUPING SETS
 * statement, so PostgreSQL scans the period's rows once and returns only the groups (never
 * the rows). The builder runs the statements of a report's families in one snapshot, so
 * sections agree on their totals. Parameters: the family source's params().
 */
export function aggregationQuery(family: FamilySpec): { sql: string; sectionByGrouping: Map<number, SectionSpec> } {
  const dims = familyDimensions(family);
  const all = dims.map((d) => alias(dims, d));
  const sectionByGrouping = new Map<number, SectionSpec>();
  const sets: string[] = [];
  for (const s of family.sections) {
    const used = new Set([...s.rows, ...s.columns].map((d) => alias(dims, d)));
    // GROUPING(a, b, …) sets the bit of each argument left out of the grouping set, first argument highest.
    const mask = all.reduce((acc, a, i) => acc | (used.has(a) ? 0 : 1 << (all.length - 1 - i)), 0);
    if (sectionByGrouping.has(mask)) throw new Error(`sections of ${family.id} group by the same dimensions`);
    sectionByGrouping.set(mask, s);
    sets.push(`(${[...used].join(', ')})`);
  }
  const sql =
    `SELECT ${all.join(', ')}, GROUPING(${all.join(', ')}) AS g, count(*)::int AS n ` +
    `FROM (SELECT ${dims.map((d) => `${d.sql} AS ${alias(dims, d)}`).join(', ')} ${family.source.from}) s ` +
    `GROUP BY GROUPING SETS (${sets.join(', ')})`;
  return { sql, sectionByGrouping };
}

/** Rows of aggregationQuery as AggregateRows. */
export function readAggregation(family: FamilySpec, raw: Record<string, unknown>[]): AggregateRow[] {
  const { sectionByGrouping } = aggregationQuery(family);
  const dims = familyDimensions(family);
  return raw.map((r) => {
    const section = sectionByGrouping.get(Number(r.g));
    if (!section) throw new Error('unexpected grouping in the aggregation');
    const out: Record<string, string> = {};
    for (const d of [...section.rows, ...section.columns]) out[d.key] = String(r[alias(dims, d)]);
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
  let rows = product(spec.rows.map((d) => categories(d, groups)));
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
  if (spec.dropEmptyRows) {
    const keep = counts.map((row) => row.some((v) => v > 0));
    rows = rows.filter((_, i) => keep[i]);
    counts = counts.filter((_, i) => keep[i]);
  }
  return { spec, rows, columns, counts };
}

const entriesOf = (p: PublishedTable) => [...p.cells.flat(), ...p.rowTotals, ...p.columnTotals, p.grandTotal];

/**
 * Suppresses a family's tables together and checks the output with every attacker before
 * anything leaves: no count from 1 to k-1; no entry solved by the single-unknown attacker or
 * by linear algebra within its table; and, for row-linked tables, none solved by exact
 * elimination over all the family's equations together. For tables sharing only the grand
 * total, the per-table checks plus one grand total suppressed in all or none are the whole
 * argument (see suppressLinked).
 */
export function suppressFamily(family: FamilySpec, counts: number[][][], k: number): PublishedTable[] {
  const suppressed: SuppressedTable[] = family.linkage === 'rows' ? suppressRowLinked(counts, k) : suppressLinked(counts, k);
  const published = suppressed.map(publish);
  for (const p of published) {
    if (entriesOf(p).some((v) => v !== null && v > 0 && v < k)) throw new DisclosureControlError('a small count survived suppression');
    if (solveBySingleUnknowns(p).length || solvableByLinearAlgebra(p).length) {
      throw new DisclosureControlError('a suppressed count could be recovered');
    }
  }
  if (new Set(published.map((p) => p.grandTotal === null)).size > 1) {
    throw new DisclosureControlError('linked tables disagree on the grand total');
  }
  if (family.linkage === 'rows' && solvableInLinkedTables(published, 'rows').length) {
    throw new DisclosureControlError('a suppressed count could be recovered from the linked tables');
  }
  return published;
}

/**
 * Builds the publishable result: cross-tabulates every section of every family the template
 * reads, suppresses each family as linked tables, keeps the sections the template publishes,
 * and derives its indicators from those published figures only.
 */
export function buildReportResult(
  spec: TemplateSpec,
  period: ReportPeriod,
  scope: ReportScope,
  k: number,
  groups: AggregateRow[],
  regions: ReadonlyMap<string, RegionNode> = new Map(),
): ReportResult {
  const sections: ReportSection[] = [];
  const rolledUp = new Set<string>();
  templateFamilies(spec);
  for (const { family, publish: published } of spec.families) {
    const tabs = family.sections.map((s) => {
      let own = groups.filter((g) => g.section === s.id);
      if ([...s.rows, ...s.columns].some((d) => d.key === REGION_KEY)) {
        const r = rollUpRegions(own, REGION_KEY, regions, k);
        own = r.groups;
        r.rolledUp.forEach((c) => rolledUp.add(c));
      }
      return crossTabulate(s, own);
    });
    const tables = suppressFamily(
      family,
      tabs.map((t) => t.counts),
      k,
    );
    tabs.forEach((t, idx) => {
      if (!published.includes(t.spec.id)) return;
      sections.push({
        id: t.spec.id,
        title: t.spec.title,
        unit: family.source.unit,
        rowDimensions: t.spec.rows.map((d) => d.key),
        columnDimensions: t.spec.columns.map((d) => d.key),
        rows: t.rows,
        columns: t.columns,
        ...tables[idx],
      });
    });
  }
  return {
    template: spec.id,
    templateVersion: spec.version,
    title: spec.title,
    period: period.code,
    periodKind: period.kind,
    scope,
    minCellCount: k,
    sections,
    indicators: spec.indicators ? deriveIndicators(spec.indicators, sections, k) : [],
    chart: spec.chart,
    inclusion: spec.families.map(({ family }) => ({ population: family.source.id, rule: family.source.rule })),
    regionRollUp: [...rolledUp].sort(),
  };
}
