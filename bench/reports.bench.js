#!/usr/bin/env node
/*
 * Report benchmark (issue 6): seeds 100,000 and 1,000,000 rows of the reporting projection
 * into a scratch database, times the GBVIMS monthly report job over them with its peak
 * memory, times a plain SQL GROUP BY over the same rows in the same run, and prints the ratio.
 *
 *   npm run build && node bench/reports.bench.js [sizes...]     (default: 100000 1000000)
 *
 * Each size's job runs in a fresh child process, so its peak RSS is the job's own. The job
 * is ReportBuilder.build(), the body of the `report.build` handler (lock, aggregation in
 * PostgreSQL, disclosure control, chart, store), without the BullMQ round trip. The scratch
 * database drops the projection's foreign key to case_incidents: only the projection is read.
 * Environment: BENCH_PG (default postgres://postgres@127.0.0.1:5432), BENCH_RUNS (default 3).
 */
'use strict';
require('reflect-metadata');
const { execFileSync, spawnSync } = require('node:child_process');
const { randomBytes, randomUUID } = require('node:crypto');
const { mkdtempSync, writeFileSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join, resolve } = require('node:path');
const { Client } = require('pg');

const root = resolve(__dirname, '..');
const dist = (p) => join(root, 'dist', p);
const MONTH = '2025-03';
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const mb = (bytes) => (bytes / 1024 / 1024).toFixed(1);

function envFor(db, dir) {
  const pg = process.env.BENCH_PG ?? 'postgres://postgres@127.0.0.1:5432';
  const host = new URL(pg).host;
  return {
    ...process.env,
    NODE_ENV: 'test',
    DATABASE_URL: `postgres://amani_app@${host}/${db}`,
    DATABASE_OWNER_URL: `${pg}/${db}`,
    SECRETS_FILE: join(dir, 'secrets.json'),
    LOG_LEVEL: 'warn',
    LOG_FILE: join(dir, 'bench.log'),
    AMANI_TEST_REPORT_PAUSE_MS: '0',
  };
}

async function seed(ownerUrl, n) {
  const c = new Client({ connectionString: ownerUrl });
  await c.connect();
  try {
    await c.query('TRUNCATE reporting_incidents');
    await c.query("DELETE FROM reports");
    // Skewed, deterministic categories: a realistic mix of large and small cells.
    await c.query('SELECT setseed(0.42)');
    const t0 = process.hrtime.bigint();
    await c.query(
      `INSERT INTO reporting_incidents (incident_id, agency_id, report_month, incident_month, gbv_type, contexts,
         report_delay_bucket, case_region_code, incident_region_code, survivor_sex, survivor_age_band, nationality_status,
         displacement_status, disability, vulnerabilities, time_of_day, location_type, perpetrator_count, perpetrator_sex,
         perpetrator_age_group, perpetrator_relationship, perpetrator_occupation, prior_incidents, refreshed_at)
       SELECT gen_random_uuid(), (ARRAY[$3::uuid, $4::uuid, $5::uuid])[1 + floor(random() * 3)::int], $2, $2,
         (ARRAY['rape','sexual_assault','physical_assault','forced_marriage','denial_of_resources_opportunities_or_services',
                'psychological_emotional_abuse','non_gbv'])[1 + floor(power(random(), 1.6) * 7)::int],
         '{}', (ARRAY['0_3','4_5','6_14','15_30','over_30'])[1 + floor(power(random(), 1.4) * 5)::int],
         'R-01',
         CASE WHEN random() < 0.02 THEN NULL ELSE 'R-' || lpad((1 + floor(power(random(), 2) * 25)::int)::text, 2, '0') END,
         (ARRAY['female','male','other','unknown'])[1 + floor(power(random(), 3) * 4)::int],
         (ARRAY['0_11','12_17','18_25','26_40','41_60','61_plus','unknown'])[1 + floor(power(random(), 1.3) * 7)::int],
         'national', 'idp', 'none', '{}', 'unknown', 'unknown', '1', 'male',
         (ARRAY['0_11','12_17','18_25','26_40','41_60','61_plus','unknown'])[1 + floor(random() * 7)::int],
         (ARRAY['intimate_partner','primary_caregiver','family_other','supervisor_employer','schoolmate',
                'teacher_school_official','service_provider','cotenant_housemate','family_friend_neighbour',
                'other_displaced_person','other_community_member','no_relation','other','unknown'])[1 + floor(power(random(), 2.5) * 14)::int],
         'unknown', 'unknown', now()
       FROM generate_series(1, $1)`,
      [n, MONTH, ...[0, 1, 2].map(() => randomUUID())],
    );
    await c.query('VACUUM ANALYZE reporting_incidents');
    return Number(process.hrtime.bigint() - t0) / 1e6;
  } finally {
    await c.end();
  }
}

