import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { Test, TestingModule } from '@nestjs/testing';
import { getDataSourceToken } from '@nestjs/typeorm';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { AmaniConfigModule, AppConfig, loadConfig } from '@amani/config';
import { DatabaseModule, dropDatabase, prepareDatabase } from '@amani/database';
import { AUDIT_ENTITIES, AuditCheckpointJob, AuditCheckpointService, AuditModule, AuditSequencer, AuditService, AuditVerifier, GENESIS_HASH, hashAuditEvent } from '@amani/audit';
import { AUDIT_FIELD_COLUMNS, RawAuditFields, toHashable } from '@amani/audit/audit-row';
import { ALL_MIGRATIONS } from '@amani/migrations';

/**
 * Runs on a database of its own: it tampers with the chain, which must not disturb the
 * other suites sharing this run's database.
 */
const ROOT = resolve(__dirname, '../..');

function withDatabase(url: string, db: string): string {
  const u = new URL(url);
  u.pathname = `/${db}`;
  return u.toString();
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Proc {
  module: TestingModule;
  ds: DataSource;
  audit: AuditService;
  sequencer: AuditSequencer;
}

describe('audit chain (PostgreSQL)', () => {
  let env: NodeJS.ProcessEnv;
  let config: AppConfig;
  let a: Proc;
  let b: Proc;
  let owner: Client;

  async function boot(): Promise<Proc> {
    const module = await Test.createTestingModule({
      imports: [AmaniConfigModule.forRoot(config), DatabaseModule.forRoot({ entities: AUDIT_ENTITIES }), AuditModule],
    }).compile();
    await module.init();
    return {
      module,
      ds: module.get<DataSource>(getDataSourceToken()),
      audit: module.get(AuditService),
      sequencer: module.get(AuditSequencer),
    };
  }

  /** The chain as the verifier of process A sees it. */
  const verify = () => a.module.get(AuditVerifier).verify();

  /** A superuser's edit: the append-only trigger is switched off only inside this transaction. */
  async function asSuperuser(fn: (c: Client) => Promise<void>): Promise<void> {
    await owner.query('BEGIN');
    try {
      await owner.query('ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update');
      await fn(owner);
      await owner.query('ALTER TABLE audit_events ENABLE TRIGGER audit_events_no_update');
      await owner.query('COMMIT');
    } catch (e) {
      await owner.query('ROLLBACK');
      throw e;
    }
  }

  function runCli(): Promise<{ code: number | null; stdout: string; stderr: string }> {
    return new Promise((done, fail) => {
      const child = spawn(process.execPath, [resolve(ROOT, 'dist/apps/cli/src/main.js'), 'audit:verify'], {
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('error', fail);
      child.on('close', (code) => done({ code, stdout, stderr }));
    });
  }

  async function head(): Promise<number> {
    const [{ seq }] = await a.ds.query<{ seq: string }[]>('SELECT max(seq) AS seq FROM audit_events');
    return Number(seq);
  }

  beforeAll(async () => {
    const db = `${new URL(process.env.DATABASE_OWNER_URL!).pathname.slice(1)}_audit`;
    env = {
      ...process.env,
      DATABASE_URL: withDatabase(process.env.DATABASE_URL!, db),
      DATABASE_OWNER_URL: withDatabase(process.env.DATABASE_OWNER_URL!, db),
      AUDIT_SEQUENCER_MS: '50',
    };
    config = loadConfig(env);
    await prepareDatabase(config, { entities: [], migrations: ALL_MIGRATIONS });
    owner = new Client({ connectionString: config.database.ownerUrl });
    await owner.connect();
    [a, b] = await Promise.all([boot(), boot()]);
  });

  afterAll(async () => {
    await Promise.all([a?.module.close(), b?.module.close()]);
    await owner?.end();
    if (config && process.env.KEEP_TEST_DB !== '1') await dropDatabase(config.database.ownerUrl);
  });

  it('starts empty and verifies', async () => {
    await expect(verify()).resolves.toEqual({ ok: true, length: 0, head: GENESIS_HASH.toString('hex') });
  });

  it('keeps one linear chain under concurrent writers and two racing sequencers', async () => {
    const WRITERS = 400;
    let writing = true;
    // Each "process" also drives its sequencer as fast as it can, on top of its timer.
    const race = async (p: Proc, wait: boolean) => {
      let passes = 0;
      while (writing) {
        await p.sequencer.runOnce({ wait });
        passes++;
      }
      return passes;
    };
    const sequencers = Promise.all([race(a, false), race(b, true), race(b, false)]);
    const writes = Array.from({ length: WRITERS }, (_, i) => {
      const p = i % 2 ? a : b;
      // Own transaction, held open a little, so ids commit out of order.
      return p.ds.transaction(async (em) => {
        await p.audit.record(
          { action: 'test.write', outcome: 'success', targetType: 'writer', targetId: String(i), details: { i } },
          em,
        );
        await sleep(Math.floor(Math.random() * 15));
      });
    });
    await Promise.all(writes);
    writing = false;
    const passes = await sequencers;
    expect(passes.every((n) => n > 0)).toBe(true);
    await Promise.all([a.sequencer.flush(), b.sequencer.flush()]);

    const result = await verify();
    expect(result).toMatchObject({ ok: true, length: WRITERS });
    const [stats] = await a.ds.query<
      { n: number; ids: number; writers: number; first: number; last: number; queued: number }[]
    >(
      `SELECT count(*)::int AS n, count(DISTINCT queue_id)::int AS ids, count(DISTINCT target_id)::int AS writers,
              min(seq)::int AS first, max(seq)::int AS last,
              (SELECT count(*)::int FROM audit_queue) AS queued
         FROM audit_events`,
    );
    expect(stats).toEqual({ n: WRITERS, ids: WRITERS, writers: WRITERS, first: 1, last: WRITERS, queued: 0 });
  });

  it('sequences on its own timer, without flush()', async () => {
    const before = await head();
    await a.audit.record({ action: 'test.timer', outcome: 'success' });
    for (let i = 0; i < 100 && (await head()) === before; i++) await sleep(50);
    expect(await head()).toBe(before + 1);
  });

  it('refuses UPDATE, DELETE and TRUNCATE of audit rows to the application role', async () => {
    for (const sql of [
      `UPDATE audit_events SET action = 'test.forged' WHERE seq = 1`,
      'DELETE FROM audit_events WHERE seq = 1',
      'TRUNCATE audit_events',
      `UPDATE audit_checkpoints SET seq = seq`,
      'DELETE FROM audit_checkpoints',
    ]) {
      await expect(a.ds.query(sql)).rejects.toMatchObject({ code: '42501' });
    }
    // Even the owner needs to switch the trigger off first.
    await expect(owner.query(`UPDATE audit_events SET action = 'test.forged' WHERE seq = 1`)).rejects.toMatchObject({
      message: expect.stringContaining('append-only'),
    });
    await expect(verify()).resolves.toMatchObject({ ok: true });
  });

  it('reports a superuser edit at exactly its seq, through the CLI too', async () => {
    const ok = await runCli();
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^OK \d+ events, head [0-9a-f]{64}\n$/);

    const seq = 123;
    const [{ action }] = (await owner.query('SELECT action FROM audit_events WHERE seq = $1', [seq])).rows as {
      action: string;
    }[];
    await asSuperuser((c) =>
      c.query(`UPDATE audit_events SET action = 'test.forged' WHERE seq = $1`, [seq]).then(() => undefined),
    );
    try {
      await expect(verify()).resolves.toEqual({ ok: false, firstBrokenSeq: seq, reason: 'hash_mismatch' });
      const broken = await runCli();
      expect(broken.code).toBe(1);
      expect(broken.stdout).toBe(`BROKEN at seq ${seq}: hash_mismatch\n`);
    } finally {
      await asSuperuser((c) =>
        c.query('UPDATE audit_events SET action = $2 WHERE seq = $1', [seq, action]).then(() => undefined),
      );
    }
    await expect(verify()).resolves.toMatchObject({ ok: true });
  });

  it('reports a link that was pointed elsewhere and a hole in the sequence', async () => {
    await asSuperuser((c) =>
      c.query('UPDATE audit_events SET prev_hash = $2 WHERE seq = $1', [50, GENESIS_HASH]).then(() => undefined),
    );
    await expect(verify()).resolves.toEqual({ ok: false, firstBrokenSeq: 50, reason: 'link_mismatch' });
    await asSuperuser((c) =>
      c
        .query('UPDATE audit_events SET prev_hash = (SELECT hash FROM audit_events WHERE seq = 49) WHERE seq = 50')
        .then(() => undefined),
    );

    await asSuperuser(async (c) => {
      await c.query('CREATE TEMP TABLE saved_event AS SELECT * FROM audit_events WHERE seq = 60');
      await c.query('DELETE FROM audit_events WHERE seq = 60');
    });
    try {
      await expect(verify()).resolves.toEqual({ ok: false, firstBrokenSeq: 60, reason: 'gap' });
    } finally {
      await asSuperuser(async (c) => {
        await c.query('INSERT INTO audit_events SELECT * FROM saved_event');
        await c.query('DROP TABLE saved_event');
      });
    }
    await expect(verify()).resolves.toMatchObject({ ok: true });
  });

  it('checkpoints idempotently, and reports a truncated tail as missing_tail', async () => {
    const service = a.module.get(AuditCheckpointService);
    const first = await service.checkpoint();
    expect(first).toMatchObject({ created: true });
    await expect(service.checkpoint()).resolves.toEqual({ ...first, created: false });
    // The job handler does the same thing, idempotently.
    await new AuditCheckpointJob(service).handle();
    const checkpoints = await a.ds.query<{ seq: string }[]>('SELECT seq FROM audit_checkpoints');
    expect(checkpoints.map((c) => c.seq)).toEqual([first!.seq]);

    const top = Number(first!.seq);
    await asSuperuser(async (c) => {
      await c.query('CREATE TEMP TABLE saved_tail AS SELECT * FROM audit_events WHERE seq > $1', [top - 3]);
      await c.query('DELETE FROM audit_events WHERE seq > $1', [top - 3]);
    });
    try {
      await expect(verify()).resolves.toEqual({ ok: false, firstBrokenSeq: top - 2, reason: 'missing_tail' });
      const cli = await runCli();
      expect(cli.code).toBe(1);
      expect(cli.stdout).toBe(`BROKEN at seq ${top - 2}: missing_tail\n`);
    } finally {
      await asSuperuser(async (c) => {
        // The CLI's own audit event may have been sequenced onto the shortened chain meanwhile.
        await c.query('DELETE FROM audit_events WHERE seq > $1', [top - 3]);
        await c.query('INSERT INTO audit_events SELECT * FROM saved_tail');
        await c.query('DROP TABLE saved_tail');
      });
    }
    await expect(verify()).resolves.toMatchObject({ ok: true });
  });

  it('catches a rewrite with recomputed hashes through the signed checkpoint', async () => {
    await a.sequencer.flush();
    const cp = await a.module.get(AuditCheckpointService).checkpoint();
    const top = Number(cp!.seq);
    const from = top - 10;
    const original = (await owner.query('SELECT seq, action FROM audit_events WHERE seq = $1', [from])).rows as {
      action: string;
    }[];
    await asSuperuser(async (c) => {
      await c.query(`UPDATE audit_events SET action = 'test.forged' WHERE seq = $1`, [from]);
      await rehash(c, from);
    });
    // The first signed checkpoint at or after the forged row is where the break shows; a
    // checkpoint taken earlier in the run (the scheduler's, or another test's) can sit between.
    const covering = (
      await owner.query<{ seq: string }>('SELECT min(seq)::text AS seq FROM audit_checkpoints WHERE seq >= $1', [from])
    ).rows[0].seq;
    expect(Number(covering)).toBeLessThanOrEqual(top);
    try {
      // Every hash and link is consistent again: only the signature over a later head betrays it.
      await expect(verify()).resolves.toEqual({ ok: false, firstBrokenSeq: Number(covering), reason: 'checkpoint_mismatch' });
    } finally {
      await asSuperuser(async (c) => {
        await c.query('UPDATE audit_events SET action = $2 WHERE seq = $1', [from, original[0].action]);
        await rehash(c, from);
      });
    }
    await expect(verify()).resolves.toMatchObject({ ok: true });
  });

  it('reports a forged checkpoint signature', async () => {
    await a.audit.record({ action: 'test.more', outcome: 'success' });
    const cp = await a.module.get(AuditCheckpointService).checkpoint();
    const seq = Number(cp!.seq);
    await owner.query(
      `UPDATE audit_checkpoints SET signature = set_byte(signature, 0, get_byte(signature, 0) # 1) WHERE seq = $1`,
      [seq],
    );
    try {
      await expect(verify()).resolves.toEqual({ ok: false, firstBrokenSeq: seq, reason: 'bad_checkpoint_signature' });
    } finally {
      await owner.query(
        `UPDATE audit_checkpoints SET signature = set_byte(signature, 0, get_byte(signature, 0) # 1) WHERE seq = $1`,
        [seq],
      );
    }
    await expect(verify()).resolves.toMatchObject({ ok: true });
  });

  /** Recomputes hash and prev_hash from `from` to the head, as a forger able to do so would. */
  async function rehash(c: Client, from: number): Promise<void> {
    const [{ hash: prior }] = (await c.query('SELECT hash FROM audit_events WHERE seq = $1', [from - 1])).rows as {
      hash: Buffer;
    }[];
    const rows = (
      await c.query(`SELECT seq, ${AUDIT_FIELD_COLUMNS} FROM audit_events WHERE seq >= $1 ORDER BY seq`, [from])
    ).rows as (RawAuditFields & { seq: string })[];
    let prev = prior;
    for (const row of rows) {
      const hash = hashAuditEvent(toHashable(row, row.seq, prev));
      await c.query('UPDATE audit_events SET prev_hash = $2, hash = $3 WHERE seq = $1', [row.seq, prev, hash]);
      prev = hash;
    }
  }
});
