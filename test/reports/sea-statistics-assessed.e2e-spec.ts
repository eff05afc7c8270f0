import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { loadConfig } from '@amani/config';
import {
  aggregationQuery,
  buildReportResult,
  parsePeriod,
  readAggregation,
  ReportSection,
  SEA_FAMILY,
  SEA_PUBLICATION_RULE,
  SEA_QUARTERLY,
} from '@amani/domain/reporting';
import { fixtureComplaints, SEA_FIXTURE_QUARTER, SEA_SECTIONS, SEA_VICTIM_SECTIONS } from '@amani/testing/reporting/sea-fixture';
import { WorkerModule } from '../../apps/worker/src/worker.module';
import { createTestApp, TestApp } from '../support/app';
import { dropIsolatedDatabase, isolatedEnv, prepareIsolatedDatabase } from '../support/isolated-database';
import { bearer, LoggedIn, sessionAs } from '../support/users';
import { assessment, complaintBody, complaintIdOf, focalPoint, FocalPoint, fpApi, submitComplaint } from '../sea/sea-fixtures';
import { seedComplaints, until } from './report-seed';

/**
 * Whoever can submit a complaint can choose its codes. Four complaints aimed at a suppressed
 * cell (n = 1) would make it 5 and publishable, and n would be the difference. SEA statistics
 * therefore count only complaints a focal point has assessed, codes confirmed or corrected.
 */
describe('SEA statistics cannot be steered by submitting complaints', () => {
  const env = isolatedEnv('seaq');
  let t: TestApp;
  let worker: INestApplicationContext;
  let db: DataSource;
  let officer: LoggedIn;
  let fp: FocalPoint;
  const period = parsePeriod(SEA_FIXTURE_QUARTER, 'quarter')!;
  // The fixture's suppressed cell: one assessed complaint.
  const target = { category: 'sexual_abuse', entityType: 'peacekeeping', victimSex: 'male', victimAgeBand: '12_17' };

  /** What the quarter's report would publish now, by the builder's own query and suppression. */
  const publishedNow = async (): Promise<ReportSection[]> => {
    const raw: Record<string, unknown>[] = await db.query(aggregationQuery(SEA_FAMILY).sql, SEA_FAMILY.source.params(period, null));
    // The allegation family alone (the victims family is suppressed on its own and does not move here).
    return buildReportResult(SEA_QUARTERLY, period, 'inter_agency', 5, readAggregation(SEA_FAMILY, raw)).sections.filter((s) =>
      SEA_FAMILY.sections.some((f) => f.id === s.id),
    );
  };

  beforeAll(async () => {
    prepareIsolatedDatabase(env);
    t = await createTestApp(env);
    worker = await NestFactory.createApplicationContext(WorkerModule.forRoot(loadConfig({ ...process.env, ...env })), { logger: false });
    await worker.init();
    db = t.app.get(DataSource);
    officer = await sessionAs(t, { role: 'protection_officer' });
    fp = await focalPoint(t);
    await seedComplaints(db, '2025-02-14', fixtureComplaints());
  });
  afterAll(async () => {
    await worker?.close();
    await t?.close();
    await dropIsolatedDatabase(env);
  });

  it('four chosen complaints leave every published cell unchanged until a focal point assesses them', async () => {
    expect(await publishedNow()).toEqual(SEA_SECTIONS);

    const ids: string[] = [];
    for (let i = 0; i < 4; i++) ids.push(await complaintIdOf(t, await submitComplaint(t, complaintBody(target))));
    // As if they had been submitted during the quarter being reported.
    await db.query(`UPDATE sea_complaints SET received_on = '2025-03-02', received_quarter = $2, status_changed_on = '2025-03-02' WHERE id = ANY($1)`, [
      ids,
      SEA_FIXTURE_QUARTER,
    ]);
    expect(await publishedNow()).toEqual(SEA_SECTIONS);

    // The officer's report, built by the worker, is the unchanged one and says who counts.
    const requested = await t.http().post('/reports').set(bearer(officer.accessToken)).send({ template: 'sea_quarterly', period: SEA_FIXTURE_QUARTER });
    expect(requested.status).toBe(202);
    let report: { status?: string; result?: { sections: ReportSection[]; templateVersion: number; inclusion: unknown } } = {};
    await until('the SEA report', async () => {
      report = (await t.http().get(`/reports/${requested.body.id}`).set(bearer(officer.accessToken))).body;
      return report.status === 'done' || report.status === 'failed';
    });
    expect(report.status).toBe('done');
    expect(report.result!.sections).toEqual([...SEA_SECTIONS, ...SEA_VICTIM_SECTIONS]);
    expect(report.result!.templateVersion).toBe(3);
    expect(report.result!.inclusion).toEqual([
      { population: 'sea_complaints', rule: SEA_PUBLICATION_RULE },
      { population: 'sea_victims', rule: expect.stringContaining('Victims recorded by PSEA focal points') },
    ]);

    // Moving a complaint on without confirming its codes is refused; confirming them makes it count.
    const refused = await fpApi(t, fp).post(`/sea/complaints/${ids[0]}/status`, { to: 'assessment' });
    expect([refused.status, refused.body.code]).toEqual([422, 'coded_fields_unconfirmed']);
    expect(await publishedNow()).toEqual(SEA_SECTIONS);
    for (const id of ids) expect((await fpApi(t, fp).post(`/sea/complaints/${id}/status`, assessment(target))).status).toBe(200);
    const after = await publishedNow();
    expect(after).not.toEqual(SEA_SECTIONS);
    const allegations = after.find((s) => s.id === 'allegations')!;
    expect(allegations.grandTotal).toBe(33);
  });

  it('a focal point who corrects the codes moves the complaint to the cell they found', async () => {
    const id = await complaintIdOf(t, await submitComplaint(t, complaintBody(target)));
    const res = await fpApi(t, fp).post(`/sea/complaints/${id}/status`, assessment({ ...target, category: 'sexual_exploitation', victimSex: 'female' }));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'assessment', category: 'sexual_exploitation', victimSex: 'female', entityType: 'peacekeeping' });
    const [row] = await db.query(`SELECT category, victim_sex, coded_confirmed_on IS NOT NULL AS confirmed FROM sea_complaints WHERE id = $1`, [id]);
    expect(row).toEqual({ category: 'sexual_exploitation', victim_sex: 'female', confirmed: true });
    const [event] = await db.query(
      `SELECT details FROM (SELECT target_id, details FROM audit_queue UNION ALL SELECT target_id, details FROM audit_events) e WHERE target_id = $1 AND details->>'to' = 'assessment'`,
      [id],
    );
    expect(event.details).toMatchObject({ from: 'received', to: 'assessment', codesConfirmed: true, corrected: 'category:victimSex' });
  });
});
