import { DataSource } from 'typeorm';
import type { Role } from '@amani/auth';
import { createTestApp, TestApp } from '../support/app';
import { concretePath, listRoutes } from '../support/routes';
import { createAgency, LoggedIn, loginAs, sessionAs, bearer } from '../support/users';
import { as, auditEvents, caseBody, incidentBody, PROBLEM, tag } from './case-fixtures';

const MISSING_ID = '0f9b7c1e-3a5d-4e2f-8b6a-9c0d1e2f3a4b';
/** A body sent as multipart/form-data with this file (attachment uploads). */
const FILE_BODY = { file: Buffer.from('%PDF-1.4\n%%EOF\n') };

/** A valid body for every case route, so only authorisation can refuse it. */
function validBody(method: string, path: string, ids: { caseworkerId: string }): object | undefined {
  if (method === 'GET' || method === 'DELETE') return undefined;
  if (path === '/cases') return caseBody();
  if (path === '/cases/lookup') return { survivorCode: 'AAA-22222' };
  if (path === '/cases/lookup-phone') return { phone: '+254700000000' };
  if (path === '/cases/:id') return { version: 1, narrative: 'x' };
  if (path === '/cases/:id/stage') return { to: 'assessment', version: 1 };
  if (path === '/cases/:id/assign') return { caseworkerId: ids.caseworkerId, version: 1 };
  if (path === '/cases/:id/shares') return { userId: ids.caseworkerId };
  if (path === '/cases/:id/incidents') return incidentBody();
  if (path === '/cases/:id/notes') return { body: 'note' };
  if (path === '/cases/:id/attachments') return FILE_BODY;
  if (path === '/cases/:id/transfers') return { consentId: MISSING_ID, reason: 'moving' };
  if (path === '/cases/:id/consents') return { purpose: 'services', givenBy: 'survivor' };
  if (path === '/cases/:id/consents/:consentId/withdraw') return {};
  if (path === '/cases/:id/action-plan') return { description: 'item' };
  if (path === '/cases/:id/action-plan/:itemId') return { version: 1, status: 'done' };
  if (path === '/cases/:id/assessment') return { needs: [{ area: 'safety', level: 'high' }] };
  if (path === '/cases/:id/safety-plan') return { risks: 'r' };
  if (path === '/cases/:id/approvals') return { kind: 'closure', closureReason: 'needs_met' };
  if (path === '/cases/:id/reopen') return { version: 1, reason: 'survivor_returned' };
  // Referral routes (test/referrals covers them fully); scope is checked before the body's ids.
  if (path === '/cases/:id/referrals') return { recipientAgencyId: MISSING_ID, serviceType: 'legal', followUpDueAt: new Date(Date.now() + 7 * 86_400_000).toISOString() };
  throw new Error(`no body for ${method} ${path}: add the new route to this test`);
}

