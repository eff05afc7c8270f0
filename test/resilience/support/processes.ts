import { ChildProcess, execFile, spawn } from 'node:child_process';
import { chownSync, closeSync, existsSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Redis from 'ioredis';

const run = promisify(execFile);
/**
 * A latency or recovery bound of the acceptance, in ms. RESILIENCE_TIME_SCALE (default
 * 1, never set in CI) stretches them all on a machine whose cores are shared with other work,
 * where every request is slow for reasons unrelated to the fault under test.
 */
export const bound = (ms: number): number => ms * Math.max(1, Number(process.env.RESILIENCE_TIME_SCALE ?? 1) || 1);

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Polls `check` every 50 ms until it answers true; throws naming `what` after `ms`. */
export async function until(what: string, check: () => Promise<boolean> | boolean, ms = 20_000): Promise<number> {
  const start = Date.now();
  for (;;) {
    try {
      if (await check()) return Date.now() - start;
    } catch {
      // not yet
    }
    if (Date.now() - start > ms) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(50);
  }
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

const taken = new Set<number>();

/** A free port in [lo, hi] (this helper's ranges: PostgreSQL 55400-55499, Redis 56400-56499, HTTP 41000-41999). */
export async function portIn(lo: number, hi: number): Promise<number> {
  const span = hi - lo + 1;
  const offset = Math.floor(Math.random() * span);
  for (let i = 0; i < span; i++) {
    const port = lo + ((offset + i) % span);
    if (taken.has(port)) continue;
    if (await portFree(port)) {
      taken.add(port);
      return port;
    }
  }
  throw new Error(`no free port in ${lo}-${hi}`);
}

/** A temporary directory the PostgreSQL server user can own. */
function scratchDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

const pgBin = (() => {
  let cached: string | undefined;
  return (name: string) => {
    if (!cached) {
      const versions = readdirSync('/usr/lib/postgresql').filter((v) => existsSync(`/usr/lib/postgresql/${v}/bin/initdb`));
      versions.sort((a, b) => Number(b) - Number(a));
      if (!versions.length) throw new Error('no PostgreSQL server binaries under /usr/lib/postgresql/*/bin');
      cached = `/usr/lib/postgresql/${versions[0]}/bin`;
    }
    return join(cached, name);
  };
})();

/**
 * A private PostgreSQL cluster (initdb + pg_ctl) on its own port, so a test can stop and
 * restart "the database" without touching the machine's. initdb refuses to run as root, so
 * as root the server runs as the `postgres` system user.
 */
export class PgCluster {
  private constructor(
    readonly port: number,
    readonly dir: string,
  ) {}

  static async create(): Promise<PgCluster> {
    const c = new PgCluster(await portIn(55400, 55499), scratchDir('amani-resil-pg-'));
    if (process.getuid?.() === 0) {
      const { stdout } = await run('id', ['-u', 'postgres']);
      const { stdout: gid } = await run('id', ['-g', 'postgres']);
      chownSync(c.dir, Number(stdout.trim()), Number(gid.trim()));
    }
    await c.pg('initdb', ['-D', c.data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync', '--no-instructions']);
    await c.start();
    return c;
  }

  get data(): string {
    return join(this.dir, 'data');
  }

  url(user: string, db: string): string {
    return `postgres://${user}@127.0.0.1:${this.port}/${db}`;
  }

  async start(): Promise<void> {
    const opts = `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200`;
    await this.pg('pg_ctl', ['-D', this.data, '-o', opts, '-l', join(this.dir, 'server.log'), '-w', '-t', '60', 'start']);
  }

  /** `fast`: active sessions are terminated, as in an ordinary restart of the service. */
  async stop(mode: 'fast' | 'immediate' = 'fast'): Promise<void> {
    await this.pg('pg_ctl', ['-D', this.data, '-m', mode, '-w', '-t', '60', 'stop']);
  }

  async restart(): Promise<void> {
    await this.stop('fast');
    await this.start();
  }

  async destroy(): Promise<void> {
    await this.stop('immediate').catch(() => undefined);
    rmSync(this.dir, { recursive: true, force: true });
  }

  private async pg(bin: string, args: string[]): Promise<void> {
    const asRoot = process.getuid?.() === 0;
    const [cmd, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', pgBin(bin), ...args]] : [pgBin(bin), args];
    await run(cmd, argv, { cwd: this.dir, env: { ...process.env, LC_ALL: 'C' } });
  }
}

/** A private redis-server on its own port, with or without persistence (append-only file). */
export class RedisServer {
  private proc?: ChildProcess;
  private constructor(
    readonly port: number,
    readonly dir: string,
    private persistent: boolean,
  ) {}

  static async create(opts: { persistent: boolean }): Promise<RedisServer> {
    const r = new RedisServer(await portIn(56400, 56499), scratchDir('amani-resil-redis-'), opts.persistent);
    await r.start();
    return r;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const persistence = this.persistent ? ['--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no'];
    this.proc = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--dir', this.dir, ...persistence], {
      stdio: 'ignore',
    });
    await until('redis-server to answer', async () => {
      const c = new Redis({ port: this.port, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
      c.on('error', () => undefined);
      try {
        await c.connect();
        return (await c.ping()) === 'PONG';
      } finally {
        c.disconnect();
      }
    });
  }

  /** Turns the append-only file on in the running server; the next start loads it. */
  async enablePersistence(): Promise<void> {
    const c = this.client();
    try {
      await c.config('SET', 'appendonly', 'yes');
      await c.config('SET', 'appendfsync', 'always');
      await until('the append-only file to be written', async () => /aof_rewrite_in_progress:0/.test(await c.info('persistence')) && /aof_enabled:1/.test(await c.info('persistence')));
    } finally {
      c.disconnect();
    }
    this.persistent = true;
  }

  /** A clean shutdown (SIGTERM): with persistence, everything written survives; without, nothing does. */
  async stop(): Promise<void> {
    const p = this.proc;
    if (!p || p.exitCode !== null || p.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      p.once('exit', () => resolve());
      p.kill('SIGTERM');
    });
  }

  client(): Redis {
    const c = new Redis({ port: this.port, maxRetriesPerRequest: 1 });
    c.on('error', () => undefined);
    return c;
  }

  async destroy(): Promise<void> {
    const p = this.proc;
    if (p && p.exitCode === null && p.signalCode === null) {
      await new Promise<void>((resolve) => {
        p.once('exit', () => resolve());
        p.kill('SIGKILL');
      });
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A child process running one of the built entry points, its log in a file. */
export class AppProcess {
  readonly child: ChildProcess;
  private readonly exited: Promise<void>;

  constructor(
    readonly kind: 'api' | 'worker',
    readonly port: number,
    readonly logFile: string,
    entry: string,
    env: Record<string, string>,
  ) {
    const err = openSync(`${logFile}.stderr`, 'a');
    this.child = spawn(process.execPath, [entry], { env, stdio: ['ignore', 'ignore', err] });
    closeSync(err);
    this.exited = new Promise((resolve) => this.child.once('exit', () => resolve()));
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  log(): string {
    return existsSync(this.logFile) ? readFileSync(this.logFile, 'utf8') : '';
  }

  stderr(): string {
    return existsSync(`${this.logFile}.stderr`) ? readFileSync(`${this.logFile}.stderr`, 'utf8') : '';
  }

  /** Parsed log lines (pino JSON). */
  events(): Record<string, unknown>[] {
    return this.log()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  }

  async kill(signal: 'SIGKILL' | 'SIGTERM' = 'SIGTERM'): Promise<void> {
    if (this.alive) this.child.kill(signal);
    await this.exited;
  }
}
