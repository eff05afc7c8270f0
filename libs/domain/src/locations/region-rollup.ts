/** What a roll-up needs of a location: its level and parent. */
export interface RegionNode {
  adminLevel: number;
  parentPCode: string | null;
}

/** One aggregated cell of a report section (see report-tables' AggregateRow). */
export interface RollUpGroup {
  dims: Record<string, string>;
  n: number;
}

/** The admin-1 unit a code lies in, or undefined for codes at level 0/1 or outside the gazetteer. */
export function adminOneOf(code: string, hierarchy: ReadonlyMap<string, RegionNode>): string | undefined {
  let node = hierarchy.get(code);
  if (!node || node.adminLevel < 2) return undefined;
  let current = code;
  // Walk up at most the depth of the gazetteer; a cycle cannot pass the foreign key, but never loop.
  for (let hops = 0; hops < 8 && node && node.adminLevel > 1; hops++) {
    if (!node.parentPCode) return undefined;
    current = node.parentPCode;
    node = hierarchy.get(current);
  }
  return node?.adminLevel === 1 ? current : undefined;
}

/**
 * Rolls a section's region column up to admin level 1 where admin level 2 (or deeper) would
 * be suppressed: for each admin-1 unit, when any cell of any of its sub-units holds a count
 * from 1 to k-1, every sub-unit's cells are counted under the admin-1 code instead. Suppression
 * then runs on the rolled-up table as on any other, so a small admin-1 cell is still hidden;
 * the roll-up only trades detail for published figures. Totals are unchanged, so linked
 * tables still share them. Returns the new groups and the admin-1 codes rolled up.
 */
export function rollUpRegions<G extends RollUpGroup>(
  groups: readonly G[],
  regionKey: string,
  hierarchy: ReadonlyMap<string, RegionNode>,
  k: number,
): { groups: G[]; rolledUp: string[] } {
  const small = new Set<string>();
  for (const g of groups) {
    const top = adminOneOf(g.dims[regionKey], hierarchy);
    if (top && g.n > 0 && g.n < k) small.add(top);
  }
  if (small.size === 0) return { groups: [...groups], rolledUp: [] };
  const merged = new Map<string, G>();
  for (const g of groups) {
    const top = adminOneOf(g.dims[regionKey], hierarchy);
    const dims = top && small.has(top) ? { ...g.dims, [regionKey]: top } : g.dims;
    const key = JSON.stringify(Object.keys(dims).sort().map((d) => [d, dims[d]]));
    const seen = merged.get(key);
    if (seen) seen.n += g.n;
    else merged.set(key, { ...g, dims, n: g.n });
  }
  return { groups: [...merged.values()], rolledUp: [...small].sort() };
}
