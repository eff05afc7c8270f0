// Case store under concurrent load: create, read and list through the real HTTP stack
// (validation, guards, encryption, audit, projection), beside a raw `pg` baseline that
// inserts and reads rows of the same size in the same run.
const { join } = require('path');
const { randomBytes, randomUUID } = require('crypto');
const { root, scratchEnv, dropScratch, load, figures, printTable } = require('./support');

const N_CREATE = Number(process.env.BENCH_CASES ?? 1000);
const N_READ = Number(process.env.BENCH_READS ?? 2000);
const N_LIST = Number(process.env.BENCH_LISTS ?? 500);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);

async function main() {
  scratchEnv('cases');
  const { loadConfig } = require(join(root, 'dist/libs/config/src'));
  const { prepareDatabase } = require(join(root, 'dist/libs/database/src/db-admin'));
  const config = loadConfig(process.env);
  await prepareDatabase(config, require(join(root, 'dist/apps/cli/src/schema')).SCHEMA);

  const { NestFactory } = require('@nestjs/core');
  const { ApiModule } = require(join(root, 'dist/apps/api/src/api.module'));
  const { configureApp } = require(join(root, 'dist/libs/http/src'));
  const { AgenciesService, UsersService, SessionService, mfaSecretContext, newTotpSecret } = require(join(root, 'dist/libs/auth/src'));
  const { EnvelopeCrypto } = require(join(root, 'dist/libs/crypto/src'));
  const { DataSource } = require('typeorm');
  const app = await NestFactory.create(ApiModule.forRoot(config), { bodyParser: false, bufferLogs: true });
  configureApp(app, config);
  await app.listen(0, '127.0.0.1');
  const base = `http://127.0.0.1:${app.getHttpServer().address().port}`;

  const ctx = { actor: null, via: 'bench' };
  const agency = await app.get(AgenciesService).create({ name: 'Bench agency', type: 'national_ngo', serviceTypes: ['psychosocial'], regionCodes: ['BN-01'] }, ctx);
  const password = `Bench ${randomBytes(12).toString('base64url')}`;
  const user = await app.get(UsersService).provision({ email: 'bench-supervisor@example.org', password, role: 'supervisor', agencyId: agency.id, displayName: 'Bench' }, ctx);
  // Supervisors must have a second factor before they reach case data.
  await app.get(DataSource).query('UPDATE users SET mfa_secret = $2, mfa_enabled_at = now() WHERE id = $1', [
    user.id,
    app.get(EnvelopeCrypto).encryptSystem(newTotpSecret(), mfaSecretContext(user.id)),
  ]);
  const { accessToken } = await app.get(SessionService).start({ id: user.id, role: user.role, agencyId: user.agencyId }, 'full');
  const headers = { Authorization: `Bearer ${accessToken}`, 'Content-Type': 'application/json' };

  const body = (i) => JSON.stringify({
    survivorName: `Survivor ${i} ${randomBytes(6).toString('hex')}`,
    aliases: ['Alias one', 'Alias two'],
    contactDetails: { phone: `+2547${String(10000000 + i)}`, email: null, safeContactInstructions: 'Call after 6pm, ask for the clinic' },
    address: `Plot ${i}, Block C, Hilltop settlement`,
    dateOfBirth: '1999-04-17',
    narrative: 'x'.repeat(600),
    sex: 'female', ageBand: '18_25', nationalityStatus: 'national', displacementStatus: 'idp', disability: 'none',
    vulnerabilities: ['female_headed_household'], regionCode: 'BN-01',
  });
  const ok = async (res, expected) => {
    if (res.status !== expected) throw new Error(`unexpected ${res.status}: ${(await res.text()).slice(0, 200)}`);
    return res;
  };

  // Warm-up (JIT, pools).
  await load(50, 4, async (i) => ok(await fetch(`${base}/cases`, { method: 'POST', headers, body: body(-i - 1) }), 201));

  const ids = [];
  const create = await load(N_CREATE, CONCURRENCY, async (i) => {
    const res = await ok(await fetch(`${base}/cases`, { method: 'POST', headers, body: body(i) }), 201);
    ids.push((await res.json()).id);
  });
  const read = await load(N_READ, CONCURRENCY, async (i) => {
    await (await ok(await fetch(`${base}/cases/${ids[i % ids.length]}`, { headers }), 200)).arrayBuffer();
  });
  const list = await load(N_LIST, CONCURRENCY, async (i) => {
    await (await ok(await fetch(`${base}/cases?page=${(i % 20) + 1}&pageSize=20`, { headers }), 200)).arrayBuffer();
  });

  // Raw baseline: the same number of rows of the same stored size, straight through pg.
  const ds = app.get(DataSource);
  const [{ size }] = await ds.query('SELECT avg(pg_column_size(c.*))::int AS size FROM cases c');
  const { Pool } = require('pg');
  const pool = new Pool({ connectionString: process.env.DATABASE_OWNER_URL, max: config.database.poolSize });
  await pool.query('CREATE TABLE bench_raw (id uuid PRIMARY KEY, agency_id uuid NOT NULL, region_code text NOT NULL, stage text NOT NULL, payload bytea NOT NULL, created_at timestamptz NOT NULL DEFAULT now())');
  await pool.query('CREATE INDEX ON bench_raw (agency_id, created_at DESC)');
  const rawIds = [];
  const rawCreate = await load(N_CREATE, CONCURRENCY, async () => {
    const id = randomUUID();
    await pool.query('INSERT INTO bench_raw (id, agency_id, region_code, stage, payload) VALUES ($1, $2, $3, $4, $5)', [id, agency.id, 'BN-01', 'intake', randomBytes(Math.max(1, size - 80))]);
    rawIds.push(id);
  });
  const rawRead = await load(N_READ, CONCURRENCY, async (i) => {
    await pool.query('SELECT * FROM bench_raw WHERE id = $1', [rawIds[i % rawIds.length]]);
  });
  const rawList = await load(N_LIST, CONCURRENCY, async (i) => {
    await pool.query('SELECT id, region_code, stage, created_at FROM bench_raw WHERE agency_id = $1 ORDER BY created_at DESC LIMIT 20 OFFSET $2', [agency.id, (i % 20) * 20]);
  });
  await pool.end();

  const rows = [];
  for (const [name, appRun, rawRun] of [['create', create, rawCreate], ['read', read, rawRead], ['list', list, rawList]]) {
    const a = figures(appRun);
    const r = figures(rawRun);
    rows.push({ name: `${name} (Amani HTTP)`, count: appRun.count, ...a });
    rows.push({ name: `${name} (raw pg)`, count: rawRun.count, ...r, ratio: r.rps / a.rps });
  }
  console.log(`case store benchmark: concurrency ${CONCURRENCY}, stored case row ~${size} bytes, ${require('os').cpus().length} cores`);
  printTable(rows);
  await app.close();
  await dropScratch();
}

main().catch(async (e) => {
  console.error(e);
  try { await dropScratch(); } catch { /* best effort */ }
  process.exit(1);
});
