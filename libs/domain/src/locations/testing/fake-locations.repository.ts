import type { ParsedLocation } from '../hxl-locations';
import { LocationNode, LocationsRepository } from '../locations.repository';

/** The gazetteer in memory, counting the lookups a service makes. */
export class FakeLocationsRepository extends LocationsRepository {
  readonly rows = new Map<string, ParsedLocation>();
  lookups = 0;

  known(codes: readonly string[]): Promise<{ known: string[]; empty: boolean }> {
    this.lookups += 1;
    if (this.rows.size === 0) return Promise.resolve({ known: [], empty: true });
    return Promise.resolve({ known: codes.filter((c) => this.rows.has(c)), empty: false });
  }

  list(levels: readonly number[] | null): Promise<ParsedLocation[]> {
    return Promise.resolve(
      [...this.rows.values()]
        .filter((l) => !levels || levels.includes(l.adminLevel))
        .sort((a, b) => a.adminLevel - b.adminLevel || (a.pCode < b.pCode ? -1 : 1)),
    );
  }

  hierarchy(): Promise<Map<string, LocationNode>> {
    return Promise.resolve(new Map([...this.rows.values()].map((l) => [l.pCode, { adminLevel: l.adminLevel, parentPCode: l.parentPCode }])));
  }

  upsert(locations: readonly ParsedLocation[]): Promise<{ added: number; changed: number }> {
    let added = 0;
    let changed = 0;
    for (const l of locations) {
      const before = this.rows.get(l.pCode);
      const after = { ...l, names: { ...(before?.names ?? {}), ...l.names } };
      if (!before) added += 1;
      else if (JSON.stringify(before) !== JSON.stringify(after)) changed += 1;
      this.rows.set(l.pCode, after);
    }
    return Promise.resolve({ added, changed });
  }
}
