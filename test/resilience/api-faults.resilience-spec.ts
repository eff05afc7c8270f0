import { caseBody } from '../cases/case-fixtures';
import { createAgency, sessionAs } from '../support/users';
import { AppProcess, bound, sleep, until } from './support/processes';
import { Answer, burst, call, Stack, tally } from './support/stack';

const PROBLEM = /^application\/problem\+json/;

/**
 * Issue 9, item 5: two API processes and two workers on this suite's own PostgreSQL cluster
 * and redis-server, under load, then an API killed with -9 mid-burst, then PostgreSQL
 * restarted and stopped for 6 s while requests keep coming.
 */
describe('API processes and PostgreSQL under load', () => {
  let stack: Stack;
  let apis: AppProcess[];
  let workers: AppProcess[];
  let caseworker: string;
  let admin: string;

  const createCase = (api: AppProcess) => call(api.url, 'POST', '/cases', { token: caseworker, body: caseBody() });
  const me = (api: AppProcess) => call(api.url, 'GET', '/me', { token: caseworker });

  /** Every audit event queued so far is linked into the chain. */
  const auditDrained = () =>
    until('the audit queue to drain', async () => {
      const [{ n }] = await stack.sql<{ n: number }>(`SELECT count(*)::int AS n FROM audit_queue`);
      return n === 0;
    }, 30_000);

  /** The chain is whole: seq 1..n without a hole, and the verifier (over HTTP) agrees. */
  const expectGaplessAudit = async (api: AppProcess) => {
    await auditDrained();
    const [chain] = await stack.sql<{ n: number; max: number }>(`SELECT count(*)::int AS n, COALESCE(max(seq), 0)::int AS max FROM audit_events`);
    expect(chain.n).toBe(chain.max);
    const verified = await call(api.url, 'GET', '/audit/verify', { token: admin });
    expect(verified.status).toBe(200);
    expect(verified.body).toMatchObject({ ok: true });
  };

  /** No partial write: every case has its data key and its creation event, and no key lacks a case. */
  const expectWholeCases = async () => {
    await auditDrained();
    const [counts] = await stack.sql<{ cases: number; keyless: number; orphanKeys: number; unaudited: number; twiceAudited: number }>(`
      SELECT (SELECT count(*) FROM cases)::int AS cases,
             (SELECT count(*) FROM cases c WHERE NOT EXISTS (SELECT 1 FROM case_keys k WHERE k.case_id = c.id))::int AS keyless,
             (SELECT count(*) FROM case_keys k WHERE NOT EXISTS (SELECT 1 FROM cases c WHERE c.id = k.case_id))::int AS "orphanKeys",
             (SELECT count(*) FROM cases c WHERE NOT EXISTS (
                SELECT 1 FROM audit_events e WHERE e.action = 'case.create' AND e.outcome = 'success' AND e.target_id = c.id::text))::int AS unaudited,
             (SELECT count(*) FROM (SELECT target_id FROM audit_events WHERE action = 'case.create' AND outcome = 'success'
                GROUP BY target_id HAVING count(*) > 1) d)::int AS "twiceAudited"`);
    expect(counts).toMatchObject({ keyless: 0, orphanKeys: 0, unaudited: 0, twiceAudited: 0 });
    return counts.cases;
  };

  /** Keeps requests going on every API until `stop` resolves; answers everything it got. */
  async function underLoad(work: () => Promise<void>): Promise<Answer[]> {
    const answers: Answer[] = [];
    let running = true;
    const loops = Array.from({ length: 6 }, async (_, i) => {
      while (running) {
        const api = apis[i % apis.length];
        const a = await (i % 3 === 0 ? createCase(api) : me(api));
        answers.push(a);
        if (a.status === 0) await sleep(50);
      }
    });
    try {
      await work();
    } finally {
      running = false;
      await Promise.all(loops);
    }
    return answers;
  }

  /** During an outage only 503 problem+json with Retry-After is allowed besides success. */
  const expectOnlyServiceUnavailable = (answers: Answer[]) => {
    const statuses = tally(answers);
    for (const s of Object.keys(statuses).map(Number)) expect([200, 201, 503]).toContain(s);
    for (const a of answers.filter((x) => x.status === 503)) {
      expect(a.contentType).toMatch(PROBLEM);
      expect(Number(a.retryAfter)).toBeGreaterThan(0);
    }
    return statuses;
  };

  beforeAll(async () => {
    stack = await Stack.create('api-faults');
    const t = await stack.fixtures();
    const agency = await createAgency(t);
    caseworker = (await sessionAs(t, { role: 'caseworker', agencyId: agency.id })).accessToken;
    admin = (await sessionAs(t, { role: 'admin', agencyId: null })).accessToken;
    await stack.closeFixtures();
    const started = await Promise.all([stack.startApi(), stack.startApi(), stack.startWorker(), stack.startWorker()]);
    apis = started.slice(0, 2);
    workers = started.slice(2);
  }, 240_000);

  afterAll(() => stack?.close());

  it('two APIs and two workers under load: no 5xx, every write whole and audited, every job once', async () => {
    const answers = await burst(300, 12, (i) => (i % 3 === 2 ? me(apis[i % 2]) : createCase(apis[i % 2])));
    expect(tally(answers)).toEqual({ 200: 100, 201: 200 });
    const checkpoints = await burst(6, 3, (i) => call(apis[i % 2].url, 'POST', '/audit/checkpoints', { token: admin, body: {} }));
    expect(tally(checkpoints)).toEqual({ 202: 6 });

    expect(await expectWholeCases()).toBe(200);
    await expectGaplessAudit(apis[0]);
    const runs = (id: unknown) => workers.flatMap((w) => w.events()).filter((e) => e.msg === 'job done' && e.jobId === `outbox-${String(id)}`).length;
    const ids = checkpoints.map((c) => (c.body as { outboxId: unknown }).outboxId);
    await until('every checkpoint job to run', () => ids.every((id) => runs(id) >= 1), 30_000);
    await sleep(500);
    expect(ids.map(runs)).toEqual(ids.map(() => 1));
  }, 120_000);

  it('kill -9 of an API mid-burst: no partial write, no orphan key, a gapless audit chain', async () => {
    const before = Number((await stack.sql<{ n: string }>(`SELECT count(*) AS n FROM cases`))[0].n);
    let killing: Promise<void> | undefined;
    const answers = await burst(240, 12, async (i) => {
      if (i === 80) killing = apis[0].kill('SIGKILL');
      return createCase(apis[i % 2]);
    });
    await killing;
    expect(apis[0].child.signalCode).toBe('SIGKILL');
    // The dead process refused or dropped its requests; nothing else failed.
    const statuses = tally(answers);
    for (const s of Object.keys(statuses).map(Number)) expect([0, 201]).toContain(s);
    expect(statuses[201]).toBeGreaterThan(120);

    const created = answers.filter((a) => a.status === 201).map((a) => (a.body as { id: string }).id);
    const found = await stack.sql<{ n: number }>(`SELECT count(*)::int AS n FROM cases WHERE id = ANY($1::uuid[])`, [created]);
    expect(found[0].n).toBe(created.length);
    // Requests in flight when the process died either committed whole or left nothing.
    const total = await expectWholeCases();
    expect(total).toBeGreaterThanOrEqual(before + created.length);
    await expectGaplessAudit(apis[1]);

    apis[0] = await stack.startApi();
    expect((await me(apis[0])).status).toBe(200);
  }, 240_000);

  it('PostgreSQL restarted mid-burst: only 503 problem+json with Retry-After, never 401 or 500', async () => {
    const answers = await underLoad(async () => {
      await sleep(500);
      await stack.pg.restart();
      await sleep(1_500);
    });
    const statuses = expectOnlyServiceUnavailable(answers);
    expect(statuses[200]).toBeGreaterThan(0);
    for (const api of apis) expect((await me(api)).status).toBe(200);
    await expectWholeCases();
  }, 120_000);

  it('PostgreSQL stopped for 6 s under load: only 503, and the same tokens work within 1 s of its return, with no restart', async () => {
    let recoveredMs = 0;
    const answers = await underLoad(async () => {
      await sleep(500);
      await stack.pg.stop('fast');
      await sleep(6_000);
      await stack.pg.start();
      const back = Date.now();
      await until('the same token to work on every API', async () => {
        const r = await Promise.all(apis.map((api) => me(api)));
        return r.every((x) => x.status === 200);
      }, 10_000);
      recoveredMs = Date.now() - back;
    });
    const statuses = expectOnlyServiceUnavailable(answers);
    expect(statuses[503]).toBeGreaterThan(0);
    expect(recoveredMs).toBeLessThan(bound(1_000));
    for (const p of [...apis, ...workers]) expect(p.alive).toBe(true);
    for (const api of apis) expect((await call(api.url, 'GET', '/health/ready')).status).toBe(200);
    await expectWholeCases();
    await expectGaplessAudit(apis[0]);
    process.stdout.write(`postgres 6 s stop: ${JSON.stringify(statuses)}; tokens worked again ${recoveredMs} ms after PostgreSQL returned\n`);
  }, 120_000);
});
