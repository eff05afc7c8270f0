import { SeaWorkspaceService, toSeaActor } from '@amani/domain/sea';
import { createTestApp, TestApp } from '../support/app';
import { assessment, complaintBody, focalPoint, FocalPoint, fpApi, newComplaint } from './sea-fixtures';

const DAY = 86_400_000;

/**
 * The overdue ordering of the focal points' list as PostgreSQL applies it (the repository's
 * SQL), checked against the domain's rule on real rows: the same complaints listed "today"
 * and as if days had passed, with the default deadlines (triage 24 h, assistance 72 h,
 * referral to the entity 168 h, from the start of the receipt day in UTC).
 */
describe('SEA complaint list: overdue first (SQL)', () => {
  let t: TestApp;
  let fp: FocalPoint;
  let untriaged: string;
  let waitingAssistance: string;
  let referred: string;

  beforeAll(async () => {
    t = await createTestApp();
    fp = await focalPoint(t);
    untriaged = (await newComplaint(t, complaintBody({ wantsAssistance: false }))).id;
    waitingAssistance = (await newComplaint(t, complaintBody({ wantsAssistance: true }))).id;
    referred = (await newComplaint(t, complaintBody({ wantsAssistance: false }))).id;
    expect((await fpApi(t, fp).post(`/sea/complaints/${waitingAssistance}/status`, assessment())).status).toBe(200);
    expect((await fpApi(t, fp).post(`/sea/complaints/${referred}/status`, { ...assessment(), outcome: 'referred_to_entity' })).status).toBe(200);
  });
  afterAll(() => t?.close());

  async function listAt(now: Date): Promise<{ id: string; overdue: string[] }[]> {
    const actor = toSeaActor({ id: fp.user.id, role: 'psea_focal_point', agencyId: fp.user.agencyId, sessionId: 'ignored' });
    const page = await t.app.get(SeaWorkspaceService).list(actor, { page: 1, pageSize: 100 }, now);
    const mine = new Set([untriaged, waitingAssistance, referred]);
    const items = page.items.map((c) => ({ id: c.id, overdue: c.overdue }));
    // Globally: no complaint without a missed deadline comes before one with.
    const firstOnTime = items.findIndex((c) => c.overdue.length === 0);
    if (firstOnTime >= 0) expect(items.slice(firstOnTime).every((c) => c.overdue.length === 0)).toBe(true);
    return items.filter((c) => mine.has(c.id));
  }

  it('the API list carries `overdue` for each item; nothing received today is late yet', async () => {
    const res = await fpApi(t, fp).get('/sea/complaints?pageSize=100');
    expect(res.status).toBe(200);
    const byId = new Map((res.body.items as { id: string; overdue: string[] }[]).map((c) => [c.id, c.overdue]));
    expect([byId.get(untriaged), byId.get(waitingAssistance), byId.get(referred)]).toEqual([[], [], []]);
  });

  it('two days on: the untriaged complaint is late for triage and comes first', async () => {
    const items = await listAt(new Date(Date.now() + 2 * DAY));
    expect(items[0]).toEqual({ id: untriaged, overdue: ['triage'] });
    expect(new Map(items.map((c) => [c.id, c.overdue])).get(waitingAssistance)).toEqual([]);
  });

  it('eight days on: triage, assistance and referral deadlines, except where the outcome says referred', async () => {
    const items = await listAt(new Date(Date.now() + 8 * DAY));
    const byId = new Map(items.map((c) => [c.id, c.overdue]));
    expect(byId.get(untriaged)).toEqual(['triage', 'entity_referral']);
    expect(byId.get(waitingAssistance)).toEqual(['assistance', 'entity_referral']);
    expect(byId.get(referred)).toEqual([]);
    expect(items[items.length - 1].id).toBe(referred);
  });
});
