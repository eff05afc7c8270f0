/**
 * Statistical disclosure control for published contingency tables (DESIGN §6).
 *
 * A table is published with its row totals, column totals and grand total. Viewed as one
 * (n+1) x (m+1) "augmented" matrix whose last column holds the row totals and last row the
 * column totals, every row and every column of that matrix is a linear equation: its inner
 * entries add up to its last entry. The attacker knows every published entry, that every entry
 * is a non-negative integer, and that a suppressed entry is never zero.
 *
 * 1. Primary suppression: every entry (cell or total) from 1 to k-1.
 * 2. Complementary suppression, repeated to a fixed point:
 *    a. a line (row or column of the augmented matrix) with exactly one suppressed entry would
 *       give that entry away by subtraction, so a second entry of the line is suppressed: an
 *       inner entry before the line's own total; among those, one whose crossing line also holds
 *       exactly one suppression (one complement then mends two lines), then the smallest
 *       non-zero value, then the first;
 *    b. beyond that single-unknown attack, any combination of the equations solves a suppressed
 *       entry exactly when it is a bridge of the graph whose nodes are the lines and whose edges
 *       are the suppressed entries (the solutions of the homogeneous system are the cycle space
 *       of that graph). Each bridge gets a complementary suppression that closes a cycle through
 *       it: an entry joining the two sides of the bridge, smallest non-zero value first.
 *
 * 3. Tables published side by side over one population are suppressed together: sharing only
 *    the grand total (suppressLinked), or sharing every row total too (suppressRowLinked).
 *
 * Zeros are published. In these tables a zero is a structural or observed absence of
 * incidents; it describes nobody, and suppressing zeros would hide the shape of the data
 * without protecting anyone. A suppressed entry is therefore known to be at least 1. Only
 * when no non-zero entry can close a cycle (rare) is a zero suppressed as a complement.
 *
 * Not covered: bounds from non-negativity (an attacker solving linear programmes can narrow a
 * suppressed cell to an interval, never to one value); differential privacy is a later step.
 * The published output never tells primary from complementary suppressions: that difference
 * would itself say "this one is below k".
 */

/** Smallest publishable count and the default threshold. */
export const MIN_CELL_COUNT = 5;

export type SuppressionReason = 'primary' | 'complementary';

export interface TableEntry {
  /** The true count; never published when `suppressed` is set. */
  value: number;
  suppressed: SuppressionReason | null;
}

export interface SuppressedTable {
  k: number;
  cells: TableEntry[][];
  rowTotals: TableEntry[];
  columnTotals: TableEntry[];
  grandTotal: TableEntry;
}

export interface SuppressOptions {
  /** Threshold: counts 1..k-1 are suppressed. Default and minimum MIN_CELL_COUNT. */
  k?: number;
  /** Suppress the grand total whatever its value (it is suppressed in a linked table). */
  forceGrandTotal?: boolean;
}

export class DisclosureControlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DisclosureControlError';
  }
}

export function checkThreshold(k: number): number {
  if (!Number.isInteger(k) || k < MIN_CELL_COUNT) {
    throw new DisclosureControlError(`the disclosure threshold k must be an integer of at least ${MIN_CELL_COUNT}`);
  }
  return k;
}

interface Augmented {
  n: number;
  m: number;
  value: number[][];
  mark: (SuppressionReason | null)[][];
}

function augment(counts: readonly (readonly number[])[]): Augmented {
  const n = counts.length;
  const m = n === 0 ? 0 : counts[0].length;
  const value: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = 0; i < n; i++) {
    if (counts[i].length !== m) throw new DisclosureControlError('the table is not rectangular');
    for (let j = 0; j < m; j++) {
      const v = counts[i][j];
      if (!Number.isSafeInteger(v) || v < 0) throw new DisclosureControlError('counts must be non-negative integers');
      value[i][j] = v;
      value[i][m] += v;
      value[n][j] += v;
      value[n][m] += v;
    }
  }
  const mark = Array.from({ length: n + 1 }, () => new Array<SuppressionReason | null>(m + 1).fill(null));
  return { n, m, value, mark };
}

