import { readFileSync } from 'node:fs';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { EnvelopeCrypto, loadSodium, Sodium } from '@amani/crypto';
import { fieldSubkeyId } from '@amani/crypto/binary-encoding';
import { SeaWorkspaceService } from '@amani/domain/sea';
import { SeaCrypto } from '@amani/domain/sea/sea-crypto';
import { createTestApp, TestApp } from '../support/app';
import { databaseDump, leaked, redisDump } from '../support/canary';
import { rememberSecret } from '../support/canary';
import { complaintBody, complaintIdOf, FocalPoint, focalPoint, fpApi, newComplaint, sentinel } from './sea-fixtures';

/**
 * The GlobaLeaks property: with a dump of the database, every server secret and the whole
 * environment, nothing opens a complaint; only a focal point's unlocked session does. It holds
 * for a self-submitted complaint and for one a focal point entered (assisted intake).
 */
describe('SEA zero knowledge: the server alone cannot read a complaint', () => {
  let t: TestApp;
  let fp: FocalPoint;
  let sodium: Sodium;
  let complaintId: string;
  let assistedId: string;
  const plaintexts: string[] = [];
  const assistedPlaintexts: string[] = [];
  const owner = () => new Client({ connectionString: process.env.DATABASE_OWNER_URL });

  beforeAll(async () => {
    t = await createTestApp();
    sodium = await loadSodium();
    fp = await focalPoint(t);
    const narrative = sentinel('ZKNARRATIVE');
    const contact = sentinel('ZKCONTACT');
    const { receipt, id } = await newComplaint(t, complaintBody({ narrative, contact }));
    complaintId = id;
    const reply = sentinel('ZKREPLY');
    const answer = sentinel('ZKANSWER');
    const note = sentinel('ZKNOTE');
    expect((await fpApi(t, fp).post(`/sea/complaints/${id}/messages`, { body: reply })).status).toBe(201);
    expect((await t.http().post('/sea/complaints/messages').send({ receipt, body: answer })).status).toBe(201);
    expect((await fpApi(t, fp).post(`/sea/complaints/${id}/notes`, { body: note })).status).toBe(201);
    plaintexts.push(narrative, contact, reply, answer, note);

    // A hotline complaint a focal point enters for the caller.
    const hotlineNarrative = sentinel('ZKHOTLINE');
    const hotlineContact = sentinel('ZKHOTLINECONTACT');
    const assisted = await fpApi(t, fp).post('/sea/complaints/assisted', complaintBody({ narrative: hotlineNarrative, contact: hotlineContact, channel: 'hotline' }));
    expect(assisted.status).toBe(201);
    const assistedReceipt = assisted.body.receipt as string;
    rememberSecret(assistedReceipt);
    rememberSecret(assistedReceipt.replace(/-/g, ''));
    assistedId = await complaintIdOf(t, assistedReceipt);
    assistedPlaintexts.push(hotlineNarrative, hotlineContact);
    // Its receipt works on the complainant's follow-up page, like any other.
    const page = await t.http().post('/report/follow-up').type('form').send({ lang: 'en', receipt: assistedReceipt });
    expect(page.status).toBe(200);
    expect(page.text).toContain('<dd id="status">Received</dd>');
  });
  afterAll(() => t?.close());

  it('holds no plaintext in the database dump or Redis', async () => {
    expect(leaked(databaseDump(), [...plaintexts, ...assistedPlaintexts])).toEqual([]);
    expect(leaked(await redisDump(), [...plaintexts, ...assistedPlaintexts])).toEqual([]);
  });

  it('records the assisted channel as a coded field, and who entered it only as an audit event without the complaint', async () => {
    const rows: { channel: string }[] = await t.app.get(DataSource).query(`SELECT channel FROM sea_complaints WHERE id = ANY($1) ORDER BY channel`, [[complaintId, assistedId]]);
    expect(rows.map((r) => r.channel)).toEqual(['hotline', 'web']);
    const events: { actor_id: string; target_id: string | null; details: object }[] = await t.app.get(DataSource).query(
      `SELECT actor_id, target_id, details FROM audit_queue WHERE action = 'sea.intake.assisted' AND actor_id = $1
       UNION ALL SELECT actor_id, target_id, details FROM audit_events WHERE action = 'sea.intake.assisted' AND actor_id = $1`,
      [fp.user.id],
    );
    expect(events.length).toBeGreaterThanOrEqual(1);
    for (const e of events) {
      expect(e.target_id).toBeNull();
      expect(JSON.stringify(e.details)).not.toContain(assistedId);
    }
  });

  it('decrypts nothing with everything the server holds', async () => {
    const db = owner();
    await db.connect();
    try {
      // Everything the server has: its secrets file, its environment, its derived keys, and
      // every 32-byte value anywhere in its database.
      const secretsDoc = JSON.parse(readFileSync(process.env.SECRETS_FILE!, 'utf8')) as Record<string, string | number>;
      const s = t.config.secrets;
      const serverSecrets = [s.jwtSecret, s.blindIndexKey, s.auditSigningKey, s.trackerKey, s.receiptPepper, ...s.masterKeys.values()];
      const candidates: Buffer[] = [...serverSecrets];
      for (const secret of serverSecrets) {
        for (let id = 0; id < 8; id++) {
          for (const ctx of ['amanidek', 'amanisys', 'amanifld', 'amanisea', 'searcpt_']) {
            candidates.push(Buffer.from(sodium.crypto_kdf_derive_from_key(32, id, ctx, secret)));
          }
        }
        for (const [table, column] of [['sea_complaints', 'narrative'], ['sea_complaints', 'contact'], ['sea_complaint_messages', 'body'], ['sea_complaint_notes', 'body']]) {
          for (const ctx of ['amanisys', 'amanifld']) candidates.push(Buffer.from(sodium.crypto_kdf_derive_from_key(32, fieldSubkeyId(sodium, table, column), ctx, secret)));
        }
      }
      for (const value of Object.values(process.env)) {
        const b = Buffer.from(value ?? '', 'base64');
        if (b.length === 32) candidates.push(b);
      }
      const byteaColumns: { table_name: string; column_name: string }[] = (
        await db.query(`SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public' AND data_type = 'bytea'`)
      ).rows;
      for (const { table_name, column_name } of byteaColumns) {
        const rows = (await db.query(`SELECT "${column_name}" AS v FROM "${table_name}" WHERE "${column_name}" IS NOT NULL`)).rows as { v: Buffer }[];
        for (const { v } of rows) if (v.length === 32) candidates.push(v);
      }
      // The suite shares its database with the whole run: keep each distinct value once.
      const distinct = [...new Map(candidates.map((c) => [c.toString('hex'), c])).values()];
      expect(candidates.length).toBeGreaterThan(50);

      const crypto = t.app.get(SeaCrypto, { strict: false });
      const envelope = t.app.get(EnvelopeCrypto);
      const complaint = (await db.query(`SELECT narrative, contact, receipt_wrapped_key FROM sea_complaints WHERE id = $1`, [complaintId])).rows[0];
      const assistedRow = (await db.query(`SELECT narrative, contact, receipt_wrapped_key FROM sea_complaints WHERE id = $1`, [assistedId])).rows[0];
      const ciphertexts: [string, string, string, Buffer][] = [
        ['sea_complaints', 'narrative', complaintId, complaint.narrative],
        ['sea_complaints', 'contact', complaintId, complaint.contact],
        ['sea_complaints', 'narrative', assistedId, assistedRow.narrative],
        ['sea_complaints', 'contact', assistedId, assistedRow.contact],
        ...((await db.query(`SELECT id, body FROM sea_complaint_messages WHERE complaint_id = $1`, [complaintId])).rows.map((r) => ['sea_complaint_messages', 'body', r.id, r.body]) as [string, string, string, Buffer][]),
        ...((await db.query(`SELECT id, body FROM sea_complaint_notes WHERE complaint_id = $1`, [complaintId])).rows.map((r) => ['sea_complaint_notes', 'body', r.id, r.body]) as [string, string, string, Buffer][]),
      ];
      expect(ciphertexts).toHaveLength(7);
      const grants = (
        await db.query(`SELECT g.complaint_id, g.sealed_key, f.public_key FROM sea_complaint_grants g JOIN sea_focal_point_keys f ON f.user_id = g.user_id WHERE g.complaint_id = ANY($1)`, [
          [complaintId, assistedId],
        ])
      ).rows;
      const sessions = (await db.query(`SELECT session_id, user_id, sealed_private_key FROM sea_session_keys WHERE user_id = $1`, [fp.user.id])).rows;
      const fpKeys = (await db.query(`SELECT user_id, public_key, password_salt, password_wrapped_key, kdf_memory, kdf_iterations, recovery_wrapped_key FROM sea_focal_point_keys WHERE user_id = $1`, [fp.user.id])).rows;
      expect(grants.length).toBeGreaterThan(0);
      expect(sessions.length).toBeGreaterThan(0);

      let opened = 0;
      const attempt = (fn: () => unknown) => {
        try {
          fn();
          opened++;
        } catch {
          /* expected: every attempt must fail */
        }
      };
      // As if the complaint were ordinary envelope-encrypted data under the master key.
      for (const [table, column, rowId, value] of ciphertexts) attempt(() => envelope.decryptSystem(value, { table, column, rowId }));
      for (const [i, k] of distinct.entries()) {
        // Thousands of synchronous tries: let this process's timers (its audit sequencer) run.
        if (i % 200 === 0) await new Promise((r) => setImmediate(r));
        for (const [table, column, rowId, value] of ciphertexts) attempt(() => crypto.decryptField(k, table, column, rowId, value));
        attempt(() => crypto.unwrapForReceipt(complaint.receipt_wrapped_key, k, complaintId));
        attempt(() => crypto.unwrapForReceipt(assistedRow.receipt_wrapped_key, k, assistedId));
        // A grant is a sealed box to its recipient's X25519 key: only the private key whose public
        // key is the recipient's opens it (clamping included, as scalarmult_base clamps too). So a
        // candidate is tried against the grants it could open: with the run's whole team sealed
        // into every grant, trying each candidate on each grant would take minutes and prove no more.
        const pk = Buffer.from(sodium.crypto_scalarmult_base(k));
        for (const g of grants.filter((x) => pk.equals(x.public_key))) {
          attempt(() => crypto.openComplaintKey(g.sealed_key, g.complaint_id, pk, k));
          attempt(() => crypto.openComplaintKey(g.sealed_key, g.complaint_id, g.public_key, k));
        }
        if (grants.some((x) => pk.equals(x.public_key))) opened++;
        for (const row of sessions) attempt(() => crypto.openForSession(row.sealed_private_key, k.toString('base64url'), row.session_id, row.user_id));
        for (const f of fpKeys) attempt(() => crypto.unwrapWithRecovery(f.recovery_wrapped_key, k.subarray(0, 20), f.user_id, f.public_key));
      }
      // Secret strings as passwords (each try is an Argon2id run, so only the secrets document's).
      for (const value of Object.values(secretsDoc)) {
        for (const f of fpKeys.filter((x) => x.user_id === fp.user.id)) {
          await crypto
            .unwrapWithPassword({ salt: f.password_salt, wrapped: f.password_wrapped_key, memoryCost: f.kdf_memory, timeCost: f.kdf_iterations }, String(value), f.user_id, f.public_key)
            .then(() => opened++, () => undefined);
        }
      }
      expect(opened).toBe(0);

      // Control: the same records do open with the client's half (so the attempts above were real).
      const sid = JSON.parse(Buffer.from(fp.accessToken.split('.')[1], 'base64url').toString()).sid as string;
      const mine = sessions.find((r) => r.session_id === sid);
      const sk = crypto.openForSession(mine.sealed_private_key, fp.unlock!, mine.session_id, mine.user_id);
      const grant = (await db.query(`SELECT sealed_key FROM sea_complaint_grants WHERE complaint_id = $1 AND user_id = $2`, [complaintId, fp.user.id])).rows[0];
      const ck = crypto.openComplaintKey(grant.sealed_key, complaintId, Buffer.from(sodium.crypto_scalarmult_base(sk)), sk);
      expect(crypto.decryptField(ck, 'sea_complaints', 'narrative', complaintId, complaint.narrative)).toBe(plaintexts[0]);
      const assistedGrant = (await db.query(`SELECT sealed_key FROM sea_complaint_grants WHERE complaint_id = $1 AND user_id = $2`, [assistedId, fp.user.id])).rows[0];
      const ck2 = crypto.openComplaintKey(assistedGrant.sealed_key, assistedId, Buffer.from(sodium.crypto_scalarmult_base(sk)), sk);
      expect(crypto.decryptField(ck2, 'sea_complaints', 'narrative', assistedId, assistedRow.narrative)).toBe(assistedPlaintexts[0]);
    } finally {
      await db.end();
    }

    // The server's own code path, without the client's half, stays locked too.
    const ownSid = JSON.parse(Buffer.from(fp.accessToken.split('.')[1], 'base64url').toString()).sid as string;
    await expect(
      t.app.get(SeaWorkspaceService).get({ id: fp.user.id, role: 'psea_focal_point', agencyId: fp.user.agencyId, sessionId: ownSid, requestId: null }, complaintId, undefined),
    ).rejects.toMatchObject({ status: 423 });
  });

  it('lets the logged-in focal point read it', async () => {
    const res = await fpApi(t, fp).get(`/sea/complaints/${complaintId}`);
    expect(res.status).toBe(200);
    expect([res.body.narrative, res.body.contact, ...res.body.messages.map((m: { body: string }) => m.body), ...res.body.notes.map((n: { body: string }) => n.body)]).toEqual([
      plaintexts[0],
      plaintexts[1],
      plaintexts[2],
      plaintexts[3],
      plaintexts[4],
    ]);
    const assisted = await fpApi(t, fp).get(`/sea/complaints/${assistedId}`);
    expect([assisted.status, assisted.body.channel, assisted.body.narrative, assisted.body.contact]).toEqual([200, 'hotline', ...assistedPlaintexts]);
  });
});
