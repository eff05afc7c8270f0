import fc from 'fast-check';
import {
  DisclosureControlError,
  MIN_CELL_COUNT,
  publish,
  PublishedTable,
  solvableByLinearAlgebra,
  solveBySingleUnknowns,
  suppress,
  solvableInLinkedTables,
  SuppressedTable,
  suppressLinked,
  suppressRowLinked,
} from './disclosure-control';

/** 'p' primary, 'c' complementary, '.' published: the table's marks as strings, totals last. */
function marks(t: SuppressedTable): string[] {
  const m = (e: { suppressed: string | null }) => (e.suppressed === 'primary' ? 'p' : e.suppressed ? 'c' : '.');
  return [
    ...t.cells.map((row, i) => row.map(m).join('') + '|' + m(t.rowTotals[i])),
    t.columnTotals.map(m).join('') + '|' + m(t.grandTotal),
  ];
}

/** Floating-point elimination over one table: every suppressed entry that some combination of published lines determines. */
function determinedByElimination(t: PublishedTable): [number, number][] {
  return determinedInFamily([t], 'grand_total').map(([, i, j]) => [i, j]);
}

/**
 * Elimination over several tables read together: a row total (linkage 'rows') and
 * the grand total are one unknown for every table that suppresses them; a margin published in
 * one table is known in all. Returns [table, row, column] of every unknown determined.
 */
function determinedInFamily(tables: PublishedTable[], linkage: 'rows' | 'grand_total'): [number, number, number][] {
  const at = (t: PublishedTable, i: number, j: number) => {
    const n = t.cells.length;
    const m = t.columnTotals.length;
    return i < n ? (j < m ? t.cells[i][j] : t.rowTotals[i]) : j < m ? t.columnTotals[j] : t.grandTotal;
  };
  const keyOf = (ti: number, i: number, j: number) => {
    const n = tables[ti].cells.length;
    const m = tables[ti].columnTotals.length;
    if (j === m && i === n) return 'G';
    if (j === m && linkage === 'rows') return `R${i}`;
    return `${ti}:${i}:${j}`;
  };
  const known = new Set<string>();
  tables.forEach((t, ti) => {
    for (let i = 0; i <= t.cells.length; i++) {
      for (let j = 0; j <= t.columnTotals.length; j++) if (at(t, i, j) !== null) known.add(keyOf(ti, i, j));
    }
  });
  const unknowns: string[] = [];
  const owners = new Map<string, [number, number, number][]>();
  tables.forEach((t, ti) => {
    for (let i = 0; i <= t.cells.length; i++) {
      for (let j = 0; j <= t.columnTotals.length; j++) {
        const key = keyOf(ti, i, j);
        if (at(t, i, j) !== null) continue;
        if (!owners.has(key)) {
          owners.set(key, []);
          unknowns.push(key);
        }
        owners.get(key)!.push([ti, i, j]);
      }
    }
  });
  const index = new Map(unknowns.map((u, x) => [u, x]));
  const rows: number[][] = [];
  const line = (ti: number, entries: [number, number][]) => {
    const r = new Array<number>(unknowns.length).fill(0);
    entries.forEach(([i, j], idx) => {
      const key = keyOf(ti, i, j);
      if (at(tables[ti], i, j) === null && !known.has(key)) r[index.get(key)!] += idx === entries.length - 1 ? -1 : 1;
    });
    rows.push(r);
  };
  tables.forEach((t, ti) => {
    const n = t.cells.length;
    const m = t.columnTotals.length;
    for (let i = 0; i <= n; i++) line(ti, Array.from({ length: m + 1 }, (_, j) => [i, j] as [number, number]));
    for (let j = 0; j <= m; j++) line(ti, Array.from({ length: n + 1 }, (_, i) => [i, j] as [number, number]));
  });
  const eps = 1e-9;
  let pivotRow = 0;
  const pivots: number[] = [];
  for (let col = 0; col < unknowns.length && pivotRow < rows.length; col++) {
    let best = pivotRow;
    for (let r = pivotRow; r < rows.length; r++) if (Math.abs(rows[r][col]) > Math.abs(rows[best][col])) best = r;
    if (Math.abs(rows[best][col]) < eps) continue;
    [rows[pivotRow], rows[best]] = [rows[best], rows[pivotRow]];
    const p = rows[pivotRow][col];
    rows[pivotRow] = rows[pivotRow].map((x) => x / p);
    for (let r = 0; r < rows.length; r++) {
      if (r === pivotRow || Math.abs(rows[r][col]) < eps) continue;
      const f = rows[r][col];
      rows[r] = rows[r].map((x, c) => x - f * rows[pivotRow][c]);
    }
    pivots.push(col);
    pivotRow++;
  }
  const out: [number, number, number][] = [];
  // A shared margin published in one table and suppressed in another is known: solved.
  for (const u of unknowns) if (known.has(u)) out.push(...owners.get(u)!);
  pivots.forEach((col, r) => {
    if (!known.has(unknowns[col]) && rows[r].every((x, c) => c === col || Math.abs(x) < eps)) out.push(...owners.get(unknowns[col])!);
  });
  return out.sort((x, y) => x[0] - y[0] || x[1] - y[1] || x[2] - y[2]);
}

