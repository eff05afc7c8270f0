import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@amani/database';
import type { ParsedLocation } from './hxl-locations';

/** A unit's place in the hierarchy, for roll-ups. */
export interface LocationNode {
  adminLevel: number;
  parentPCode: string | null;
}

/**
 * The gazetteer's rows. Runs on the transaction open in the caller's context
 * (TransactionHost.manager), so an import is one transaction with its audit.
 */
export abstract class LocationsRepository {
  /**
   * The given codes that exist; `empty` is true when the gazetteer holds no row at all
   * (then `known` is empty too).
   */
  abstract known(codes: readonly string[]): Promise<{ known: string[]; empty: boolean }>;
  /** Units of the given levels (all when none given), parents first, then by P-code. */
  abstract list(levels: readonly number[] | null): Promise<ParsedLocation[]>;
  abstract hierarchy(): Promise<Map<string, LocationNode>>;
  /** Adds new units and updates known ones (names merged per language); counts both. */
  abstract upsert(locations: readonly ParsedLocation[]): Promise<{ added: number; changed: number }>;
}

@Injectable()
export class TypeOrmLocationsRepository extends LocationsRepository {
  constructor(private readonly tx: TransactionHost) {
    super();
  }

  async known(codes: readonly string[]): Promise<{ known: string[]; empty: boolean }> {
    const rows: { p_code: string | null }[] = await this.tx.manager.query(
      `SELECT l.p_code FROM locations l WHERE l.p_code = ANY($1::varchar[])
       UNION ALL SELECT NULL WHERE NOT EXISTS (SELECT 1 FROM locations)`,
      [codes],
    );
    if (rows.length === 1 && rows[0].p_code === null) return { known: [], empty: true };
    return { known: rows.map((r) => r.p_code).filter((c): c is string => c !== null), empty: false };
  }

  async list(levels: readonly number[] | null): Promise<ParsedLocation[]> {
    const rows: { p_code: string; admin_level: number; parent_p_code: string | null; names: Record<string, string> }[] = await this.tx.manager.query(
      `SELECT p_code, admin_level, parent_p_code, names FROM locations
        WHERE $1::smallint[] IS NULL OR admin_level = ANY($1::smallint[])
        ORDER BY admin_level, p_code`,
      [levels?.length ? levels : null],
    );
    return rows.map((r) => ({ pCode: r.p_code, adminLevel: r.admin_level, parentPCode: r.parent_p_code, names: r.names }));
  }

  async hierarchy(): Promise<Map<string, LocationNode>> {
    const rows: { p_code: string; admin_level: number; parent_p_code: string | null }[] = await this.tx.manager.query(
      'SELECT p_code, admin_level, parent_p_code FROM locations',
    );
    return new Map(rows.map((r) => [r.p_code, { adminLevel: r.admin_level, parentPCode: r.parent_p_code }]));
  }

  async upsert(locations: readonly ParsedLocation[]): Promise<{ added: number; changed: number }> {
    let added = 0;
    let changed = 0;
    // Parents first (the parser sorts by level), so each chunk's foreign keys hold when written.
    const CHUNK = 500;
    for (let i = 0; i < locations.length; i += CHUNK) {
      const chunk = locations.slice(i, i + CHUNK);
      const rows: { inserted: boolean; changed: boolean }[] = await this.tx.manager.query(
        `WITH input AS (
           SELECT * FROM unnest($1::varchar[], $2::smallint[], $3::varchar[], $4::jsonb[]) AS t(p_code, admin_level, parent_p_code, names)
         ), before AS (
           SELECT l.p_code, l.admin_level, l.parent_p_code, l.names FROM locations l JOIN input USING (p_code)
         )
         INSERT INTO locations (p_code, admin_level, parent_p_code, names)
         SELECT p_code, admin_level, parent_p_code, names FROM input
         ON CONFLICT (p_code) DO UPDATE
           SET admin_level = EXCLUDED.admin_level, parent_p_code = EXCLUDED.parent_p_code,
               names = locations.names || EXCLUDED.names, updated_at = now()
         RETURNING (xmax = 0) AS inserted,
           (xmax <> 0 AND EXISTS (SELECT 1 FROM before b WHERE b.p_code = locations.p_code AND
             (b.admin_level, b.parent_p_code, b.names) IS DISTINCT FROM (locations.admin_level, locations.parent_p_code, locations.names))) AS changed`,
        [chunk.map((l) => l.pCode), chunk.map((l) => l.adminLevel), chunk.map((l) => l.parentPCode), chunk.map((l) => JSON.stringify(l.names))],
      );
      added += rows.filter((r) => r.inserted).length;
      changed += rows.filter((r) => r.changed).length;
    }
    return { added, changed };
  }
}
