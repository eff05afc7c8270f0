import { asMembers, bearer, createAgency, sessionAs } from '../support/users';
import { bound, until } from './support/processes';
import { Stack } from './support/stack';
import { as, caseBody } from '../cases/case-fixtures';

/**
 * Issue 14: a group-key rotation completes after a `kill -9` of the worker in the middle of the
 * re-sealing job. The agency holds 10,000 data keys (three real cases, the rest generated in
 * PostgreSQL as copies: the job re-seals bytes it never opens, so copies are as good as real
 * keys for it). The first worker is killed once it has re-sealed some but not all; a second
 * worker takes the job over from BullMQ's stalled check and ends it: no key is left on the old
 * version, each row got exactly one layer, and every real case still opens for its members.
 */
describe('kill -9 of a worker mid group-key rotation', () => {
  const COPIES = 10_000;
  let stack: Stack;

  beforeAll(async () => {
    stack = await Stack.create('agency-key-rotation-kill');
  }, 240_000);

  afterAll(async () => {
    await stack?.close();
  });

  it('re-seals every data key exactly once under the new version, and every case still opens', async () => {
    const t = await stack.fixtures();
    const agency = await createAgency(t);
    const sup = await sessionAs(t, { role: 'supervisor', agencyId: agency.id });
    const cw = await sessionAs(t, { role: 'caseworker', agencyId: agency.id });
    const real: { id: string; survivorName: string }[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await as(t, cw.accessToken).post('/cases', caseBody());
      expect(res.status).toBe(201);
      real.push(res.body);
    }
    await stack.sql(`SET session_replication_role = replica;
      WITH src AS (SELECT c.*, k.wrapped_dek FROM cases c JOIN case_keys k ON k.case_id = c.id WHERE c.id = '${real[0].id}'),
      made AS (
        INSERT INTO cases (agency_id, created_by, sex, age_band, nationality_status, displacement_status, disability, region_code,
                           survivor_code_index, survivor_code, survivor_name)
        SELECT agency_id, created_by, sex, age_band, nationality_status, displacement_status, disability, region_code,
               decode(md5(g::text || random()::text), 'hex'), survivor_code, survivor_name
          FROM src, generate_series(1, ${COPIES}) g
        RETURNING id)
      INSERT INTO case_keys (case_id, wrapped_dek, agency_key_version, agency_key_base_version, key_version)
      SELECT made.id, src.wrapped_dek, 1, 1, 1 FROM made, src;`);
    const before = new Map(
      (await stack.sql<{ case_id: string; len: number }>(`SELECT case_id, length(wrapped_dek) AS len FROM case_keys`)).map((r) => [r.case_id, r.len]),
    );

    const first = await stack.startWorker();
    const rotated = await as(t, sup.accessToken).post('/agency-keys/rotation');
    expect(rotated.status).toBe(201);
    expect(rotated.body.version).toBe(2);

    const progress = async () =>
      Number((await stack.sql<{ n: string }>(`SELECT count(*) AS n FROM case_keys WHERE agency_key_version = 2`))[0].n);
    await until('the first worker to have re-sealed some keys', async () => (await progress()) > 0, 60_000);
    await first.kill('SIGKILL');
    expect(first.child.signalCode).toBe('SIGKILL');
    const atKill = await progress();
    expect(atKill).toBeLessThan(COPIES + 3);

    await stack.startWorker();
    const ms = await until('every key on version 2', async () => (await progress()) === COPIES + 3, 120_000);
    process.stdout.write(`group-key rotation: ${atKill} of ${COPIES + 3} keys re-sealed when the worker was killed; the second worker finished ${ms} ms after starting\n`);
    expect(ms).toBeLessThan(bound(90_000));

    // Exactly one layer each (a crypto_box_seal adds 48 bytes of ephemeral key and MAC, plus the binding).
    const after = await stack.sql<{ case_id: string; len: number; v: number; base: number }>(
      `SELECT case_id, length(wrapped_dek) AS len, agency_key_version AS v, agency_key_base_version AS base FROM case_keys`,
    );
    const growth = new Set(after.map((r) => r.len - before.get(r.case_id)!));
    expect(growth.size).toBe(1);
    expect(after.every((r) => r.v === 2 && r.base === 1)).toBe(true);

    // Every real case opens for its members, through the API and directly.
    for (const c of real) {
      const res = await t.http().get(`/cases/${c.id}`).set(bearer(cw.accessToken));
      expect(res.status).toBe(200);
      expect(res.body.survivorName).toBe(c.survivorName);
    }
    const { CaseVault } = await import('@amani/domain/cases');
    const { DataSource } = await import('typeorm');
    const vault = t.app.get(CaseVault);
    const db = t.app.get(DataSource);
    await asMembers(t, [sup], async () => {
      for (const c of real) vault.dispose(await vault.openKey(db.manager, { id: c.id, agencyId: agency.id }));
    });
  }, 300_000);
});