/** Entries of line `l`: lines 0..n are rows, n+1..n+m+1 are columns. The line's own total is last. */
function lineEntries(a: Augmented, l: number): [number, number][] {
  const out: [number, number][] = [];
  if (l <= a.n) for (let j = 0; j <= a.m; j++) out.push([l, j]);
  else for (let i = 0; i <= a.n; i++) out.push([i, l - a.n - 1]);
  return out;
}

function countSuppressed(a: Augmented, l: number): number {
  let c = 0;
  for (const [i, j] of lineEntries(a, l)) if (a.mark[i][j]) c++;
  return c;
}

/** Step 2a over every line; returns whether it suppressed anything. */
function fixSingletons(a: Augmented): boolean {
  let changed = false;
  const lines = a.n + a.m + 2;
  for (let l = 0; l < lines; l++) {
    const entries = lineEntries(a, l);
    if (entries.filter(([i, j]) => a.mark[i][j]).length !== 1) continue;
    const isRowLine = l <= a.n;
    let best: { at: [number, number]; rank: number[] } | null = null;
    entries.forEach(([i, j], idx) => {
      if (a.mark[i][j] || a.value[i][j] === 0) return;
      const ownTotal = idx === entries.length - 1 ? 1 : 0;
      const crossing = isRowLine ? a.n + 1 + j : i;
      const fixesCrossing = countSuppressed(a, crossing) === 1 ? 0 : 1;
      const rank = [ownTotal, fixesCrossing, a.value[i][j], idx];
      if (!best || lexLess(rank, best.rank)) best = { at: [i, j], rank };
    });
    // A line whose sum is zero cannot hold a single non-zero unknown, so a candidate exists.
    if (!best) throw new DisclosureControlError('no complementary candidate in a line');
    const [bi, bj] = (best as { at: [number, number] }).at;
    a.mark[bi][bj] = 'complementary';
    changed = true;
  }
  return changed;
}

function lexLess(x: number[], y: number[]): boolean {
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return x[i] < y[i];
  return false;
}

interface Edge {
  i: number;
  j: number;
  u: number;
  v: number;
}

/** Suppressed entries as edges between row nodes 0..n and column nodes n+1..n+m+1. */
function suppressionGraph(a: Augmented): { edges: Edge[]; adj: number[][] } {
  const nodes = a.n + a.m + 2;
  const adj: number[][] = Array.from({ length: nodes }, () => []);
  const edges: Edge[] = [];
  for (let i = 0; i <= a.n; i++) {
    for (let j = 0; j <= a.m; j++) {
      if (!a.mark[i][j]) continue;
      const e = { i, j, u: i, v: a.n + 1 + j };
      adj[e.u].push(edges.length);
      adj[e.v].push(edges.length);
      edges.push(e);
    }
  }
  return { edges, adj };
}

/** Edge ids of every bridge (iterative Tarjan, so large tables cannot overflow the stack). */
export function findBridges(nodes: number, edges: { u: number; v: number }[], adj: number[][]): number[] {
  const disc = new Array<number>(nodes).fill(-1);
  const low = new Array<number>(nodes).fill(0);
  const bridges: number[] = [];
  let time = 0;
  for (let root = 0; root < nodes; root++) {
    if (disc[root] !== -1) continue;
    const stack: { node: number; viaEdge: number; next: number }[] = [{ node: root, viaEdge: -1, next: 0 }];
    disc[root] = low[root] = time++;
    while (stack.length) {
      const top = stack[stack.length - 1];
      if (top.next < adj[top.node].length) {
        const e = adj[top.node][top.next++];
        if (e === top.viaEdge) continue;
        const other = edges[e].u === top.node ? edges[e].v : edges[e].u;
        if (disc[other] === -1) {
          disc[other] = low[other] = time++;
          stack.push({ node: other, viaEdge: e, next: 0 });
        } else {
          low[top.node] = Math.min(low[top.node], disc[other]);
        }
      } else {
        stack.pop();
        if (stack.length) {
          const parent = stack[stack.length - 1].node;
          low[parent] = Math.min(low[parent], low[top.node]);
          if (low[top.node] > disc[parent]) bridges.push(top.viaEdge);
        }
      }
    }
  }
  return bridges.sort((x, y) => x - y);
}

