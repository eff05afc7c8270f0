// Runs outside Jest's module mapper (global setup): relative paths, not @amani/* aliases.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { generateSecretsDocument } from '../../libs/config/src/secrets';

/**
 * One fresh database, Redis prefix, key file and log file per test run, so runs never
 * collide. The schema comes from the real migrations, applied by the built CLI.
 */
export default function globalSetup(): void {
  const runId = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  const root = resolve(__dirname, '../..');
  const runDir = join(root, 'test-output', runId);
  mkdirSync(runDir, { recursive: true });
  const secretsFile = join(runDir, 'secrets.json');
  writeFileSync(secretsFile, JSON.stringify(generateSecretsDocument()), { mode: 0o600 });

  const pgHost = process.env.TEST_PG_HOST ?? '127.0.0.1:5432';
  const db = `amani_test_${runId}`;
  const env: Record<string, string> = {
    NODE_ENV: 'test',
    DATABASE_URL: `postgres://amani_app@${pgHost}/${db}`,
    DATABASE_OWNER_URL: `postgres://postgres@${pgHost}/${db}`,
    REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
    REDIS_PREFIX: `amani_test_${runId}`,
    SECRETS_FILE: secretsFile,
    LOG_FILE: join(runDir, 'app.log'),
    LOG_LEVEL: 'info',
    THROTTLE_LIMIT: '100000',
    THROTTLE_AUTH_LIMIT: '100000',
    THROTTLE_PUBLIC_LIMIT: '100000',
    // Every suite reaches the API from 127.0.0.1: one source. Suites that test the budgets set their own.
    SEA_RECEIPT_SOURCE_FAILURE_LIMIT: '1000',
    OUTBOX_POLL_MS: '100',
    AUDIT_SEQUENCER_MS: '200',
    AMANI_TEST_RUN_DIR: runDir,
  };
  Object.assign(process.env, env);
  execFileSync(process.execPath, [join(root, 'dist/apps/cli/src/main.js'), 'db:prepare'], {
    env: process.env,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  writeFileSync(join(runDir, 'env.json'), JSON.stringify(env, null, 2));
}
