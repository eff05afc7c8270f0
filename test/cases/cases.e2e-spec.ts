import { DataSource } from 'typeorm';
import { CaseConsentsService, CaseIncidentsService, CaseReferralSource, CasesService } from '@amani/domain/cases';
import { seedDemoCases } from '../../apps/cli/src/demo/demo-cases';
import { createTestApp, TestApp } from '../support/app';
import { asMembers, createAgency, LoggedIn, sessionAs } from '../support/users';
import { as, auditEvents, caseBody, incidentBody, PROBLEM } from './case-fixtures';

const IDENTIFYING_KEYS = ['survivorName', 'aliases', 'contactDetails', 'address', 'dateOfBirth', 'caregiverDetails', 'narrative', 'survivorCode'];

describe('case store: cases, stages, assignment, incidents, notes, consents, action plans', () => {
  let t: TestApp;
  let db: DataSource;
  let agencyA: string;
  let agencyB: string;
  let cw1: LoggedIn;
  let cw2: LoggedIn;
  let sup: LoggedIn;
  let cwB: LoggedIn;

  beforeAll(async () => {
    t = await createTestApp();
    db = t.app.get(DataSource);
    agencyA = (await createAgency(t)).id;
    agencyB = (await createAgency(t)).id;
    [cw1, cw2, sup, cwB] = await Promise.all([
      sessionAs(t, { role: 'caseworker', agencyId: agencyA }),
      sessionAs(t, { role: 'caseworker', agencyId: agencyA }),
      sessionAs(t, { role: 'supervisor', agencyId: agencyA }),
      sessionAs(t, { role: 'caseworker', agencyId: agencyB }),
    ]);
  });

  afterAll(async () => {
    await t?.close();
  });

  const createCase = async (user: LoggedIn, over: Record<string, unknown> = {}) => {
    const res = await as(t, user.accessToken).post('/cases', caseBody(over));
    expect(res.status).toBe(201);
    return res.body as { id: string; version: number; survivorCode: string; stage: string } & Record<string, unknown>;
  };

  describe('create and read', () => {
    it('creates a case assigned to its caseworker, with a generated survivor code, and audits it', async () => {
      const body = caseBody({
        aliases: ['Alias One'],
        contactDetails: { phone: '+254 700 000 001', email: 'someone@example.org', safeContactInstructions: 'Mornings only' },
        address: 'Block 7',
        dateOfBirth: '2001-02-03',
        caregiverDetails: { name: 'Carer', relationship: 'aunt', contact: 'via school' },
        narrative: 'What happened',
      });
      const res = await as(t, cw1.accessToken).post('/cases', body);
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        ...body,
        stage: 'intake',
        assignedCaseworkerId: cw1.user.id,
        createdById: cw1.user.id,
        closureReason: null,
        version: 1,
      });
      expect(res.body.survivorCode).toMatch(/^[A-HJKMNP-Z]{3}-[2-9]{5}$/);

      const read = await as(t, cw1.accessToken).get(`/cases/${res.body.id}`);
      expect(read.status).toBe(200);
      expect(read.body).toEqual(res.body);

      const events = await auditEvents(t, { targetId: res.body.id });
      expect(events.map((e) => [e.action, e.outcome, e.actor_id])).toEqual([
        ['case.create', 'success', cw1.user.id],
        ['case.read', 'success', cw1.user.id],
      ]);
      expect(JSON.stringify(events)).not.toContain('Block 7');
    });

    it('stores identifying fields only as ciphertext and the survivor code only as index + ciphertext', async () => {
      const c = await createCase(cw1, { narrative: 'Plain narrative words', address: 'Some address' });
      const [row] = await db.query(`SELECT * FROM cases WHERE id = $1`, [c.id]);
      for (const col of ['survivor_code', 'survivor_name', 'narrative', 'address', 'survivor_code_index']) {
        expect(Buffer.isBuffer(row[col])).toBe(true);
      }
      const text = JSON.stringify(row);
      expect(text).not.toContain('Plain narrative');
      expect(text).not.toContain(c.survivorCode);
      // Sealed to the agency's key (crypto_box_seal: ephemeral key 32 + MAC 16, binding, data key 32), never master-wrapped.
      const [key] = await db.query(`SELECT kek_version, agency_key_version, key_version, length(wrapped_dek) AS len FROM case_keys WHERE case_id = $1`, [c.id]);
      expect(key).toMatchObject({ kek_version: null, agency_key_version: 1, key_version: 1 });
      expect(key.len).toBeGreaterThan(32 + 16 + 32);
    });

    it('a supervisor may create an unassigned case or assign it to a caseworker of the agency', async () => {
      const unassigned = await as(t, sup.accessToken).post('/cases', caseBody());
      expect(unassigned.status).toBe(201);
      expect(unassigned.body.assignedCaseworkerId).toBeNull();
      const assigned = await as(t, sup.accessToken).post('/cases', caseBody({ assignedCaseworkerId: cw2.user.id }));
      expect(assigned.status).toBe(201);
      expect(assigned.body.assignedCaseworkerId).toBe(cw2.user.id);
      const wrong = await as(t, sup.accessToken).post('/cases', caseBody({ assignedCaseworkerId: cwB.user.id }));
      expect(wrong.status).toBe(422);
      expect(wrong.body).toMatchObject({ code: 'invalid_assignee', errors: [{ field: 'assignedCaseworkerId' }] });
    });

    it('a caseworker cannot create a case for someone else', async () => {
      const res = await as(t, cw1.accessToken).post('/cases', caseBody({ assignedCaseworkerId: cw2.user.id }));
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('assignment_needs_supervisor');
    });

    it.each([
      [{ sex: 'woman' }, 'sex'],
      [{ regionCode: 'north region' }, 'regionCode'],
      [{ vulnerabilities: ['poor'] }, 'vulnerabilities'],
      [{ dateOfBirth: '2001-02-30' }, 'dateOfBirth'],
      [{ survivorName: '' }, 'survivorName'],
      [{ survivorName: 'x'.repeat(201) }, 'survivorName'],
      [{ contactDetails: { phone: '1', twitter: 'x' } }, 'contactDetails.twitter'],
      [{ nickname: 'x' }, 'nickname'],
    ])('refuses %j with 400 naming %s, without echoing input', async (over, field) => {
      const res = await as(t, cw1.accessToken).post('/cases', caseBody(over));
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(PROBLEM);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
      expect(JSON.stringify(res.body)).not.toContain('north region');
    });

    it('refuses a malformed id with 400 and an unknown id with 404', async () => {
      expect((await as(t, cw1.accessToken).get('/cases/not-a-uuid')).status).toBe(400);
      const missing = await as(t, cw1.accessToken).get('/cases/0f9b7c1e-3a5d-4e2f-8b6a-9c0d1e2f3a4b');
      expect(missing.status).toBe(404);
      expect(missing.body.code).toBe('not_found');
    });
  });

  describe('list', () => {
    it('lists the caller’s scope with coded fields only, filters and paginates', async () => {
      const a = await createCase(cw2, { sex: 'male', ageBand: '12_17', regionCode: 'KE-30' });
      await createCase(cw2, { sex: 'female', regionCode: 'KE-30' });
      const all = await as(t, cw2.accessToken).get('/cases?pageSize=100');
      expect(all.status).toBe(200);
      for (const item of all.body.items) {
        for (const k of IDENTIFYING_KEYS) expect(item).not.toHaveProperty(k);
        expect(Object.keys(item).sort()).toEqual(
          [
            'id', 'stage', 'closureReason', 'sex', 'ageBand', 'nationalityStatus', 'displacementStatus', 'disability',
            'vulnerabilities', 'regionCode', 'assignedCaseworkerId', 'createdAt', 'updatedAt', 'closedAt', 'version',
          ].sort(),
        );
        expect(item.assignedCaseworkerId).toBe(cw2.user.id);
      }
      const filtered = await as(t, cw2.accessToken).get('/cases?sex=male&ageBand=12_17&regionCode=KE-30&stage=intake');
      expect(filtered.body.items.map((i: { id: string }) => i.id)).toEqual([a.id]);
      const page = await as(t, cw2.accessToken).get('/cases?page=2&pageSize=1');
      expect(page.body).toMatchObject({ page: 2, pageSize: 1, total: all.body.total });
      expect(page.body.items).toHaveLength(1);
      expect(page.body.items[0].id).toBe(all.body.items[1].id);
      // Keyset pages: following nextCursor walks the same order, without a page number.
      const first = await as(t, cw2.accessToken).get('/cases?pageSize=1');
      expect(first.body).toMatchObject({ page: 1, pageSize: 1, total: all.body.total, totalCapped: false });
      expect(first.body.items[0].id).toBe(all.body.items[0].id);
      const walked: string[] = [first.body.items[0].id];
      for (let cursor = first.body.nextCursor; cursor; ) {
        const next = await as(t, cw2.accessToken).get(`/cases?pageSize=1&cursor=${encodeURIComponent(cursor)}`);
        expect(next.status).toBe(200);
        walked.push(...next.body.items.map((i: { id: string }) => i.id));
        cursor = next.body.nextCursor;
      }
      expect(walked).toEqual(all.body.items.map((i: { id: string }) => i.id));
      expect((await as(t, cw2.accessToken).get(`/cases?page=2&cursor=${encodeURIComponent(first.body.nextCursor)}`)).status).toBe(400);
      const forged = await as(t, cw2.accessToken).get('/cases?cursor=bm90LWEtY3Vyc29y');
      expect(forged.status).toBe(400);
      expect(forged.body.errors[0].field).toBe('cursor');
    });

    it('refuses unknown filters and values with 400', async () => {
      expect((await as(t, cw1.accessToken).get('/cases?sex=woman')).status).toBe(400);
      expect((await as(t, cw1.accessToken).get('/cases?name=x')).status).toBe(400);
      expect((await as(t, cw1.accessToken).get('/cases?pageSize=1000')).status).toBe(400);
    });

    it('filters on incident type', async () => {
      const c = await createCase(cw1);
      const inc = await as(t, cw1.accessToken).post(`/cases/${c.id}/incidents`, incidentBody({
        answers: { ...incidentBody().answers, physicalAssault: false, psychologicalAbuse: false, forcedMarriage: true },
      }));
      expect(inc.status).toBe(201);
      const res = await as(t, cw1.accessToken).get('/cases?gbvType=forced_marriage&pageSize=100');
      expect(res.body.items.map((i: { id: string }) => i.id)).toContain(c.id);
      const none = await as(t, cw1.accessToken).get('/cases?gbvType=rape&pageSize=100');
      expect(none.body.items.map((i: { id: string }) => i.id)).not.toContain(c.id);
    });
  });

  describe('update and optimistic concurrency', () => {
    it('updates coded and encrypted fields, bumps the version and refuses a stale one', async () => {
      const c = await createCase(cw1, { narrative: 'first' });
      const res = await as(t, cw1.accessToken).patch(`/cases/${c.id}`, {
        version: 1,
        narrative: 'second',
        address: null,
        ageBand: '26_40',
        contactDetails: { phone: '+254 711 111 111' },
      });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ narrative: 'second', address: null, ageBand: '26_40', version: 2, survivorName: c.survivorName });
      const stale = await as(t, cw1.accessToken).patch(`/cases/${c.id}`, { version: 1, narrative: 'third' });
      expect(stale.status).toBe(409);
      expect(stale.body.code).toBe('stale_version');
      expect((await as(t, cw1.accessToken).get(`/cases/${c.id}`)).body.narrative).toBe('second');
    });

    it('refuses an empty change, a null name and unknown fields', async () => {
      const c = await createCase(cw1);
      expect((await as(t, cw1.accessToken).patch(`/cases/${c.id}`, { version: 1 })).status).toBe(400);
      const nullName = await as(t, cw1.accessToken).patch(`/cases/${c.id}`, { version: 1, survivorName: null });
      expect(nullName.status).toBe(400);
      expect(nullName.body.errors[0].field).toBe('survivorName');
      expect((await as(t, cw1.accessToken).patch(`/cases/${c.id}`, { version: 1, stage: 'closed' })).status).toBe(400);
      expect((await as(t, cw1.accessToken).patch(`/cases/${c.id}`, { narrative: 'x' })).status).toBe(400);
    });

    it('two concurrent updates of one version: exactly one 200 and one 409, never a lost write', async () => {
      for (let round = 0; round < 5; round++) {
        const c = await createCase(cw1);
        const [a, b] = await Promise.all([
          as(t, cw1.accessToken).patch(`/cases/${c.id}`, { version: 1, narrative: `A${round}` }),
          as(t, sup.accessToken).patch(`/cases/${c.id}`, { version: 1, narrative: `B${round}` }),
        ]);
        expect([a.status, b.status].sort()).toEqual([200, 409]);
        const winner = a.status === 200 ? a : b;
        const now = await as(t, cw1.accessToken).get(`/cases/${c.id}`);
        expect(now.body).toMatchObject({ version: 2, narrative: winner.body.narrative });
      }
    });
  });

  describe('stages', () => {
    it('walks the allowed transitions, goes back one step where allowed and refuses the rest', async () => {
      const c = await createCase(cw1);
      let version = 1;
      const move = async (user: LoggedIn, to: string, extra: object = {}) =>
        as(t, user.accessToken).post(`/cases/${c.id}/stage`, { to, version, ...extra });

      expect((await move(cw1, 'action_plan')).status).toBe(422);
      for (const to of ['assessment', 'action_plan', 'implementation', 'follow_up', 'implementation', 'follow_up']) {
        const res = await move(cw1, to);
        expect(res.status).toBe(200);
        expect(res.body).toMatchObject({ stage: to, version: version + 1 });
        version = res.body.version;
      }
      const skipBack = await move(cw1, 'assessment');
      expect(skipBack.status).toBe(422);
      expect(skipBack.body).toMatchObject({ code: 'stage_transition_not_allowed', errors: [{ field: 'to' }] });
      expect((await move(cw1, 'follow_up')).status).toBe(422);

      const byCaseworker = await move(cw1, 'closed', { closureReason: 'needs_met' });
      expect(byCaseworker.status).toBe(403);
      expect(byCaseworker.body.code).toBe('closure_needs_supervisor');
      const noReason = await move(sup, 'closed');
      expect(noReason.status).toBe(400);
      expect(noReason.body.errors[0].field).toBe('closureReason');
      expect((await move(sup, 'closed', { closureReason: 'magic' })).status).toBe(400);
      expect((await as(t, sup.accessToken).post(`/cases/${c.id}/stage`, { to: 'closed', version: 1, closureReason: 'needs_met' })).status).toBe(409);

      const closed = await move(sup, 'closed', { closureReason: 'needs_met' });
      expect(closed.status).toBe(200);
      expect(closed.body).toMatchObject({ stage: 'closed', closureReason: 'needs_met' });
      expect(closed.body.closedAt).toEqual(expect.any(String));
      version = closed.body.version;

      expect((await move(sup, 'follow_up')).status).toBe(422);
      const edit = await as(t, cw1.accessToken).patch(`/cases/${c.id}`, { version, narrative: 'late' });
      expect(edit.status).toBe(409);
      expect(edit.body.code).toBe('case_closed');
      expect((await as(t, cw1.accessToken).post(`/cases/${c.id}/incidents`, incidentBody())).status).toBe(409);
      expect((await as(t, cw1.accessToken).post(`/cases/${c.id}/notes`, { body: 'closure note' })).status).toBe(201);

      const events = await auditEvents(t, { targetId: c.id, action: 'case.stage' });
      expect(events.filter((e) => e.outcome === 'success').map((e) => e.details.to)).toEqual([
        'assessment', 'action_plan', 'implementation', 'follow_up', 'implementation', 'follow_up', 'closed',
      ]);
    });
  });

  describe('assignment', () => {
    it('a supervisor reassigns to a caseworker of the agency; access follows the assignment', async () => {
      const c = await createCase(cw1);
      const res = await as(t, sup.accessToken).post(`/cases/${c.id}/assign`, { caseworkerId: cw2.user.id, version: 1 });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ assignedCaseworkerId: cw2.user.id, version: 2 });
      expect((await as(t, cw1.accessToken).get(`/cases/${c.id}`)).status).toBe(404);
      expect((await as(t, cw2.accessToken).get(`/cases/${c.id}`)).status).toBe(200);

      const toOtherAgency = await as(t, sup.accessToken).post(`/cases/${c.id}/assign`, { caseworkerId: cwB.user.id, version: 2 });
      expect(toOtherAgency.status).toBe(422);
      const toSupervisor = await as(t, sup.accessToken).post(`/cases/${c.id}/assign`, { caseworkerId: sup.user.id, version: 2 });
      expect(toSupervisor.status).toBe(422);
      const stale = await as(t, sup.accessToken).post(`/cases/${c.id}/assign`, { caseworkerId: cw1.user.id, version: 1 });
      expect(stale.status).toBe(409);
      const byCaseworker = await as(t, cw2.accessToken).post(`/cases/${c.id}/assign`, { caseworkerId: cw1.user.id, version: 2 });
      expect(byCaseworker.status).toBe(403);
    });

    it('explicit sharing gives a colleague access until it is withdrawn', async () => {
      const c = await createCase(cw1);
      expect((await as(t, cw2.accessToken).get(`/cases/${c.id}`)).status).toBe(404);
      const share = await as(t, cw1.accessToken).post(`/cases/${c.id}/shares`, { userId: cw2.user.id });
      expect(share.status).toBe(201);
      expect((await as(t, cw2.accessToken).get(`/cases/${c.id}`)).status).toBe(200);
      const list = await as(t, cw2.accessToken).get('/cases?pageSize=100');
      expect(list.body.items.map((i: { id: string }) => i.id)).toContain(c.id);
      // A colleague with shared access cannot share further.
      expect((await as(t, cw2.accessToken).post(`/cases/${c.id}/shares`, { userId: cw2.user.id })).status).toBe(403);
      expect((await as(t, cw1.accessToken).post(`/cases/${c.id}/shares`, { userId: cwB.user.id })).status).toBe(422);
      expect((await as(t, cw1.accessToken).get(`/cases/${c.id}/shares`)).body.map((s: { userId: string }) => s.userId)).toEqual([cw2.user.id]);
      expect((await as(t, cw1.accessToken).delete(`/cases/${c.id}/shares/${cw2.user.id}`)).status).toBe(204);
      expect((await as(t, cw2.accessToken).get(`/cases/${c.id}`)).status).toBe(404);
    });
  });

  describe('lookup', () => {
    it('finds a case by survivor code given in the body, however it is typed', async () => {
      const c = await createCase(cw1);
      const typed = c.survivorCode.toLowerCase().replace('-', ' ');
      const res = await as(t, cw1.accessToken).post('/cases/lookup', { survivorCode: typed });
      expect(res.status).toBe(200);
      expect(res.body.id).toBe(c.id);
      expect(res.body).not.toHaveProperty('survivorName');
      const [event] = (await auditEvents(t, { targetId: c.id, action: 'case.lookup' }));
      expect(event).toMatchObject({ outcome: 'success', actor_id: cw1.user.id });
    });

    it('answers 404 for an unknown code and for a code outside the caller’s scope (audited), 400 for garbage', async () => {
      const c = await createCase(cw1);
      expect((await as(t, cw1.accessToken).post('/cases/lookup', { survivorCode: 'AAA-22222' })).status).toBe(404);
      const other = await as(t, cwB.accessToken).post('/cases/lookup', { survivorCode: c.survivorCode });
      expect(other.status).toBe(404);
      const colleague = await as(t, cw2.accessToken).post('/cases/lookup', { survivorCode: c.survivorCode });
      expect(colleague.status).toBe(404);
      expect(colleague.body).toEqual({ ...other.body, correlationId: colleague.body.correlationId });
      const denied = await auditEvents(t, { actorId: cwB.user.id, action: 'case.lookup' });
      expect(denied.at(-1)).toMatchObject({ outcome: 'denied', details: { reason: 'out_of_scope' } });
      expect((await as(t, cw1.accessToken).post('/cases/lookup', { survivorCode: 'not a code' })).status).toBe(400);
      expect((await as(t, sup.accessToken).post('/cases/lookup', { survivorCode: c.survivorCode })).body.id).toBe(c.id);
    });

    it('de-duplicates by phone within scope', async () => {
      const phone = `+254 7${Math.floor(Math.random() * 1e8).toString().padStart(8, '0')}`;
      const c = await createCase(cw1, { contactDetails: { phone } });
      const res = await as(t, cw1.accessToken).post('/cases/lookup-phone', { phone: phone.replace(/ /g, '').replace('+', '00') });
      expect(res.status).toBe(200);
      expect(res.body.items.map((i: { id: string }) => i.id)).toEqual([c.id]);
      expect((await as(t, cwB.accessToken).post('/cases/lookup-phone', { phone })).body.items).toEqual([]);
    });
  });

  describe('incidents', () => {
    it('classifies on the server, derives contexts and the report-delay bucket', async () => {
      const c = await createCase(cw1, { ageBand: '12_17' });
      const res = await as(t, cw1.accessToken).post(`/cases/${c.id}/incidents`, incidentBody({
        incidentDate: '2025-01-01',
        reportDate: '2025-01-07',
        answers: { ...incidentBody().answers, penetration: true },
        contextAnswers: { moneyGoodsBenefitsExchanged: true, abductedOrHeld: false, harmfulTraditionalPractice: false },
        narrative: 'incident narrative',
        exactLocation: 'behind the well',
        regionCode: 'SO-BN',
      }));
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        gbvType: 'rape',
        contexts: ['intimate_partner_violence', 'child_sexual_abuse', 'possible_sexual_exploitation'],
        reportDelayBucket: '6_14',
        incidentMonth: '2025-01',
        reportMonth: '2025-01',
        survivorAgeBand: '12_17',
        narrative: 'incident narrative',
        exactLocation: 'behind the well',
        incidentDate: '2025-01-01',
      });
      const list = await as(t, cw1.accessToken).get(`/cases/${c.id}/incidents`);
      expect(list.status).toBe(200);
      expect(list.body).toEqual([res.body]);
      const [row] = await db.query(`SELECT gbv_type, incident_month, narrative, incident_date FROM case_incidents WHERE id = $1`, [res.body.id]);
      expect(row.gbv_type).toBe('rape');
      expect(Buffer.isBuffer(row.narrative) && Buffer.isBuffer(row.incident_date)).toBe(true);
    });

    it('ignores a client-sent classification and refuses impossible dates', async () => {
      const c = await createCase(cw1);
      expect((await as(t, cw1.accessToken).post(`/cases/${c.id}/incidents`, incidentBody({ gbvType: 'rape' }))).status).toBe(400);
      const before = await as(t, cw1.accessToken).post(`/cases/${c.id}/incidents`, incidentBody({ incidentDate: '2025-03-10', reportDate: '2025-03-01' }));
      expect(before.status).toBe(400);
      expect(before.body.errors[0].field).toBe('reportDate');
      const future = await as(t, cw1.accessToken).post(`/cases/${c.id}/incidents`, incidentBody({ incidentDate: '2999-01-01', reportDate: undefined }));
      expect(future.status).toBe(400);
      expect((await as(t, cw1.accessToken).post(`/cases/${c.id}/incidents`, incidentBody({ incidentDate: '2025-02-29' }))).status).toBe(400);
      expect((await as(t, cw1.accessToken).post(`/cases/${c.id}/incidents`, incidentBody({ answers: { penetration: 'yes' } }))).status).toBe(400);
      expect((await as(t, cw1.accessToken).get(`/cases/${c.id}/incidents`)).body).toEqual([]);
    });
  });

  describe('notes', () => {
    it('adds encrypted notes with author and time, newest first, paginated', async () => {
      const c = await createCase(cw1);
      for (const body of ['note one', 'note two', 'note three']) {
        const res = await as(t, cw1.accessToken).post(`/cases/${c.id}/notes`, { body });
        expect(res.status).toBe(201);
        expect(res.body).toMatchObject({ caseId: c.id, authorId: cw1.user.id, body });
      }
      const page = await as(t, sup.accessToken).get(`/cases/${c.id}/notes?page=1&pageSize=2`);
      expect(page.status).toBe(200);
      expect(page.body).toMatchObject({ total: 3, page: 1, pageSize: 2 });
      expect(page.body.items.map((n: { body: string }) => n.body)).toEqual(['note three', 'note two']);
      expect((await as(t, cw1.accessToken).post(`/cases/${c.id}/notes`, { body: '' })).status).toBe(400);
      const rows = await db.query(`SELECT body FROM case_notes WHERE case_id = $1`, [c.id]);
      expect(rows.every((r: { body: Buffer }) => !r.body.toString('latin1').includes('note'))).toBe(true);
    });
  });

  describe('consent and the reporting projection', () => {
    const projection = (caseId: string) =>
      db.query<Record<string, unknown>[]>(
        `SELECT r.* FROM reporting_incidents r JOIN case_incidents i ON i.id = r.incident_id WHERE i.case_id = $1 ORDER BY r.incident_month`,
        [caseId],
      );

    it('projects coded incident facts only while a statistics consent is active', async () => {
      const c = await createCase(cw1, { regionCode: 'SO-BN' });
      await as(t, cw1.accessToken).post(`/cases/${c.id}/incidents`, incidentBody({ incidentDate: '2025-01-10', reportDate: '2025-01-12' }));
      expect(await projection(c.id)).toEqual([]);

      const consent = await as(t, cw1.accessToken).post(`/cases/${c.id}/consents`, { purpose: 'statistics', givenBy: 'survivor' });
      expect(consent.status).toBe(201);
      expect(consent.body).toMatchObject({ purpose: 'statistics', active: true, takenById: cw1.user.id, withdrawnAt: null });
      let rows = await projection(c.id);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({
        agency_id: agencyA,
        gbv_type: 'physical_assault',
        contexts: ['intimate_partner_violence'],
        report_delay_bucket: '0_3',
        case_region_code: 'SO-BN',
        survivor_sex: 'female',
        incident_month: '2025-01',
      });
      expect(Object.values(rows[0]).filter((v) => Buffer.isBuffer(v))).toEqual([]);

      await as(t, cw1.accessToken).post(`/cases/${c.id}/incidents`, incidentBody({ incidentDate: '2025-02-01', reportDate: '2025-03-20' }));
      rows = await projection(c.id);
      expect(rows.map((r) => r.report_delay_bucket)).toEqual(['0_3', 'over_30']);

      const patched = await as(t, cw1.accessToken).patch(`/cases/${c.id}`, { version: c.version, regionCode: 'SO-AW' });
      expect(patched.status).toBe(200);
      expect((await projection(c.id)).map((r) => r.case_region_code)).toEqual(['SO-AW', 'SO-AW']);

      const again = await as(t, cw1.accessToken).post(`/cases/${c.id}/consents`, { purpose: 'statistics', givenBy: 'survivor' });
      expect(again.status).toBe(409);
      expect(again.body.code).toBe('consent_already_active');

      const withdrawn = await as(t, cw1.accessToken).post(`/cases/${c.id}/consents/${consent.body.id}/withdraw`);
      expect(withdrawn.status).toBe(200);
      expect(withdrawn.body).toMatchObject({ active: false, withdrawnById: cw1.user.id });
      expect(await projection(c.id)).toEqual([]);
      expect((await as(t, cw1.accessToken).post(`/cases/${c.id}/consents/${consent.body.id}/withdraw`)).status).toBe(409);

      // A new consent after withdrawal brings the rows back.
      expect((await as(t, sup.accessToken).post(`/cases/${c.id}/consents`, { purpose: 'statistics', givenBy: 'caregiver' })).status).toBe(201);
      expect(await projection(c.id)).toHaveLength(2);
      const list = await as(t, cw1.accessToken).get(`/cases/${c.id}/consents`);
      expect(list.body.map((k: { active: boolean }) => k.active)).toEqual([false, true]);
    });

    it('records referral consent with the shareable fields, and validates its shape', async () => {
      const c = await createCase(cw1);
      const ok = await as(t, cw1.accessToken).post(`/cases/${c.id}/consents`, {
        purpose: 'referral',
        givenBy: 'survivor',
        serviceType: 'medical',
        recipientAgencyId: agencyB,
        shareableFields: ['survivorName', 'ageBand'],
      });
      expect(ok.status).toBe(201);
      expect(ok.body).toMatchObject({ serviceType: 'medical', recipientAgencyId: agencyB, shareableFields: ['survivorName', 'ageBand'] });
      const second = await as(t, cw1.accessToken).post(`/cases/${c.id}/consents`, {
        purpose: 'referral', givenBy: 'survivor', serviceType: 'legal', shareableFields: ['sex'],
      });
      expect(second.status).toBe(201);

      const noFields = await as(t, cw1.accessToken).post(`/cases/${c.id}/consents`, { purpose: 'referral', givenBy: 'survivor', serviceType: 'legal' });
      expect(noFields.status).toBe(400);
      expect(noFields.body.errors[0].field).toBe('shareableFields');
      const noTarget = await as(t, cw1.accessToken).post(`/cases/${c.id}/consents`, { purpose: 'referral', givenBy: 'survivor', shareableFields: ['sex'] });
      expect(noTarget.status).toBe(400);
      const extra = await as(t, cw1.accessToken).post(`/cases/${c.id}/consents`, { purpose: 'services', givenBy: 'survivor', shareableFields: ['sex'] });
      expect(extra.status).toBe(400);
      const badField = await as(t, cw1.accessToken).post(`/cases/${c.id}/consents`, {
        purpose: 'referral', givenBy: 'survivor', serviceType: 'legal', shareableFields: ['passwordHash'],
      });
      expect(badField.status).toBe(400);
      const unknownAgency = await as(t, cw1.accessToken).post(`/cases/${c.id}/consents`, {
        purpose: 'referral', givenBy: 'survivor', recipientAgencyId: '0f9b7c1e-3a5d-4e2f-8b6a-9c0d1e2f3a4b', shareableFields: ['sex'],
      });
      expect(unknownAgency.status).toBe(422);
      const missing = await as(t, cw1.accessToken).post(`/cases/${c.id}/consents/0f9b7c1e-3a5d-4e2f-8b6a-9c0d1e2f3a4b/withdraw`);
      expect(missing.status).toBe(404);
    });
  });

  describe('referral source (for the referral feature)', () => {
    it('returns only the consented fields, for an active covering consent in scope', async () => {
      const c = await createCase(cw1, { narrative: 'not to be shared', address: 'not shared either' });
      await as(t, cw1.accessToken).post(`/cases/${c.id}/incidents`, incidentBody({ narrative: 'incident story' }));
      const consent = await as(t, cw1.accessToken).post(`/cases/${c.id}/consents`, {
        purpose: 'referral', givenBy: 'survivor', serviceType: 'medical', shareableFields: ['survivorName', 'ageBand', 'incidentTypes'],
      });
      const source = t.app.get(CaseReferralSource);
      const actor = { id: cw1.user.id, role: 'caseworker' as const, agencyId: agencyA };
      const request = { consentId: consent.body.id, serviceType: 'medical' as const, recipientAgencyId: agencyB };
      const out = await asMembers(t, [cw1], () => source.consentedFields(actor, c.id, request));
      expect(out.fields).toEqual({ survivorName: c.survivorName, ageBand: '18_25', incidentTypes: ['physical_assault'] });
      await expect(asMembers(t, [cw1], () => source.consentedFields(actor, c.id, { ...request, serviceType: 'legal' }))).rejects.toMatchObject({ code: 'consent_not_valid' });
      const outsider = { id: cwB.user.id, role: 'caseworker' as const, agencyId: agencyB };
      await expect(asMembers(t, [cwB], () => source.consentedFields(outsider, c.id, request))).rejects.toMatchObject({ status: 404 });
      await as(t, cw1.accessToken).post(`/cases/${c.id}/consents/${consent.body.id}/withdraw`);
      await expect(asMembers(t, [cw1], () => source.consentedFields(actor, c.id, request))).rejects.toMatchObject({ code: 'consent_not_valid' });
      const events = await auditEvents(t, { targetId: c.id, action: 'case.referral_export' });
      expect(events.map((e) => e.outcome)).toEqual(['success', 'failure', 'denied', 'failure']);
    });
  });

  describe('demo seed', () => {
    it('creates synthetic cases with incidents through the real services', async () => {
      const services = { cases: t.app.get(CasesService), incidents: t.app.get(CaseIncidentsService), consents: t.app.get(CaseConsentsService) };
      const actors = [
        { id: cw2.user.id, role: 'caseworker' as const, agencyId: agencyA },
        { id: sup.user.id, role: 'supervisor' as const, agencyId: agencyA },
      ];
      const ids = await asMembers(t, [cw2, sup], () => seedDemoCases(services, actors, 6, ['DEMO-NORTH', 'DEMO-SOUTH']));
      expect(ids).toHaveLength(6);
      const [{ n }] = await db.query(`SELECT count(*)::int AS n FROM case_incidents WHERE case_id = ANY($1)`, [ids]);
      expect(n).toBeGreaterThanOrEqual(6);
      const detail = await as(t, sup.accessToken).get(`/cases/${ids[0]}`);
      expect(detail.body.survivorName).toMatch(/^Demo Survivor/);
    });
  });

  describe('action plan', () => {
    it('adds, lists and updates encrypted items with optimistic concurrency', async () => {
      const c = await createCase(cw1);
      const item = await as(t, cw1.accessToken).post(`/cases/${c.id}/action-plan`, {
        description: 'Accompany to clinic',
        serviceType: 'medical',
        dueDate: '2025-05-01',
      });
      expect(item.status).toBe(201);
      expect(item.body).toMatchObject({ description: 'Accompany to clinic', serviceType: 'medical', status: 'planned', dueDate: '2025-05-01', version: 1 });
      const upd = await as(t, cw1.accessToken).patch(`/cases/${c.id}/action-plan/${item.body.id}`, { version: 1, status: 'done' });
      expect(upd.status).toBe(200);
      expect(upd.body).toMatchObject({ status: 'done', version: 2, description: 'Accompany to clinic' });
      expect((await as(t, cw1.accessToken).patch(`/cases/${c.id}/action-plan/${item.body.id}`, { version: 1, status: 'cancelled' })).status).toBe(409);
      expect((await as(t, cw1.accessToken).patch(`/cases/${c.id}/action-plan/${item.body.id}`, { version: 2, status: 'finished' })).status).toBe(400);
      const list = await as(t, cw1.accessToken).get(`/cases/${c.id}/action-plan`);
      expect(list.body).toEqual([upd.body]);
      const otherCase = await createCase(cw1);
      expect((await as(t, cw1.accessToken).patch(`/cases/${otherCase.id}/action-plan/${item.body.id}`, { version: 2, status: 'done' })).status).toBe(404);
    });
  });
});