/** Step 2b: closes a cycle through the first bridge; returns whether it suppressed anything. */
function fixBridges(a: Augmented): boolean {
  const { edges, adj } = suppressionGraph(a);
  const nodes = a.n + a.m + 2;
  const bridges = findBridges(nodes, edges, adj);
  if (!bridges.length) return false;
  const bridge = edges[bridges[0]];
  const side = (start: number): Set<number> => {
    const seen = new Set<number>([start]);
    const queue = [start];
    while (queue.length) {
      const x = queue.pop()!;
      for (const e of adj[x]) {
        if (e === bridges[0]) continue;
        const y = edges[e].u === x ? edges[e].v : edges[e].u;
        if (!seen.has(y)) {
          seen.add(y);
          queue.push(y);
        }
      }
    }
    return seen;
  };
  const sideA = side(bridge.u);
  const sideB = side(bridge.v);
  let best: { i: number; j: number; rank: number[] } | null = null;
  for (let i = 0; i <= a.n; i++) {
    for (let j = 0; j <= a.m; j++) {
      if (a.mark[i][j]) continue;
      const col = a.n + 1 + j;
      const joins = (sideA.has(i) && sideB.has(col)) || (sideB.has(i) && sideA.has(col));
      if (!joins) continue;
      const rank = [a.value[i][j] === 0 ? 1 : 0, a.value[i][j], i, j];
      if (!best || lexLess(rank, best.rank)) best = { i, j, rank };
    }
  }
  // Both sides hold a row node and a column node once every node has degree 0 or >= 2.
  if (!best) throw new DisclosureControlError('no entry closes a cycle through a bridge');
  a.mark[best.i][best.j] = 'complementary';
  return true;
}

/**
 * Primary and complementary suppression of a two-way table of counts (rows x columns), with
 * its row, column and grand totals. A table of more dimensions is flattened first (see
 * crossTabulate): rows and columns are then tuples of categories, and only the flattened
 * table's own margins may be published beside it.
 */
export function suppress(counts: readonly (readonly number[])[], options: SuppressOptions | number = {}): SuppressedTable {
  const opts = typeof options === 'number' ? { k: options } : options;
  const k = checkThreshold(opts.k ?? MIN_CELL_COUNT);
  const a = augment(counts);
  markPrimary(a, k);
  if (opts.forceGrandTotal && a.value[a.n][a.m] > 0 && !a.mark[a.n][a.m]) a.mark[a.n][a.m] = 'complementary';
  complete(a);
  return toTable(a, k);
}

function markPrimary(a: Augmented, k: number): void {
  for (let i = 0; i <= a.n; i++) {
    for (let j = 0; j <= a.m; j++) if (a.value[i][j] >= 1 && a.value[i][j] < k) a.mark[i][j] = 'primary';
  }
}

/** Step 2 to its fixed point. Only ever adds marks. */
function complete(a: Augmented): void {
  for (;;) {
    if (fixSingletons(a)) continue;
    if (fixBridges(a)) continue;
    break;
  }
}

function toTable(a: Augmented, k: number): SuppressedTable {
  const entry = (i: number, j: number): TableEntry => ({ value: a.value[i][j], suppressed: a.mark[i][j] });
  return {
    k,
    cells: Array.from({ length: a.n }, (_, i) => Array.from({ length: a.m }, (_, j) => entry(i, j))),
    rowTotals: Array.from({ length: a.n }, (_, i) => entry(i, a.m)),
    columnTotals: Array.from({ length: a.m }, (_, j) => entry(a.n, j)),
    grandTotal: entry(a.n, a.m),
  };
}

/**
 * Suppresses several tables published side by side over the same population. They may share
 * nothing but the grand total (templates are built that way); a grand total suppressed in one
 * is suppressed in all, so no table gives it away to another.
 */
export function suppressLinked(tables: readonly (readonly (readonly number[])[])[], k = MIN_CELL_COUNT): SuppressedTable[] {
  let out = tables.map((t) => suppress(t, { k }));
  const totals = new Set(out.map((t) => t.grandTotal.value));
  if (totals.size > 1) throw new DisclosureControlError('linked tables must share one grand total');
  if (out.some((t) => t.grandTotal.suppressed) && out.some((t) => !t.grandTotal.suppressed)) {
    out = tables.map((t) => suppress(t, { k, forceGrandTotal: true }));
  }
  return out;
}

