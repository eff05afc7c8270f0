import { Client } from 'pg';
import { createTestApp, TestApp } from '../support/app';
import { capturedLogs, rememberSecret } from '../support/canary';
import { createAgency, LoggedIn, sessionAs } from '../support/users';
import { as, auditEvents, caseBody, incidentBody, PROBLEM, tag } from './case-fixtures';

interface CreatedCase {
  id: string;
  survivorName: string;
  narrative: string;
  address: string;
  survivorCode: string;
  version: number;
}

/**
 * Ciphertexts moved or altered through SQL (as the schema owner, as an attacker with database
 * access would) must never decrypt: the read fails closed with a generic 500, shows no
 * plaintext, and leaves an audit event with outcome 'error'.
 */
describe('case store: tampered ciphertexts fail closed', () => {
  let t: TestApp;
  let owner: Client;
  let cw: LoggedIn;
  let sup: LoggedIn;
  const plaintexts: string[] = [];

  beforeAll(async () => {
    t = await createTestApp();
    owner = new Client({ connectionString: process.env.DATABASE_OWNER_URL });
    await owner.connect();
    const agency = (await createAgency(t)).id;
    [cw, sup] = await Promise.all([
      sessionAs(t, { role: 'caseworker', agencyId: agency }),
      sessionAs(t, { role: 'supervisor', agencyId: agency }),
    ]);
  });

  afterAll(async () => {
    await owner?.end();
    await t?.close();
  });

  const newCase = async (): Promise<CreatedCase> => {
    const n = tag();
    const body = caseBody({ survivorName: `Tamper Name ${n}`, narrative: `Tamper Narrative ${n}`, address: `Tamper Address ${n}` });
    for (const v of [body.survivorName, `Tamper Narrative ${n}`, `Tamper Address ${n}`]) {
      plaintexts.push(v);
      rememberSecret(v);
    }
    const res = await as(t, cw.accessToken).post('/cases', body);
    expect(res.status).toBe(201);
    plaintexts.push(res.body.survivorCode);
    return res.body;
  };

  /** The generic integrity problem, and nothing else. */
  const expectFailClosed = (res: { status: number; headers: Record<string, string>; body: Record<string, unknown>; text: string }) => {
    expect(res.status).toBe(500);
    expect(res.headers['content-type']).toMatch(PROBLEM);
    expect(res.body.code).toBe('integrity_error');
    expect(Object.keys(res.body).sort()).toEqual(['code', 'correlationId', 'detail', 'status', 'title', 'type']);
    expect(res.text).not.toMatch(/stack|at \w+ \(|\.ts:\d+/);
    for (const p of plaintexts) expect(res.text).not.toContain(p);
  };

  const expectIntegrityAudit = async (caseId: string, action: string) => {
    const events = await auditEvents(t, { targetId: caseId, action });
    expect(events.at(-1)).toMatchObject({ outcome: 'error', details: { reason: 'integrity' } });
  };

  it('an identifying field copied into another case does not decrypt', async () => {
    const x = await newCase();
    const y = await newCase();
    await owner.query(`UPDATE cases SET survivor_name = (SELECT survivor_name FROM cases WHERE id = $1) WHERE id = $2`, [x.id, y.id]);
    const res = await as(t, cw.accessToken).get(`/cases/${y.id}`);
    expectFailClosed(res);
    await expectIntegrityAudit(y.id, 'case.read');
    expect((await as(t, cw.accessToken).get(`/cases/${x.id}`)).status).toBe(200);
  });

  it('a ciphertext copied into another field of the same case does not decrypt', async () => {
    const x = await newCase();
    await owner.query(`UPDATE cases SET address = narrative WHERE id = $1`, [x.id]);
    expectFailClosed(await as(t, sup.accessToken).get(`/cases/${x.id}`));
    await expectIntegrityAudit(x.id, 'case.read');
  });

  it.each([
    ['the authentication tag', (len: number) => len],
    ['the nonce', () => 2],
    ['the ciphertext body', (len: number) => 26 + Math.floor((len - 42) / 2)],
    ['the format byte', () => 1],
  ])('a single flipped byte in %s fails closed', async (_where, position) => {
    const x = await newCase();
    const [{ len }] = (await owner.query(`SELECT length(survivor_name) AS len FROM cases WHERE id = $1`, [x.id])).rows;
    const pos = position(len);
    await owner.query(
      `UPDATE cases SET survivor_name = set_byte(survivor_name, $2 - 1, get_byte(survivor_name, $2 - 1) # 1) WHERE id = $1`,
      [x.id, pos],
    );
    expectFailClosed(await as(t, cw.accessToken).get(`/cases/${x.id}`));
    await expectIntegrityAudit(x.id, 'case.read');
  });

  it('a failed decryption during an update rolls the whole update back', async () => {
    const x = await newCase();
    await owner.query(`UPDATE cases SET narrative = address WHERE id = $1`, [x.id]);
    const res = await as(t, cw.accessToken).patch(`/cases/${x.id}`, { version: 1, regionCode: 'KE-01' });
    expectFailClosed(res);
    await expectIntegrityAudit(x.id, 'case.update');
    const [row] = (await owner.query(`SELECT version, region_code FROM cases WHERE id = $1`, [x.id])).rows;
    expect(row).toEqual({ version: 1, region_code: 'SO-BN' });
  });

  it('a note body moved to another note (same case or another case) does not decrypt', async () => {
    const x = await newCase();
    const y = await newCase();
    for (const c of [x, y]) {
      const body = `Tamper Note ${tag()}`;
      plaintexts.push(body);
      rememberSecret(body);
      expect((await as(t, cw.accessToken).post(`/cases/${c.id}/notes`, { body })).status).toBe(201);
    }
    const second = `Tamper Note ${tag()}`;
    plaintexts.push(second);
    rememberSecret(second);
    await as(t, cw.accessToken).post(`/cases/${x.id}/notes`, { body: second });

    await owner.query(
      `UPDATE case_notes SET body = (SELECT body FROM case_notes WHERE case_id = $1 ORDER BY created_at LIMIT 1) WHERE case_id = $2`,
      [x.id, y.id],
    );
    expectFailClosed(await as(t, cw.accessToken).get(`/cases/${y.id}/notes`));
    await expectIntegrityAudit(y.id, 'case.note.list');

    await owner.query(
      `UPDATE case_notes SET body = (SELECT body FROM case_notes WHERE case_id = $1 ORDER BY created_at LIMIT 1)
       WHERE id = (SELECT id FROM case_notes WHERE case_id = $1 ORDER BY created_at DESC LIMIT 1)`,
      [x.id],
    );
    expectFailClosed(await as(t, cw.accessToken).get(`/cases/${x.id}/notes`));
  });

  it('an incident narrative moved to another incident does not decrypt', async () => {
    const x = await newCase();
    const narrative = `Tamper Incident ${tag()}`;
    plaintexts.push(narrative);
    rememberSecret(narrative);
    await as(t, cw.accessToken).post(`/cases/${x.id}/incidents`, incidentBody({ narrative }));
    await as(t, cw.accessToken).post(`/cases/${x.id}/incidents`, incidentBody({ narrative: `${narrative} 2` }));
    await owner.query(
      `UPDATE case_incidents SET narrative = (SELECT narrative FROM case_incidents WHERE case_id = $1 ORDER BY created_at LIMIT 1)
       WHERE case_id = $1`,
      [x.id],
    );
    expectFailClosed(await as(t, cw.accessToken).get(`/cases/${x.id}/incidents`));
    await expectIntegrityAudit(x.id, 'case.incident.list');
  });

  it('an action plan description moved between items does not decrypt', async () => {
    const x = await newCase();
    for (const d of ['Tamper Item A', 'Tamper Item B']) await as(t, cw.accessToken).post(`/cases/${x.id}/action-plan`, { description: `${d} ${x.id}` });
    await owner.query(
      `UPDATE case_action_plan_items SET description = (SELECT description FROM case_action_plan_items WHERE case_id = $1 ORDER BY created_at LIMIT 1)
       WHERE case_id = $1`,
      [x.id],
    );
    expectFailClosed(await as(t, cw.accessToken).get(`/cases/${x.id}/action-plan`));
  });

  it('swapped or altered wrapped data keys do not unwrap', async () => {
    const x = await newCase();
    const y = await newCase();
    await owner.query(`UPDATE case_keys SET wrapped_dek = (SELECT wrapped_dek FROM case_keys WHERE case_id = $1) WHERE case_id = $2`, [x.id, y.id]);
    expectFailClosed(await as(t, cw.accessToken).get(`/cases/${y.id}`));
    // One flipped byte of the sealed key (its MAC fails), and a key sealed to another case's binding.
    await owner.query(`UPDATE case_keys SET wrapped_dek = set_byte(wrapped_dek, 40, get_byte(wrapped_dek, 40) # 1) WHERE case_id = $1`, [x.id]);
    expectFailClosed(await as(t, cw.accessToken).get(`/cases/${x.id}`));
    await expectIntegrityAudit(x.id, 'case.read');
  });

  it('a case moved to another agency through SQL does not decrypt there (the agency is bound in)', async () => {
    const x = await newCase();
    const other = (await createAgency(t)).id;
    const otherSup = await sessionAs(t, { role: 'supervisor', agencyId: other });
    await owner.query(`UPDATE cases SET agency_id = $2 WHERE id = $1`, [x.id, other]);
    expectFailClosed(await as(t, otherSup.accessToken).get(`/cases/${x.id}`));
    await expectIntegrityAudit(x.id, 'case.read');
  });

  it('a tampered survivor code fails the lookup closed', async () => {
    const x = await newCase();
    await owner.query(`UPDATE cases SET survivor_code = survivor_name WHERE id = $1`, [x.id]);
    expectFailClosed(await as(t, cw.accessToken).post('/cases/lookup', { survivorCode: x.survivorCode }));
  });

  it('deleting the data key crypto-shreds the case', async () => {
    const x = await newCase();
    await owner.query(`DELETE FROM case_keys WHERE case_id = $1`, [x.id]);
    const res = await as(t, cw.accessToken).get(`/cases/${x.id}`);
    expect(res.status).toBe(410);
    expect(res.body.code).toBe('case_shredded');
    for (const p of plaintexts) expect(res.text).not.toContain(p);
    const events = await auditEvents(t, { targetId: x.id, action: 'case.read' });
    expect(events.at(-1)).toMatchObject({ outcome: 'failure', details: { reason: 'shredded' } });
  });

  it('the logs hold none of the plaintexts', () => {
    const logs = capturedLogs();
    expect(logs).toMatch(/"statusCode":500/);
    for (const p of plaintexts) expect(logs).not.toContain(p);
  });
});
