import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import Redis from 'ioredis';
import { DataSource } from 'typeorm';
import { loadConfig } from '@amani/config';
import { MAIN_QUEUE } from '@amani/jobs';
import { ReportScheduleJob } from '@amani/domain/reporting/report-schedule.job';
import { reportSchedulerId } from '@amani/domain/reporting/report.scheduler';
import { REPORT_TEMPLATE_IDS } from '@amani/domain/reporting/report-templates';
import {
  fixtureReferrals,
  REFERRAL_FIXTURE_MONTH,
  REFERRAL_INDICATORS_TABLE,
  REFERRAL_SECTIONS,
} from '@amani/testing/reporting/referral-fixture';
import { FIXTURE_MONTH, FIXTURE_SECTIONS, fixtureIncidents } from '@amani/testing/reporting/report-fixture';
import { fixtureComplaints, SEA_FIXTURE_QUARTER, SEA_SECTIONS, SEA_VICTIM_SECTIONS } from '@amani/testing/reporting/sea-fixture';
import { WorkerModule } from '../../apps/worker/src/worker.module';
import { createTestApp, TestApp } from '../support/app';
import { dropIsolatedDatabase, isolatedEnv, prepareIsolatedDatabase } from '../support/isolated-database';
import { redisDump } from '../support/canary';
import { bearer, createAgency, LoggedIn, sessionAs } from '../support/users';
import { seedCase, seedComplaints, seedReferrals, until, withdrawStatisticsConsent } from './report-seed';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

