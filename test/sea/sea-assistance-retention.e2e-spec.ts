import { DataSource } from 'typeorm';
import { SeaRetentionService, utcToday } from '@amani/domain/sea';
import { SeaRetentionJob } from '@amani/domain/sea/worker';
import { createTestApp, TestApp } from '../support/app';
import { bearer, createAgency, LoggedIn, sessionAs } from '../support/users';
import { assessment, complaintBody, focalPoint, FocalPoint, fpApi, newComplaint, sentinel } from './sea-fixtures';

describe('SEA victim assistance and retention', () => {
  let t: TestApp;
  let fp: FocalPoint;
  let ds: DataSource;

  beforeAll(async () => {
    t = await createTestApp();
    ds = t.app.get(DataSource);
    fp = await focalPoint(t);
  });
  afterAll(() => t?.close());

  describe('victim assistance (with consent, only the shared fields)', () => {
    let agencyId: string;
    let caseworker: LoggedIn;
    let outsider: LoggedIn;

    beforeAll(async () => {
      agencyId = (await createAgency(t, undefined, { serviceTypes: ['psychosocial', 'medical'], regionCodes: ['SEA-NORTH'] })).id;
      caseworker = await sessionAs(t, { role: 'caseworker', agencyId });
      outsider = await sessionAs(t, { role: 'supervisor' });
    });

    it('opens an intake case at the chosen agency that holds what the victim agreed to share and nothing of the complaint', async () => {
      const narrative = sentinel('ASSISTNARRATIVE');
      const { id: complaintId } = await newComplaint(t, complaintBody({ narrative, victimSex: 'female', victimAgeBand: '18_25', regionCode: 'SEA-NORTH' }));
      const api = fpApi(t, fp);
      const shared = { survivorName: sentinel('ALIAS'), contact: sentinel('SAFECONTACT'), summary: sentinel('NEEDS') };
      const base = { agencyId, serviceType: 'psychosocial', ...shared };

      expect((await api.post(`/sea/complaints/${complaintId}/assistance`, { ...base, victimConsent: false })).status).toBe(400);
      expect((await api.post(`/sea/complaints/${complaintId}/assistance`, { ...base, serviceType: 'legal', victimConsent: true })).status).toBe(422);
      const created = await api.post(`/sea/complaints/${complaintId}/assistance`, { ...base, victimConsent: true });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ agencyId, serviceType: 'psychosocial', status: 'pending', caseId: null });
      const requestId = created.body.id as string;
      const stored = JSON.stringify(await ds.query(`SELECT * FROM sea_assistance_requests WHERE id = $1`, [requestId]));
      for (const v of Object.values(shared)) expect(stored).not.toContain(v);

      // Another agency neither sees nor accepts it.
      expect((await t.http().get('/sea/assistance-requests').set(bearer(outsider.accessToken))).body).toEqual([]);
      expect((await t.http().post(`/sea/assistance-requests/${requestId}/accept`).set(bearer(outsider.accessToken))).status).toBe(404);

      const incoming = await t.http().get('/sea/assistance-requests').set(bearer(caseworker.accessToken));
      expect(incoming.status).toBe(200);
      expect(incoming.body).toEqual([
        { id: requestId, serviceType: 'psychosocial', victimSex: 'female', victimAgeBand: '18_25', regionCode: 'SEA-NORTH', requestedOn: utcToday(), ...shared },
      ]);
      expect(JSON.stringify(incoming.body)).not.toContain(narrative);
      expect(JSON.stringify(incoming.body)).not.toContain(complaintId);

      const accepted = await t.http().post(`/sea/assistance-requests/${requestId}/accept`).set(bearer(caseworker.accessToken));
      expect(accepted.status).toBe(200);
      expect(accepted.body).toMatchObject({ id: requestId, status: 'accepted', caseId: expect.any(String) });
      const caseId = accepted.body.caseId as string;
      expect((await t.http().post(`/sea/assistance-requests/${requestId}/accept`).set(bearer(caseworker.accessToken))).status).toBe(404);

      const opened = await t.http().get(`/cases/${caseId}`).set(bearer(caseworker.accessToken));
      expect(opened.status).toBe(200);
      expect(opened.body).toMatchObject({
        stage: 'intake',
        survivorName: shared.survivorName,
        narrative: shared.summary,
        contactDetails: { safeContactInstructions: shared.contact },
        sex: 'female',
        ageBand: '18_25',
        regionCode: 'SEA-NORTH',
        assignedCaseworkerId: caseworker.user.id,
      });
      expect(JSON.stringify(opened.body)).not.toContain(narrative);
      expect(JSON.stringify(opened.body)).not.toContain(complaintId);

      // The request's copy of the shared fields is gone; the link stays on the complaint side.
      const [row] = await ds.query(`SELECT payload, wrapped_key, case_id FROM sea_assistance_requests WHERE id = $1`, [requestId]);
      expect(row).toEqual({ payload: null, wrapped_key: null, case_id: caseId });
      const detail = await api.get(`/sea/complaints/${complaintId}`);
      expect(detail.body.assistance).toEqual([expect.objectContaining({ id: requestId, status: 'accepted', caseId })]);
    });

    it('is refused to a focal point who holds no grant for the complaint', async () => {
      const { id } = await newComplaint(t);
      const newcomer = await focalPoint(t);
      const res = await fpApi(t, newcomer).post(`/sea/complaints/${id}/assistance`, {
        agencyId,
        serviceType: 'medical',
        victimConsent: true,
        survivorName: 'Alias',
      });
      expect(res.status).toBe(403);
    });
  });

  describe('retention', () => {
    it('crypto-shreds complaints past their time to live and keeps their coded fields', async () => {
      const expired = await newComplaint(t, complaintBody({ narrative: sentinel('SHREDME'), contact: sentinel('SHREDCONTACT'), category: 'sexual_abuse' }));
      const kept = await newComplaint(t, complaintBody({ narrative: sentinel('KEEPME') }));
      const api = fpApi(t, fp);
      await api.post(`/sea/complaints/${expired.id}/messages`, { body: sentinel('SHREDREPLY') });
      await api.post(`/sea/complaints/${expired.id}/notes`, { body: sentinel('SHREDNOTE') });
      await api.post(`/sea/complaints/${expired.id}/status`, assessment({ category: 'sexual_abuse' }));
      await api.post(`/sea/complaints/${expired.id}/status`, { to: 'closed', outcome: 'unsubstantiated' });
      // Closed 366 days ago (closed complaints live 365 days), its focal points warned 30 days ago (the notice); the other one was received 100 days ago.
      await ds.query(`UPDATE sea_complaints SET status_changed_on = current_date - 366, retention_warned_on = current_date - 30 WHERE id = $1`, [expired.id]);
      await ds.query(`UPDATE sea_complaints SET status_changed_on = current_date - 100 WHERE id = $1`, [kept.id]);

      const retention = t.app.get(SeaRetentionService);
      const first = await retention.run();
      expect(first.shredded).toBeGreaterThanOrEqual(1);

      const [row] = await ds.query(
        `SELECT category, status, outcome, received_quarter, narrative, contact, receipt_tag, receipt_verifier, receipt_wrapped_key, shredded_on::text AS shredded_on
           FROM sea_complaints WHERE id = $1`,
        [expired.id],
      );
      expect(row).toMatchObject({ category: 'sexual_abuse', status: 'closed', outcome: 'unsubstantiated', narrative: null, contact: null, receipt_tag: null, receipt_verifier: null, receipt_wrapped_key: null, shredded_on: utcToday() });
      expect(row.received_quarter).toMatch(/^\d{4}-Q[1-4]$/);
      for (const table of ['sea_complaint_grants', 'sea_complaint_messages', 'sea_complaint_notes']) {
        expect([table, Number((await ds.query(`SELECT count(*) AS n FROM ${table} WHERE complaint_id = $1`, [expired.id]))[0].n)]).toEqual([table, 0]);
      }
      expect((await api.get(`/sea/complaints/${expired.id}`)).status).toBe(410);
      expect((await t.http().post('/sea/complaints/access').send({ receipt: expired.receipt })).status).toBe(404);
      expect((await api.get('/sea/complaints?pageSize=100')).body.items.map((i: { id: string }) => i.id)).not.toContain(expired.id);
      const audited = await ds.query(
        `SELECT 1 FROM audit_queue WHERE action = 'sea.complaint.shred' AND target_id = $1 UNION ALL SELECT 1 FROM audit_events WHERE action = 'sea.complaint.shred' AND target_id = $1`,
        [expired.id],
      );
      expect(audited).toHaveLength(1);

      expect((await api.get(`/sea/complaints/${kept.id}`)).status).toBe(200);
      expect((await t.http().post('/sea/complaints/access').send({ receipt: kept.receipt })).status).toBe(200);

      // Idempotent: a second run (here through the job handler) shreds nothing more and
      // summarises no day twice.
      const summarised = first.summarisedDay;
      await new SeaRetentionJob(retention).handle();
      const again = await retention.run();
      expect(again.shredded).toBe(0);
      expect(again.summarisedDay).toBeNull();
      if (summarised) {
        const days = await ds.query(`SELECT 1 FROM sea_audit_days WHERE day = $1`, [summarised]);
        expect(days).toHaveLength(1);
      }
    });

    it('forgets unlocked keys of expired sessions', async () => {
      const sid = JSON.parse(Buffer.from(fp.accessToken.split('.')[1], 'base64url').toString()).sid as string;
      const other = await focalPoint(t);
      const otherSid = JSON.parse(Buffer.from(other.accessToken.split('.')[1], 'base64url').toString()).sid as string;
      await ds.query(`UPDATE auth_sessions SET expires_at = now() - interval '1 second' WHERE id = $1`, [otherSid]);
      const result = await t.app.get(SeaRetentionService).run();
      expect(result.sessionKeysDeleted).toBeGreaterThanOrEqual(1);
      const left = await ds.query(`SELECT session_id FROM sea_session_keys WHERE session_id = ANY($1)`, [[sid, otherSid]]);
      expect(left).toEqual([{ session_id: sid }]);
    });
  });
});
