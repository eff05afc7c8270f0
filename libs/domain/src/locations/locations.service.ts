import { Injectable, Logger } from '@nestjs/common';
import { TransactionHost } from '@amani/database';
import { ValidationProblem } from '@amani/http';
import { ParsedLocation } from './hxl-locations';
import { LocationNode, LocationsRepository } from './locations.repository';

export type { LocationNode };

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

  constructor(
    private readonly tx: TransactionHost,
    private readonly repo: LocationsRepository,
  ) {}

  /**
   * Refuses with a 400 naming `field` when a code is not in the gazetteer. `codes` may hold
   * nulls and undefined (fields left out), which are not checked.
   */
  async assertKnown(field: string, codes: readonly (string | null | undefined)[] | string | null | undefined): Promise<void> {
    const list = (Array.isArray(codes) ? codes : [codes]).filter((c): c is string => typeof c === 'string' && c.length > 0);
    const missing = [...new Set(list.filter((c) => !this.known.has(c)))];
    if (missing.length === 0) return;
    if (Date.now() < this.emptyUntil) return;
    const found = await this.repo.known(missing);
    if (found.empty) {
      this.emptyUntil = Date.now() + EMPTY_RECHECK_MS;
      if (!this.warnedEmpty) {
        this.warnedEmpty = true;
        this.logger.warn('no gazetteer is loaded: region codes are checked for format only (run the locations:import command)');
      }
      return;
    }
    for (const c of found.known) this.known.add(c);
    if (missing.some((c) => !this.known.has(c))) {
      throw new ValidationProblem([{ field, message: 'is not a location code of this deployment (see GET /locations)' }]);
    }
  }

  /** Units of the given levels (all when none given), parents first. */
  list(levels?: number[]): Promise<ParsedLocation[]> {
    return this.repo.list(levels?.length ? levels : null);
  }

  /** The hierarchy of every unit, for rolling report columns up a level. */
  hierarchy(): Promise<Map<string, LocationNode>> {
    return this.repo.hierarchy();
  }

  /**
   * Stores a parsed gazetteer in one transaction: new units are added, known ones take the
   * file's level and parent, and names are merged per language. Nothing is deleted.
   */
  async import(locations: readonly ParsedLocation[]): Promise<LocationImportResult> {
    const { added, changed } = await this.tx.run(() => this.repo.upsert(locations));
    for (const l of locations) this.known.add(l.pCode);
    this.emptyUntil = 0;
    return { read: locations.length, added, changed };
  }
}