/**
 * Suppresses tables that share their rows: the same population broken down by the same row
 * categories and by different columns (referrals by service type and status, by service type
 * and time to accept, …). They share every row total and the grand total, so an attacker
 * reads one system of equations in which those margins are common unknowns. Each table is
 * suppressed as above, and then, to a fixed point (marks only ever grow, so it ends):
 *
 * - a row total or grand total suppressed in one table is suppressed in all;
 * - in every table, the rows whose totals are suppressed (the grand total counting as the
 *   column-totals row) are joined by suppressed entries that avoid the totals column.
 *
 * Why that is enough: a table's homogeneous solutions are the cycles of its suppression graph
 * (see the header). The totals-column equation (suppressed row totals minus a suppressed
 * grand total) is the same in every table; beyond it, a table constrains the shared unknowns
 * only when its suppressed margins fall into separate components once the totals column is
 * removed. With one component, every combination of shared values allowed by that common
 * equation extends to a solution of every table, so any solution of one table extends to all
 * of them, and an entry undetermined in its own table stays undetermined in the family.
 * `solvableInLinkedTables` checks the outcome independently, by exact elimination.
 */
export function suppressRowLinked(tables: readonly (readonly (readonly number[])[])[], k = MIN_CELL_COUNT): SuppressedTable[] {
  checkThreshold(k);
  const aug = tables.map(augment);
  if (aug.length === 0) return [];
  const first = aug[0];
  for (const a of aug) {
    if (a.n !== first.n) throw new DisclosureControlError('row-linked tables must have the same rows');
    for (let i = 0; i <= a.n; i++) {
      if (a.value[i][a.m] !== first.value[i][first.m]) throw new DisclosureControlError('row-linked tables must share their row totals');
    }
  }
  for (const a of aug) markPrimary(a, k);
  for (;;) {
    for (const a of aug) complete(a);
    if (shareMarginMarks(aug)) continue;
    let joined = false;
    for (const a of aug) joined = joinSuppressedMargins(a) || joined;
    if (joined) continue;
    break;
  }
  return aug.map((a) => toTable(a, k));
}

/** Marks in every table the margins (row totals, grand total) suppressed in any. */
function shareMarginMarks(aug: Augmented[]): boolean {
  let changed = false;
  const n = aug[0].n;
  for (let i = 0; i <= n; i++) {
    if (!aug.some((a) => a.mark[i][a.m])) continue;
    for (const a of aug) {
      if (!a.mark[i][a.m]) {
        a.mark[i][a.m] = 'complementary';
        changed = true;
      }
    }
  }
  return changed;
}

/**
 * Joins, with one more suppressed entry outside the totals column, two components that each
 * hold a row with a suppressed margin. Returns whether it suppressed anything.
 */
function joinSuppressedMargins(a: Augmented): boolean {
  const marginRows: number[] = [];
  for (let i = 0; i <= a.n; i++) if (a.mark[i][a.m]) marginRows.push(i);
  if (marginRows.length < 2) return false;
  // Union-find over row nodes 0..n and column nodes n+1..n+m (the totals column left out).
  const parent = Array.from({ length: a.n + 1 + a.m }, (_, x) => x);
  const find = (x: number): number => {
    while (parent[x] !== x) x = parent[x] = parent[parent[x]];
    return x;
  };
  for (let i = 0; i <= a.n; i++) {
    for (let j = 0; j < a.m; j++) if (a.mark[i][j]) parent[find(i)] = find(a.n + 1 + j);
  }
  const holding = new Set(marginRows.map(find));
  if (holding.size < 2) return false;
  let best: { i: number; j: number; rank: number[] } | null = null;
  for (let i = 0; i <= a.n; i++) {
    for (let j = 0; j < a.m; j++) {
      if (a.mark[i][j]) continue;
      const ci = find(i);
      const cj = find(a.n + 1 + j);
      if (ci === cj || !holding.has(ci) || !holding.has(cj)) continue;
      const rank = [a.value[i][j] === 0 ? 1 : 0, a.value[i][j], i, j];
      if (!best || lexLess(rank, best.rank)) best = { i, j, rank };
    }
  }
  // Row a of one component and a column holding a suppressed entry of another always qualify.
  if (!best) throw new DisclosureControlError('no entry joins the suppressed margins');
  a.mark[best.i][best.j] = 'complementary';
  return true;
}

