import { readFile } from 'node:fs/promises';
import { Command, CommandRunner, Option } from 'nest-commander';
import { AuditService } from '@amani/audit';
import { HxlLocationsError, LocationsService, parseHxlLocations } from '@amani/domain/locations';

/** Largest gazetteer file read: a country's admin-3 COD is a few MiB. */
const MAX_FILE_BYTES = 32 * 1024 * 1024;

/**
 * `npm run cli -- locations:import <file.csv> [--dry-run]`: loads a gazetteer from an
 * HXL-tagged CSV (an OCHA common operational dataset: #adm1+code, #adm1+name+i_fr, …).
 * Adds new units, updates levels, parents and names of known ones, deletes nothing; all or
 * nothing in one transaction. Prints what it read and changed; a bad file exits 1 with the
 * line that is wrong.
 */
@Command({ name: 'locations:import', arguments: '<file>', description: 'Load or update the gazetteer (P-codes) from an HXL CSV file' })
export class LocationsImportCommand extends CommandRunner {
  constructor(
    private readonly locations: LocationsService,
    private readonly audit: AuditService,
  ) {
    super();
  }

  @Option({ flags: '--dry-run', description: 'Check the file and print what it holds; store nothing' })
  parseDryRun(): boolean {
    return true;
  }

  async run([file]: string[], options: { dryRun?: boolean }): Promise<void> {
    let parsed;
    try {
      const buf = await readFile(file);
      if (buf.length > MAX_FILE_BYTES) throw new HxlLocationsError(`the file is larger than ${MAX_FILE_BYTES / 1024 / 1024} MiB`);
      parsed = parseHxlLocations(buf.toString('utf8'));
    } catch (e) {
      const why = e instanceof HxlLocationsError ? e.message : `cannot read the file (${(e as NodeJS.ErrnoException).code ?? 'error'})`;
      process.stderr.write(`locations:import refused: ${why}\n`);
      process.exitCode = 1;
      return;
    }
    const perLevel = new Map<number, number>();
    for (const l of parsed) perLevel.set(l.adminLevel, (perLevel.get(l.adminLevel) ?? 0) + 1);
    const levels = [...perLevel.entries()].map(([level, n]) => `admin ${level}: ${n}`).join(', ');
    if (options.dryRun) {
      process.stdout.write(`read ${parsed.length} locations (${levels}); dry run, nothing stored\n`);
      return;
    }
    const result = await this.locations.import(parsed);
    process.stdout.write(`read ${result.read} locations (${levels}); added ${result.added}, changed ${result.changed}\n`);
    await this.audit.record({
      action: 'locations.import',
      outcome: 'success',
      details: { via: 'cli', read: result.read, added: result.added, changed: result.changed },
    });
  }
}
