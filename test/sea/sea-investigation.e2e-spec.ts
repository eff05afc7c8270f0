import { DataSource } from 'typeorm';
import { SeaRetentionService, utcToday } from '@amani/domain/sea';
import { createTestApp, TestApp } from '../support/app';
import { bearer, createAgency } from '../support/users';
import { assessment, complaintBody, FocalPoint, focalPoint, fpApi, newComplaint, sentinel } from './sea-fixtures';

/** Referral to the entity concerned, interim measures and victims per complaint (issue 16 item 2), over HTTP. */
describe('SEA complaints after triage: entity referral and victims', () => {
  let t: TestApp;
  let ds: DataSource;
  let fp: FocalPoint;
  let newcomer: FocalPoint;

  beforeAll(async () => {
    t = await createTestApp();
    ds = t.app.get(DataSource);
    fp = await focalPoint(t);
    // Joined after the complaints below were taken: the coded list, no grant, no content.
    newcomer = await focalPoint(t, { endorsed: false });
  });
  afterAll(() => t?.close());

  const put = (who: FocalPoint, path: string, body: object, unlock = true) => {
    const req = t.http().put(path).set(bearer(who.accessToken));
    return (unlock && who.unlock ? req.set('X-Sea-Unlock', who.unlock) : req).send(body);
  };
  const patch = (who: FocalPoint, path: string, body: object, unlock = true) => {
    const req = t.http().patch(path).set(bearer(who.accessToken));
    return (unlock && who.unlock ? req.set('X-Sea-Unlock', who.unlock) : req).send(body);
  };

  async function assessed(body: Record<string, unknown> = complaintBody()): Promise<string> {
    const { id } = await newComplaint(t, body);
    expect((await fpApi(t, fp).post(`/sea/complaints/${id}/status`, assessment())).status).toBe(200);
    return id;
  }

  it('keeps a directory of entities: create, refuse a duplicate name, edit, retire', async () => {
    const api = fpApi(t, fp);
    const created = await api.post('/sea/entities', { name: 'Contingent Sector East', entityType: 'peacekeeping', pseaContact: 'PSEA office, sector HQ' });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ id: expect.any(String), name: 'Contingent Sector East', entityType: 'peacekeeping', pseaContact: 'PSEA office, sector HQ', active: true });
    const dup = await api.post('/sea/entities', { name: ' contingent sector east ', entityType: 'other', pseaContact: 'x' });
    expect(dup.status).toBe(409);
    expect(dup.body.code).toBe('entity_name_taken');
    const bad = await api.post('/sea/entities', { name: '  ', entityType: 'army', pseaContact: 'x' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['entityType', 'name']);
    const nulled = await patch(fp, `/sea/entities/${created.body.id}`, { name: null });
    expect(nulled.status).toBe(400);
    expect(nulled.body.errors[0].field).toBe('name');

    const retired = await patch(fp, `/sea/entities/${created.body.id}`, { active: false, pseaContact: 'psea.east@mission.example' });
    expect(retired.status).toBe(200);
    expect(retired.body).toMatchObject({ active: false, pseaContact: 'psea.east@mission.example' });
    const active = await api.get('/sea/entities');
    expect(active.body.items.map((e: { id: string }) => e.id)).not.toContain(created.body.id);
    const all = await api.get('/sea/entities?includeInactive=true');
    expect(all.body.items.map((e: { id: string }) => e.id)).toContain(created.body.id);
    expect((await patch(fp, `/sea/entities/${'0'.repeat(8)}-0000-4000-8000-${'0'.repeat(12)}`, { active: true })).status).toBe(404);
  });

  it('records the referral to the entity with coded interim measures and a sealed note; refuses what does not fit', async () => {
    const api = fpApi(t, fp);
    const entity = (await api.post('/sea/entities', { name: 'Implementing partner North', entityType: 'implementing_partner', pseaContact: 'psea@partner.example' })).body;
    const received = (await newComplaint(t)).id;
    const id = await assessed();
    const note = sentinel('INTERIMNOTE');
    const today = utcToday();

    expect((await put(fp, `/sea/complaints/${received}/entity-referral`, { entityId: entity.id, referredOn: today })).body.code).toBe('complaint_not_assessed');
    const future = await put(fp, `/sea/complaints/${id}/entity-referral`, { entityId: entity.id, referredOn: '2999-01-01' });
    expect(future.status).toBe(422);
    expect(future.body.errors).toEqual([{ field: 'referredOn', message: 'must not be in the future' }]);
    const badDay = await put(fp, `/sea/complaints/${id}/entity-referral`, { entityId: entity.id, referredOn: '2026-02-30', interimMeasures: ['house_arrest'] });
    expect(badDay.status).toBe(400);
    expect(badDay.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['interimMeasures', 'referredOn']);
    const locked = await put(fp, `/sea/complaints/${id}/entity-referral`, { entityId: entity.id, referredOn: today, interimNote: note }, false);
    expect(locked.status).toBe(423);
    expect(Number((await ds.query(`SELECT count(*) AS n FROM sea_entity_referrals WHERE complaint_id = $1`, [id]))[0].n)).toBe(0);

    const saved = await put(fp, `/sea/complaints/${id}/entity-referral`, { entityId: entity.id, referredOn: today, interimMeasures: ['administrative_leave'], interimNote: note });
    expect(saved.status).toBe(200);
    expect(saved.body).toEqual({ entityId: entity.id, entityName: entity.name, referredOn: today, acknowledgedOn: null, interimMeasures: ['administrative_leave'], interimNote: note });
    // Acknowledged later, coded facts only: no unlock needed and the note stays.
    const ack = await put(fp, `/sea/complaints/${id}/entity-referral`, { entityId: entity.id, referredOn: today, acknowledgedOn: today, interimMeasures: ['administrative_leave', 'no_contact_measure'] }, false);
    expect(ack.status).toBe(200);
    expect(ack.body).not.toHaveProperty('interimNote');
    const detail = await api.get(`/sea/complaints/${id}`);
    expect(detail.body.entityReferral).toEqual({ ...saved.body, acknowledgedOn: today, interimMeasures: ['administrative_leave', 'no_contact_measure'] });

    const [row] = await ds.query(`SELECT interim_measures, interim_note FROM sea_entity_referrals WHERE complaint_id = $1`, [id]);
    expect(row.interim_measures).toEqual(['administrative_leave', 'no_contact_measure']);
    expect(Buffer.from(row.interim_note).toString('latin1')).not.toContain(note);

    // A focal point without this complaint's grant: 403, nothing learnt.
    const denied = await put(newcomer, `/sea/complaints/${id}/entity-referral`, { entityId: entity.id, referredOn: today, interimNote: null });
    expect(denied.status).toBe(403);
    expect(JSON.stringify(denied.body)).not.toContain(note);
  });

  it('lists victims with their own assistance status; descriptions are sealed and shredded with the complaint, coded rows stay', async () => {
    const id = await assessed(complaintBody({ narrative: sentinel('VICTIMSNARR') }));
    const description = sentinel('VICTIMDESC');
    const first = await fpApi(t, fp).post(`/sea/complaints/${id}/victims`, { sex: 'female', ageBand: '12_17', description });
    expect(first.status).toBe(201);
    expect(first.body).toEqual({ id: expect.any(String), seq: 1, sex: 'female', ageBand: '12_17', assistanceStatus: 'not_assessed', assistanceReferredOn: null, description });
    const second = await fpApi(t, fp).post(`/sea/complaints/${id}/victims`, { sex: 'female', ageBand: '18_25', assistanceStatus: 'referred' });
    expect(second.body).toMatchObject({ seq: 2, assistanceStatus: 'referred', assistanceReferredOn: utcToday() });
    const nullStatus = await fpApi(t, fp).post(`/sea/complaints/${id}/victims`, { sex: 'female', ageBand: '18_25', assistanceStatus: null });
    expect(nullStatus.status).toBe(400);
    expect(nullStatus.body.errors[0].field).toBe('assistanceStatus');

    const receiving = await patch(fp, `/sea/complaints/${id}/victims/${second.body.id}`, { assistanceStatus: 'receiving' }, false);
    expect(receiving.status).toBe(200);
    expect(receiving.body).toMatchObject({ assistanceStatus: 'receiving', assistanceReferredOn: utcToday() });
    expect((await patch(fp, `/sea/complaints/${id}/victims/${second.body.id}`, { description: sentinel('NOUNLOCK') }, false)).status).toBe(423);
    const other = await assessed();
    expect((await patch(fp, `/sea/complaints/${other}/victims/${first.body.id}`, { sex: 'male' })).status).toBe(404);

    // Asking an agency to assist the first victim marks them referred.
    const agency = await createAgency(t, undefined, { serviceTypes: ['psychosocial'] });
    const consent = { agencyId: agency.id, serviceType: 'psychosocial', victimConsent: true, survivorName: sentinel('ALIAS') };
    const unknownVictim = await fpApi(t, fp).post(`/sea/complaints/${id}/assistance`, { ...consent, victimId: second.body.id.replace(/.$/, (c: string) => (c === '0' ? '1' : '0')) });
    expect([unknownVictim.status, unknownVictim.body.errors?.[0]?.field]).toEqual([422, 'victimId']);
    expect((await fpApi(t, fp).post(`/sea/complaints/${id}/assistance`, { ...consent, victimId: first.body.id })).status).toBe(201);

    const detail = await fpApi(t, fp).get(`/sea/complaints/${id}`);
    expect(detail.body.victims.map((v: { assistanceStatus: string }) => v.assistanceStatus)).toEqual(['referred', 'receiving']);
    expect(detail.body.victims.map((v: { seq: number; description: string | null }) => [v.seq, v.description])).toEqual([
      [1, description],
      [2, null],
    ]);

    // Shredded by retention: the description goes, the coded rows stay for the statistics.
    await fpApi(t, fp).post(`/sea/complaints/${id}/status`, { to: 'closed', outcome: 'unsubstantiated' });
    await ds.query(`UPDATE sea_complaints SET status_changed_on = current_date - 366, retention_warned_on = current_date - 30 WHERE id = $1`, [id]);
    await t.app.get(SeaRetentionService).run();
    const rows = await ds.query(`SELECT seq, assistance_status, description FROM sea_complaint_victims WHERE complaint_id = $1 ORDER BY seq`, [id]);
    expect(rows).toEqual([
      { seq: 1, assistance_status: 'referred', description: null },
      { seq: 2, assistance_status: 'receiving', description: null },
    ]);
    expect((await fpApi(t, fp).get(`/sea/complaints/${id}`)).status).toBe(410);
  });
});