/** A published entry: the count, or null when suppressed (never why). */
export type PublishedValue = number | null;

export interface PublishedTable {
  cells: PublishedValue[][];
  rowTotals: PublishedValue[];
  columnTotals: PublishedValue[];
  grandTotal: PublishedValue;
}

export function publish(t: SuppressedTable): PublishedTable {
  const p = (e: TableEntry): PublishedValue => (e.suppressed ? null : e.value);
  return {
    cells: t.cells.map((row) => row.map(p)),
    rowTotals: t.rowTotals.map(p),
    columnTotals: t.columnTotals.map(p),
    grandTotal: p(t.grandTotal),
  };
}

/**
 * The attacker of the acceptance criteria: repeatedly takes any row or column of the
 * augmented table (totals included) with exactly one unknown entry and solves it. Returns the
 * entries it solved as [row, column] of the augmented matrix (row n = column totals, column
 * m = row totals). Used by the tests and as a last check before a report is stored.
 */
export function solveBySingleUnknowns(t: PublishedTable): [number, number][] {
  const n = t.cells.length;
  const m = t.columnTotals.length;
  const grid: PublishedValue[][] = [
    ...t.cells.map((row, i) => [...row, t.rowTotals[i]]),
    [...t.columnTotals, t.grandTotal],
  ];
  const solved: [number, number][] = [];
  let progress = true;
  while (progress) {
    progress = false;
    for (let l = 0; l < n + m + 2; l++) {
      const entries: [number, number][] =
        l <= n ? Array.from({ length: m + 1 }, (_, j) => [l, j]) : Array.from({ length: n + 1 }, (_, i) => [i, l - n - 1]);
      const unknown = entries.filter(([i, j]) => grid[i][j] === null);
      if (unknown.length !== 1) continue;
      const [ui, uj] = unknown[0];
      const [ti, tj] = entries[entries.length - 1];
      const innerSum = entries.slice(0, -1).reduce((s, [i, j]) => s + (grid[i][j] ?? 0), 0);
      grid[ui][uj] = ui === ti && uj === tj ? innerSum : (grid[ti][tj] as number) - innerSum;
      solved.push([ui, uj]);
      progress = true;
    }
  }
  return solved;
}

/**
 * Entries that some linear combination of the published equations determines exactly:
 * suppressed entries that are bridges of the line graph (see the header). Empty for every
 * output of `suppress`.
 */
export function solvableByLinearAlgebra(t: PublishedTable): [number, number][] {
  const n = t.cells.length;
  const m = t.columnTotals.length;
  const at = (i: number, j: number): PublishedValue =>
    i < n ? (j < m ? t.cells[i][j] : t.rowTotals[i]) : j < m ? t.columnTotals[j] : t.grandTotal;
  const edges: { u: number; v: number; i: number; j: number }[] = [];
  const adj: number[][] = Array.from({ length: n + m + 2 }, () => []);
  for (let i = 0; i <= n; i++) {
    for (let j = 0; j <= m; j++) {
      if (at(i, j) !== null) continue;
      adj[i].push(edges.length);
      adj[n + 1 + j].push(edges.length);
      edges.push({ u: i, v: n + 1 + j, i, j });
    }
  }
  return findBridges(n + m + 2, edges, adj).map((e) => [edges[e].i, edges[e].j]);
}

/**
 * Exact check of published tables read together: `linkage` 'grand_total' when they share
 * only the grand total, 'rows' when they also share every row total. Every suppressed entry
 * is an unknown (a shared margin is one unknown for all tables; a shared margin published in
 * one table and suppressed in another is solved at once); every line of every table is an
 * equation. Returns [table, row, column] (augmented coordinates) of each unknown that some
 * combination of the equations determines, by fraction-free Gaussian elimination over the
 * integers, so no rounding can hide one. Meant for families of a few small tables.
 */
