// Shared by the benchmarks: a scratch database and Redis prefix, a bounded concurrent load
// loop and percentile figures.
const { randomBytes } = require('crypto');
const { mkdirSync, writeFileSync } = require('fs');
const { join } = require('path');
const root = join(__dirname, '..');

function scratchEnv(name) {
  const id = `${name}_${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
  const dir = join(root, 'test-output', `bench-${id}`);
  mkdirSync(dir, { recursive: true });
  const { generateSecretsDocument } = require(join(root, 'dist/libs/config/src/secrets'));
  writeFileSync(join(dir, 'secrets.json'), JSON.stringify(generateSecretsDocument()));
  const db = `amani_bench_${id}`;
  Object.assign(process.env, {
    NODE_ENV: 'test',
    DATABASE_URL: `postgres://amani_app@127.0.0.1:5432/${db}`,
    DATABASE_OWNER_URL: `postgres://postgres@127.0.0.1:5432/${db}`,
    REDIS_PREFIX: `amani_bench_${id}`,
    SECRETS_FILE: join(dir, 'secrets.json'),
    LOG_FILE: join(dir, 'app.log'),
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn',
    THROTTLE_LIMIT: '100000000',
    THROTTLE_AUTH_LIMIT: '100000000',
    THROTTLE_PUBLIC_LIMIT: '100000000',
  });
  return { id, dir, db };
}

async function dropScratch() {
  const { dropDatabase } = require(join(root, 'dist/libs/database/src/db-drop'));
  await dropDatabase(process.env.DATABASE_OWNER_URL);
  const Redis = require('ioredis');
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${process.env.REDIS_PREFIX}*`, 'COUNT', 500);
    if (keys.length) await redis.del(...keys);
    cursor = next;
  } while (cursor !== '0');
  redis.disconnect();
}

/** Runs `task(i)` `count` times with at most `concurrency` in flight; returns latencies (ms) and the wall time. */
async function load(count, concurrency, task) {
  const latencies = new Array(count);
  let next = 0;
  const started = process.hrtime.bigint();
  async function lane() {
    for (;;) {
      const i = next++;
      if (i >= count) return;
      const t0 = process.hrtime.bigint();
      await task(i);
      latencies[i] = Number(process.hrtime.bigint() - t0) / 1e6;
    }
  }
  await Promise.all(Array.from({ length: concurrency }, lane));
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  return { latencies, wallMs, count };
}

function figures({ latencies, wallMs, count }) {
  const s = [...latencies].sort((a, b) => a - b);
  const p = (q) => s[Math.min(s.length - 1, Math.floor(q * s.length))];
  return { rps: (count / wallMs) * 1000, p50: p(0.5), p95: p(0.95), p99: p(0.99) };
}

function printTable(rows) {
  const head = ['path', 'ops', 'ops/s', 'p50 ms', 'p95 ms', 'p99 ms', 'ratio ops/s (raw/app)'];
  const lines = rows.map((r) => [
    r.name,
    String(r.count),
    r.rps.toFixed(0),
    r.p50.toFixed(2),
    r.p95.toFixed(2),
    r.p99.toFixed(2),
    r.ratio ? `${r.ratio.toFixed(1)}x` : '',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const fmt = (cols) => cols.map((c, i) => c.padEnd(widths[i])).join('  ');
  console.log(fmt(head));
  for (const l of lines) console.log(fmt(l));
}

module.exports = { root, scratchEnv, dropScratch, load, figures, printTable };
