import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { loadConfig } from '@amani/config';
import { WorkerModule } from '../../apps/worker/src/worker.module';
import { as, caseBody } from '../cases/case-fixtures';
import { createTestApp, TestApp } from '../support/app';
import { dropIsolatedDatabase, isolatedEnv, prepareIsolatedDatabase } from '../support/isolated-database';
import { bearer, createAgency, LoggedIn, sessionAs } from '../support/users';
import { until } from './report-seed';

const MONTH = '2024-02';
const IN_MONTH = (day: number) => `2024-02-${String(day).padStart(2, '0')}T10:00:00Z`;

interface Section {
  id: string;
  rows: string[][];
  columns: string[][];
  cells: (number | null)[][];
  rowTotals: (number | null)[];
  grandTotal: number | null;
}

/**
 * The case-management indicators template over cases made through the API and moved into a
 * past month: cases opened (by age band and sex) and whether a safety plan was in place within
 * 7 days, closures by reason and time to closure, goals by need area, caseload buckets, all
 * through the same disclosure control as every template; cases without a statistics consent
 * never count.
 */
describe('reports: case-management indicators', () => {
  const env = isolatedEnv('cmr');
  let t: TestApp;
  let worker: INestApplicationContext;
  let db: DataSource;
  let officer: LoggedIn;
  let cw: LoggedIn;
  let sup: LoggedIn;

  const waitDone = async (token: string, id: string): Promise<{ sections: Section[] }> => {
    let body: { status?: string; result?: { sections: Section[] } } = {};
    await until(`report ${id}`, async () => {
      body = (await t.http().get(`/reports/${id}`).set(bearer(token))).body as typeof body;
      return body.status === 'done' || body.status === 'failed';
    });
    expect(body.status).toBe('done');
    return body.result!;
  };
  const section = (r: { sections: Section[] }, id: string) => r.sections.find((s) => s.id === id)!;
  const cell = (s: Section, row: string, col?: string) => {
    const i = s.rows.findIndex((r) => r[0] === row);
    return col === undefined ? s.rowTotals[i] : s.cells[i][s.columns.findIndex((c) => c[0] === col)];
  };

  beforeAll(async () => {
    prepareIsolatedDatabase(env);
    t = await createTestApp(env);
    worker = await NestFactory.createApplicationContext(WorkerModule.forRoot(loadConfig({ ...process.env, ...env })), { logger: false });
    await worker.init();
    db = t.app.get(DataSource);
    const agency = (await createAgency(t)).id;
    officer = await sessionAs(t, { role: 'protection_officer' });
    cw = await sessionAs(t, { role: 'caseworker', agencyId: agency });
    sup = await sessionAs(t, { role: 'supervisor', agencyId: agency });

    // 12 consenting cases opened on 1 February: 7 aged 18-25, 5 aged 26-40; 3 more without consent.
    const ids: string[] = [];
    for (let i = 0; i < 15; i++) {
      const c = await as(t, cw.accessToken).post('/cases', caseBody({ ageBand: i < 7 ? '18_25' : '26_40', sex: 'female' }));
      expect(c.status).toBe(201);
      if (i < 12) expect((await as(t, cw.accessToken).post(`/cases/${c.body.id}/consents`, { purpose: 'statistics', givenBy: 'survivor' })).status).toBe(201);
      ids.push(c.body.id);
    }
    // Safety plans: 6 in place within a week, 2 later, the rest none.
    for (const [i, day] of [[0, 3], [1, 3], [2, 5], [3, 8], [4, 8], [5, 8], [6, 20], [7, 25], [12, 2]] as const) {
      expect((await as(t, cw.accessToken).put(`/cases/${ids[i]}/safety-plan`, { agreedActions: 'plan', inPlaceOn: `2024-02-${String(day).padStart(2, '0')}` })).status).toBe(200);
    }
    // Ten goals reviewed: five psychosocial met, five legal not met.
    for (let i = 0; i < 10; i++) {
      const item = await as(t, cw.accessToken).post(`/cases/${ids[i]}/action-plan`, { description: 'goal', needArea: i < 5 ? 'psychosocial' : 'legal_justice' });
      expect((await as(t, cw.accessToken).patch(`/cases/${ids[i]}/action-plan/${item.body.id}`, { version: 1, goalStatus: i < 5 ? 'met' : 'not_met' })).status).toBe(200);
    }
    // Six closed by the supervisor: five needs met, one at the survivor's request.
    for (let i = 0; i < 6; i++) {
      const res = await as(t, sup.accessToken).post(`/cases/${ids[i]}/stage`, { to: 'closed', version: 1, closureReason: i < 5 ? 'needs_met' : 'survivor_request' });
      expect(res.status).toBe(200);
    }
    // Into the past month: opened on the 1st, closed on the 20th, goals reviewed on the 15th.
    await db.query(`UPDATE cases SET created_at = $1 WHERE id = ANY($2)`, [IN_MONTH(1), ids]);
    await db.query(`UPDATE cases SET closed_at = $1 WHERE id = ANY($2) AND stage = 'closed'`, [IN_MONTH(20), ids]);
    await db.query(`UPDATE case_action_plan_items SET updated_at = $1 WHERE case_id = ANY($2)`, [IN_MONTH(15), ids]);
  });

  afterAll(async () => {
    await worker?.close();
    await t?.close();
    await dropIsolatedDatabase(env);
  });

  it('publishes the month’s figures with every count from 1 to 4 suppressed, and counts only consenting cases', async () => {
    const res = await t.http().post('/reports').set(bearer(officer.accessToken)).send({ template: 'case_management', period: MONTH });
    expect(res.status).toBe(202);
    const result = await waitDone(officer.accessToken, res.body.id);
    expect(result.sections.map((s) => s.id)).toEqual(['cases_opened', 'safety_plan', 'closure_reasons', 'time_to_closure', 'goals', 'caseload', 'time_to_accept']);

    const opened = section(result, 'cases_opened');
    expect(opened.grandTotal).toBe(12);
    expect(cell(opened, '18_25', 'female')).toBe(7);
    expect(cell(opened, '26_40', 'female')).toBe(5);

    const plans = section(result, 'safety_plan');
    expect(cell(plans, 'within_7_days')).toBe(6);
    // 2 after a week and 4 without: both below 5, so both hidden.
    expect([cell(plans, 'after_7_days'), cell(plans, 'none')]).toEqual([null, null]);

    const closures = section(result, 'closure_reasons');
    expect(closures.grandTotal).toBe(6);
    expect(cell(closures, 'survivor_request')).toBeNull();
    // One hidden reason would be given away by the total: a second entry is hidden with it.
    expect(closures.rowTotals.filter((v) => v === null).length).toBeGreaterThanOrEqual(2);
    expect([5, null]).toContain(cell(closures, 'needs_met'));
    expect(cell(section(result, 'time_to_closure'), 'within_30_days')).toBe(6);

    const goals = section(result, 'goals');
    expect(cell(goals, 'psychosocial', 'met')).toBe(5);
    expect(cell(goals, 'legal_justice', 'not_met')).toBe(5);
    expect(cell(goals, 'legal_justice', 'met')).toBe(0);

    // One caseworker with nine cases still open at the end of the month: hidden.
    expect(cell(section(result, 'caseload'), '1_10')).toBeNull();

    for (const s of result.sections) {
      for (const v of [...s.cells.flat(), ...s.rowTotals, s.grandTotal]) if (v !== null) expect(v === 0 || v >= 5).toBe(true);
    }
  });

  it('a supervisor gets the same template over their own agency', async () => {
    const res = await t.http().post('/reports').set(bearer(sup.accessToken)).send({ template: 'case_management', period: MONTH });
    expect(res.status).toBe(202);
    expect(res.body.scope).toBe('agency');
    const result = await waitDone(sup.accessToken, res.body.id);
    expect(section(result, 'cases_opened').grandTotal).toBe(12);
    const csv = await t.http().get(`/reports/${res.body.id}/export.csv`).set(bearer(sup.accessToken));
    expect(csv.status).toBe(200);
    expect(csv.text.split('\r\n')[1]).toContain('#indicator+num+cases');
  });
});
