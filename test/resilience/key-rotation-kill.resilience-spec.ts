import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { EnvelopeCrypto, loadSodium, StaticMasterKeyProvider } from '@amani/crypto';
import { mfaSecretContext } from '@amani/auth';
import { caseDataKeyContext } from '@amani/domain/cases';
import { as, caseBody } from '../cases/case-fixtures';
import { bearer, createAgency, sessionAs } from '../support/users';
import { AppProcess, bound, until } from './support/processes';
import { call, Stack } from './support/stack';

const run = promisify(execFile);
const CLI = resolve(__dirname, '../../dist/apps/cli/src/main.js');

/**
 * Issue 14, item 6 (acceptance): master key rotation completes after a `kill -9` of the worker
 * in the middle of the re-wrap. Besides the users' MFA secrets (and two real cases, whose keys are
 * sealed to their agency and so not the master key's), 30,000 legacy data keys wrapped under version 1 are loaded straight into case_keys (wrapped by this test
 * with the deployment's version-1 key; the foreign key to cases is not checked for this bulk
 * load, as superuser in this suite's own cluster). The first worker is killed once part of
 * them are re-wrapped; a second worker finishes the job: nothing is left under version 1,
 * every key unwraps to what it was under version 2 alone, and the API reads the cases.
 */
