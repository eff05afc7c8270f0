#!/usr/bin/env node
/*
 * HTTP benchmark of the hot paths (issue 11, item 8). The API and the worker run as their own
 * child processes (node dist/apps/*), exactly as deployed, against a scratch database and Redis
 * prefix; this process only seeds and drives load (autocannon), so the load generator never
 * shares an event loop with the server it measures. Beside each path, in the same run, a lean
 * reference (bench/lean-server.js: node:http + raw pg, same crypto, fewest round trips) is
 * driven the same way, and the ratio API/lean is printed.
 *
 *   npm run bench                (build + this file)
 *
 * Per path and connection count: ops/s (2xx answers per second), p50/p95/p99 latency, the
 * server's event-loop delay p99 (AMANI_BENCH_PROBE: answered over the child's IPC channel), and the peak RSS of
 * the API process (VmHWM, since start). Results: bench/results/latest.json and latest.md.
 *
 * Knobs: BENCH_DURATION (s per measurement, default 6), BENCH_ROUNDS (API/lean alternations it is cut into,
 * default 3), BENCH_WARMUP (s, default 1),
 * BENCH_CONNECTIONS (default "16,32"), BENCH_PATHS (comma list, default all),
 * BENCH_LIST_SIZES (default "10000,100000"; "" skips), BENCH_PG (default postgres://postgres@127.0.0.1:5432),
 * BENCH_PORT (default 41000; API, lean = +1, worker health = +2), BENCH_KEEP=1 keeps the scratch database,
 * BENCH_BASELINE (a checkout whose dist/ holds an earlier API build, measured in the same slices: before/after),
 * BENCH_API_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof" to profile the API).
 *
 * Agency keys (issue 14): the members send X-Amani-Unlock, so case reads and writes open and seal
 * through agency keys; case create and case read are printed beside bench/baseline-before-agency-keys.json
 * (main, before agency keys) or, with BENCH_BASELINE, beside that build in the same slices, with the
 * added cost per request.
 */
'use strict';
require('reflect-metadata');
const { execFileSync, spawn } = require('node:child_process');
const { randomBytes } = require('node:crypto');
const { mkdirSync, writeFileSync, readFileSync } = require('node:fs');
const os = require('node:os');
const { join } = require('node:path');
const autocannon = require('autocannon');
const { Client } = require('pg');
const { root, scratchEnv, dropScratch } = require('./support');

const DURATION = Number(process.env.BENCH_DURATION ?? 6);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 1);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONNECTIONS = (process.env.BENCH_CONNECTIONS ?? '16,32').split(',').map(Number);
const LIST_SIZES = (process.env.BENCH_LIST_SIZES ?? '10000,100000').split(',').filter(Boolean).map(Number);
const ONLY = process.env.BENCH_PATHS ? process.env.BENCH_PATHS.split(',') : null;
const PORT = Number(process.env.BENCH_PORT ?? 41000);
const dist = (p) => require(join(root, 'dist', p));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
/** The X-Amani-Unlock value of each bench session (by access token), sent with every request as a client does. */
const unlocks = new Map();
const authHeaders = (token) => (token ? { authorization: `Bearer ${token}`, ...(unlocks.has(token) ? { 'x-amani-unlock': unlocks.get(token) } : {}) } : {});
/** Figures of the same paths from before agency keys (issue 14), measured on this machine from `main`; see the file. */
const BASELINE_FILE = join(__dirname, 'baseline-before-agency-keys.json');
const COMPARED_PATHS = ['case create', 'case read'];

