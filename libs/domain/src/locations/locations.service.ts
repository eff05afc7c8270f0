import { Injectable, Logger } from '@nestjs/common';
import { TransactionHost } from '@amani/database';
import { ValidationProblem } from '@amani/http';
import { ParsedLocation } from './hxl-locations';

/**
 * How long "the gazetteer is empty" is believed before it is asked again: short, so a
 * gazetteer imported by the CLI (another process) is enforced by running APIs within seconds.
 */
const EMPTY_RECHECK_MS = 2_000;

export interface LocationImportResult {
  /** Units read from the file. */
  read: number;
  /** Units that were not in the gazetteer before. */
  added: number;
  /** Units already there whose level, parent or names changed. */
  changed: number;
}

/** A unit's place in the hierarchy, for roll-ups. */
export interface LocationNode {
  adminLevel: number;
  parentPCode: string | null;
}

/**
 * The gazetteer: validates region codes wherever one is written, and gives reports the
 * hierarchy they roll up along.
 *
 * Codes are never deleted (stored cases keep pointing at them), so a code once seen stays
 * valid: known codes are kept in memory and only an unseen code costs a query, which also
 * finds codes another process imported a moment ago. A deployment that has imported no
 * gazetteer yet accepts any well-formed code (the format is checked at the edge and by the
 * tables' CHECK constraints) and says so at start-up; once one row exists, every write is checked.
 */
@Injectable()
export class LocationsService {
  private readonly logger = new Logger(LocationsService.name);
  private readonly known = new Set<string>();
  private emptyUntil = 0;
  private warnedEmpty = false;

  constructor(private readonly tx: TransactionHost) {}

  /**
   * Refuses with a 400 naming `field` when a code is not in the gazetteer. `codes` may hold
   * nulls and undefined (fields left out), which are not checked.
   */
  async assertKnown(field: string, codes: readonly (string | null | undefined)[] | string | null | undefined): Promise<void> {
    const list = (Array.isArray(codes) ? codes : [codes]).filter((c): c is string => typeof c === 'string' && c.length > 0);
    const missing = [...new Set(list.filter((c) => !this.known.has(c)))];
    if (missing.length === 0) return;
    if (Date.now() < this.emptyUntil) return;
    const rows: { p_code: string | null }[] = await this.tx.manager.query(
      `SELECT l.p_code FROM locations l WHERE l.p_code = ANY($1::varchar[])
       UNION ALL SELECT NULL WHERE NOT EXISTS (SELECT 1 FROM locations)`,
      [missing],
    );
    if (rows.length === 1 && rows[0].p_code === null) {
      this.emptyUntil = Date.now() + EMPTY_RECHECK_MS;
      if (!this.warnedEmpty) {
        this.warnedEmpty = true;
        this.logger.warn('no gazetteer is loaded: region codes are checked for format only (run the locations:import command)');
      }
      return;
    }
    for (const r of rows) if (r.p_code) this.known.add(r.p_code);
    const unknown = missing.filter((c) => !this.known.has(c));
    if (unknown.length) {
      throw new ValidationProblem([{ field, message: 'is not a location code of this deployment (see GET /locations)' }]);
    }
  }

  /** Units of the given levels (all when none given), parents first. */
  async list(levels?: number[]): Promise<(ParsedLocation & { adminLevel: number })[]> {
    const rows: { p_code: string; admin_level: number; parent_p_code: string | null; names: Record<string, string> }[] = await this.tx.manager.query(
      `SELECT p_code, admin_level, parent_p_code, names FROM locations
        WHERE $1::smallint[] IS NULL OR admin_level = ANY($1::smallint[])
        ORDER BY admin_level, p_code`,
      [levels?.length ? levels : null],
    );
    return rows.map((r) => ({ pCode: r.p_code, adminLevel: r.admin_level, parentPCode: r.parent_p_code, names: r.names }));
  }

  /** The hierarchy of every unit that has a parent, for rolling report columns up a level. */
  async hierarchy(): Promise<Map<string, LocationNode>> {
    const rows: { p_code: string; admin_level: number; parent_p_code: string | null }[] = await this.tx.manager.query(
      'SELECT p_code, admin_level, parent_p_code FROM locations',
    );
    return new Map(rows.map((r) => [r.p_code, { adminLevel: r.admin_level, parentPCode: r.parent_p_code }]));
  }

  /**
   * Stores a parsed gazetteer in one transaction: new units are added, known ones take the
   * file's level and parent, and names are merged per language. Nothing is deleted.
   */
  async import(locations: readonly ParsedLocation[]): Promise<LocationImportResult> {
    return this.tx.run(async (em) => {
      let added = 0;
      let changed = 0;
      // Parents first (the parser sorts by level), so each row's foreign key holds when written.
      const CHUNK = 500;
      for (let i = 0; i < locations.length; i += CHUNK) {
        const chunk = locations.slice(i, i + CHUNK);
        const rows: { inserted: boolean; changed: boolean }[] = await em.query(
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
      for (const l of locations) this.known.add(l.pCode);
      this.emptyUntil = 0;
      return { read: locations.length, added, changed };
    });
  }
}
