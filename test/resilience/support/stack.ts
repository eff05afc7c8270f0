import { bearer } from '../../support/users';
import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { generateSecretsDocument } from '@amani/config/secrets';
import { createTestApp, TestApp } from '../../support/app';
import { AppProcess, PgCluster, portIn, RedisServer, until } from './processes';

const run = promisify(execFile);
const root = resolve(__dirname, '../../..');
const dist = (p: string) => join(root, 'dist', p);
/** Loading the built app takes seconds on a busy machine; the scenarios' own bounds start once it is up. */
const BOOT_MS = 90_000;

/**
 * One scenario's world: its own PostgreSQL cluster and redis-server, a database migrated by
 * the built CLI, a key file, and the API and worker as real child processes of the built
 * dist/ (each with its own log file), spawned and killed by the test.
 */
/**
 * Where spawned API and worker processes listen: 41000-41999 unless RESILIENCE_APP_PORTS
 * ("lo-hi") says otherwise, so parallel runs on one machine can keep to their own range.
 */
function appPortRange(): [number, number] {
  const m = /^(\d+)-(\d+)$/.exec(process.env.RESILIENCE_APP_PORTS ?? '');
  return m ? [Number(m[1]), Number(m[2])] : [41000, 41999];
}

export class Stack {
  readonly env: Record<string, string>;
  readonly dir: string;
  private readonly procs: AppProcess[] = [];
  private fixtureApp?: TestApp;

