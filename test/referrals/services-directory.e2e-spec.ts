import { createTestApp, TestApp } from '../support/app';
import { as, auditEvents } from '../cases/case-fixtures';
import { createAgency, LoggedIn, sessionAs } from '../support/users';
import { serviceBody } from './referral-fixtures';

/** The service directory: who manages which entries, who searches, and bad input. */
describe('service directory', () => {
  let t: TestApp;
  let agencyA: string;
  let agencyB: string;
  let supA: LoggedIn;
  let supB: LoggedIn;
  let cwA: LoggedIn;
  let provB: LoggedIn;
  let admin: LoggedIn;
  let officer: LoggedIn;
  let psea: LoggedIn;
  let region: string;
  const api = (u: LoggedIn) => as(t, u.accessToken);

  beforeAll(async () => {
    t = await createTestApp();
    [agencyA, agencyB] = (await Promise.all([createAgency(t), createAgency(t)])).map((a) => a.id);
    [supA, supB, cwA, provB, admin, officer, psea] = await Promise.all([
      sessionAs(t, { role: 'supervisor', agencyId: agencyA }),
      sessionAs(t, { role: 'supervisor', agencyId: agencyB }),
      sessionAs(t, { role: 'caseworker', agencyId: agencyA }),
      sessionAs(t, { role: 'provider', agencyId: agencyB }),
      sessionAs(t, { role: 'admin' }),
      sessionAs(t, { role: 'protection_officer' }),
      sessionAs(t, { role: 'psea_focal_point' }),
    ]);
    // A region code no other test uses, so searches here see only this file's entries.
    region = `DIR-${agencyA.slice(0, 8).toUpperCase()}`;
  });

  afterAll(async () => {
    await t?.close();
  });

  let legalA: { id: string; version: number };

  it('a supervisor publishes their own agency’s services, never another agency’s', async () => {
    const res = await api(supA).post('/services', serviceBody('legal', { regionCodes: [region, 'SO-BN'], languages: ['so', 'ar'] }));
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ agencyId: agencyA, serviceType: 'legal', acceptingReferrals: true, version: 1, regionCodes: [region, 'SO-BN'] });
    legalA = res.body;
    const other = await api(supA).post('/services', serviceBody('medical', { agencyId: agencyB, regionCodes: [region] }));
    expect([other.status, other.body.code]).toEqual([403, 'not_your_agency']);
    expect((await api(supB).post('/services', serviceBody('psychosocial', { regionCodes: [region], languages: ['en'] }))).status).toBe(201);
    const [event] = await auditEvents(t, { targetId: legalA.id, action: 'service.create' });
    expect(event).toMatchObject({ outcome: 'success', details: { agency: agencyA, serviceType: 'legal' } });
  });

  it('an administrator publishes for a named agency', async () => {
    const missing = await api(admin).post('/services', serviceBody('economic', { regionCodes: [region] }));
    expect(missing.status).toBe(400);
    expect(missing.body.errors).toEqual([expect.objectContaining({ field: 'agencyId' })]);
    const unknown = await api(admin).post('/services', serviceBody('economic', { regionCodes: [region], agencyId: '0f9b7c1e-3a5d-4e2f-8b6a-9c0d1e2f3a4b' }));
    expect([unknown.status, unknown.body.code]).toEqual([422, 'unknown_agency']);
    const ok = await api(admin).post('/services', serviceBody('economic', { regionCodes: [region], agencyId: agencyB, acceptingReferrals: false, languages: ['sw'] }));
    expect(ok.status).toBe(201);
    expect(ok.body).toMatchObject({ agencyId: agencyB, acceptingReferrals: false });
  });

  it('a supervisor edits only their agency’s entries (another’s is a 404, audited), with optimistic concurrency', async () => {
    const foreign = await api(supB).patch(`/services/${legalA.id}`, { version: 1, capacity: 0 });
    expect(foreign.status).toBe(404);
    const [denied] = await auditEvents(t, { targetId: legalA.id, action: 'service.update', actorId: supB.user.id });
    expect(denied).toMatchObject({ outcome: 'denied', details: { reason: 'out_of_scope' } });
    const ok = await api(supA).patch(`/services/${legalA.id}`, { version: 1, capacity: 0, acceptingReferrals: false, openingHours: null });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ capacity: 0, acceptingReferrals: false, openingHours: null, version: 2 });
    const stale = await api(supA).patch(`/services/${legalA.id}`, { version: 1, capacity: 3 });
    expect([stale.status, stale.body.code]).toEqual([409, 'stale_version']);
    const byAdmin = await api(admin).patch(`/services/${legalA.id}`, { version: 2, acceptingReferrals: true });
    expect(byAdmin.body).toMatchObject({ acceptingReferrals: true, version: 3 });
  });

  it('refuses bad input with 400 naming the field (never a 500)', async () => {
    for (const [body, field] of [
      [serviceBody('legal', { serviceType: 'haircut' }), 'serviceType'],
      [serviceBody('legal', { regionCodes: [] }), 'regionCodes'],
      [serviceBody('legal', { regionCodes: ['lower-case'] }), 'regionCodes'],
      [serviceBody('legal', { languages: ['English'] }), 'languages'],
      [serviceBody('legal', { capacity: -1 }), 'capacity'],
      [serviceBody('legal', { name: 'a\u0000b' }), 'name'],
      [serviceBody('legal', { survivorName: 'x' }), 'survivorName'],
    ] as const) {
      const res = await api(supA).post('/services', body);
      expect([field, res.status]).toEqual([field, 400]);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    }
    for (const [body, field] of [
      [{ version: legalA.version, name: null }, 'name'],
      [{ version: 3, regionCodes: null }, 'regionCodes'],
      [{ capacity: 1 }, 'version'],
    ] as const) {
      const res = await api(supA).patch(`/services/${legalA.id}`, body);
      expect([field, res.status]).toEqual([field, 400]);
    }
    expect((await api(supA).patch(`/services/${legalA.id}`, { version: 3 })).status).toBe(400);
  });

  it('lists: a supervisor sees their agency’s entries; an administrator any agency’s', async () => {
    const own = await api(supB).get('/services?pageSize=100');
    expect(own.status).toBe(200);
    expect(own.body.items.length).toBe(2);
    expect(own.body.items.every((s: { agencyId: string }) => s.agencyId === agencyB)).toBe(true);
    const ignored = await api(supB).get(`/services?agencyId=${agencyA}`);
    expect(ignored.body.items.every((s: { agencyId: string }) => s.agencyId === agencyB)).toBe(true);
    const adminView = await api(admin).get(`/services?agencyId=${agencyA}`);
    expect(adminView.body.items.map((s: { id: string }) => s.id)).toEqual([legalA.id]);
  });

  it('search by type, region and language for every role that refers; protection officers get 403', async () => {
    for (const who of [cwA, supA, provB, psea, admin]) {
      const all = await api(who).get(`/services/search?region=${region}`);
      expect(all.status).toBe(200);
      expect(all.body.total).toBe(3);
    }
    const legal = await api(cwA).get(`/services/search?type=legal&region=${region}&language=so`);
    expect(legal.body.items.map((s: { id: string }) => s.id)).toEqual([legalA.id]);
    expect(legal.body.items[0].agencyName).toEqual(expect.any(String));
    expect((await api(cwA).get(`/services/search?type=legal&region=${region}&language=en`)).body.total).toBe(0);
    expect((await api(cwA).get(`/services/search?region=${region}&acceptingOnly=true`)).body.total).toBe(2);
    expect((await api(officer).get(`/services/search?region=${region}`)).status).toBe(403);
    for (const q of ['type=haircut', 'region=lower', 'language=ENG', 'acceptingOnly=maybe', 'pageSize=0']) {
      const res = await api(cwA).get(`/services/search?${q}`);
      expect([q, res.status]).toEqual([q, 400]);
    }
  });
});
