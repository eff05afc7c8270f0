import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { createTestApp, TestApp } from '../support/app';
import { capturedLogs, databaseDump, leaked, redisDump, rememberSecret } from '../support/canary';
import { createAgency, LoggedIn, sessionAs } from '../support/users';
import { as, auditEvents, caseBody, PROBLEM } from './case-fixtures';

const MISSING_ID = '0f9b7c1e-3a5d-4e2f-8b6a-9c0d1e2f3a4b';

/**
 * Case management depth: the survivor assessment and safety plan under the case key, goals per
 * need area, supervisor approvals (a caseworker's closure is a request a second person
 * decides) and reopening. Sentinels put in every new free-text field are read back by the
 * case's staff and found nowhere else.
 */
describe('case management: assessment, safety plan, approvals, reopening', () => {
  let t: TestApp;
  let db: DataSource;
  let cw: LoggedIn;
  let sup: LoggedIn;
  let sup2: LoggedIn;
  let cwOther: LoggedIn;
  let supOther: LoggedIn;
  const sentinels: string[] = [];
  const sentinel = (field: string) => {
    const value = `CANARY${field}${randomBytes(8).toString('hex').toUpperCase()}`;
    sentinels.push(value);
    rememberSecret(value);
    return value;
  };

  beforeAll(async () => {
    t = await createTestApp();
    db = t.app.get(DataSource);
    const [a, b] = await Promise.all([createAgency(t), createAgency(t)]);
    [cw, sup, sup2, cwOther, supOther] = await Promise.all([
      sessionAs(t, { role: 'caseworker', agencyId: a.id }),
      sessionAs(t, { role: 'supervisor', agencyId: a.id }),
      sessionAs(t, { role: 'supervisor', agencyId: a.id }),
      sessionAs(t, { role: 'caseworker', agencyId: b.id }),
      sessionAs(t, { role: 'supervisor', agencyId: b.id }),
    ]);
  });
  afterAll(() => t?.close());

  const newCase = async () => {
    const res = await as(t, cw.accessToken).post('/cases', caseBody());
    expect(res.status).toBe(201);
    return res.body as { id: string; version: number };
  };

  it('records the assessment per area, replaces an area on a second pass, and keeps notes encrypted', async () => {
    const c = await newCase();
    const api = as(t, cw.accessToken);
    const safetyNotes = sentinel('SAFETYNEED');
    const first = await api.put(`/cases/${c.id}/assessment`, {
      needs: [
        { area: 'safety', level: 'urgent', notes: safetyNotes },
        { area: 'psychosocial', level: 'high', notes: sentinel('PSYNEED') },
        { area: 'economic', level: 'low' },
      ],
    });
    expect(first.status).toBe(200);
    expect(first.body.needs.map((n: { area: string }) => n.area)).toEqual(['safety', 'psychosocial', 'economic']);
    expect(first.body.needs[0]).toMatchObject({ area: 'safety', level: 'urgent', notes: safetyNotes, assessedById: cw.user.id });

    const second = await as(t, sup.accessToken).put(`/cases/${c.id}/assessment`, { needs: [{ area: 'economic', level: 'medium', notes: null }] });
    expect(second.status).toBe(200);
    expect(second.body.needs.find((n: { area: string }) => n.area === 'economic')).toMatchObject({ level: 'medium', notes: null, assessedById: sup.user.id });
    expect(second.body.needs).toHaveLength(3);

    const read = await api.get(`/cases/${c.id}/assessment`);
    expect(read.status).toBe(200);
    expect(read.body.needs[0].notes).toBe(safetyNotes);
    const [row] = await db.query(`SELECT level, notes FROM case_assessment_needs WHERE case_id = $1 AND area = 'safety'`, [c.id]);
    expect(row.level).toBe('urgent');
    expect(Buffer.isBuffer(row.notes) && !row.notes.toString('latin1').includes(safetyNotes)).toBe(true);
  });

  it('refuses a repeated area, an unknown level and an empty list, naming the field, and writes nothing', async () => {
    const c = await newCase();
    const api = as(t, cw.accessToken);
    const twice = await api.put(`/cases/${c.id}/assessment`, { needs: [{ area: 'health', level: 'low' }, { area: 'health', level: 'high' }] });
    expect(twice.status).toBe(400);
    expect(twice.headers['content-type']).toMatch(PROBLEM);
    expect(twice.body.errors[0].field).toBe('needs');
    const badLevel = await api.put(`/cases/${c.id}/assessment`, { needs: [{ area: 'health', level: 'extreme' }] });
    expect(badLevel.status).toBe(400);
    expect(JSON.stringify(badLevel.body.errors)).toContain('level');
    expect((await api.put(`/cases/${c.id}/assessment`, { needs: [] })).status).toBe(400);
    expect(await db.query(`SELECT 1 FROM case_assessment_needs WHERE case_id = $1`, [c.id])).toEqual([]);
  });

  it('keeps one safety plan per case with optimistic versions, and a plain in-place date', async () => {
    const c = await newCase();
    const api = as(t, cw.accessToken);
    expect((await api.get(`/cases/${c.id}/safety-plan`)).status).toBe(404);
    const risks = sentinel('RISKS');
    const created = await api.put(`/cases/${c.id}/safety-plan`, {
      risks,
      safeContacts: sentinel('SAFECONTACTS'),
      safePlaces: sentinel('SAFEPLACES'),
      agreedActions: sentinel('AGREEDACTIONS'),
      inPlaceOn: '2026-11-20',
    });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({ risks, inPlaceOn: '2026-11-20', version: 1, updatedById: cw.user.id });

    const noVersion = await api.put(`/cases/${c.id}/safety-plan`, { risks: 'changed' });
    expect(noVersion.status).toBe(400);
    expect(noVersion.body.errors[0].field).toBe('version');
    const updated = await api.put(`/cases/${c.id}/safety-plan`, { version: 1, safePlaces: null });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ risks, safePlaces: null, version: 2 });
    const stale = await api.put(`/cases/${c.id}/safety-plan`, { version: 1, risks: 'late' });
    expect(stale.status).toBe(409);
    expect((await as(t, sup.accessToken).get(`/cases/${c.id}/safety-plan`)).body.risks).toBe(risks);
    const [row] = await db.query(`SELECT in_place_on::text AS d, risks FROM case_safety_plans WHERE case_id = $1`, [c.id]);
    expect(row.d).toBe('2026-11-20');
    expect(row.risks.toString('latin1')).not.toContain(risks);
  });

  it('gives action plan goals a need area and a coded goal status', async () => {
    const c = await newCase();
    const api = as(t, cw.accessToken);
    const item = await api.post(`/cases/${c.id}/action-plan`, { description: sentinel('GOAL'), needArea: 'psychosocial', serviceType: 'psychosocial' });
    expect(item.status).toBe(201);
    expect(item.body).toMatchObject({ needArea: 'psychosocial', goalStatus: null });
    const reviewed = await api.patch(`/cases/${c.id}/action-plan/${item.body.id}`, { version: 1, goalStatus: 'partly_met' });
    expect(reviewed.status).toBe(200);
    expect(reviewed.body.goalStatus).toBe('partly_met');
    expect((await api.patch(`/cases/${c.id}/action-plan/${item.body.id}`, { version: 2, goalStatus: 'mostly' })).status).toBe(400);
  });

  it('a caseworker’s closure is a request: returned with a comment it leaves the case open; approved by another supervisor it closes it', async () => {
    const c = await newCase();
    const api = as(t, cw.accessToken);
    expect((await api.post(`/cases/${c.id}/stage`, { to: 'closed', version: 1, closureReason: 'needs_met' })).status).toBe(403);

    const noReason = await api.post(`/cases/${c.id}/approvals`, { kind: 'closure' });
    expect(noReason.status).toBe(400);
    expect(noReason.body.errors[0].field).toBe('closureReason');
    const requestComment = sentinel('CLOSUREREQUEST');
    const request = await api.post(`/cases/${c.id}/approvals`, { kind: 'closure', closureReason: 'needs_met', comment: requestComment });
    expect(request.status).toBe(201);
    expect(request.body).toMatchObject({ kind: 'closure', status: 'pending', closureReason: 'needs_met', requestComment, requestedById: cw.user.id });
    expect((await api.post(`/cases/${c.id}/approvals`, { kind: 'closure', closureReason: 'other' })).status).toBe(409);

    // The supervisor's work list names the request by ids and codes, never its comment.
    const worklist = await as(t, sup.accessToken).get('/approvals');
    expect(worklist.status).toBe(200);
    const entry = worklist.body.find((a: { id: string }) => a.id === request.body.id);
    expect(entry).toMatchObject({ caseId: c.id, kind: 'closure', closureReason: 'needs_met' });
    expect(JSON.stringify(worklist.body)).not.toContain(requestComment);
    expect((await as(t, supOther.accessToken).get('/approvals')).body.map((a: { id: string }) => a.id)).not.toContain(request.body.id);

    const returnComment = sentinel('RETURNCOMMENT');
    const noComment = await as(t, sup.accessToken).post(`/approvals/${request.body.id}/decision`, { version: 1, decision: 'return' });
    expect(noComment.status).toBe(400);
    expect(noComment.body.errors[0].field).toBe('comment');
    const returned = await as(t, sup.accessToken).post(`/approvals/${request.body.id}/decision`, { version: 1, decision: 'return', comment: returnComment });
    expect(returned.status).toBe(200);
    expect(returned.body).toMatchObject({ status: 'returned', decisionComment: returnComment, decidedById: sup.user.id });
    expect((await api.get(`/cases/${c.id}`)).body.stage).toBe('intake');
    const seen = await api.get(`/cases/${c.id}/approvals`);
    expect(seen.body[0]).toMatchObject({ status: 'returned', decisionComment: returnComment });
    expect((await as(t, sup.accessToken).post(`/approvals/${request.body.id}/decision`, { version: 2, decision: 'approve' })).status).toBe(409);

    const again = await api.post(`/cases/${c.id}/approvals`, { kind: 'closure', closureReason: 'survivor_request' });
    expect(again.status).toBe(201);
    const approved = await as(t, sup2.accessToken).post(`/approvals/${again.body.id}/decision`, { version: 1, decision: 'approve' });
    expect(approved.status).toBe(200);
    const closed = await api.get(`/cases/${c.id}`);
    expect(closed.body).toMatchObject({ stage: 'closed', closureReason: 'survivor_request' });
    const decided = await auditEvents(t, { targetId: again.body.id, action: 'case.approval.decide' });
    expect(decided[0]).toMatchObject({ outcome: 'success', details: { decision: 'approve', kind: 'closure' } });
  });

  it('four eyes: a supervisor cannot decide their own request; another agency’s supervisor sees a missing request', async () => {
    const c = await newCase();
    await as(t, sup.accessToken).put(`/cases/${c.id}/assessment`, { needs: [{ area: 'shelter', level: 'medium' }] });
    const request = await as(t, sup.accessToken).post(`/cases/${c.id}/approvals`, { kind: 'assessment' });
    expect(request.status).toBe(201);
    const own = await as(t, sup.accessToken).post(`/approvals/${request.body.id}/decision`, { version: 1, decision: 'approve' });
    expect(own.status).toBe(403);
    expect(own.body.code).toBe('approval_by_requester');
    const foreign = await as(t, supOther.accessToken).post(`/approvals/${request.body.id}/decision`, { version: 1, decision: 'approve' });
    const missing = await as(t, supOther.accessToken).post(`/approvals/${MISSING_ID}/decision`, { version: 1, decision: 'approve' });
    expect(foreign.status).toBe(404);
    expect({ ...foreign.body, correlationId: undefined }).toEqual({ ...missing.body, correlationId: undefined });
    const [row] = await db.query(`SELECT status FROM case_approvals WHERE id = $1`, [request.body.id]);
    expect(row.status).toBe('pending');
    const denied = await auditEvents(t, { targetId: request.body.id, actorId: supOther.user.id });
    expect(denied[0]).toMatchObject({ outcome: 'denied', details: { reason: 'out_of_scope' } });
  });

  it('asks for an assessment or action plan only once there is one to approve', async () => {
    const c = await newCase();
    const api = as(t, cw.accessToken);
    const assessment = await api.post(`/cases/${c.id}/approvals`, { kind: 'assessment' });
    expect([assessment.status, assessment.body.code]).toEqual([422, 'assessment_missing']);
    const plan = await api.post(`/cases/${c.id}/approvals`, { kind: 'action_plan' });
    expect([plan.status, plan.body.code]).toEqual([422, 'action_plan_empty']);
    expect((await api.post(`/cases/${c.id}/approvals`, { kind: 'assessment', closureReason: 'needs_met' })).status).toBe(400);
  });

  it('a supervisor reopens a closed case with a reason; it resumes at assessment', async () => {
    const c = await newCase();
    const closed = await as(t, sup.accessToken).post(`/cases/${c.id}/stage`, { to: 'closed', version: 1, closureReason: 'lost_contact' });
    expect(closed.status).toBe(200);
    const notClosed = await newCase();
    expect((await as(t, sup.accessToken).post(`/cases/${notClosed.id}/reopen`, { version: 1, reason: 'new_incident' })).status).toBe(409);
    expect((await as(t, cw.accessToken).post(`/cases/${c.id}/reopen`, { version: 2, reason: 'new_incident' })).status).toBe(403);
    expect((await as(t, supOther.accessToken).post(`/cases/${c.id}/reopen`, { version: 2, reason: 'new_incident' })).status).toBe(404);
    expect((await as(t, sup.accessToken).post(`/cases/${c.id}/reopen`, { version: 2, reason: 'dunno' })).status).toBe(400);
    const reopened = await as(t, sup.accessToken).post(`/cases/${c.id}/reopen`, { version: 2, reason: 'survivor_returned' });
    expect(reopened.status).toBe(200);
    expect(reopened.body).toMatchObject({ stage: 'assessment', closureReason: null, closedAt: null, version: 3 });
    const [event] = await auditEvents(t, { targetId: c.id, actorId: sup.user.id, action: 'case.reopen' });
    expect(event).toMatchObject({ outcome: 'success', details: { reason: 'survivor_returned', to: 'assessment' } });
    expect((await as(t, cw.accessToken).post(`/cases/${c.id}/notes`, { body: 'after reopening' })).status).toBe(201);
  });

  it('another agency’s staff get 404 on every new route of the case', async () => {
    const c = await newCase();
    for (const [method, path, body] of [
      ['get', 'assessment', undefined],
      ['put', 'assessment', { needs: [{ area: 'safety', level: 'low' }] }],
      ['get', 'safety-plan', undefined],
      ['put', 'safety-plan', { risks: 'x' }],
      ['get', 'approvals', undefined],
      ['post', 'approvals', { kind: 'closure', closureReason: 'other' }],
    ] as const) {
      const api = as(t, cwOther.accessToken);
      const res = method === 'get' ? await api.get(`/cases/${c.id}/${path}`) : method === 'put' ? await api.put(`/cases/${c.id}/${path}`, body) : await api.post(`/cases/${c.id}/${path}`, body);
      expect([path, method, res.status]).toEqual([path, method, 404]);
    }
    expect(await db.query(`SELECT 1 FROM case_safety_plans WHERE case_id = $1`, [c.id])).toEqual([]);
  });

  it('leaves no sentinel in the database dump, Redis or the logs', async () => {
    expect(sentinels.length).toBeGreaterThan(8);
    expect(leaked(databaseDump(), sentinels)).toEqual([]);
    expect(leaked(await redisDump(), sentinels)).toEqual([]);
    expect(leaked(capturedLogs(), sentinels)).toEqual([]);
  });
});