  private constructor(
    readonly name: string,
    readonly pg: PgCluster,
    readonly redis: RedisServer,
  ) {
    const runId = `${name}-${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
    this.dir = join(root, 'test-output', 'resilience', runId);
    mkdirSync(this.dir, { recursive: true });
    const secretsFile = join(this.dir, 'secrets.json');
    writeFileSync(secretsFile, JSON.stringify(generateSecretsDocument()), { mode: 0o600 });
    this.env = {
      NODE_ENV: 'test',
      DATABASE_URL: pg.url('amani_app', 'amani'),
      DATABASE_OWNER_URL: pg.url('postgres', 'amani'),
      REDIS_URL: redis.url,
      REDIS_PREFIX: 'amani',
      SECRETS_FILE: secretsFile,
      LOG_LEVEL: 'info',
      LOG_FILE: join(this.dir, 'fixtures.log'),
      THROTTLE_LIMIT: '1000000',
      THROTTLE_AUTH_LIMIT: '1000000',
      THROTTLE_PUBLIC_LIMIT: '1000000',
      SEA_RECEIPT_FAILURE_LIMIT: '1000000',
      OUTBOX_POLL_MS: '100',
      AUDIT_SEQUENCER_MS: '200',
      // The shared fixtures record every secret they create for the e2e run's leak check.
      AMANI_TEST_RUN_DIR: this.dir,
    };
  }

  static async create(name: string): Promise<Stack> {
    const [pg, redis] = await Promise.all([PgCluster.create(), RedisServer.create({ persistent: false })]);
    const stack = new Stack(name, pg, redis);
    await run(process.execPath, [dist('apps/cli/src/main.js'), 'db:prepare'], { env: { ...process.env, ...stack.env } });
    return stack;
  }

  /** An in-process API module on this stack's database, for fixtures (users, sessions, complaints). */
  async fixtures(): Promise<TestApp> {
    process.env.AMANI_TEST_RUN_DIR = this.dir;
    this.fixtureApp ??= await createTestApp(this.env);
    return this.fixtureApp;
  }

  /** Closes the in-process fixtures app (before the database is taken away). */
  async closeFixtures(): Promise<void> {
    await this.fixtureApp?.close();
    this.fixtureApp = undefined;
  }

  async startApi(extra: Record<string, string> = {}): Promise<AppProcess> {
    return this.spawn('api', extra, async (p) => (await fetch(`${p.url}/health/ready`)).status === 200);
  }

  /** A worker with its health listener; answers once it has logged worker.ready. */
  async startWorker(extra: Record<string, string> = {}): Promise<AppProcess> {
    return this.spawn('worker', extra, (p) => p.log().includes('"worker.ready"'));
  }

  /**
   * Spawns an entry point on a free port and waits until it is up. A port found free can be
   * taken before the child binds it (outgoing connections get local ports from the same
   * range): then it starts again on another.
   */
  private async spawn(kind: 'api' | 'worker', extra: Record<string, string>, up: (p: AppProcess) => Promise<boolean> | boolean): Promise<AppProcess> {
    for (let attempt = 0; ; attempt++) {
      const port = await portIn(...appPortRange());
      const n = this.procs.length;
      const logFile = join(this.dir, `${kind}-${n}.log`);
      const p = new AppProcess(kind, port, logFile, dist(`apps/${kind}/src/main.js`), {
        ...process.env,
        ...this.env,
        ...(kind === 'api' ? { PORT: String(port) } : { WORKER_HEALTH_PORT: String(port) }),
        LOG_FILE: logFile,
        ...extra,
      });
      this.procs.push(p);
      let failure = 'it exited';
      try {
        await until(`${kind} ${n} to be up`, async () => !p.alive || (await up(p)), BOOT_MS);
        if (p.alive) return p;
      } catch (e) {
        failure = (e as Error).message;
      }
      await p.kill('SIGKILL');
      const stderr = p.stderr();
      if (attempt < 3 && stderr.includes('EADDRINUSE')) continue;
      throw new Error(`${kind} ${n} did not come up (${failure}); stderr: ${stderr.slice(0, 500)}`);
    }
  }

  /** A query as the cluster's superuser (outside the application's pool). */
  async sql<T = Record<string, unknown>>(text: string, params: unknown[] = []): Promise<T[]> {
    const c = new Client({ connectionString: this.env.DATABASE_OWNER_URL });
    await c.connect();
    try {
      return (await c.query(text, params)).rows as T[];
    } finally {
      await c.end();
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.procs.map((p) => p.kill('SIGKILL')));
    await this.closeFixtures().catch(() => undefined);
    await Promise.all([this.pg.destroy(), this.redis.destroy()]);
  }
}

export interface Answer {
  status: number;
  ms: number;
  contentType: string;
  retryAfter: string | null;
  body: unknown;
}

/** One HTTP request; a refused or reset connection answers status 0. */
export async function call(
  base: string,
  method: string,
  path: string,
  opts: { token?: string; body?: unknown; headers?: Record<string, string>; timeoutMs?: number } = {},
): Promise<Answer> {
  const started = Date.now();
  try {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: {
        ...(opts.token ? bearer(opts.token) : {}),
        ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...opts.headers,
      },
      body: opts.body !== undefined ? JSON.stringify(opts.body) : undefined,
      signal: AbortSignal.timeout(opts.timeoutMs ?? 15_000),
    });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON
    }
    return { status: res.status, ms: Date.now() - started, contentType: res.headers.get('content-type') ?? '', retryAfter: res.headers.get('retry-after'), body };
  } catch (e) {
    const timedOut = (e as Error)?.name === 'TimeoutError';
    return { status: timedOut ? -1 : 0, ms: Date.now() - started, contentType: '', retryAfter: null, body: String((e as Error)?.message) };
  }
}

/** Runs `count` calls of `fn` with at most `concurrency` in flight; answers in call order. */
export async function burst<T>(count: number, concurrency: number, fn: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = new Array(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (next < count) {
        const i = next++;
        out[i] = await fn(i);
      }
    }),
  );
  return out;
}

/** status → count, for readable failure messages. */
export const tally = (answers: { status: number }[]) =>
  answers.reduce<Record<number, number>>((acc, a) => ({ ...acc, [a.status]: (acc[a.status] ?? 0) + 1 }), {});