describe('case store: need-to-know access', () => {
  let t: TestApp;
  let db: DataSource;
  let agencyA: string;
  let cwA: LoggedIn;
  let colleague: LoggedIn;
  let supA: LoggedIn;
  let cwB: LoggedIn;
  let supB: LoggedIn;
  let caseA: { id: string; survivorCode: string; survivorName: string };
  let colleagueCase: { id: string; survivorCode: string; survivorName: string };
  let caseB: { id: string; survivorCode: string; survivorName: string };
  let consentB: string;
  let itemB: string;
  let attachmentB: string;

  beforeAll(async () => {
    t = await createTestApp();
    db = t.app.get(DataSource);
    agencyA = (await createAgency(t)).id;
    const agencyB = (await createAgency(t)).id;
    // One of them through the real HTTP login (password + TOTP), the rest directly.
    cwA = await loginAs(t, { role: 'caseworker', agencyId: agencyA });
    [colleague, supA, cwB, supB] = await Promise.all([
      sessionAs(t, { role: 'caseworker', agencyId: agencyA }),
      sessionAs(t, { role: 'supervisor', agencyId: agencyA }),
      sessionAs(t, { role: 'caseworker', agencyId: agencyB }),
      sessionAs(t, { role: 'supervisor', agencyId: agencyB }),
    ]);
    const create = async (u: LoggedIn) => {
      const res = await as(t, u.accessToken).post('/cases', caseBody({ survivorName: `Name ${tag()}`, narrative: `Narrative ${tag()}` }));
      expect(res.status).toBe(201);
      return res.body;
    };
    caseA = await create(cwA);
    colleagueCase = await create(colleague);
    caseB = await create(cwB);
    await as(t, cwB.accessToken).post(`/cases/${caseB.id}/notes`, { body: 'B note' });
    consentB = (await as(t, cwB.accessToken).post(`/cases/${caseB.id}/consents`, { purpose: 'services', givenBy: 'survivor' })).body.id;
    itemB = (await as(t, cwB.accessToken).post(`/cases/${caseB.id}/action-plan`, { description: 'B item' })).body.id;
    attachmentB = (await t.http().post(`/cases/${caseB.id}/attachments`).set(bearer(cwB.accessToken)).attach('file', FILE_BODY.file, 'b.pdf')).body.id;
    expect(attachmentB).toBeDefined();
  });

  afterAll(async () => {
    await t?.close();
  });

  const caseRoutes = () => listRoutes(t.app).filter((r) => r.path === '/cases' || r.path.startsWith('/cases/'));
  const call = (user: LoggedIn, method: string, url: string, body?: object) => {
    const c = as(t, user.accessToken);
    switch (method) {
      case 'GET':
        return c.get(url);
      case 'POST':
        if (body === FILE_BODY) return t.http().post(url).set(bearer(user.accessToken)).attach('file', FILE_BODY.file, 'doc.pdf');
        return c.post(url, body);
      case 'PATCH':
        return c.patch(url, body ?? {});
      case 'PUT':
        return c.put(url, body ?? {});
      case 'DELETE':
        return c.delete(url);
      default:
        throw new Error(method);
    }
  };
  const withoutCorrelation = (body: Record<string, unknown>) => ({ ...body, correlationId: undefined });

  it('registers the documented case routes', () => {
    const keys = caseRoutes().map((r) => r.key);
    for (const key of [
      'POST /cases', 'GET /cases', 'GET /cases/:id', 'PATCH /cases/:id', 'POST /cases/:id/stage', 'POST /cases/:id/assign',
      'POST /cases/lookup', 'POST /cases/:id/incidents', 'GET /cases/:id/incidents', 'POST /cases/:id/notes', 'GET /cases/:id/notes',
      'POST /cases/:id/consents', 'GET /cases/:id/consents', 'POST /cases/:id/consents/:consentId/withdraw',
      'POST /cases/:id/action-plan', 'GET /cases/:id/action-plan',
    ]) {
      expect(keys).toContain(key);
    }
  });

  it('documents the case routes in the OpenAPI document', async () => {
    const res = await t.http().get('/docs-json');
    expect(res.status).toBe(200);
    expect(Object.keys(res.body.paths)).toEqual(expect.arrayContaining(['/cases', '/cases/lookup', '/cases/{id}', '/cases/{id}/incidents']));
    expect(res.body.components.schemas.CreateIncidentDto.properties.answers).toBeDefined();
  });

  it.each<Role>(['admin', 'provider', 'protection_officer', 'psea_focal_point'])('%s gets 403 and no case content on every case route', async (role) => {
    const user = await sessionAs(t, { role, agencyId: role === 'admin' || role === 'protection_officer' ? null : agencyA });
    for (const route of caseRoutes()) {
      const url = concretePath(route.path, { id: caseA.id, consentId: MISSING_ID, itemId: MISSING_ID, userId: colleague.user.id });
      const res = await call(user, route.method, url, validBody(route.method, route.path, { caseworkerId: colleague.user.id }));
      expect([route.key, res.status]).toEqual([route.key, 403]);
      expect(res.headers['content-type']).toMatch(PROBLEM);
      const text = JSON.stringify(res.body);
      expect(text).not.toContain(caseA.survivorName);
      expect(text).not.toContain(caseA.survivorCode);
    }
    const denied = await auditEvents(t, { actorId: user.user.id, action: 'access.denied' });
    expect(denied.length).toBe(caseRoutes().length);
    expect(await db.query(`SELECT 1 FROM cases WHERE created_by = $1`, [user.user.id])).toEqual([]);
  });

  it('a caseworker gets the same 404 as for a missing record on every route of another agency’s case, audited as denied', async () => {
    // Supervisor-only routes (assign, reopen, erase) answer a caseworker 403 before any record is looked at.
    const routes = caseRoutes().filter((r) => r.path.startsWith('/cases/:id') && !r.path.endsWith('/assign') && !r.path.endsWith('/reopen') && r.key !== 'DELETE /cases/:id');
    const notesBefore = await db.query(`SELECT count(*)::int AS n FROM case_notes WHERE case_id = $1`, [caseB.id]);
    for (const route of routes) {
      const body = validBody(route.method, route.path, { caseworkerId: cwA.user.id });
      const params = { consentId: consentB, itemId: itemB, attachmentId: attachmentB, userId: colleague.user.id };
      const foreign = await call(cwA, route.method, concretePath(route.path, { ...params, id: caseB.id }), body);
      const missing = await call(cwA, route.method, concretePath(route.path, { ...params, id: MISSING_ID }), body);
      expect([route.key, foreign.status]).toEqual([route.key, 404]);
      expect(withoutCorrelation(foreign.body)).toEqual(withoutCorrelation(missing.body));
      const text = JSON.stringify(foreign.body);
      expect(text).not.toContain(caseB.survivorName);
      expect(text).not.toContain('B note');
    }
    const events = await auditEvents(t, { targetId: caseB.id, actorId: cwA.user.id });
    const outOfScope = events.filter((e) => e.outcome === 'denied' && e.details.reason === 'out_of_scope');
    // Refusals are audited against the case, whatever sub-record the route names.
    expect(outOfScope.length).toBe(routes.length);
    const missingEvents = await auditEvents(t, { targetId: MISSING_ID, actorId: cwA.user.id });
    expect(missingEvents.every((e) => e.outcome === 'failure' && e.details.reason === 'not_found')).toBe(true);
    expect(await db.query(`SELECT count(*)::int AS n FROM case_notes WHERE case_id = $1`, [caseB.id])).toEqual(notesBefore);
    expect((await as(t, cwB.accessToken).get(`/cases/${caseB.id}`)).body.version).toBe(1);
  });

  it('a caseworker gets 404 for a colleague’s unshared case, and the list hides it', async () => {
    const res = await as(t, cwA.accessToken).get(`/cases/${colleagueCase.id}`);
    expect(res.status).toBe(404);
    expect(JSON.stringify(res.body)).not.toContain(colleagueCase.survivorName);
    for (const url of [`/cases/${colleagueCase.id}/notes`, `/cases/${colleagueCase.id}/incidents`, `/cases/${colleagueCase.id}/consents`, `/cases/${colleagueCase.id}/attachments`]) {
      expect((await as(t, cwA.accessToken).get(url)).status).toBe(404);
    }
    const list = await as(t, cwA.accessToken).get('/cases?pageSize=100');
    expect(list.body.items.map((i: { id: string }) => i.id)).toEqual([caseA.id]);
    const [event] = await auditEvents(t, { targetId: colleagueCase.id, actorId: cwA.user.id, action: 'case.read' });
    expect(event).toMatchObject({ outcome: 'denied', details: { reason: 'out_of_scope' } });
  });

  it('a supervisor reads every case of their agency and none of another agency', async () => {
    const list = await as(t, supA.accessToken).get('/cases?pageSize=100');
    const ids = list.body.items.map((i: { id: string }) => i.id);
    expect(ids).toEqual(expect.arrayContaining([caseA.id, colleagueCase.id]));
    expect(ids).not.toContain(caseB.id);
    for (const c of [caseA, colleagueCase]) {
      const res = await as(t, supA.accessToken).get(`/cases/${c.id}`);
      expect(res.status).toBe(200);
      expect(res.body.survivorName).toBe(c.survivorName);
    }
    expect((await as(t, supA.accessToken).get(`/cases/${caseB.id}`)).status).toBe(404);
    const assign = await as(t, supA.accessToken).post(`/cases/${caseB.id}/assign`, { caseworkerId: cwA.user.id, version: 1 });
    expect(assign.status).toBe(404);
    expect((await as(t, supB.accessToken).get(`/cases/${caseA.id}`)).status).toBe(404);
    expect((await as(t, supB.accessToken).get(`/cases/${caseB.id}`)).status).toBe(200);
  });

  it('a caseworker may not assign (403, audited by the roles guard)', async () => {
    const res = await as(t, cwA.accessToken).post(`/cases/${caseA.id}/assign`, { caseworkerId: colleague.user.id, version: 1 });
    expect(res.status).toBe(403);
    const denied = await auditEvents(t, { actorId: cwA.user.id, action: 'access.denied' });
    expect(denied.length).toBeGreaterThanOrEqual(1);
  });
});