describe('suppress (hand-computed fixtures)', () => {
  it('suppresses 1..k-1, then complements until no line has a single unknown', () => {
    //            F   M   U   | total
    // A         20   3   0   |  23
    // B         12   8   6   |  26
    // C          7   0   9   |  16
    // total     39  11  15   |  65
    // Primary: A/M = 3. Row A needs a second: A/F 20 (the total comes last). Column F then
    // needs one: C/F 7 (smaller than B/F 12). Column M: B/M 8. Row B now has one: B/U 6 (its
    // column had none, and 6 < 12). Row C has one: C/U 9, which also mends column U.
    const t = suppress(
      [
        [20, 3, 0],
        [12, 8, 6],
        [7, 0, 9],
      ],
      5,
    );
    expect(marks(t)).toEqual(['cp.|.', '.cc|.', 'c.c|.', '...|.']);
    expect(publish(t)).toEqual({
      cells: [
        [null, null, 0],
        [12, null, null],
        [null, 0, null],
      ],
      rowTotals: [23, 26, 16],
      columnTotals: [39, 11, 15],
      grandTotal: 65,
    });
    expect(solveBySingleUnknowns(publish(t))).toEqual([]);
    expect(solvableByLinearAlgebra(publish(t))).toEqual([]);
  });

  it('closes a cycle through a bridge that the single-unknown attack misses', () => {
    // Two blocks of primary cells joined by r1/c2: every line holds 0 or >= 2 unknowns, yet
    // rows r0+r1 minus columns c0+c1 give r1/c2 = 2 exactly. The fix suppresses the smallest
    // entry joining the two sides of that bridge: r0/c2 = 10.
    const counts = [
      [2, 3, 10, 11, 50],
      [4, 1, 2, 12, 40],
      [13, 14, 3, 4, 60],
      [15, 16, 1, 2, 70],
    ];
    const primaryOnly: PublishedTable = {
      cells: counts.map((row) => row.map((v) => (v < 5 ? null : v))),
      rowTotals: counts.map((row) => row.reduce((a, b) => a + b, 0)),
      columnTotals: counts[0].map((_, j) => counts.reduce((a, row) => a + row[j], 0)),
      grandTotal: 353,
    };
    expect(solveBySingleUnknowns(primaryOnly)).toEqual([]);
    expect(solvableByLinearAlgebra(primaryOnly)).toEqual([[1, 2]]);
    expect(determinedByElimination(primaryOnly)).toEqual([[1, 2]]);

    const t = suppress(counts);
    expect(marks(t)).toEqual(['ppc..|.', 'ppp..|.', '..pp.|.', '..pp.|.', '.....|.']);
    expect(determinedByElimination(publish(t))).toEqual([]);
  });

  it('suppresses small totals and their lines, and publishes zeros', () => {
    //          x   y  | total
    // a        2   0  |  2     row total 2 is primary too
    // b        9   6  | 15
    // total   11   6  | 17
    const t = suppress([
      [2, 0],
      [9, 6],
    ]);
    // Row a: cell and total unknown. Column x: a/x alone -> b/x 9. Totals column: a's total
    // alone -> b's total 15 (no inner entry: the grand total is that line's own total).
    // Row b then has b/x and its total: two. Column y and the totals row are untouched.
    expect(marks(t)).toEqual(['p.|p', 'c.|c', '..|.']);
    expect(publish(t).cells).toEqual([
      [null, 0],
      [null, 6],
    ]);
    expect(solvableByLinearAlgebra(publish(t))).toEqual([]);
  });

  it('suppresses everything non-zero when the whole table is below k', () => {
    const t = suppress([[1, 0, 3]], 5);
    expect(publish(t)).toEqual({ cells: [[null, 0, null]], rowTotals: [null], columnTotals: [null, 0, null], grandTotal: null });
  });

  it('publishes a table without small counts untouched', () => {
    const t = suppress([
      [5, 0],
      [7, 12],
    ]);
    expect(marks(t)).toEqual(['..|.', '..|.', '..|.']);
  });

  it('honours a larger k, and refuses k below the minimum or bad counts', () => {
    expect(marks(suppress([[7, 20]], { k: 10 }))).toEqual(['pc|.', 'pc|.']);
    expect(() => suppress([[1]], 4)).toThrow(DisclosureControlError);
    expect(() => suppress([[1]], 5.5)).toThrow(DisclosureControlError);
    expect(() => suppress([[-1]])).toThrow(DisclosureControlError);
    expect(() => suppress([[1, 2], [3]])).toThrow(DisclosureControlError);
    expect(MIN_CELL_COUNT).toBe(5);
  });

  it('handles an empty table', () => {
    expect(publish(suppress([]))).toEqual({ cells: [], rowTotals: [], columnTotals: [], grandTotal: 0 });
  });

  it('a forced grand total gets complements of its own', () => {
    // Totals row: 8, 6, [14] -> column total 6 (smaller). Totals column: row total 14.
    // Row 0 then holds one unknown (its total) -> the 6 cell, which also mends column 1.
    const t = suppress([[8, 6]], { forceGrandTotal: true });
    expect(marks(t)).toEqual(['.c|c', '.c|c']);
    expect(solvableByLinearAlgebra(publish(t))).toEqual([]);
  });

  it('linked tables agree on the shared grand total', () => {
    const [t1, t2] = suppressLinked([[[8, 6]], [[2, 12]]]);
    expect([t1.grandTotal.suppressed, t2.grandTotal.suppressed]).toEqual([null, null]);
    const [u1, u2] = suppressLinked([[[3, 0]], [[1, 2]]]);
    expect([u1.grandTotal.suppressed, u2.grandTotal.suppressed]).toEqual(['primary', 'primary']);
    expect(() => suppressLinked([[[1]], [[2]]])).toThrow(DisclosureControlError);
  });

  it('row-linked tables: a margin suppressed in one is suppressed in all, then each table mends its lines', () => {
    //  T1      a   b | tot        T2      x   y   z | tot
    //  r0      4   0 |   4        r0      0   0   4 |   4
    //  r1      8  12 |  20        r1     10  10   0 |  20
    //  r2     15  15 |  30        r2      5   5  20 |  30
    //  total  27  27 |  54        total  15  15  24 |  54
    // Alone, T1 suppresses r0/a 4 and r0's total, then column a -> r1/a 8 and the totals
    // column -> r1's total (its row holds one); T2 suppresses r0/z 4 and r0's total, column z
    // -> r2/z 20, the totals column -> r2's total. Shared: r1's and r2's totals go to both.
    // T1's row r2 then needs a second: r2/a 15 (first of two 15s). T2's row r1: r1/x 10
    // (first of two 10s); its column: r2/x 5.
    const [t1, t2] = suppressRowLinked(
      [
        [
          [4, 0],
          [8, 12],
          [15, 15],
        ],
        [
          [0, 0, 4],
          [10, 10, 0],
          [5, 5, 20],
        ],
      ],
      5,
    );
    expect(marks(t1)).toEqual(['p.|p', 'c.|c', 'c.|c', '..|.']);
    expect(marks(t2)).toEqual(['..p|p', 'c..|c', 'c.c|c', '...|.']);
    expect(solvableInLinkedTables([publish(t1), publish(t2)], 'rows')).toEqual([]);
    expect(determinedInFamily([publish(t1), publish(t2)], 'rows')).toEqual([]);
    // Read separately, each would be fine; read together before the margins were shared,
    // T2 (which published r1's total 20) gives T1's r1/a away: 20 - 12 = 8.
    const alone = [suppress([[4, 0], [8, 12], [15, 15]]), suppress([[0, 0, 4], [10, 10, 0], [5, 5, 20]])].map(publish);
    expect(solvableInLinkedTables(alone, 'rows')).toEqual(expect.arrayContaining([[0, 1, 0]]));
    expect(() => suppressRowLinked([[[1, 2]], [[4]]])).toThrow(/row totals/);
    expect(() => suppressRowLinked([[[1]], [[1], [0]]])).toThrow(/same rows/);
  });

  it('row-linked tables: suppressed margins are joined away from the totals column', () => {
    // Found by the property below with the joining step switched off: five tables over five
    // rows, each safe alone, margins shared, yet elimination over all of them together solves
    // both cells of T4's row r2. In T1 the suppressed margins of rows r0, r1, r3 and r4 fell
    // apart once the totals column is set aside; the join suppresses r4's first cell, 6.
    const tables = [
      [[0, 25, 24], [0, 0, 1], [22, 0, 4], [8, 8, 19], [8, 4, 0]],
      [[21, 28], [0, 1], [9, 17], [9, 26], [6, 6]],
      [[8, 2, 22, 3, 14], [0, 0, 0, 0, 1], [0, 7, 1, 2, 16], [2, 13, 3, 8, 9], [4, 5, 1, 2, 0]],
      [[6, 5, 27, 11], [0, 1, 0, 0], [9, 9, 7, 1], [12, 10, 10, 3], [2, 2, 1, 7]],
      [[43, 6], [1, 0], [1, 25], [25, 10], [12, 0]],
    ];
    const out = suppressRowLinked(tables, 5);
    expect(marks(out[1])).toEqual(['c.|c', '.p|p', '..|.', 'c.|c', 'cc|c', '..|.']);
    expect(solvableInLinkedTables(out.map(publish), 'rows')).toEqual([]);
    expect(determinedInFamily(out.map(publish), 'rows')).toEqual([]);
    // With that one entry published, both attackers solve T4's row r2.
    const unjoined = out.map(publish);
    unjoined[1].cells[4][0] = 6;
    expect(determinedInFamily(unjoined, 'rows')).toEqual([
      [4, 2, 0],
      [4, 2, 1],
    ]);
    expect(solvableInLinkedTables(unjoined, 'rows')).toEqual([
      [4, 2, 0],
      [4, 2, 1],
    ]);
  });
});

