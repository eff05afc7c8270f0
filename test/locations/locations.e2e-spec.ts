import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { loadConfig } from '@amani/config';
import { WorkerModule } from '../../apps/worker/src/worker.module';
import { as, caseBody, incidentBody, PROBLEM } from '../cases/case-fixtures';
import { until, seedCase } from '../reports/report-seed';
import { complaintBody } from '../sea/sea-fixtures';
import { createTestApp, TestApp } from '../support/app';
import { dropIsolatedDatabase, isolatedEnv, prepareIsolatedDatabase } from '../support/isolated-database';
import { bearer, createAgency, LoggedIn, sessionAs } from '../support/users';

const CLI = join(__dirname, '../../dist/apps/cli/src/main.js');
const file = (name: string) => join(__dirname, name);

/**
 * The gazetteer: `locations:import` loads an HXL file (OCHA common operational dataset
 * layout), region codes written anywhere are checked against it once it holds a row, and the
 * GBVIMS report rolls admin-2 columns up to admin 1 where a sub-unit's cell would be hidden.
 */
describe('locations: gazetteer import, region validation and admin-1 roll-up', () => {
  const env = isolatedEnv('loc');
  let t: TestApp;
  let db: DataSource;
  let worker: INestApplicationContext;
  let admin: LoggedIn;
  let cw: LoggedIn;
  let sup: LoggedIn;
  let officer: LoggedIn;
  let agencyId: string;

  const cli = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { env: { ...process.env, ...env }, encoding: 'utf8' });
  const countLocations = async () => Number((await db.query('SELECT count(*)::int AS n FROM locations'))[0].n);

  beforeAll(async () => {
    prepareIsolatedDatabase(env);
    t = await createTestApp(env);
    db = t.app.get(DataSource);
    agencyId = (await createAgency(t, undefined, { regionCodes: ['SO11'] })).id;
    admin = await sessionAs(t, { role: 'admin' });
    cw = await sessionAs(t, { role: 'caseworker', agencyId });
    sup = await sessionAs(t, { role: 'supervisor', agencyId });
    officer = await sessionAs(t, { role: 'protection_officer' });
  });

  afterAll(async () => {
    await worker?.close();
    await t?.close();
    await dropIsolatedDatabase(env);
  });

  it('without a gazetteer, accepts any well-formed code (format only) and lists nothing', async () => {
    expect((await as(t, cw.accessToken).post('/cases', caseBody({ regionCode: 'ANY-CODE' }))).status).toBe(201);
    const list = await as(t, cw.accessToken).get('/locations');
    expect(list.status).toBe(200);
    expect(list.body).toEqual({ items: [] });
  });

  it('refuses a file that is not HXL or holds a bad code, naming the line, and stores nothing', async () => {
    const bad = cli('locations:import', file('gazetteer-bad.hxl.csv'));
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/line 4: .*not a P-code/);
    const missing = cli('locations:import', file('no-such-file.csv'));
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/cannot read the file \(ENOENT\)/);
    expect(await countLocations()).toBe(0);
  });

  it('checks a file with --dry-run without storing it, then imports it; a second import changes nothing', async () => {
    const dry = cli('locations:import', file('gazetteer.hxl.csv'), '--dry-run');
    expect(dry.status).toBe(0);
    expect(dry.stdout).toMatch(/read 6 locations \(admin 0: 1, admin 1: 2, admin 2: 3\); dry run/);
    expect(await countLocations()).toBe(0);

    const out = execFileSync(process.execPath, [CLI, 'locations:import', file('gazetteer.hxl.csv')], { env: { ...process.env, ...env }, encoding: 'utf8' });
    expect(out).toMatch(/read 6 locations .*added 6, changed 0/);
    const again = cli('locations:import', file('gazetteer.hxl.csv'));
    expect(again.stdout).toMatch(/added 0, changed 0/);
    // A file with names in another language merges them in.
    const es = cli('locations:import', file('gazetteer-names-es.hxl.csv'));
    expect(es.stdout).toMatch(/read 2 locations .*added 0, changed 2/);
  });

  it('lists the gazetteer to every staff role, parents first, with names per language and a level filter', async () => {
    const all = await as(t, officer.accessToken).get('/locations');
    expect(all.status).toBe(200);
    expect(all.body.items.map((l: { pCode: string }) => l.pCode)).toEqual(['SO', 'SO11', 'SO22', 'SO1101', 'SO1102', 'SO2201']);
    expect(all.body.items.find((l: { pCode: string }) => l.pCode === 'SO2201')).toEqual({
      pCode: 'SO2201',
      adminLevel: 2,
      parentPCode: 'SO22',
      names: { en: 'Mogadishu', fr: 'Mogadiscio', ar: 'مقديشو', es: 'Mogadiscio' },
    });
    const level1 = await as(t, cw.accessToken).get('/locations?level=1');
    expect(level1.body.items.map((l: { pCode: string }) => l.pCode)).toEqual(['SO11', 'SO22']);
    const bad = await as(t, cw.accessToken).get('/locations?level=9');
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field)).toEqual(['level']);
    expect((await t.http().get('/locations')).status).toBe(401);
  });

  it('refuses an unknown region code wherever one is written, naming the field, and writes nothing', async () => {
    const cases = async () => Number((await db.query('SELECT count(*)::int AS n FROM cases'))[0].n);
    const before = await cases();
    // The API believed the gazetteer empty for 2 s after the first test; the CLI runs above took longer.
    const refused = await as(t, cw.accessToken).post('/cases', caseBody({ regionCode: 'SO9999' }));
    expect(refused.status).toBe(400);
    expect(refused.headers['content-type']).toMatch(PROBLEM);
    expect(refused.body.errors).toEqual([{ field: 'regionCode', message: expect.stringMatching(/not a location code/) }]);
    expect(await cases()).toBe(before);

    const ok = await as(t, cw.accessToken).post('/cases', caseBody({ regionCode: 'SO1101' }));
    expect(ok.status).toBe(201);
    const patch = await as(t, cw.accessToken).patch(`/cases/${ok.body.id}`, { version: ok.body.version, regionCode: 'XX-1' });
    expect(patch.status).toBe(400);
    expect(patch.body.errors[0].field).toBe('regionCode');
    expect((await as(t, cw.accessToken).patch(`/cases/${ok.body.id}`, { version: ok.body.version, regionCode: 'SO2201' })).status).toBe(200);

    const incident = await as(t, cw.accessToken).post(`/cases/${ok.body.id}/incidents`, incidentBody({ regionCode: 'SO9999' }));
    expect(incident.status).toBe(400);
    expect(incident.body.errors[0].field).toBe('regionCode');
    expect(Number((await db.query('SELECT count(*)::int AS n FROM case_incidents WHERE case_id = $1', [ok.body.id]))[0].n)).toBe(0);

    const service = { serviceType: 'psychosocial', name: 'Listening point', regionCodes: ['SO11', 'SO9999'], languages: ['so'] };
    const svc = await as(t, sup.accessToken).post('/services', service);
    expect(svc.status).toBe(400);
    expect(svc.body.errors[0].field).toBe('regionCodes');
    expect((await as(t, sup.accessToken).post('/services', { ...service, regionCodes: ['SO11'] })).status).toBe(201);

    const agency = await as(t, admin.accessToken).post('/agencies', { name: 'Gazetteer test agency', type: 'national_ngo', serviceTypes: ['legal'], regionCodes: ['SO9999'] });
    expect(agency.status).toBe(400);
    expect(agency.body.errors[0].field).toBe('regionCodes');

    const complaint = await t.http().post('/sea/complaints').send(complaintBody({ regionCode: 'SO9999' }));
    expect(complaint.status).toBe(400);
    expect(complaint.body.errors[0].field).toBe('regionCode');
  });

  it('rolls an admin-2 column up to admin 1 in the GBVIMS report when one of its districts would be hidden', async () => {
    worker = await NestFactory.createApplicationContext(WorkerModule.forRoot(loadConfig({ ...process.env, ...env })), { logger: false });
    await worker.init();
    const incident = (region: string) => ({
      gbvType: 'rape',
      region,
      ageBand: '18_25',
      sex: 'female',
      delay: '0_3',
      relationship: 'intimate_partner',
      perpetratorAge: '26_40',
    });
    // Borama 6, Baki 2 (would be hidden), Mogadishu 7: Awdal's districts count as Awdal (8).
    const incidents = [...Array(6).fill(incident('SO1101')), ...Array(2).fill(incident('SO1102')), ...Array(7).fill(incident('SO2201'))];
    await seedCase(db, { agencyId, userId: cw.user.id, month: '2024-03', incidents, statisticsConsent: true });

    const req = await as(t, officer.accessToken).post('/reports', { template: 'gbvims_monthly', period: '2024-03' });
    expect(req.status).toBe(202);
    let body: { status?: string; result?: { regionRollUp?: string[]; sections: { id: string; columns: string[][]; cells: (number | null)[][]; grandTotal: number | null }[] } } = {};
    await until('report', async () => {
      body = (await t.http().get(`/reports/${req.body.id}`).set(bearer(officer.accessToken))).body;
      return body.status === 'done' || body.status === 'failed';
    });
    expect(body.status).toBe('done');
    expect(body.result!.regionRollUp).toEqual(['SO11']);
    const s = body.result!.sections.find((x) => x.id === 'incidents')!;
    expect(s.grandTotal).toBe(15);
    const regions = s.columns.map((c) => c[0]);
    expect(regions).toContain('SO11');
    expect(regions).toContain('SO2201');
    expect(regions).not.toContain('SO1101');
    expect(regions).not.toContain('SO1102');
    const rape = s.cells[0];
    expect(rape[s.columns.findIndex((c) => c[0] === 'SO11')]).toBe(8);
    expect(rape[s.columns.findIndex((c) => c[0] === 'SO2201')]).toBe(7);
  });
});
