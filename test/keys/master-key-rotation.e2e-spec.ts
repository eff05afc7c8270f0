import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { DataSource } from 'typeorm';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { AuditCheckpointService, AuditVerifier } from '@amani/audit';
import { EnvelopeCrypto } from '@amani/crypto';
import { caseDataKeyContext } from '@amani/domain/cases';
import { referralKeyContext } from '@amani/domain/referrals';
import { generateSecretsDocument, loadConfig } from '@amani/config';
import { MasterKeyRotationService, RetiredMasterKeyError } from '@amani/domain/keys';
import { ApiModule } from '../../apps/api/src/api.module';
import { WorkerModule } from '../../apps/worker/src/worker.module';
import { createTestApp, TestApp } from '../support/app';
import { dropIsolatedDatabase, isolatedEnv, prepareIsolatedDatabase } from '../support/isolated-database';
import { login, LoggedIn } from '../support/users';
import { as } from '../cases/case-fixtures';
import { newCase, referralConsent, refer, threeAgencies, ThreeAgencies } from '../referrals/referral-fixtures';

const CLI = resolve(__dirname, '../../dist/apps/cli/src/main.js');

/**
 * Issue 14, item 6: master key rotation end to end on a database of its own (the re-wrap
 * touches every row under the master key, which other suites' processes could not read).
 * keys:rotate writes the next version into the secrets file and queues the re-wrap; a worker
 * started with that file re-wraps MFA secrets, case and referral data keys; keys:retire
 * refuses while anything remains, then retires; no process starts with a retired current.
 */
