import 'reflect-metadata';
import { CommandFactory } from 'nest-commander';
import { loadConfigOrExit } from '@amani/config';
import { prepareDatabase } from '@amani/database';
import { ALL_MIGRATIONS } from '@amani/migrations';

async function main() {
  const config = loadConfigOrExit();
  // Runs before Nest: the database and the application role may not exist yet.
  if (process.argv[2] === 'db:prepare') {
    const ran = await prepareDatabase(config, { entities: [], migrations: ALL_MIGRATIONS });
    process.stdout.write(ran.length ? `applied migrations: ${ran.join(', ')}\n` : 'database is up to date\n');
    return;
  }
  // Loaded late so db:prepare needs nothing but the database library.
  const { CliModule } = await import('./cli.module');
  await CommandFactory.run(CliModule.forRoot(config), { logger: ['error', 'warn'], errorHandler: (err) => {
    process.stderr.write(`${err.message}\n`);
    process.exit(1);
  } });
}

main().catch((e: unknown) => {
  process.stderr.write(`${(e as Error)?.message ?? 'failed'}\n`);
  process.exit(1);
});
