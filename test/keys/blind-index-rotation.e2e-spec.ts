import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { generateSecretsDocument, loadConfig } from '@amani/config';
import { BlindIndexReindexService } from '@amani/domain/keys';
import { WorkerModule } from '../../apps/worker/src/worker.module';
import { createTestApp, TestApp } from '../support/app';
import { dropIsolatedDatabase, isolatedEnv, prepareIsolatedDatabase } from '../support/isolated-database';
import { createAgency, LoggedIn, sessionAs } from '../support/users';
import { as, caseBody } from '../cases/case-fixtures';

const CLI = resolve(__dirname, '../../dist/apps/cli/src/main.js');

/**
 * Issue 14, item 6: blind index key rotation with lookups working throughout. Each index
 * value carries its key version; while two versions are held, lookups match under both; a
 * write re-indexes the written field; the worker re-indexes every case the server can open
 * (legacy master-wrapped keys); a case sealed to its agency is re-indexed when a member opens
 * it; the old version retires once nothing is indexed under it.
 */
describe('blind index key rotation', () => {
  const env: Record<string, string> = { ...isolatedEnv('bidx') };
  let secretsFile: string;
  let t: TestApp;
  let cw: LoggedIn;
  let first: { id: string; survivorCode: string; version: number };
  const phone = `+25261${randomBytes(3).readUIntBE(0, 3).toString().padStart(7, '0')}`;
  const newPhone = `+25262${randomBytes(3).readUIntBE(0, 3).toString().padStart(7, '0')}`;

  const cli = (args: string[]) => {
    const res = spawnSync(process.execPath, [CLI, ...args], { env: { ...process.env, ...env }, encoding: 'utf8', timeout: 60_000 });
    return { status: res.status, stdout: res.stdout, stderr: res.stderr };
  };
  const sql = <T = Record<string, unknown>>(text: string, params: unknown[] = []) => t.app.get(DataSource).query<T[]>(text, params);
  const restart = async () => {
    await t.close();
    t = await createTestApp(env);
  };
  const lookups = async (code: string, phoneNumber: string) => ({
    code: (await as(t, cw.accessToken).post('/cases/lookup', { survivorCode: code })).body.id as string | undefined,
    phone: ((await as(t, cw.accessToken).post('/cases/lookup-phone', { phone: phoneNumber })).body.items as { id: string }[]).map((i) => i.id),
  });

  beforeAll(async () => {
    secretsFile = join(process.env.AMANI_TEST_RUN_DIR!, 'bidx-secrets.json');
    writeFileSync(secretsFile, JSON.stringify(generateSecretsDocument()), { mode: 0o600 });
    env.SECRETS_FILE = secretsFile;
    prepareIsolatedDatabase(env);
    t = await createTestApp(env);
    const agency = await createAgency(t);
    cw = await sessionAs(t, { role: 'caseworker', agencyId: agency.id });
    const res = await as(t, cw.accessToken).post('/cases', caseBody({ contactDetails: { phone } }));
    expect(res.status).toBe(201);
    first = res.body;
  }, 120_000);

  afterAll(async () => {
    await t?.close();
    await dropIsolatedDatabase(env);
  });

  it('rotates: the new version is current, and cases indexed under the old one are still found', async () => {
    const res = cli(['keys:rotate', '--key', 'blind-index']);
    expect(res.stderr).toBe('');
    expect(res.stdout).toMatch(/^blind index key version 2 is current/);
    const doc = JSON.parse(readFileSync(secretsFile, 'utf8')) as Record<string, string | number>;
    expect(doc.BLIND_INDEX_KEY_CURRENT).toBe(2);
    await restart();
    expect(t.config.secrets.blindIndexKeyCurrent).toBe(2);
    expect(await lookups(first.survivorCode, phone)).toEqual({ code: first.id, phone: [first.id] });
  }, 60_000);

  it('new cases are indexed under the new version; a write re-indexes the field it writes', async () => {
    const second = await as(t, cw.accessToken).post('/cases', caseBody({ contactDetails: { phone } }));
    expect(second.status).toBe(201);
    expect(await sql(`SELECT survivor_code_index_version AS c, phone_index_version AS p FROM cases WHERE id = $1`, [second.body.id])).toEqual([{ c: 2, p: 2 }]);
    expect((await lookups(first.survivorCode, phone)).phone.sort()).toEqual([first.id, second.body.id].sort());

    const patched = await as(t, cw.accessToken).patch(`/cases/${first.id}`, { version: first.version, contactDetails: { phone: newPhone } });
    expect(patched.status).toBe(200);
    expect(await sql(`SELECT survivor_code_index_version AS c, phone_index_version AS p FROM cases WHERE id = $1`, [first.id])).toEqual([{ c: 1, p: 2 }]);
    expect((await lookups(first.survivorCode, newPhone)).phone).toEqual([first.id]);
    expect(cli(['keys:status']).stdout).toMatch(/cases\.survivor_code_index: version 1: 1, version 2: 1\n/);
    expect(cli(['keys:retire', '1', '--key', 'blind-index']).stderr).toMatch(/1 cases are still indexed under it/);
  }, 60_000);

  it('the worker re-indexes the cases it can open (legacy master-wrapped keys) and leaves agency-sealed ones to their members', async () => {
    const worker: INestApplicationContext = await NestFactory.createApplicationContext(WorkerModule.forRoot(loadConfig({ ...process.env, ...env })), { logger: false });
    try {
      const reindex = worker.get(BlindIndexReindexService);
      // The run finishes with nothing it could open: the cases' keys are sealed to their agency.
      expect(await reindex.reindex(100)).toEqual({ reindexed: 0, awaitingMember: 1 });
      expect(await reindex.remainingUnder(1)).toBe(1);
    } finally {
      await worker.close();
    }
    expect(cli(['keys:status']).stdout).toMatch(/1 cases under an older version have a key only their agency opens/);
  }, 60_000);

  it('a member opening the case re-indexes it; then version 1 retires and lookups work with version 2 alone', async () => {
    expect((await as(t, cw.accessToken).get(`/cases/${first.id}`)).status).toBe(200);
    expect(await sql(`SELECT survivor_code_index_version AS c, phone_index_version AS p, version FROM cases WHERE id = $1`, [first.id])).toEqual([
      { c: 2, p: 2, version: first.version + 1 },
    ]);
    const retired = cli(['keys:retire', '1', '--key', 'blind-index']);
    expect(retired.stderr).toBe('');
    expect(retired.status).toBe(0);
    await restart();
    expect([...t.config.secrets.blindIndexKeys.keys()]).toEqual([2]);
    expect(await lookups(first.survivorCode, newPhone)).toEqual({ code: first.id, phone: [first.id] });
  }, 60_000);
});