describe('master key rotation (keys:status, keys:rotate, keys:retire, keys.rewrap)', () => {
  const env: Record<string, string> = { ...isolatedEnv('keyrot') };
  let secretsFile: string;
  let t: TestApp;
  let x: ThreeAgencies;
  let kase: { id: string };
  let referralId: string;
  let loginUser: LoggedIn;
  /** Keys wrapped by master key version 1 as before the agency-key upgrade (new case and referral keys are sealed to agencies). */
  const legacy = { cases: new Map<string, Buffer>(), packets: new Map<string, Buffer>() };

  const cli = (args: string[]) => {
    const res = spawnSync(process.execPath, [CLI, ...args], { env: { ...process.env, ...env }, encoding: 'utf8', timeout: 60_000 });
    return { status: res.status, stdout: res.stdout, stderr: res.stderr };
  };
  const sql = <T = Record<string, unknown>>(text: string, params: unknown[] = []) => t.app.get(DataSource).query<T[]>(text, params);
  const secrets = () => JSON.parse(readFileSync(secretsFile, 'utf8')) as Record<string, string | number>;

  beforeAll(async () => {
    secretsFile = join(process.env.AMANI_TEST_RUN_DIR!, 'keyrot-secrets.json');
    writeFileSync(secretsFile, JSON.stringify(generateSecretsDocument()), { mode: 0o600 });
    env.SECRETS_FILE = secretsFile;
    prepareIsolatedDatabase(env);
    t = await createTestApp(env);
    x = await threeAgencies(t);
    kase = await newCase(t, x.cwA, { survivorName: 'Rotation Survivor', contactDetails: { phone: '+252610000009' } });
    await referralConsent(t, x.cwA, kase.id, { serviceType: 'legal', recipientAgencyId: x.agencyB, shareableFields: ['survivorName'] });
    const res = await refer(t, x.cwA, kase.id, { recipientAgencyId: x.agencyB, serviceType: 'legal' });
    expect(res.status).toBe(201);
    referralId = res.body.id;
    loginUser = x.supA;

    // Legacy rows, inserted as superuser without their parent rows (replication triggers off).
    const envelope = t.app.get(EnvelopeCrypto);
    const db = new Client({ connectionString: env.DATABASE_OWNER_URL });
    await db.connect();
    try {
      await db.query(`SET session_replication_role = replica`);
      for (let i = 0; i < 3; i++) {
        const id = randomUUID();
        const dek = envelope.generateDataKey();
        legacy.cases.set(id, dek);
        const w = envelope.wrapDataKey(dek, caseDataKeyContext(id));
        await db.query(`INSERT INTO case_keys (case_id, wrapped_dek, kek_version, key_version) VALUES ($1, $2, $3, 1)`, [id, w.wrapped, w.kekVersion]);
      }
      const referral = randomUUID();
      const dek = envelope.generateDataKey();
      legacy.packets.set(referral, dek);
      const w = envelope.wrapDataKey(dek, referralKeyContext(referral, 'packet'));
      await db.query(`INSERT INTO referral_packet_keys (referral_id, case_id, wrapped_dek, kek_version) VALUES ($1, $2, $3, $4)`, [
        referral,
        [...legacy.cases.keys()][0],
        w.wrapped,
        w.kekVersion,
      ]);
    } finally {
      await db.end();
    }
  }, 120_000);

  afterAll(async () => {
    await t?.close();
    await dropIsolatedDatabase(env);
  });

  it('keys:status lists what each version holds', () => {
    const res = cli(['keys:status']);
    expect(res.stderr).toBe('');
    expect(res.status).toBe(0);
    expect(res.stdout).toMatch(/master key: current version 1; held versions 1\n/);
    // Only legacy case and referral keys are under the master key; agency-sealed ones are not counted.
    expect(res.stdout).toMatch(/ {4}case_keys\.wrapped_dek: 3\n/);
    expect(res.stdout).toMatch(/ {4}referral_packet_keys\.wrapped_dek: 1\n/);
    expect(res.stdout).toMatch(/ {4}users\.mfa_secret: \d+\n/);
    expect(res.stdout).toMatch(/audit signing key: current version 1\n/);
  });

  it('keys:retire refuses the current version', () => {
    const res = cli(['keys:retire', '1']);
    expect(res.status).toBe(1);
    expect(res.stderr).toMatch(/current/);
  });

  it('keys:rotate adds version 2 to the secrets file, makes it current and queues the re-wrap', async () => {
    const before = secrets();
    const res = cli(['keys:rotate', '--batch-size', '2']);
    expect(res.stderr).toBe('');
    expect(res.status).toBe(0);
    expect(res.stdout).toMatch(/^master key version 2 is current in /);
    const after = secrets();
    expect(after.MASTER_KEY_CURRENT).toBe(2);
    expect(String(after.MASTER_KEYS)).toMatch(new RegExp(`^${String(before.MASTER_KEYS).replace(/[+/]/g, '\\$&')},2:[A-Za-z0-9+/=]{44}$`));
    // No key reaches the output, the database or the outbox.
    const newKey = String(after.MASTER_KEYS).split(',')[1].slice(2);
    expect(res.stdout).not.toContain(newKey);
    const [job] = await sql<{ payload: unknown }>(`SELECT payload FROM outbox WHERE name = 'keys.rewrap'`);
    expect(job.payload).toEqual({ version: 2, batchSize: 2 });
    expect(await sql(`SELECT version, rewrap_finished_at, retired_at FROM master_key_versions`)).toEqual([{ version: 2, rewrap_finished_at: null, retired_at: null }]);
    // Nothing moved yet: the worker re-wraps once it runs with the new file.
    expect(cli(['keys:retire', '1']).stderr).toMatch(/values are still under this version/);
  });

  it('a worker started with the new file re-wraps everything under version 1, batch by batch', async () => {
    const config = loadConfig({ ...process.env, ...env });
    expect(config.secrets.masterKeyCurrent).toBe(2);
    const worker: INestApplicationContext = await NestFactory.createApplicationContext(WorkerModule.forRoot(config), { logger: false });
    try {
      const rotation = worker.get(MasterKeyRotationService);
      // Done when the job has recorded the re-wrap finished (after its last batch and final count).
      const finished = async () => (await sql<{ at: Date | null }>(`SELECT rewrap_finished_at AS at FROM master_key_versions WHERE version = 2`))[0]?.at;
      const deadline = Date.now() + 30_000;
      while (!(await finished()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      expect(await finished()).toBeInstanceOf(Date);
      expect(await rotation.remainingUnder(1)).toBe(0);
    } finally {
      await worker.close();
    }
    expect(await sql(`SELECT DISTINCT kek_version FROM case_keys WHERE kek_version IS NOT NULL`)).toEqual([{ kek_version: 2 }]);
    expect(await sql(`SELECT DISTINCT kek_version FROM referral_packet_keys WHERE kek_version IS NOT NULL`)).toEqual([{ kek_version: 2 }]);
    // Agency-sealed keys were left alone.
    expect(await sql(`SELECT count(*)::int AS n FROM case_keys WHERE kek_version IS NULL AND agency_key_version IS NOT NULL`)).toEqual([{ n: 1 }]);
    const versions = await sql<{ v: number }>(
      `SELECT DISTINCT ('x' || encode(substring(mfa_secret from 2 for 4), 'hex'))::bit(32)::int AS v FROM users WHERE mfa_secret IS NOT NULL`,
    );
    expect(versions).toEqual([{ v: 2 }]);
  }, 60_000);

  it('keys:retire 1 then retires it and removes it from the secrets file', async () => {
    const res = cli(['keys:retire', '1']);
    expect(res.stderr).toBe('');
    expect(res.status).toBe(0);
    const doc = secrets();
    expect(String(doc.MASTER_KEYS)).toMatch(/^2:[A-Za-z0-9+/=]{44}$/);
    const [row] = await sql<{ retired_at: Date | null }>(`SELECT retired_at FROM master_key_versions WHERE version = 1`);
    expect(row.retired_at).toBeInstanceOf(Date);
    expect(cli(['keys:status']).stdout).toMatch(/version 1: 0 values \(not held; retired /);
  });

  it('with only version 2 held, every case, packet and MFA secret still opens', async () => {
    await t.close();
    t = await createTestApp(env);
    expect(t.config.secrets.masterKeys.has(1)).toBe(false);
    const envelope = t.app.get(EnvelopeCrypto);
    for (const [id, dek] of legacy.cases) {
      const [row] = await sql<{ wrapped_dek: Buffer; kek_version: number }>(`SELECT wrapped_dek, kek_version FROM case_keys WHERE case_id = $1`, [id]);
      expect(envelope.unwrapDataKey({ wrapped: row.wrapped_dek, kekVersion: row.kek_version }, caseDataKeyContext(id)).equals(dek)).toBe(true);
    }
    for (const [id, dek] of legacy.packets) {
      const [row] = await sql<{ wrapped_dek: Buffer; kek_version: number }>(`SELECT wrapped_dek, kek_version FROM referral_packet_keys WHERE referral_id = $1`, [id]);
      expect(envelope.unwrapDataKey({ wrapped: row.wrapped_dek, kekVersion: row.kek_version }, referralKeyContext(id, 'packet')).equals(dek)).toBe(true);
    }
    const read = await as(t, x.cwA.accessToken).get(`/cases/${kase.id}`);
    expect(read.status).toBe(200);
    expect(read.body.survivorName).toBe('Rotation Survivor');
    const packet = await as(t, x.provB.accessToken).get(`/referrals/${referralId}/packet`);
    expect(packet.status).toBe(200);
    expect(packet.body.fields.survivorName).toBe('Rotation Survivor');
    // The TOTP secret was re-encrypted: a full login with the second factor works.
    const session = await login(t, loginUser);
    expect(session.accessToken).toBeTruthy();
  }, 60_000);

  it('no process starts with a retired version as current', async () => {
    const config = loadConfig({ ...process.env, ...env, MASTER_KEYS: `1:${Buffer.alloc(32, 7).toString('base64')}`, MASTER_KEY_CURRENT: '1' });
    const moduleRef = await Test.createTestingModule({ imports: [ApiModule.forRoot(config)] }).compile();
    const app = moduleRef.createNestApplication({ bodyParser: false, logger: false });
    try {
      await expect(app.init()).rejects.toBeInstanceOf(RetiredMasterKeyError);
    } finally {
      await app.close();
    }
  });

  it('audit signing key rotation: checkpoints of a retired key still verify with its kept public key', async () => {
    const checkpoints = () => t.app.get(AuditCheckpointService);
    expect(await checkpoints().checkpoint()).toBeTruthy();
    expect(cli(['keys:rotate', '--key', 'audit-signing']).status).toBe(0);
    await t.close();
    t = await createTestApp(env);
    expect(t.config.secrets.auditSigningKeyCurrent).toBe(2);
    await as(t, x.cwA.accessToken).get(`/cases/${kase.id}`); // one more audited event
    expect((await checkpoints().checkpoint())?.created).toBe(true);
    expect(cli(['keys:rotate', '--key', 'audit-signing']).status).toBe(0);
    const retired = cli(['keys:retire', '2', '--key', 'audit-signing']);
    expect(retired.stderr).toBe('');
    expect(retired.status).toBe(0);
    expect(cli(['keys:retire', '1', '--key', 'audit-signing']).status).toBe(1);
    await t.close();
    t = await createTestApp(env);
    expect([...t.config.secrets.auditSigningKeys.keys()]).toEqual([1, 3]);
    expect([...t.config.secrets.auditPublicKeys.keys()]).toEqual([2]);
    await as(t, x.cwA.accessToken).get(`/cases/${kase.id}`);
    expect((await checkpoints().checkpoint())?.created).toBe(true);
    expect(await sql(`SELECT DISTINCT key_version FROM audit_checkpoints ORDER BY 1`)).toEqual([{ key_version: 1 }, { key_version: 2 }, { key_version: 3 }]);
    expect(await t.app.get(AuditVerifier).verify()).toMatchObject({ ok: true });

    // Without the public key of version 2, its checkpoint no longer counts as signed.
    const doc = secrets();
    const noHistory = { ...env, SECRETS_FILE: join(process.env.AMANI_TEST_RUN_DIR!, 'keyrot-secrets-nohistory.json') };
    writeFileSync(noHistory.SECRETS_FILE, JSON.stringify({ ...doc, AUDIT_PUBLIC_KEYS: undefined }), { mode: 0o600 });
    const bare = await createTestApp(noHistory);
    try {
      expect(await bare.app.get(AuditVerifier).verify()).toMatchObject({ ok: false, reason: 'bad_checkpoint_signature' });
    } finally {
      await bare.close();
    }
  }, 90_000);
});