// Hand-computed inter-agency figures: this suite must see only its own rows.
describe('reports: API, worker, disclosure control and access', () => {
  const env = isolatedEnv('rp');
  let t: TestApp;
  let worker: INestApplicationContext;
  let db: DataSource;
  let officer: LoggedIn;
  let supervisorA: LoggedIn;
  let supervisorB: LoggedIn;
  let others: LoggedIn[];
  let agencyA: string;
  let agencyB: string;
  let interAgencyId: string;
  let agencyReportId: string;
  let performanceId: string;
  let seaId: string;

  const http = () => t.http();
  const waitDone = async (token: string, id: string) => {
    let body: Record<string, unknown> = {};
    await until(`report ${id} to be built`, async () => {
      const res = await http().get(`/reports/${id}`).set(bearer(token));
      body = res.body;
      return res.body.status === 'done' || res.body.status === 'failed';
    });
    expect(body.status).toBe('done');
    return body;
  };

  beforeAll(async () => {
    prepareIsolatedDatabase(env);
    t = await createTestApp(env);
    worker = await NestFactory.createApplicationContext(WorkerModule.forRoot(loadConfig({ ...process.env, ...env })), { logger: false });
    await worker.init();
    db = t.app.get(DataSource);
    agencyA = (await createAgency(t)).id;
    agencyB = (await createAgency(t)).id;
    officer = await sessionAs(t, { role: 'protection_officer' });
    supervisorA = await sessionAs(t, { role: 'supervisor', agencyId: agencyA });
    supervisorB = await sessionAs(t, { role: 'supervisor', agencyId: agencyB });
    others = [];
    for (const role of ['admin', 'caseworker', 'provider', 'psea_focal_point'] as const) {
      others.push(await sessionAs(t, { role, agencyId: role === 'admin' ? null : agencyA }));
    }
    // The fixture's 31 consenting incidents, split over two agencies; the inter-agency
    // report must be exactly the hand-computed one. A case without statistics consent in
    // the same month must not count at all.
    const incidents = fixtureIncidents();
    await seedCase(db, { agencyId: agencyA, userId: supervisorA.user.id, month: FIXTURE_MONTH, incidents: incidents.slice(0, 20), statisticsConsent: true });
    await seedCase(db, { agencyId: agencyB, userId: supervisorB.user.id, month: FIXTURE_MONTH, incidents: incidents.slice(20), statisticsConsent: true });
    await seedCase(db, { agencyId: agencyA, userId: supervisorA.user.id, month: FIXTURE_MONTH, incidents: incidents.slice(0, 9), statisticsConsent: false });

    // The referral fixture's 125 referrals, made in March by consenting cases of both agencies
    // (legal and psychosocial by A, medical and safety_shelter by B). Referrals of a case
    // without statistics consent, and referrals just outside the month, must not count.
    const referralCase = async (agencyId: string, userId: string, statisticsConsent: boolean) =>
      seedCase(db, { agencyId, userId, month: REFERRAL_FIXTURE_MONTH, incidents: [], statisticsConsent });
    const refer = async (caseId: string, from: string, to: string, userId: string, createdAt: string, services?: string[]) =>
      seedReferrals(db, { caseId, referringAgencyId: from, recipientAgencyId: to, userId, createdAt, referrals: fixtureReferrals(services) });
    const caseA = await referralCase(agencyA, supervisorA.user.id, true);
    const caseB = await referralCase(agencyB, supervisorB.user.id, true);
    await refer(caseA, agencyA, agencyB, supervisorA.user.id, '2025-03-01T00:00:00Z', ['legal']);
    await refer(caseA, agencyA, agencyB, supervisorA.user.id, '2025-03-14T09:30:00Z', ['psychosocial']);
    await refer(caseB, agencyB, agencyA, supervisorB.user.id, '2025-03-31T23:59:59Z', ['medical', 'safety_shelter']);
    const noConsent = await referralCase(agencyA, supervisorA.user.id, false);
    await refer(noConsent, agencyA, agencyB, supervisorA.user.id, '2025-03-10T12:00:00Z', ['psychosocial']);
    await refer(caseA, agencyA, agencyB, supervisorA.user.id, '2025-04-01T00:00:00Z', ['legal', 'medical']);
    await refer(caseB, agencyB, agencyA, supervisorB.user.id, '2025-02-28T23:59:59Z', ['legal', 'medical']);

    // The SEA fixture's 29 complaints of the first quarter (one shredded), and a few of the next.
    await seedComplaints(db, '2025-02-14', fixtureComplaints());
    await seedComplaints(db, '2025-04-01', fixtureComplaints().slice(0, 4));
  });

  afterAll(async () => {
    await worker?.close();
    await t?.close();
    await dropIsolatedDatabase(env);
  });

  it('a protection officer requests the inter-agency report; a second request returns the same one', async () => {
    const first = await http().post('/reports').set(bearer(officer.accessToken)).send({ template: 'gbvims_monthly', period: FIXTURE_MONTH });
    expect(first.status).toBe(202);
    expect(first.body).toMatchObject({ template: 'gbvims_monthly', period: FIXTURE_MONTH, scope: 'inter_agency' });
    expect(first.body.id).toMatch(UUID);
    interAgencyId = first.body.id;

    const again = await http().post('/reports').set(bearer(officer.accessToken)).send({ template: 'gbvims_monthly', period: FIXTURE_MONTH });
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(interAgencyId);
    const rows = await db.query(`SELECT count(*)::int AS n FROM reports WHERE template = 'gbvims_monthly' AND period = $1 AND agency_id IS NULL`, [FIXTURE_MONTH]);
    expect(rows[0].n).toBe(1);
  });

  it('the worker builds exactly the hand-computed report, suppression included, with no agency identity', async () => {
    const body = await waitDone(officer.accessToken, interAgencyId);
    expect(body).toMatchObject({ progress: 100, minCellCount: 5, errorCode: null });
    const result = body.result as { sections: unknown; scope: string; indicators: unknown };
    // Incidents, and the referrals of consenting cases made in the month: both hand-computed.
    expect(result.sections).toEqual([...FIXTURE_SECTIONS, REFERRAL_SECTIONS[0]]);
    expect(result.scope).toBe('inter_agency');
    expect(result.indicators).toEqual([]);
    const text = JSON.stringify(body.result);
    for (const id of [agencyA, agencyB, supervisorA.user.id, supervisorB.user.id]) expect(text).not.toContain(id);
  });

  it('exports CSV with an HXL row, and an SVG chart', async () => {
    const csv = await http().get(`/reports/${interAgencyId}/export.csv`).set(bearer(officer.accessToken));
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    expect(csv.headers['content-disposition']).toBe(`attachment; filename="amani-gbvims_monthly-${FIXTURE_MONTH}.csv"`);
    const lines = csv.text.trimEnd().split('\r\n');
    expect(lines[1].split(',')[0]).toBe('#meta+section');
    expect(lines[1]).toContain('#event+num');
    expect(lines[0].split(',').slice(-3)).toEqual(['incidents', 'referrals', 'suppressed']);
    expect(lines).toContain(`incidents,${FIXTURE_MONTH},rape,ZZ-01,26_40,female,,,,,,,,,true`);
    expect(lines).toContain(`incidents,${FIXTURE_MONTH},total,total,total,total,,,,,,,31,,false`);
    expect(lines).toContain(`services_referred,${FIXTURE_MONTH},,,,,,,,safety_shelter,completed,provided_by_own_agency,,30,false`);
    expect(lines).toContain(`services_referred,${FIXTURE_MONTH},,,,,,,,total,total,total,,125,false`);
    // No published count from 1 to 4 anywhere.
    for (const l of lines.slice(2)) {
      for (const n of l.split(',').slice(12, 14)) if (n !== '') expect(Number(n) === 0 || Number(n) >= 5).toBe(true);
    }

    const svg = await http().get(`/reports/${interAgencyId}/chart.svg`).set(bearer(officer.accessToken)).buffer(true);
    expect(svg.status).toBe(200);
    expect(svg.headers['content-type']).toMatch(/^image\/svg\+xml/);
    expect(svg.headers['content-security-policy']).toContain("default-src 'none'");
    const text = svg.body instanceof Buffer ? svg.body.toString('utf8') : String(svg.text);
    expect(text.startsWith('<svg')).toBe(true);
    expect(text).toContain(`Incidents by GBV type, ${FIXTURE_MONTH}`);
    expect(text).toContain('suppressed');

    const audits = await db.query(
      `SELECT action, outcome, details FROM audit_queue WHERE target_id = $1 AND action = 'report.export'
       UNION ALL SELECT action, outcome, details FROM audit_events WHERE target_id = $1 AND action = 'report.export'`,
      [interAgencyId],
    );
    expect(audits.map((a: { details: { format: string } }) => a.details.format).sort()).toEqual(['csv', 'svg']);
  });

  it("a supervisor gets the same template over their own agency only, still suppressed", async () => {
    const res = await http().post('/reports').set(bearer(supervisorA.accessToken)).send({ template: 'gbvims_monthly', period: FIXTURE_MONTH });
    expect(res.status).toBe(202);
    expect(res.body.scope).toBe('agency');
    expect(res.body.id).not.toBe(interAgencyId);
    agencyReportId = res.body.id;
    const body = await waitDone(supervisorA.accessToken, agencyReportId);
    const sections = (body.result as { sections: { grandTotal: number | null; cells: (number | null)[][] }[] }).sections;
    // 20 incidents and 55 referrals (legal 3, psychosocial 52) of agency A.
    expect(sections.map((s) => s.grandTotal)).toEqual([20, 20, 20, 55]);
    for (const s of sections) for (const v of s.cells.flat()) if (v !== null) expect(v === 0 || v >= 5).toBe(true);
  });

  it('each scope sees only its own reports; anything else is an audited 404', async () => {
    const officerList = await http().get('/reports').set(bearer(officer.accessToken));
    expect(officerList.status).toBe(200);
    expect(officerList.body.items.map((r: { id: string }) => r.id)).toContain(interAgencyId);
    expect(officerList.body.items.every((r: { scope: string }) => r.scope === 'inter_agency')).toBe(true);
    expect(officerList.body.items[0].result).toBeUndefined();

    const aList = await http().get('/reports').set(bearer(supervisorA.accessToken));
    expect(aList.body.items.map((r: { id: string }) => r.id)).toEqual([agencyReportId]);
    const bList = await http().get('/reports').set(bearer(supervisorB.accessToken));
    expect(bList.body.items).toEqual([]);

    const refused: [LoggedIn, string][] = [
      [supervisorA, interAgencyId],
      [supervisorB, agencyReportId],
      [officer, agencyReportId],
    ];
    for (const [who, id] of refused) {
      for (const path of [`/reports/${id}`, `/reports/${id}/export.csv`, `/reports/${id}/chart.svg`]) {
        const res = await http().get(path).set(bearer(who.accessToken));
        expect(res.status).toBe(404);
        expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      }
    }
    const missing = await http().get('/reports/5d1f9a2e-8c4b-4e61-9f3a-2b7c0d9e1a44').set(bearer(officer.accessToken));
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe('not_found');
    const denied = await db.query(
      `SELECT count(*)::int AS n FROM (SELECT actor_id FROM audit_queue WHERE action LIKE 'report.%' AND outcome = 'denied' AND actor_id = $1
       UNION ALL SELECT actor_id FROM audit_events WHERE action LIKE 'report.%' AND outcome = 'denied' AND actor_id = $1) d`,
      [supervisorB.user.id],
    );
    expect(denied[0].n).toBe(3);
  });

  it('every other role is refused every report route with 403', async () => {
    for (const who of others) {
      const calls = [
        http().post('/reports').set(bearer(who.accessToken)).send({ template: 'gbvims_monthly', period: FIXTURE_MONTH }),
        http().get('/reports').set(bearer(who.accessToken)),
        http().get(`/reports/${interAgencyId}`).set(bearer(who.accessToken)),
        http().get(`/reports/${interAgencyId}/export.csv`).set(bearer(who.accessToken)),
        http().get(`/reports/${interAgencyId}/chart.svg`).set(bearer(who.accessToken)),
      ];
      for (const res of await Promise.all(calls)) {
        expect(res.status).toBe(403);
        expect(res.body.code).toBe('forbidden');
      }
    }
    const anonymous = await http().get('/reports');
    expect(anonymous.status).toBe(401);
  });

  it('referral performance: exactly the hand-computed tables and indicators, as CSV and SVG too', async () => {
    const res = await http().post('/reports').set(bearer(officer.accessToken)).send({ template: 'referral_performance', period: REFERRAL_FIXTURE_MONTH });
    expect(res.status).toBe(202);
    performanceId = res.body.id;
    const body = await waitDone(officer.accessToken, performanceId);
    const result = body.result as { sections: unknown; indicators: unknown; scope: string };
    expect(result.sections).toEqual(REFERRAL_SECTIONS);
    expect(result.indicators).toEqual([REFERRAL_INDICATORS_TABLE]);
    expect(result.scope).toBe('inter_agency');
    const text = JSON.stringify(body.result);
    for (const id of [agencyA, agencyB, supervisorA.user.id, supervisorB.user.id]) expect(text).not.toContain(id);
    // The GBVIMS report of the month published the same services_referred table.
    const gbvims = await http().get(`/reports/${interAgencyId}`).set(bearer(officer.accessToken));
    expect(gbvims.body.result.sections[3]).toEqual(REFERRAL_SECTIONS[0]);

    const csv = await http().get(`/reports/${performanceId}/export.csv`).set(bearer(officer.accessToken));
    expect(csv.status).toBe(200);
    const lines = csv.text.trimEnd().split('\r\n');
    expect(lines[0]).toBe('section,period,service_type,referral_state,service_outcome,time_to_accept,follow_up,indicator,referrals,value,suppressed');
    expect(lines[1].split(',')).toContain('#indicator+num+referrals');
    expect(lines).toContain('follow_up,2025-03,safety_shelter,,,,overdue,,15,,false');
    expect(lines).toContain('follow_up,2025-03,psychosocial,,,,overdue,,,,true');
    expect(lines).toContain('performance,2025-03,safety_shelter,,,,,acceptance_rate_pct,,75,false');
    expect(lines).toContain('performance,2025-03,total,,,,,overdue_share_pct,,22,false');
    for (const l of lines.slice(2)) {
      const n = l.split(',')[8];
      if (n !== '') expect(Number(n) === 0 || Number(n) >= 5).toBe(true);
    }
    const svg = await http().get(`/reports/${performanceId}/chart.svg`).set(bearer(officer.accessToken)).buffer(true);
    expect(svg.status).toBe(200);
    const svgText = svg.body instanceof Buffer ? svg.body.toString('utf8') : String(svg.text);
    expect(svgText).toContain(`Referrals made by service type, ${REFERRAL_FIXTURE_MONTH}`);
    expect(svgText).toContain('safety_shelter');
  });

  it("referral performance for a supervisor covers the referrals their agency made, still suppressed", async () => {
    const res = await http().post('/reports').set(bearer(supervisorB.accessToken)).send({ template: 'referral_performance', period: REFERRAL_FIXTURE_MONTH });
    expect(res.status).toBe(202);
    expect(res.body.scope).toBe('agency');
    const body = await waitDone(supervisorB.accessToken, res.body.id);
    const result = body.result as { sections: { id: string; rows: string[][]; rowTotals: (number | null)[]; grandTotal: number | null; cells: (number | null)[][] }[] };
    // Agency B made the medical (10) and safety_shelter (60) referrals; nothing of agency A's.
    expect(result.sections.map((x) => x.grandTotal)).toEqual([70, 70, 70]);
    for (const section of result.sections) {
      const byService = Object.fromEntries(section.rows.map((r, i) => [r[0], section.rowTotals[i]]));
      expect([byService.legal, byService.psychosocial, byService.safety_shelter]).toEqual([0, 0, 60]);
      for (const v of section.cells.flat()) if (v !== null) expect(v === 0 || v >= 5).toBe(true);
    }
    // Supervisor A sees none of it.
    const other = await http().get(`/reports/${res.body.id}`).set(bearer(supervisorA.accessToken));
    expect(other.status).toBe(404);
  });

  it('quarterly SEA statistics: exactly the hand-computed report, for protection officers only', async () => {
    const res = await http().post('/reports').set(bearer(officer.accessToken)).send({ template: 'sea_quarterly', period: SEA_FIXTURE_QUARTER });
    expect(res.status).toBe(202);
    seaId = res.body.id;
    const body = await waitDone(officer.accessToken, seaId);
    const result = body.result as { sections: unknown; scope: string; periodKind: string };
    expect(result.sections).toEqual([...SEA_SECTIONS, ...SEA_VICTIM_SECTIONS]);
    expect(result).toMatchObject({ scope: 'inter_agency', periodKind: 'quarter' });

    const csv = await http().get(`/reports/${seaId}/export.csv`).set(bearer(officer.accessToken));
    const lines = csv.text.trimEnd().split('\r\n');
    expect(lines[0]).toBe(
      'section,period,category,entity_type,victim_sex,victim_age_band,status,outcome,channel,time_to_triage,time_to_referral,victim_assistance,indicator,allegations,victims,value,suppressed',
    );
    expect(lines[1]).toBe(
      '#meta+section,#date+reported,#event+type+sea,#org+type+alleged,#affected+sex,#affected+age_band,#status+code,#status+outcome,#meta+channel,#status+time_to_triage,#status+time_to_referral,#status+assistance,#indicator+code,#event+num+sea,#affected+num+sea,#indicator+value,#meta+suppressed',
    );
    expect(lines).toContain('allegations,2025-Q1,sexual_exploitation,implementing_partner,female,26_40,assessment,,,,,,,7,,,false');
    expect(lines).toContain('allegations,2025-Q1,sexual_abuse,peacekeeping,male,12_17,assessment,,,,,,,,,,true');
    expect(lines).toContain('outcomes,2025-Q1,,,,,,substantiated,,,,,,6,,,false');
    expect(lines).toContain('time_to_triage,2025-Q1,,,,,,,,over_7_days,,,,,,,true');
    expect(lines).toContain('time_to_referral,2025-Q1,,,,,,,,,within_7_days,,,6,,,false');
    expect(lines).toContain('victim_assistance,2025-Q1,,,female,,,,,,,receiving,,,6,,false');
    expect(lines).toContain('channel,2025-Q1,,,,,,,hotline,,,,,6,,,false');
    expect(lines).toContain('victim_assistance_share,2025-Q1,,,female,,,,,,,,referred_to_assistance_pct,,,52,false');
    const svg = await http().get(`/reports/${seaId}/chart.svg`).set(bearer(officer.accessToken)).buffer(true);
    const svgText = svg.body instanceof Buffer ? svg.body.toString('utf8') : String(svg.text);
    expect(svgText).toContain(`SEA allegations by category and entity type, ${SEA_FIXTURE_QUARTER}`);

    // Complaints belong to no agency: a supervisor may not have a version of this template (403,
    // audited, nothing written), nor read the inter-agency one (404).
    const before = (await db.query(`SELECT count(*)::int AS n FROM reports`))[0].n;
    const refused = await http().post('/reports').set(bearer(supervisorA.accessToken)).send({ template: 'sea_quarterly', period: SEA_FIXTURE_QUARTER });
    expect([refused.status, refused.body.code]).toEqual([403, 'forbidden']);
    expect(refused.headers['content-type']).toMatch(/application\/problem\+json/);
    expect((await db.query(`SELECT count(*)::int AS n FROM reports`))[0].n).toBe(before);
    const audited = await db.query(
      `SELECT details FROM audit_queue WHERE action = 'report.request' AND outcome = 'denied' AND actor_id = $1
       UNION ALL SELECT details FROM audit_events WHERE action = 'report.request' AND outcome = 'denied' AND actor_id = $1`,
      [supervisorA.user.id],
    );
    expect(audited).toEqual([{ details: { template: 'sea_quarterly', reason: 'template_not_in_scope' } }]);
    for (const path of [`/reports/${seaId}`, `/reports/${seaId}/export.csv`, `/reports/${seaId}/chart.svg`]) {
      expect((await http().get(path).set(bearer(supervisorA.accessToken))).status).toBe(404);
    }
    // Other roles are refused by role before the template is looked at.
    for (const who of others) {
      const r = await http().post('/reports').set(bearer(who.accessToken)).send({ template: 'sea_quarterly', period: SEA_FIXTURE_QUARTER });
      expect(r.status).toBe(403);
    }
  });

  it('answers bad input with a 400 or 422 naming the field, and writes nothing', async () => {
    const before = (await db.query(`SELECT count(*)::int AS n FROM reports`))[0].n;
    const post = (body: unknown) => http().post('/reports').set(bearer(officer.accessToken)).send(body as object);
    const cases: [unknown, number, string][] = [
      [{ template: 'everything', period: FIXTURE_MONTH }, 400, 'template'],
      [{ period: FIXTURE_MONTH }, 400, 'template'],
      [{ template: 'gbvims_monthly', period: '2025-13' }, 400, 'period'],
      [{ template: 'gbvims_monthly', period: '2025-Q1' }, 400, 'period'],
      [{ template: 'gbvims_monthly', period: '2099-01' }, 422, 'period'],
      [{ template: 'gbvims_monthly', period: '2999-01' }, 400, 'period'],
      [{ template: 'sea_quarterly', period: '2025-03' }, 400, 'period'],
      [{ template: 'referral_performance', period: '2025-Q1' }, 400, 'period'],
      [{ template: 'sea_quarterly', period: '2099-Q1' }, 422, 'period'],
      [{ template: 'gbvims_monthly', period: FIXTURE_MONTH, agencyId: agencyA }, 400, 'agencyId'],
    ];
    for (const [body, status, field] of cases) {
      const res = await post(body);
      expect([res.status, res.body.errors?.map((e: { field: string }) => e.field)]).toEqual([status, expect.arrayContaining([field])]);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    }
    const notUuid = await http().get('/reports/abc').set(bearer(officer.accessToken));
    expect(notUuid.status).toBe(400);
    const current = new Date();
    const thisMonth = `${current.getUTCFullYear()}-${String(current.getUTCMonth() + 1).padStart(2, '0')}`;
    expect((await post({ template: 'gbvims_monthly', period: thisMonth })).body.code).toBe('period_not_ended');
    expect((await db.query(`SELECT count(*)::int AS n FROM reports`))[0].n).toBe(before);
  });

  it('a report that is not built yet cannot be exported', async () => {
    const [{ id }] = await db.query(
      `INSERT INTO reports (template, period, agency_id, origin) VALUES ('gbvims_monthly', '2001-01', NULL, 'request') RETURNING id`,
    );
    const res = await http().get(`/reports/${id}/export.csv`).set(bearer(officer.accessToken));
    expect([res.status, res.body.code]).toEqual([409, 'report_not_ready']);
  });

  it('a failed build, or one abandoned long ago, is queued again by the next request', async () => {
    const [failed] = await db.query(
      `INSERT INTO reports (template, period, agency_id, origin, status, error_code) VALUES ('gbvims_monthly', '2025-01', NULL, 'request', 'failed', 'build_error') RETURNING id`,
    );
    const [stale] = await db.query(
      `INSERT INTO reports (template, period, agency_id, origin, status, progress, updated_at) VALUES ('gbvims_monthly', '2024-12', NULL, 'schedule', 'running', 60, now() - interval '1 hour') RETURNING id`,
    );
    const [fresh] = await db.query(
      `INSERT INTO reports (template, period, agency_id, origin, status, progress) VALUES ('gbvims_monthly', '2024-11', NULL, 'schedule', 'running', 60) RETURNING id`,
    );
    for (const [row, period, status] of [[failed, '2025-01', 202], [stale, '2024-12', 202], [fresh, '2024-11', 200]] as const) {
      const res = await http().post('/reports').set(bearer(officer.accessToken)).send({ template: 'gbvims_monthly', period });
      expect([period, res.status, res.body.id]).toEqual([period, status, row.id]);
    }
    await waitDone(officer.accessToken, failed.id);
    await waitDone(officer.accessToken, stale.id);
    expect((await db.query(`SELECT status FROM reports WHERE id = $1`, [fresh.id]))[0].status).toBe('running');
  });

  it('the worker refuses to build an agency version of SEA statistics, however the row got there', async () => {
    const [row] = await db.query(
      `INSERT INTO reports (template, period, agency_id, origin) VALUES ('sea_quarterly', '2024-Q1', $1, 'request') RETURNING id`,
      [agencyA],
    );
    await db.query(`INSERT INTO outbox (queue, name, payload) VALUES ('amani', 'report.build', jsonb_build_object('reportId', $1::text))`, [row.id]);
    await until('the build to fail', async () => (await db.query(`SELECT status FROM reports WHERE id = $1`, [row.id]))[0].status === 'failed');
    const [after] = await db.query(`SELECT status, error_code, result FROM reports WHERE id = $1`, [row.id]);
    expect(after).toEqual({ status: 'failed', error_code: 'disclosure_control', result: null });
  });

  it('a withdrawn statistics consent no longer counts in the next report: incidents and referrals', async () => {
    const month = '2025-05';
    const six = fixtureIncidents().slice(0, 6);
    const sixReferrals = fixtureReferrals(['psychosocial']).slice(0, 6);
    const staying = await seedCase(db, { agencyId: agencyA, userId: supervisorA.user.id, month, incidents: six, statisticsConsent: true });
    const leaving = await seedCase(db, { agencyId: agencyA, userId: supervisorA.user.id, month, incidents: six, statisticsConsent: true });
    for (const caseId of [staying, leaving]) {
      await seedReferrals(db, {
        caseId,
        referringAgencyId: agencyA,
        recipientAgencyId: agencyB,
        userId: supervisorA.user.id,
        createdAt: '2025-05-20T10:00:00Z',
        referrals: sixReferrals,
      });
    }
    await withdrawStatisticsConsent(db, leaving, supervisorA.user.id);
    const grandTotals = async (template: string) => {
      const res = await http().post('/reports').set(bearer(officer.accessToken)).send({ template, period: month });
      expect(res.status).toBe(202);
      const body = await waitDone(officer.accessToken, res.body.id);
      return (body.result as { sections: { id: string; grandTotal: number }[] }).sections.map((x) => [x.id, x.grandTotal]);
    };
    expect(await grandTotals('gbvims_monthly')).toEqual([
      ['incidents', 6],
      ['report_delay', 6],
      ['perpetrators', 6],
      ['services_referred', 6],
    ]);
    expect(await grandTotals('referral_performance')).toEqual([
      ['services_referred', 6],
      ['time_to_accept', 6],
      ['follow_up', 6],
    ]);
    // The referrals themselves are untouched: only the statistics consent decides.
    const [{ n }] = await db.query(`SELECT count(*)::int AS n FROM referrals WHERE case_id = $1`, [leaving]);
    expect(n).toBe(6);
  });

  it('the schedules create the previous period once, through the same build job', async () => {
    const queue = worker.get<Queue>(getQueueToken(MAIN_QUEUE));
    const expected: [string, string][] = [
      ['gbvims_monthly', '0 2 5 * *'],
      ['referral_performance', '0 2 5 * *'],
      ['sea_quarterly', '0 3 10 1,4,7,10 *'],
    ];
    for (const [template, pattern] of expected) {
      await until(`the ${template} scheduler`, async () => (await queue.getJobScheduler(reportSchedulerId(template))) !== undefined);
      expect(await queue.getJobScheduler(reportSchedulerId(template))).toMatchObject({ pattern, tz: 'UTC' });
    }

    const job = worker.get(ReportScheduleJob);
    // On 5 April the schedule builds March: the officer's report already exists, nothing is added.
    await job.handle({ template: 'gbvims_monthly' }, undefined, new Date('2025-04-05T02:00:00Z'));
    await job.handle({ template: 'gbvims_monthly' }, undefined, new Date('2025-04-05T02:00:00Z'));
    const march = await db.query(`SELECT id FROM reports WHERE template = 'gbvims_monthly' AND period = $1 AND agency_id IS NULL`, [FIXTURE_MONTH]);
    expect(march.map((r: { id: string }) => r.id)).toEqual([interAgencyId]);
    // On 5 July it builds June, once.
    await Promise.all([0, 1, 2].map(() => job.handle({ template: 'gbvims_monthly' }, undefined, new Date('2025-07-05T02:00:00Z'))));
    const june = await db.query(`SELECT id, origin FROM reports WHERE template = 'gbvims_monthly' AND period = '2025-06' AND agency_id IS NULL`);
    expect(june).toHaveLength(1);
    expect(june[0].origin).toBe('schedule');
    await waitDone(officer.accessToken, june[0].id);

    // SEA statistics: on 10 April the first quarter (already requested by the officer), on
    // 10 July the second, once, counting the complaints received on 1 April.
    await job.handle({ template: 'sea_quarterly' }, undefined, new Date('2025-04-10T03:00:00Z'));
    const q1 = await db.query(`SELECT id FROM reports WHERE template = 'sea_quarterly' AND period = $1`, [SEA_FIXTURE_QUARTER]);
    expect(q1.map((r: { id: string }) => r.id)).toEqual([seaId]);
    await Promise.all([0, 1].map(() => job.handle({ template: 'sea_quarterly' }, undefined, new Date('2025-07-10T03:00:00Z'))));
    const q2 = await db.query(`SELECT id, origin, agency_id FROM reports WHERE template = 'sea_quarterly' AND period = '2025-Q2'`);
    expect(q2).toEqual([{ id: expect.any(String), origin: 'schedule', agency_id: null }]);
    const q2Body = await waitDone(officer.accessToken, q2[0].id);
    expect((q2Body.result as { sections: { grandTotal: number | null }[] }).sections.map((x) => x.grandTotal)).toEqual([null, null, null, null, null, null]);
  });

  it('job payloads in Redis hold only ids and parameters', async () => {
    const redis = new Redis(process.env.REDIS_URL!);
    const payloads: { name: string; data: Record<string, unknown> }[] = [];
    try {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${process.env.REDIS_PREFIX}*`, 'COUNT', 500);
        cursor = next;
        for (const key of keys) {
          if ((await redis.type(key)) !== 'hash') continue;
          const h = await redis.hgetall(key);
          if (h.name?.startsWith('report.') && h.data) payloads.push({ name: h.name, data: JSON.parse(h.data) });
        }
      } while (cursor !== '0');
    } finally {
      redis.disconnect();
    }
    expect(payloads.some((p) => p.name === 'report.build')).toBe(true);
    for (const p of payloads) {
      if (p.name === 'report.build') {
        expect(Object.keys(p.data)).toEqual(['reportId']);
        expect(p.data.reportId).toMatch(UUID);
      } else {
        expect(p.name).toBe('report.schedule');
        expect(Object.keys(p.data)).toEqual(['template']);
        expect(REPORT_TEMPLATE_IDS).toContain(p.data.template);
      }
    }
    expect(new Set(payloads.filter((p) => p.name === 'report.schedule').map((p) => p.data.template))).toEqual(new Set(REPORT_TEMPLATE_IDS));
    // Nothing of the seeded data travels through Redis: no region, agency, service or SEA code.
    const dump = await redisDump();
    for (const s of ['ZZ-01', agencyA, agencyB, 'psychosocial', 'safety_shelter', 'peacekeeping', 'implementing_partner']) {
      expect(dump).not.toContain(s);
    }
  });
});