async function plainGroupBy(ownerUrl) {
  const c = new Client({ connectionString: ownerUrl });
  await c.connect();
  try {
    const sql = `SELECT gbv_type, COALESCE(incident_region_code, 'unknown'), survivor_age_band, survivor_sex, count(*)
                 FROM reporting_incidents WHERE report_month = $1 GROUP BY 1, 2, 3, 4`;
    await c.query(sql, [MONTH]); // warm the cache, as the job's warm-up run does
    const times = [];
    let groups = 0;
    for (let i = 0; i < RUNS; i++) {
      const t0 = process.hrtime.bigint();
      const r = await c.query(sql, [MONTH]);
      times.push(Number(process.hrtime.bigint() - t0) / 1e6);
      groups = r.rowCount;
    }
    // The job's own incident statement (its three sections in one GROUPING SETS scan), for reference.
    const { aggregationQuery } = require(dist('libs/domain/src/reporting/report-tables.js'));
    const { INCIDENT_FAMILY } = require(dist('libs/domain/src/reporting/report-templates.js'));
    const sets = [];
    for (let i = 0; i < RUNS; i++) {
      const t0 = process.hrtime.bigint();
      await c.query(aggregationQuery(INCIDENT_FAMILY).sql, [[MONTH], null]);
      sets.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
    return { ms: median(times), groups, setsMs: median(sets) };
  } finally {
    await c.end();
  }
}

/** Child: one warm-up build, then RUNS timed builds of the same report row; prints JSON. */
async function child() {
  const { loadConfig } = require(dist('libs/config/src/index.js'));
  const { appDataSourceOptions } = require(dist('libs/database/src/index.js'));
  const { ReportBuilder } = require(dist('libs/domain/src/reporting/report-builder.service.js'));
  const { DataSource } = require('typeorm');
  require('@nestjs/common').Logger.overrideLogger(false);
  const config = loadConfig(process.env);
  const ds = await new DataSource(appDataSourceOptions(config, require(dist('apps/cli/src/schema.js')).SCHEMA)).initialize();
  const builder = new ReportBuilder(ds, config);
  const [{ id }] = await ds.query(
    `INSERT INTO reports (template, period, agency_id, origin) VALUES ('gbvims_monthly', $1, NULL, 'request') RETURNING id`,
    [MONTH],
  );
  const reset = () => ds.query(`UPDATE reports SET status = 'queued', result = NULL, chart_svg = NULL WHERE id = $1`, [id]);
  let peakHeap = 0;
  const sampler = setInterval(() => (peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed)), 5);
  await builder.build(id);
  const times = [];
  for (let i = 0; i < RUNS; i++) {
    await reset();
    const t0 = process.hrtime.bigint();
    await builder.build(id);
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  clearInterval(sampler);
  const [row] = await ds.query(`SELECT status, result FROM reports WHERE id = $1`, [id]);
  await ds.destroy();
  const cells = row.result.sections.reduce((a, s) => a + s.cells.flat().length, 0);
  const suppressed = row.result.sections.reduce((a, s) => a + s.cells.flat().filter((v) => v === null).length, 0);
  process.stdout.write(
    JSON.stringify({
      ms: median(times),
      status: row.status,
      total: row.result.sections[0].grandTotal,
      cells,
      suppressed,
      maxRssBytes: process.resourceUsage().maxRSS * 1024,
      peakHeapBytes: peakHeap,
    }),
  );
}

async function main() {
  const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);
  if (!sizes.length) sizes.push(100_000, 1_000_000);
  const dir = mkdtempSync(join(tmpdir(), 'amani-bench-'));
  const db = `amani_bench_reports_${randomBytes(3).toString('hex')}`;
  const env = envFor(db, dir);
  const { generateSecretsDocument } = require(dist('libs/config/src/secrets.js'));
  writeFileSync(env.SECRETS_FILE, JSON.stringify(generateSecretsDocument()), { mode: 0o600 });
  execFileSync(process.execPath, [dist('apps/cli/src/main.js'), 'db:prepare'], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  const owner = new Client({ connectionString: env.DATABASE_OWNER_URL });
  await owner.connect();
  await owner.query('ALTER TABLE reporting_incidents DROP CONSTRAINT reporting_incidents_incident_id_fkey');
  await owner.end();
  const rows = [];
  try {
    for (const n of sizes) {
      const seedMs = await seed(env.DATABASE_OWNER_URL, n);
      const run = spawnSync(process.execPath, [__filename, '--child'], { env, encoding: 'utf8', maxBuffer: 16 << 20 });
      if (run.status !== 0) throw new Error(`report job failed for ${n} rows:\n${run.stderr}`);
      const job = JSON.parse(run.stdout);
      if (job.status !== 'done' || job.total !== n) throw new Error(`report for ${n} rows is ${job.status} with ${job.total} incidents`);
      const sql = await plainGroupBy(env.DATABASE_OWNER_URL);
      rows.push({
        rows: n,
        'seed s': (seedMs / 1000).toFixed(1),
        'job ms': job.ms.toFixed(0),
        'GROUP BY ms': sql.ms.toFixed(0),
        'job / GROUP BY': (job.ms / sql.ms).toFixed(2),
        'its GROUPING SETS ms': sql.setsMs.toFixed(0),
        'peak RSS MB': mb(job.maxRssBytes),
        'peak heap MB': mb(job.peakHeapBytes),
        cells: job.cells,
        suppressed: job.suppressed,
      });
    }
  } finally {
    const admin = new Client({ connectionString: env.DATABASE_OWNER_URL.replace(/\/[^/]+$/, '/postgres') });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${db}" WITH (FORCE)`);
    await admin.end();
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(`GBVIMS monthly report over one month of the projection (median of ${RUNS} runs after a warm-up)`);
  console.table(rows);
  for (const r of rows) console.log(`ratio ${r.rows} rows: report job / plain GROUP BY = ${r['job / GROUP BY']}`);
}

const entry = process.argv.includes('--child') ? child : main;
entry().catch((e) => {
  console.error(e);
  process.exit(1);
});
