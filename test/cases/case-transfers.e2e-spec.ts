import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { EnvelopeCrypto } from '@amani/crypto';
import { CASE_SEALED_COLUMNS, CaseVault } from '@amani/domain/cases';
import { createTestApp, TestApp } from '../support/app';
import { capturedLogs, databaseDump, leaked, redisDump, rememberSecret } from '../support/canary';
import { asMembers, createAgency, LoggedIn, sessionAs, bearer } from '../support/users';
import { as, auditEvents, caseBody, incidentBody, PROBLEM } from './case-fixtures';

/**
 * Transfer between agencies (issue 15 item 3): consent-scoped, decided by the receiving
 * agency's supervisor; on acceptance the case is re-keyed for the new agency, identifying
 * fields outside the consent are erased, and the sending agency keeps only its audit trail.
 */
describe('case transfers', () => {
  let t: TestApp;
  let db: DataSource;
  let agencyA: string;
  let agencyB: string;
  let cwA: LoggedIn;
  let supA: LoggedIn;
  let cwB: LoggedIn;
  let supB: LoggedIn;
  let supC: LoggedIn;
  const sentinels: string[] = [];
  const sentinel = (what: string) => {
    const v = `CANARY${what}${randomBytes(6).toString('hex').toUpperCase()}`;
    sentinels.push(v);
    rememberSecret(v);
    return v;
  };
  const name = sentinel('NAME');
  const email = `${sentinel('EMAIL').toLowerCase()}@sentinel.example`;
  const address = sentinel('ADDRESS');
  const narrative = sentinel('NARRATIVE');
  const incidentNarrative = sentinel('INCIDENT');
  const note = sentinel('NOTE');
  const risks = sentinel('RISKS');
  const reason = sentinel('REASON');
  const pdf = Buffer.from(`%PDF-1.4\nBT (${sentinel('PDF')}) Tj ET\n%%EOF\n`);

  let caseId: string;
  let incidentId: string;
  let attachmentId: string;
  let consentId: string;

  beforeAll(async () => {
    t = await createTestApp();
    db = t.app.get(DataSource);
    [agencyA, agencyB] = [(await createAgency(t)).id, (await createAgency(t)).id];
    const agencyC = (await createAgency(t)).id;
    [cwA, supA, cwB, supB, supC] = await Promise.all([
      sessionAs(t, { role: 'caseworker', agencyId: agencyA }),
      sessionAs(t, { role: 'supervisor', agencyId: agencyA }),
      sessionAs(t, { role: 'caseworker', agencyId: agencyB }),
      sessionAs(t, { role: 'supervisor', agencyId: agencyB }),
      sessionAs(t, { role: 'supervisor', agencyId: agencyC }),
    ]);
    const api = as(t, cwA.accessToken);
    const created = await api.post('/cases', caseBody({ survivorName: name, address, narrative, contactDetails: { email } }));
    expect(created.status).toBe(201);
    caseId = created.body.id;
    const incident = await api.post(`/cases/${caseId}/incidents`, incidentBody({ narrative: incidentNarrative }));
    expect(incident.status).toBe(201);
    incidentId = incident.body.id;
    expect((await api.post(`/cases/${caseId}/notes`, { body: note })).status).toBe(201);
    expect((await api.put(`/cases/${caseId}/safety-plan`, { risks })).status).toBe(200);
    const file = await t.http().post(`/cases/${caseId}/attachments`).set(bearer(cwA.accessToken)).attach('file', pdf, 'statement.pdf');
    expect(file.status).toBe(201);
    attachmentId = file.body.id;
  });

  afterAll(async () => {
    await t?.close();
  });

  it('a transfer consent names the receiving agency, another agency, and at least the survivor name', async () => {
    const api = as(t, cwA.accessToken);
    const noName = await api.post(`/cases/${caseId}/consents`, { purpose: 'transfer', givenBy: 'survivor', recipientAgencyId: agencyB, shareableFields: ['address'] });
    expect(noName.status).toBe(400);
    expect(noName.headers['content-type']).toMatch(PROBLEM);
    expect(noName.body.errors).toEqual([{ field: 'shareableFields', message: expect.any(String) }]);
    const own = await api.post(`/cases/${caseId}/consents`, { purpose: 'transfer', givenBy: 'survivor', recipientAgencyId: agencyA, shareableFields: ['survivorName'] });
    expect(own.status).toBe(422);
    const ok = await api.post(`/cases/${caseId}/consents`, {
      purpose: 'transfer',
      givenBy: 'survivor',
      recipientAgencyId: agencyB,
      shareableFields: ['survivorName', 'contactDetails', 'incidentNarratives'],
    });
    expect(ok.status).toBe(201);
    consentId = ok.body.id;
  });

  let transferId: string;

  it('the caseworker proposes; only the receiving supervisor sees and decides it', async () => {
    const api = as(t, cwA.accessToken);
    const noConsent = await api.post(`/cases/${caseId}/transfers`, { consentId: incidentId, reason });
    expect(noConsent.status).toBe(422);
    expect(noConsent.body.errors).toEqual([{ field: 'consentId', message: expect.any(String) }]);
    const res = await api.post(`/cases/${caseId}/transfers`, { consentId, reason });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ caseId, fromAgencyId: agencyA, toAgencyId: agencyB, status: 'pending', reason, version: 1 });
    transferId = res.body.id;
    expect((await api.post(`/cases/${caseId}/transfers`, { consentId, reason: 'again' })).status).toBe(409);

    const incoming = await as(t, supB.accessToken).get('/transfers');
    expect(incoming.status).toBe(200);
    expect(incoming.body).toEqual([expect.objectContaining({ id: transferId, reason, movingFields: ['survivorName', 'contactDetails', 'incidentNarratives'] })]);
    expect((await as(t, supC.accessToken).get('/transfers')).body).toEqual([]);
    for (const other of [supC, supA]) {
      const refused = await as(t, other.accessToken).post(`/transfers/${transferId}/decision`, { version: 1, decision: 'accept' });
      expect(refused.status).toBe(404);
    }
    expect((await as(t, cwB.accessToken).post(`/transfers/${transferId}/decision`, { version: 1, decision: 'accept' })).status).toBe(403);
    expect((await as(t, supB.accessToken).post(`/transfers/${transferId}/decision`, { version: 7, decision: 'accept' })).status).toBe(409);
    // Still with agency A until accepted.
    expect((await as(t, cwA.accessToken).get(`/cases/${caseId}`)).status).toBe(200);
    expect((await as(t, supB.accessToken).get(`/cases/${caseId}`)).status).toBe(404);
  });

  it('on acceptance the case moves re-keyed; the sending agency gets 404; fields outside the consent are gone', async () => {
    const res = await as(t, supB.accessToken).post(`/transfers/${transferId}/decision`, { version: 1, decision: 'accept', caseworkerId: cwB.user.id });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'accepted', decidedById: supB.user.id, reason });

    for (const who of [cwA, supA]) {
      expect((await as(t, who.accessToken).get(`/cases/${caseId}`)).status).toBe(404);
      expect((await as(t, who.accessToken).get(`/cases/${caseId}/notes`)).status).toBe(404);
      expect((await as(t, who.accessToken).get(`/cases/${caseId}/attachments/${attachmentId}`)).status).toBe(404);
    }
    for (const who of [cwB, supB]) {
      const c = await as(t, who.accessToken).get(`/cases/${caseId}`);
      expect(c.status).toBe(200);
      expect(c.body).toMatchObject({ survivorName: name, address: null, narrative: null });
      expect(c.body.contactDetails.email).toBe(email);
    }
    const api = as(t, cwB.accessToken);
    const incidents = await api.get(`/cases/${caseId}/incidents`);
    expect(incidents.body.items?.[0]?.narrative ?? incidents.body[0]?.narrative).toBe(incidentNarrative);
    const notes = await api.get(`/cases/${caseId}/notes`);
    expect(notes.body.items.map((n: { body: string }) => n.body)).toEqual([note]);
    expect((await api.get(`/cases/${caseId}/safety-plan`)).body.risks).toBe(risks);
    const file = await t.http().get(`/cases/${caseId}/attachments/${attachmentId}`).set(bearer(cwB.accessToken)).buffer(true);
    expect(file.status).toBe(200);
    expect(Buffer.from(file.body as Buffer).equals(pdf)).toBe(true);
    expect((await api.get(`/cases/${caseId}/transfers`)).body[0]).toMatchObject({ id: transferId, reason, status: 'accepted' });

    const [row] = await db.query(`SELECT c.agency_id, c.assigned_caseworker_id, c.address, c.narrative, k.key_version FROM cases c JOIN case_keys k ON k.case_id = c.id WHERE c.id = $1`, [caseId]);
    expect(row).toEqual({ agency_id: agencyB, assigned_caseworker_id: cwB.user.id, address: null, narrative: null, key_version: 2 });
    expect(await db.query(`SELECT DISTINCT agency_id FROM case_notes WHERE case_id = $1`, [caseId])).toEqual([{ agency_id: agencyB }]);
    const audited = await auditEvents(t, { targetId: transferId, action: 'case.transfer.accept' });
    expect(audited.filter((e) => e.outcome === 'success')).toHaveLength(1);
    // The refused attempts (another agency, the sending supervisor) are on the record too.
    expect(audited.filter((e) => e.outcome === 'denied').length).toBeGreaterThanOrEqual(2);
  });

  it('the stored name opens only under the receiving agency and the new key version', async () => {
    const envelope = t.app.get(EnvelopeCrypto);
    const vault = t.app.get(CaseVault);
    // The key is sealed to the receiving agency now: its members open it, the sending agency's do not.
    const [key] = await db.query(`SELECT kek_version, agency_key_version, key_version FROM case_keys WHERE case_id = $1`, [caseId]);
    expect(key).toEqual({ kek_version: null, agency_key_version: 1, key_version: 2 });
    await expect(asMembers(t, [supA], () => vault.openKey(db.manager, { id: caseId, agencyId: agencyB }))).rejects.toMatchObject({ status: 423 });
    const handle = await asMembers(t, [supB], () => vault.openKey(db.manager, { id: caseId, agencyId: agencyB }));
    const dek = handle.dek;
    // The copy the proposer sealed to the receiving agency is gone with the decision.
    expect(await db.query(`SELECT sealed_case_key FROM case_transfers WHERE case_id = $1`, [caseId])).toEqual([{ sealed_case_key: null }]);
    const [c] = await db.query(`SELECT survivor_name FROM cases WHERE id = $1`, [caseId]);
    const ctx = (agencyId: string, keyVersion: number) => ({ table: 'cases', column: 'survivor_name', rowId: caseId, agencyId, keyVersion });
    expect(envelope.decryptFieldText(dek, c.survivor_name, ctx(agencyB, 2))).toBe(name);
    expect(() => envelope.decryptFieldText(dek, c.survivor_name, ctx(agencyA, 2))).toThrow();
    expect(() => envelope.decryptFieldText(dek, c.survivor_name, ctx(agencyA, 1))).toThrow();
  });

  it('a declined transfer leaves the case where it was', async () => {
    const api = as(t, cwA.accessToken);
    const other = (await api.post('/cases', caseBody())).body.id as string;
    const consent = (await api.post(`/cases/${other}/consents`, { purpose: 'transfer', givenBy: 'survivor', recipientAgencyId: agencyB, shareableFields: ['survivorName'] })).body.id;
    const proposed = await api.post(`/cases/${other}/transfers`, { consentId: consent, reason: 'closer to home' });
    expect(proposed.status).toBe(201);
    const declined = await as(t, supB.accessToken).post(`/transfers/${proposed.body.id}/decision`, { version: 1, decision: 'decline' });
    expect(declined.status).toBe(200);
    expect(declined.body.status).toBe('declined');
    expect((await api.get(`/cases/${other}`)).status).toBe(200);
    expect((await as(t, supB.accessToken).get(`/cases/${other}`)).status).toBe(404);
    expect((await as(t, supB.accessToken).post(`/transfers/${proposed.body.id}/decision`, { version: 2, decision: 'accept' })).status).toBe(409);
  });

  it('re-seals every encrypted column of the case tables: a new bytea column must join the registry', async () => {
    const columns: { c: string }[] = await db.query(
      `SELECT table_name || '.' || column_name AS c FROM information_schema.columns
        WHERE table_schema = 'public' AND data_type = 'bytea' AND (table_name = 'cases' OR table_name LIKE 'case\\_%') ORDER BY 1`,
    );
    const registered = new Set(CASE_SEALED_COLUMNS.flatMap((t) => t.columns.map((c) => `${t.table}.${c}`)));
    // Not under the case key: the wrapped key itself and the blind indexes; chunks are re-sealed on their own.
    const elsewhere = new Set(['case_keys.wrapped_dek', 'case_transfers.sealed_case_key', 'cases.phone_index', 'cases.survivor_code_index', 'case_attachment_chunks.data']);
    expect(columns.map((r) => r.c).filter((c) => !registered.has(c) && !elsewhere.has(c))).toEqual([]);
  });

  it('no sentinel is in the database dump, Redis or the logs', async () => {
    const dump = databaseDump();
    expect(dump).toContain(caseId);
    expect(leaked(dump, sentinels)).toEqual([]);
    expect(leaked(await redisDump(), sentinels)).toEqual([]);
    expect(leaked(capturedLogs(), sentinels)).toEqual([]);
  });
});