/** A child process with an IPC channel, over which its bench probe answers (event-loop delay). */
function child(name, script, env, nodeArgs = []) {
  const proc = spawn(process.execPath, [...nodeArgs, script], { env, stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
  const waiters = [];
  proc.on('message', (m) => m && m.amaniBenchProbe && waiters.shift()?.(m.amaniBenchProbe));
  proc.stderr.on('data', (d) => process.stderr.write(`[${name}] ${d}`));
  proc.on('exit', (code, signal) => {
    if (!proc.stopping) process.stderr.write(`[${name}] exited early (${code ?? signal})\n`);
  });
  return {
    proc,
    /** Event-loop delay since the previous call (and starts a new window). */
    probe() {
      return new Promise((resolve) => {
        waiters.push(resolve);
        proc.send('amani-bench-probe');
      });
    },
    peakRssMb() {
      const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${proc.pid}/status`, 'utf8'));
      return m ? Number(m[1]) / 1024 : null;
    },
    async stop() {
      proc.stopping = true;
      if (proc.exitCode !== null) return;
      proc.kill('SIGTERM');
      await Promise.race([new Promise((r) => proc.once('exit', r)), sleep(5000)]);
      if (proc.exitCode === null) proc.kill('SIGKILL');
    },
  };
}

async function waitFor(url, headers = {}) {
  for (let i = 0; i < 300; i++) {
    try {
      const res = await fetch(url, { headers });
      if (res.status < 500) return;
    } catch {
      /* not up yet */
    }
    await sleep(100);
  }
  throw new Error(`${url} did not come up`);
}

async function call(base, method, path, token, body) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...authHeaders(token) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 300)}`);
  return text ? JSON.parse(text) : undefined;
}

const caseBody = () => ({
  survivorName: `Survivor ${randomBytes(6).toString('hex')}`,
  aliases: ['Alias one', 'Alias two'],
  contactDetails: { phone: `+2547${String(10000000 + Math.floor(Math.random() * 8e7))}`, email: null, safeContactInstructions: 'Call after 6pm, ask for the clinic' },
  address: 'Plot 14, Block C, Hilltop settlement',
  dateOfBirth: '1999-04-17',
  narrative: 'x'.repeat(600),
  sex: 'female', ageBand: '18_25', nationalityStatus: 'national', displacementStatus: 'idp', disability: 'none',
  vulnerabilities: ['female_headed_household'], regionCode: 'BN-01',
});

const complaintBody = () => ({
  category: 'sexual_exploitation', entityType: 'implementing_partner', victimSex: 'female', victimAgeBand: '18_25',
  complainantIsVictim: false, dateBand: 'one_to_six_months', regionCode: null,
  narrative: `A distribution worker asked for sex in exchange for food vouchers. ${randomBytes(8).toString('hex')}`,
  contact: null, wantsAssistance: false, language: 'en',
});

/** Seeds through the libraries' own services in this process (a Nest application context), then closes it. */
async function seed(config) {
  const { NestFactory } = require('@nestjs/core');
  require('@nestjs/common').Logger.overrideLogger(false);
  const { ApiModule } = dist('apps/api/src/api.module');
  const { AgenciesService, UsersService, SessionService, AgencyKeysService, AGENCY_KEY_ROLES, mfaSecretContext, newTotpSecret } = dist('libs/auth/src');
  const { TransactionHost } = dist('libs/database/src');
  const { EnvelopeCrypto } = dist('libs/crypto/src');
  const { SeaKeysService } = dist('libs/domain/src/sea/sea-keys.service');
  const { SeaEndorsementsService } = dist('libs/domain/src/sea/sea-endorsements.service');
  const { DataSource } = require('typeorm');
  const app = await NestFactory.createApplicationContext(ApiModule.forRoot(config), { logger: false });
  try {
    const ctx = { actor: null, via: 'bench' };
    const agencies = app.get(AgenciesService);
    const a = await agencies.create({ name: 'Bench referring agency', type: 'national_ngo', serviceTypes: ['psychosocial'], regionCodes: ['BN-01'] }, ctx);
    const b = await agencies.create({ name: 'Bench receiving agency', type: 'national_ngo', serviceTypes: ['legal'], regionCodes: ['BN-01'] }, ctx);
    const u = await agencies.create({ name: 'Bench UN agency', type: 'un_agency', serviceTypes: [], regionCodes: [] }, ctx);
    const users = app.get(UsersService);
    const ds = app.get(DataSource);
    const crypto = app.get(EnvelopeCrypto);
    const password = `Bench ${randomBytes(12).toString('base64url')}`;
    const tokens = {};
    const members = { [a.id]: [], [b.id]: [] };
    for (const [name, role, agencyId] of [['supA', 'supervisor', a.id], ['supB', 'supervisor', b.id], ['provB', 'provider', b.id], ['fp', 'psea_focal_point', u.id]]) {
      const user = await users.provision({ email: `bench-${name.toLowerCase()}@example.org`, password, role, agencyId, displayName: `Bench ${name}` }, ctx);
      await ds.query('UPDATE users SET mfa_secret = $2, mfa_enabled_at = now() WHERE id = $1', [
        user.id,
        crypto.encryptSystem(newTotpSecret(), mfaSecretContext(user.id)),
      ]);
      tokens[name] = (await app.get(SessionService).start({ id: user.id, role: user.role, agencyId: user.agencyId }, 'full')).accessToken;
      if (AGENCY_KEY_ROLES.includes(role)) {
        // What the login hook does at a password sign-in: the personal key (made from the password
        // on first sign-in) sealed for this session; the client's half goes with every request.
        const sid = JSON.parse(Buffer.from(tokens[name].split('.')[1], 'base64url').toString('utf8')).sid;
        const unlock = await app.get(TransactionHost).run((em) => app.get(AgencyKeysService).unlockForSession(em, sid, user.id, password));
        if (!unlock) throw new Error(`no unlock for ${name}`);
        unlocks.set(tokens[name], unlock);
        members[agencyId].push(user.id);
      }
      if (role === 'psea_focal_point') {
        await app.get(SeaKeysService).provisionForSeed({ id: user.id, agencyId: u.id, password }, password);
        await app.get(SeaEndorsementsService).endorseWithDeploymentKey(user.id, 'bench');
      }
    }
    // Each agency's key, sealed to its members (the operator path the demo seed takes): case and
    // referral keys are sealed to these, and every read opens them through the caller's session.
    for (const [agencyId, ids] of Object.entries(members)) await app.get(AgencyKeysService).setUpByOperator(agencyId, ids, 'bench');
    return { agencyA: a.id, agencyB: b.id, tokens };
  } finally {
    await app.close();
  }
}

/** One autocannon run; every response's latency is kept, so percentiles are exact. */
function drive(base, connections, duration, spec) {
  return new Promise((resolve, reject) => {
    const latencies = [];
    const statuses = {};
    const instance = autocannon(
      {
        url: base,
        connections,
        duration,
        timeout: 30,
        headers: { 'content-type': 'application/json', ...authHeaders(spec.token) },
        requests: [{ method: spec.method, path: spec.path, ...(spec.setup ? { setupRequest: spec.setup } : {}) }],
      },
      (err, result) => (err ? reject(err) : resolve({ latencies, statuses, seconds: result.duration, errors: result.errors, timeouts: result.timeouts })),
    );
    instance.on('response', (_client, status, _bytes, ms) => {
      latencies.push(ms);
      statuses[status] = (statuses[status] ?? 0) + 1;
    });
  });
}

/** Slices of one side, measured in turns with the other side's, as one figure. */
function combine(slices, peakRssMb) {
  const s = slices.flatMap((x) => x.latencies).sort((x, y) => x - y);
  const p = (q) => (s.length ? s[Math.min(s.length - 1, Math.floor(q * s.length))] : NaN);
  const statuses = {};
  for (const x of slices) for (const [c, n] of Object.entries(x.statuses)) statuses[c] = (statuses[c] ?? 0) + n;
  const ok = Object.entries(statuses).filter(([c]) => Number(c) < 300).reduce((n, [, v]) => n + v, 0);
  const seconds = slices.reduce((n, x) => n + x.seconds, 0);
  return {
    ops: ok / seconds,
    p50: p(0.5), p95: p(0.95), p99: p(0.99),
    ok, statuses,
    errors: slices.reduce((n, x) => n + x.errors, 0),
    timeouts: slices.reduce((n, x) => n + x.timeouts, 0),
    // The worst slice's event-loop delay p99.
    eldP99: Math.max(...slices.map((x) => x.eld.p99)),
    eldMax: Math.max(...slices.map((x) => x.eld.max)),
    peakRssMb,
  };
}

async function main() {
  const scratch = scratchEnv('api');
  const pg = process.env.BENCH_PG ?? 'postgres://postgres@127.0.0.1:5432';
  const host = new URL(pg).host;
  Object.assign(process.env, {
    DATABASE_URL: `postgres://amani_app@${host}/${scratch.db}`,
    DATABASE_OWNER_URL: `${pg}/${scratch.db}`,
    PORT: String(PORT),
    HOST: '127.0.0.1',
    LEAN_PORT: String(PORT + 1),
    WORKER_HEALTH_PORT: String(PORT + 2),
    SEA_RECEIPT_SOURCE_FAILURE_LIMIT: '1000',
  });
  const config = dist('libs/config/src').loadConfig(process.env);
  // The schema from the real migrations, applied by the built CLI (as the e2e global setup does).
  execFileSync(process.execPath, [join(root, 'dist/apps/cli/src/main.js'), 'db:prepare'], { env: process.env, stdio: ['ignore', 'ignore', 'inherit'] });
  const seeded = await seed(config);
  const { tokens } = seeded;

  const env = { ...process.env, AMANI_BENCH_PROBE: '1' };
  const apiArgs = (process.env.BENCH_API_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const api = child('api', join(root, 'dist/apps/api/src/main.js'), env, apiArgs);
  const worker = child('worker', join(root, 'dist/apps/worker/src/main.js'), env);
  const lean = child('lean', join(__dirname, 'lean-server.js'), env);
  // Optionally an earlier build of the API (BENCH_BASELINE: a checkout with its dist/), on the same
  // database, measured in the same slices: before/after figures that share the machine's moment.
  const baselineRoot = process.env.BENCH_BASELINE;
  const baseline = baselineRoot ? child('before', join(baselineRoot, 'dist/apps/api/src/main.js'), { ...env, PORT: String(PORT + 3) }) : null;
  const baselineBase = `http://127.0.0.1:${PORT + 3}`;
  const apiBase = `http://127.0.0.1:${PORT}`;
  const leanBase = `http://127.0.0.1:${PORT + 1}`;
  const owner = new Client({ connectionString: process.env.DATABASE_OWNER_URL });
  const results = [];
  try {
    await Promise.all([waitFor(`${apiBase}/health/live`), waitFor(`${leanBase}/`), baseline && waitFor(`${baselineBase}/health/live`)]);

    // Fixtures over HTTP: a published legal service in B, a case in A with an incident and a referral consent.
    await call(apiBase, 'POST', '/services', tokens.supB, {
      serviceType: 'legal', name: 'Bench legal aid', regionCodes: ['BN-01'], languages: ['en'], openingHours: 'Mon-Fri 08:00-16:00',
      contactChannel: 'referral desk', capacity: 10,
    });
    const referred = await call(apiBase, 'POST', '/cases', tokens.supA, caseBody());
    await call(apiBase, 'POST', `/cases/${referred.id}/incidents`, tokens.supA, {
      incidentDate: '2025-03-01', reportDate: '2025-03-05',
      answers: { penetration: false, sexualContactWithoutPenetration: false, physicalAssault: true, forcedMarriage: false, denialOfResources: false, psychologicalAbuse: true },
      contextAnswers: { moneyGoodsBenefitsExchanged: false, abductedOrHeld: false, harmfulTraditionalPractice: false },
      timeOfDay: 'evening_night', locationType: 'survivor_home',
      perpetrator: { count: '1', sex: 'male', ageGroup: '26_40', relationship: 'intimate_partner', occupation: 'farmer' },
      priorIncidents: 'yes',
    });
    await call(apiBase, 'POST', `/cases/${referred.id}/consents`, tokens.supA, {
      purpose: 'referral', givenBy: 'survivor', serviceType: 'legal', recipientAgencyId: seeded.agencyB, shareableFields: ['sex', 'ageBand', 'survivorName'],
    });
    const receipts = [];
    for (let i = 0; i < 20; i++) receipts.push((await call(apiBase, 'POST', '/sea/complaints', null, complaintBody())).receipt);
    await owner.connect();
    // The API reads cases whose key is sealed to the agency (those it wrote); the lean reference
    // wraps keys with the master key as before agency keys, and reads its own.
    const caseIds = async (sealed) =>
      (await owner.query(
        `SELECT c.id FROM cases c JOIN case_keys k ON k.case_id = c.id
          WHERE c.agency_id = $1 AND (k.agency_key_version IS NOT NULL) = $2 ORDER BY c.created_at DESC LIMIT 5000`,
        [seeded.agencyA, sealed],
      )).rows.map((r) => r.id);
    let ids = { api: [], lean: [] };
    let n = 0;

    const paths = [
      { name: 'case create', method: 'POST', path: '/cases', token: tokens.supA, lean: true, setup: (req) => ({ ...req, body: JSON.stringify(caseBody()) }) },
      { name: 'case read', method: 'GET', path: '/cases', token: tokens.supA, lean: true,
        prepare: async () => (ids = { api: await caseIds(true), lean: await caseIds(false) }),
        // The baseline build (BENCH_BASELINE, from before agency keys) reads master-wrapped cases too.
        forSide: (side) => ({ setup: (req) => { const list = side === 'api' ? ids.api : ids.lean; return { ...req, path: `/cases/${list[n++ % list.length]}` }; } }) },
      { name: 'case list page', method: 'GET', path: '/cases?pageSize=20', token: tokens.supA, lean: true },
      { name: 'referral create', method: 'POST', path: `/cases/${referred.id}/referrals`, token: tokens.supA, lean: false,
        setup: (req) => ({ ...req, body: JSON.stringify({ recipientAgencyId: seeded.agencyB, serviceType: 'legal', followUpDueAt: new Date(Date.now() + 7 * 86_400_000).toISOString() }) }) },
      { name: 'incoming referrals list', method: 'GET', path: '/referrals/incoming?pageSize=20', token: tokens.provB, lean: true },
      { name: 'SEA submit', method: 'POST', path: '/sea/complaints', token: null, lean: false, setup: (req) => ({ ...req, body: JSON.stringify(complaintBody()) }) },
      { name: 'receipt follow-up', method: 'POST', path: '/sea/complaints/access', token: null, lean: false,
        setup: (req) => ({ ...req, body: JSON.stringify({ receipt: receipts[n++ % receipts.length] }) }) },
    ].filter((p) => !ONLY || ONLY.includes(p.name));

    // The API and the lean server are measured in alternating slices (ROUNDS each), so that a
    // change in the machine's load (it is shared) weighs on both sides of the ratio alike.
    const slice = async (target, base, spec, connections) => {
      await target.probe();
      const r = await drive(base, connections, DURATION / ROUNDS, spec);
      return { ...r, eld: await target.probe() };
    };
    const row = async (spec, connections, extra = {}) => {
      if (spec.prepare) await spec.prepare();
      const sides = [
        ['api', api, apiBase],
        ...(baseline ? [['before', baseline, baselineBase]] : []),
        ...(spec.lean ? [['lean', lean, leanBase]] : []),
      ];
      const sideSpec = (name) => (spec.forSide ? { ...spec, ...spec.forSide(name) } : spec);
      if (WARMUP > 0) for (const [name, , base] of sides) await drive(base, Math.min(connections, 8), WARMUP, sideSpec(name));
      const slices = Object.fromEntries(sides.map(([name]) => [name, []]));
      for (let i = 0; i < ROUNDS; i++) {
        for (const [name, target, base] of sides) slices[name].push(await slice(target, base, sideSpec(name), connections));
      }
      const out = { path: spec.name, connections, ...extra, api: null, before: null, lean: null };
      for (const [name, target] of sides) {
        const r = combine(slices[name], target.peakRssMb());
        out[name] = r;
        const bad = Object.entries(r.statuses).filter(([c]) => Number(c) >= 300);
        if (bad.length || r.errors || r.timeouts) {
          process.stderr.write(`${spec.name} ${name} c${connections}: non-2xx ${JSON.stringify(Object.fromEntries(bad))} errors ${r.errors} timeouts ${r.timeouts}\n`);
        }
      }
      out.ratio = out.lean ? out.api.ops / out.lean.ops : null;
      out.beforeRatio = out.lean && out.before ? out.before.ops / out.lean.ops : null;
      results.push(out);
      process.stdout.write(`${fmtRow(out)}\n`);
    };

    process.stdout.write(`${header()}\n`);
    for (const spec of paths) for (const c of CONNECTIONS) await row(spec, c);

    const list = paths.find((p) => p.name === 'case list page');
    for (const size of list ? LIST_SIZES : []) {
      const { rows: [{ count }] } = await owner.query('SELECT count(*)::int AS count FROM cases WHERE agency_id = $1', [seeded.agencyA]);
      if (count < size) await fillCases(owner, seeded.agencyA, size - count);
      await row({ ...list, name: `case list page @${size.toLocaleString('en')}` }, Math.max(...CONNECTIONS), { cases: size });
    }
  } finally {
    await owner.end().catch(() => undefined);
    await Promise.all([api.stop(), worker.stop(), lean.stop(), baseline?.stop()]);
    if (process.env.BENCH_KEEP !== '1') await dropScratch();
  }
  writeResults(results);
}

/**
 * Copies `n` rows of one real case (its ciphertexts are bound to its own id, so the copies are
 * listable but not readable: a list page reads coded columns only). Fast: one INSERT ... SELECT.
 */
async function fillCases(owner, agencyId, n) {
  await owner.query(
    `INSERT INTO cases (id, agency_id, created_by, assigned_caseworker_id, stage, sex, age_band, nationality_status, displacement_status,
        disability, vulnerabilities, region_code, survivor_code_index, phone_index, survivor_code, survivor_name, survivor_aliases,
        contact_details, address, date_of_birth, caregiver_details, narrative, created_at, updated_at)
     SELECT gen_random_uuid(), c.agency_id, c.created_by, c.assigned_caseworker_id, c.stage, c.sex, c.age_band, c.nationality_status,
        c.displacement_status, c.disability, c.vulnerabilities, c.region_code, uuid_send(gen_random_uuid()), NULL, c.survivor_code, c.survivor_name,
        c.survivor_aliases, c.contact_details, c.address, c.date_of_birth, c.caregiver_details, c.narrative,
        now() - make_interval(secs => g), now() - make_interval(secs => g)
       FROM (SELECT * FROM cases WHERE agency_id = $1 LIMIT 1) c, generate_series(1, $2) g`,
    [agencyId, n],
  );
  await owner.query('VACUUM ANALYZE cases');
}

const num = (v, d = 0) => (v === null || v === undefined || Number.isNaN(v) ? '–' : v.toFixed(d));
const withBaseline = Boolean(process.env.BENCH_BASELINE);
function header() {
  return [
    'path', 'conns', 'API ops/s', 'p50', 'p95', 'p99 ms', 'ELD p99', 'lean ops/s', 'p50', 'p95', 'p99 ms', 'ELD p99', 'API/lean ops', 'API/lean p99',
    ...(withBaseline ? ['before ops/s', 'p99 ms', 'ELD p99', 'before/lean ops'] : []),
  ].join(' | ');
}
function fmtRow(r) {
  const side = (s) => (s ? [num(s.ops), num(s.p50, 1), num(s.p95, 1), num(s.p99, 1), num(s.eldP99, 1)] : ['–', '–', '–', '–', '–']);
  const pct = (x) => (x === null ? '–' : `${(x * 100).toFixed(0)}%`);
  return [
    r.path, String(r.connections), ...side(r.api), ...side(r.lean), pct(r.ratio),
    r.lean ? `${(r.api.p99 / r.lean.p99).toFixed(1)}x` : '–',
    ...(withBaseline ? [num(r.before?.ops), num(r.before?.p99, 1), num(r.before?.eldP99, 1), pct(r.beforeRatio)] : []),
  ].join(' | ');
}

/**
 * The case read and write paths beside the figures from before agency keys (BASELINE_FILE), and
 * the cost agency keys add per request: at the median latency, and in server time per request at
 * saturation (1000 / ops/s: the whole machine's milliseconds one request takes).
 */
function agencyKeyCost(results) {
  let baseline = { commit: 'none', date: 'none', load: 'none', results: [] };
  try {
    baseline = JSON.parse(readFileSync(BASELINE_FILE, 'utf8'));
  } catch {
    if (!withBaseline) return null;
  }
  const rows = [];
  for (const r of results) {
    if (!COMPARED_PATHS.includes(r.path)) continue;
    // A baseline build measured in the same slices (BENCH_BASELINE) beats the recorded figures.
    const before = r.before ?? baseline.results.find((b) => b.path === r.path && b.connections === r.connections);
    if (!before) continue;
    const after = r.api;
    const perReq = (ops) => 1000 / ops;
    rows.push({
      path: r.path,
      connections: r.connections,
      beforeFrom: r.before ? 'BENCH_BASELINE, same slices' : 'recorded',
      before: { ops: before.ops, p50: before.p50, p99: before.p99 },
      after: { ops: after.ops, p50: after.p50, p99: after.p99 },
      addedP50Ms: after.p50 - before.p50,
      addedP50Pct: (after.p50 / before.p50 - 1) * 100,
      addedServerMs: perReq(after.ops) - perReq(before.ops),
      addedServerPct: (perReq(after.ops) / perReq(before.ops) - 1) * 100,
    });
  }
  return { baseline: { commit: baseline.commit, date: baseline.date, load: baseline.load }, rows };
}

function costTable(cost) {
  const sign = (v, d) => `${v >= 0 ? '+' : ''}${v.toFixed(d)}`;
  return [
    withBaseline
      ? `Agency keys (issue 14) beside the build from before them (BENCH_BASELINE=${process.env.BENCH_BASELINE}), measured in the same slices of this run:`
      : `Agency keys (issue 14) beside the figures from before them (\`bench/baseline-before-agency-keys.json\`: main ${cost.baseline.commit.slice(0, 10)}, ${cost.baseline.date}, load ${cost.baseline.load}):`,
    '',
    '| path | conns | before ops/s | after ops/s | before p50 ms | after p50 ms | added per request, p50 | before p99 ms | after p99 ms | server ms/request before → after | added server time per request |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...cost.rows.map((r) =>
      `| ${r.path} | ${r.connections} | ${num(r.before.ops)} | ${num(r.after.ops)} | ${num(r.before.p50, 1)} | ${num(r.after.p50, 1)} | ${sign(r.addedP50Ms, 1)} ms (${sign(r.addedP50Pct, 0)}%) | ${num(r.before.p99, 1)} | ${num(r.after.p99, 1)} | ${(1000 / r.before.ops).toFixed(2)} → ${(1000 / r.after.ops).toFixed(2)} | ${sign(r.addedServerMs, 2)} ms (${sign(r.addedServerPct, 0)}%) |`),
    '',
  ].join('\n');
}

function writeResults(results) {
  const dir = join(__dirname, 'results');
  mkdirSync(dir, { recursive: true });
  const machine = `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${os.type()} ${os.release()}, Node ${process.version}`;
  const date = new Date().toISOString();
  const peak = Math.max(...results.map((r) => r.api.peakRssMb ?? 0));
  const cost = agencyKeyCost(results);
  writeFileSync(join(dir, 'latest.json'), `${JSON.stringify({ date, machine, load: os.loadavg().map((l) => l.toFixed(2)).join(' '), duration: DURATION, results, agencyKeyCost: cost }, null, 2)}\n`);
  const md = [
    `Run ${date} on ${machine}; ${DURATION} s per measurement in ${ROUNDS} slices alternating API${withBaseline ? ', the baseline build' : ''} and lean, load from a separate process (autocannon).`,
    `Latencies in ms; ELD = event-loop delay p99 of the server; API peak RSS ${num(peak)} MB. Lean = bench/lean-server.js (– where none is written).`,
    '',
    `| ${header()} |`,
    `|${' --- |'.repeat(withBaseline ? 18 : 14)}`,
    ...results.map((r) => `| ${fmtRow(r)} |`),
    '',
    ...(cost && cost.rows.length ? [costTable(cost)] : []),
  ].join('\n');
  writeFileSync(join(dir, 'latest.md'), md);
  process.stdout.write(`\n${md}`);
}

main().catch(async (e) => {
  process.stderr.write(`${e.stack}\n`);
  process.exitCode = 1;
  // A failure before the run's own cleanup (e.g. while preparing): drop the scratch database anyway.
  if (process.env.BENCH_KEEP !== '1' && process.env.DATABASE_OWNER_URL?.includes('amani_bench_')) await dropScratch().catch(() => undefined);
});