export function solvableInLinkedTables(tables: readonly PublishedTable[], linkage: 'grand_total' | 'rows'): [number, number, number][] {
  if (tables.length === 0) return [];
  const n = tables[0].cells.length;
  const dims = tables.map((t) => ({ n: t.cells.length, m: t.columnTotals.length }));
  if (linkage === 'rows' && dims.some((d) => d.n !== n)) throw new DisclosureControlError('row-linked tables must have the same rows');
  const at = (t: PublishedTable, i: number, j: number): PublishedValue => {
    const tn = t.cells.length;
    const m = t.columnTotals.length;
    return i < tn ? (j < m ? t.cells[i][j] : t.rowTotals[i]) : j < m ? t.columnTotals[j] : t.grandTotal;
  };
  const shared = (ti: number, i: number, j: number): string | null => {
    const { n: tn, m } = dims[ti];
    if (j !== m) return null;
    if (i === tn) return 'grand';
    return linkage === 'rows' ? `row${i}` : null;
  };
  // A shared margin published in any table is known in all: its suppressed copies are solved.
  const known = new Set<string>();
  tables.forEach((t, ti) => {
    for (let i = 0; i <= dims[ti].n; i++) {
      const key = shared(ti, i, dims[ti].m);
      if (key && at(t, i, dims[ti].m) !== null) known.add(key);
    }
  });
  const solved: [number, number, number][] = [];
  const index = new Map<string, number>();
  const owners: [number, number, number][][] = [];
  const keyOf = (ti: number, i: number, j: number) => shared(ti, i, j) ?? `${ti}:${i}:${j}`;
  tables.forEach((t, ti) => {
    for (let i = 0; i <= dims[ti].n; i++) {
      for (let j = 0; j <= dims[ti].m; j++) {
        if (at(t, i, j) !== null) continue;
        const key = keyOf(ti, i, j);
        if (known.has(key)) {
          solved.push([ti, i, j]);
          continue;
        }
        if (!index.has(key)) {
          index.set(key, owners.length);
          owners.push([]);
        }
        owners[index.get(key)!].push([ti, i, j]);
      }
    }
  });
  const rows: bigint[][] = [];
  const equation = (ti: number, entries: [number, number][]) => {
    const r = new Array<bigint>(owners.length).fill(0n);
    entries.forEach(([i, j], idx) => {
      const u = at(tables[ti], i, j) === null ? index.get(keyOf(ti, i, j)) : undefined;
      if (u !== undefined) r[u] += idx === entries.length - 1 ? -1n : 1n;
    });
    if (r.some((x) => x !== 0n)) rows.push(r);
  };
  tables.forEach((_, ti) => {
    const { n: tn, m } = dims[ti];
    for (let i = 0; i <= tn; i++) equation(ti, Array.from({ length: m + 1 }, (_, j) => [i, j] as [number, number]));
    for (let j = 0; j <= m; j++) equation(ti, Array.from({ length: tn + 1 }, (_, i) => [i, j] as [number, number]));
  });
  for (const u of determinedByIntegerElimination(rows, owners.length)) solved.push(...owners[u]);
  return solved.sort((x, y) => x[0] - y[0] || x[1] - y[1] || x[2] - y[2]);
}

const gcd = (x: bigint, y: bigint): bigint => {
  x = x < 0n ? -x : x;
  y = y < 0n ? -y : y;
  while (y !== 0n) [x, y] = [y, x % y];
  return x;
};

/** Unknowns whose unit vector lies in the row space: pivot rows with no other non-zero entry. */
function determinedByIntegerElimination(rows: bigint[][], unknowns: number): number[] {
  const pivots: [number, number][] = [];
  let next = 0;
  for (let c = 0; c < unknowns && next < rows.length; c++) {
    const p = rows.findIndex((r, idx) => idx >= next && r[c] !== 0n);
    if (p < 0) continue;
    [rows[next], rows[p]] = [rows[p], rows[next]];
    const pivot = rows[next];
    for (let r = 0; r < rows.length; r++) {
      if (r === next || rows[r][c] === 0n) continue;
      const b = rows[r][c];
      const reduced = rows[r].map((x, idx) => pivot[c] * x - b * pivot[idx]);
      const g = reduced.reduce((acc, x) => gcd(acc, x), 0n);
      rows[r] = g > 1n ? reduced.map((x) => x / g) : reduced;
    }
    pivots.push([next, c]);
    next++;
  }
  return pivots.filter(([r, c]) => rows[r].every((x, idx) => idx === c || x === 0n)).map(([, c]) => c);
}
