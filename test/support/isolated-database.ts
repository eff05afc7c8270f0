import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { dropDatabase } from '@amani/database/db-drop';

/**
 * A suite that must see only its own rows (hand-computed statistics, worker processes that
 * must not share jobs) gets its own database and Redis prefix beside the run's, migrated by
 * the built CLI. The run's teardown clears Redis keys under the run prefix, these included.
 */
export function isolatedEnv(suffix: string): Record<string, string> {
  return {
    DATABASE_URL: `${process.env.DATABASE_URL}_${suffix}`,
    DATABASE_OWNER_URL: `${process.env.DATABASE_OWNER_URL}_${suffix}`,
    REDIS_PREFIX: `${process.env.REDIS_PREFIX}_${suffix}`,
  };
}

export function prepareIsolatedDatabase(env: Record<string, string>): void {
  execFileSync(process.execPath, [join(__dirname, '../../dist/apps/cli/src/main.js'), 'db:prepare'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

export function dropIsolatedDatabase(env: Record<string, string>): Promise<void> {
  return dropDatabase(env.DATABASE_OWNER_URL);
}