describe('kill -9 of a worker mid re-wrap', () => {
  const BULK = 30_000;
  let stack: Stack;
  let second: AppProcess | undefined;

  beforeAll(async () => {
    stack = await Stack.create('key-rotation-kill');
  }, 240_000);

  afterAll(async () => {
    await stack?.close();
  });

  const keysFrom = (file: string) => {
    const doc = JSON.parse(readFileSync(file, 'utf8')) as { MASTER_KEYS: string; MASTER_KEY_CURRENT: number };
    return new Map(doc.MASTER_KEYS.split(',').map((e) => [Number(e.split(':')[0]), Buffer.from(e.split(':')[1], 'base64')] as [number, Buffer]));
  };
  const countByVersion = async () => {
    const rows = await stack.sql<{ v: number; n: number }>(`SELECT kek_version AS v, count(*)::int AS n FROM case_keys WHERE kek_version IS NOT NULL GROUP BY 1`);
    return new Map(rows.map((r) => [r.v, r.n]));
  };

  it('finishes the re-wrap after the worker is killed, leaves nothing under version 1, and everything still opens', async () => {
    const t = await stack.fixtures();
    const agency = await createAgency(t);
    const cw = await sessionAs(t, { role: 'caseworker', agencyId: agency.id });
    const cases: { id: string; name: string }[] = [];
    for (let i = 0; i < 2; i++) {
      const name = `Kill Survivor ${randomBytes(3).toString('hex')}`;
      const res = await as(t, cw.accessToken).post('/cases', caseBody({ survivorName: name }));
      expect(res.status).toBe(201);
      cases.push({ id: res.body.id, name });
    }

    // The bulk: data keys wrapped under version 1 exactly as the application wraps them.
    const sodium = await loadSodium();
    const v1 = keysFrom(stack.env.SECRETS_FILE);
    const envelopeV1 = new EnvelopeCrypto(sodium, new StaticMasterKeyProvider(v1, 1));
    const deks = new Map<string, Buffer>();
    for (let i = 0; i < BULK; i += 5000) {
      const ids: string[] = [];
      const wrapped: Buffer[] = [];
      for (let j = i; j < Math.min(BULK, i + 5000); j++) {
        const id = randomUUID();
        const dek = envelopeV1.generateDataKey();
        deks.set(id, dek);
        ids.push(id);
        wrapped.push(envelopeV1.wrapDataKey(dek, caseDataKeyContext(id)).wrapped);
      }
      // Orphan key rows: the foreign key to cases is not checked while replication triggers are off.
      const db = new Client({ connectionString: stack.env.DATABASE_OWNER_URL });
      await db.connect();
      try {
        await db.query(`SET session_replication_role = replica`);
        await db.query(
          `INSERT INTO case_keys (case_id, wrapped_dek, kek_version, key_version) SELECT u.id, u.w, 1, 1 FROM unnest($1::uuid[], $2::bytea[]) AS u(id, w)`,
          [ids, wrapped],
        );
      } finally {
        await db.end();
      }
    }
    // The two real cases' keys are sealed to their agency (no KEK version): not the master key's.
    expect(await countByVersion()).toEqual(new Map([[1, BULK]]));

    const rotated = await run(process.execPath, [CLI, 'keys:rotate', '--batch-size', '100'], { env: { ...process.env, ...stack.env } });
    expect(rotated.stdout).toMatch(/^master key version 2 is current/);
    const v2 = keysFrom(stack.env.SECRETS_FILE);
    expect([...v2.keys()]).toEqual([1, 2]);

    const first = await stack.startWorker();
    await until('the first worker to re-wrap part of the keys', async () => {
      const n = await countByVersion();
      return (n.get(2) ?? 0) >= 500 && (n.get(1) ?? 0) > 0;
    }, 60_000);
    await first.kill('SIGKILL');
    expect(first.child.signalCode).toBe('SIGKILL');
    const mid = await countByVersion();
    process.stdout.write(`key rotation kill: ${mid.get(2)} re-wrapped, ${mid.get(1)} left under version 1 when killed\n`);
    expect(mid.get(1)).toBeGreaterThan(0);
    const [unfinished] = await stack.sql<{ rewrap_finished_at: Date | null }>(`SELECT rewrap_finished_at FROM master_key_versions WHERE version = 2`);
    expect(unfinished.rewrap_finished_at).toBeNull();

    second = await stack.startWorker();
    const started = Date.now();
    await until('the second worker to finish the re-wrap', async () => {
      const [r] = await stack.sql<{ rewrap_finished_at: Date | null }>(`SELECT rewrap_finished_at FROM master_key_versions WHERE version = 2`);
      return r.rewrap_finished_at !== null;
    }, bound(90_000));
    process.stdout.write(`key rotation kill: re-wrap finished ${Date.now() - started} ms after the second worker was up\n`);
    expect(await countByVersion()).toEqual(new Map([[2, BULK]]));
    const [mfaLeft] = await stack.sql<{ n: number }>(
      `SELECT count(*)::int AS n FROM users WHERE mfa_secret IS NOT NULL AND substring(mfa_secret from 2 for 4) <> int4send(2)`,
    );
    expect(mfaLeft.n).toBe(0);

    // Everything opens under version 2 alone, to the very key it was.
    const envelopeV2 = new EnvelopeCrypto(sodium, new StaticMasterKeyProvider(new Map([[2, v2.get(2)!]]), 2));
    const rows = await stack.sql<{ case_id: string; wrapped_dek: Buffer; kek_version: number }>(`SELECT case_id, wrapped_dek, kek_version FROM case_keys WHERE kek_version IS NOT NULL`);
    let matched = 0;
    for (const r of rows) {
      const dek = envelopeV2.unwrapDataKey({ wrapped: r.wrapped_dek, kekVersion: r.kek_version }, caseDataKeyContext(r.case_id));
      const expected = deks.get(r.case_id);
      if (expected) {
        expect(dek.equals(expected)).toBe(true);
        matched++;
      }
    }
    expect(matched).toBe(BULK);
    const [mfa] = await stack.sql<{ mfa_secret: Buffer }>(`SELECT mfa_secret FROM users WHERE id = $1`, [cw.user.id]);
    expect(envelopeV2.decryptSystemText(mfa.mfa_secret, mfaSecretContext(cw.user.id))).toBe(cw.totpSecret);

    // A real API process with the rotated file reads the cases; then version 1 can be retired.
    const api = await stack.startApi();
    for (const c of cases) {
      const res = await call(api.url, 'GET', `/cases/${c.id}`, { headers: bearer(cw.accessToken) });
      expect(res.status).toBe(200);
      expect((res.body as { survivorName: string }).survivorName).toBe(c.name);
    }
    const retired = await run(process.execPath, [CLI, 'keys:retire', '1'], { env: { ...process.env, ...stack.env } });
    expect(retired.stdout).toMatch(/^master key version 1 retired/);
    expect([...keysFrom(stack.env.SECRETS_FILE).keys()]).toEqual([2]);
    const passes = second.events().filter((e) => e.event === 'key.rewrap.pass');
    expect(passes.length).toBeGreaterThan(0);
  }, 300_000);
});