describe('suppress (properties)', () => {
  const count = fc.oneof(
    { weight: 3, arbitrary: fc.constant(0) },
    { weight: 4, arbitrary: fc.integer({ min: 1, max: 9 }) },
    { weight: 3, arbitrary: fc.integer({ min: 10, max: 200 }) },
  );
  const table = fc
    .tuple(fc.integer({ min: 1, max: 7 }), fc.integer({ min: 1, max: 7 }))
    .chain(([n, m]) => fc.array(fc.array(count, { minLength: m, maxLength: m }), { minLength: n, maxLength: n }));
  const k = fc.integer({ min: MIN_CELL_COUNT, max: 12 });

  const entries = (p: PublishedTable) => [...p.cells.flat(), ...p.rowTotals, ...p.columnTotals, p.grandTotal];

  it('publishes no count from 1 to k-1, and every published count is the true count', () => {
    fc.assert(
      fc.property(table, k, (counts, kk) => {
        const t = suppress(counts, kk);
        const p = publish(t);
        for (const v of entries(p)) if (v !== null) expect(v === 0 || v >= kk).toBe(true);
        counts.forEach((row, i) => row.forEach((v, j) => p.cells[i][j] !== null && expect(p.cells[i][j]).toBe(v)));
        expect(t.grandTotal.value).toBe(counts.flat().reduce((a, b) => a + b, 0));
      }),
      { numRuns: 400 },
    );
  });

  it('the single-unknown attacker solves no suppressed entry', () => {
    fc.assert(
      fc.property(table, k, (counts, kk) => {
        expect(solveBySingleUnknowns(publish(suppress(counts, kk)))).toEqual([]);
      }),
      { numRuns: 400 },
    );
  });

  it('no linear combination of the published totals determines a suppressed entry', () => {
    fc.assert(
      fc.property(table, k, (counts, kk) => {
        expect(determinedByElimination(publish(suppress(counts, kk)))).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it('linked tables keep their protection and agree on the grand total', () => {
    const linked = fc
      .tuple(table, fc.integer({ min: 1, max: 6 }))
      .chain(([first, m]) => {
        const total = first.flat().reduce((a, b) => a + b, 0);
        // A second table over the same population: split the total over m cells.
        return fc
          .array(fc.integer({ min: 0, max: Math.max(0, total) }), { minLength: m - 1, maxLength: m - 1 })
          .map((cuts) => {
            const sorted = [0, ...cuts.sort((a, b) => a - b), total];
            return [first, [sorted.slice(1).map((c, i) => c - sorted[i])]];
          });
      });
    fc.assert(
      fc.property(linked, k, (tables, kk) => {
        const out = suppressLinked(tables, kk);
        expect(new Set(out.map((t) => t.grandTotal.suppressed === null)).size).toBe(1);
        for (const t of out) {
          expect(solveBySingleUnknowns(publish(t))).toEqual([]);
          expect(determinedByElimination(publish(t))).toEqual([]);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('row-linked tables: no small count, shared margins agree, and nothing is solvable from all of them together', () => {
    const family = fc
      .tuple(table, fc.integer({ min: 1, max: 3 }))
      .chain(([first, extra]) =>
        fc
          .array(
            fc.integer({ min: 1, max: 5 }).chain((m) =>
              // Another breakdown of every row's total over m columns.
              fc.tuple(
                ...first.map((row) => {
                  const total = row.reduce((a, b) => a + b, 0);
                  return fc
                    .array(fc.integer({ min: 0, max: total }), { minLength: m - 1, maxLength: m - 1 })
                    .map((cuts) => {
                      const sorted = [0, ...cuts.sort((a, b) => a - b), total];
                      return sorted.slice(1).map((c, i) => c - sorted[i]);
                    });
                }),
              ),
            ),
            { minLength: extra, maxLength: extra },
          )
          .map((others) => [first, ...others]),
      );
    fc.assert(
      fc.property(family, k, (tables, kk) => {
        const out = suppressRowLinked(tables, kk);
        const published = out.map(publish);
        for (const p of published) {
          for (const v of entries(p)) if (v !== null) expect(v === 0 || v >= kk).toBe(true);
          expect(solveBySingleUnknowns(p)).toEqual([]);
        }
        const margins = (p: PublishedTable) => [...p.rowTotals, p.grandTotal].map((v) => v === null);
        for (const p of published) expect(margins(p)).toEqual(margins(published[0]));
        expect(determinedInFamily(published, 'rows')).toEqual([]);
        expect(solvableInLinkedTables(published, 'rows')).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it('the exact family check agrees with floating-point elimination on arbitrary suppressions', () => {
    // Random suppression patterns (not produced by suppress): both checkers must name the same entries.
    const pattern = fc
      .tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 }))
      .chain(([n, m1, m2]) =>
        fc.tuple(
          fc.array(fc.array(fc.boolean(), { minLength: m1 + 1, maxLength: m1 + 1 }), { minLength: n + 1, maxLength: n + 1 }),
          fc.array(fc.array(fc.boolean(), { minLength: m2 + 1, maxLength: m2 + 1 }), { minLength: n + 1, maxLength: n + 1 }),
        ),
      );
    const asTable = (mask: boolean[][]): PublishedTable => {
      const n = mask.length - 1;
      const m = mask[0].length - 1;
      const v = (i: number, j: number) => (mask[i][j] ? null : 1);
      return {
        cells: Array.from({ length: n }, (_, i) => Array.from({ length: m }, (_, j) => v(i, j))),
        rowTotals: Array.from({ length: n }, (_, i) => v(i, m)),
        columnTotals: Array.from({ length: m }, (_, j) => v(n, j)),
        grandTotal: v(n, m),
      };
    };
    fc.assert(
      fc.property(pattern, fc.constantFrom<'rows' | 'grand_total'>('rows', 'grand_total'), ([a, b], linkage) => {
        const tables = [asTable(a), asTable(b)];
        expect(solvableInLinkedTables(tables, linkage)).toEqual(determinedInFamily(tables, linkage));
      }),
      { numRuns: 500 },
    );
  });
});
