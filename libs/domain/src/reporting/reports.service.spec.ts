import { randomUUID } from 'node:crypto';
import { DomainException } from '@amani/http';
import type { OutboxService } from '@amani/jobs';
import { FakeAuditService, FakeTransactionHost } from '../testing/unit-fakes';
import type { Report, ReportOrigin } from './report.entity';
import type { ReportResult } from './report-tables';
import { ReportKey, ReportListRow, ReportsRepository } from './reports.repository';
import { ReportActor, ReportsService, STALE_BUILD_MINUTES } from './reports.service';

async function problem(p: Promise<unknown>): Promise<DomainException> {
  try {
    await p;
  } catch (e) {
    if (e instanceof DomainException) return e;
    throw e;
  }
  throw new Error('expected a problem');
}

class FakeReportsRepository implements ReportsRepository {
  readonly rows = new Map<string, Report>();

  add(over: Partial<Report> & Pick<Report, 'template' | 'period' | 'agencyId'>): Report {
    const now = new Date();
    const r: Report = {
      id: randomUUID(),
      origin: 'request',
      status: 'queued',
      progress: 0,
      runs: 0,
      minCellCount: null,
      result: null,
      chartSvg: null,
      errorCode: null,
      createdAt: now,
      updatedAt: now,
      startedAt: null,
      finishedAt: null,
      ...over,
    };
    this.rows.set(r.id, r);
    return r;
  }

  private same(r: Report, key: ReportKey): boolean {
    return r.template === key.template && r.period === key.period && r.agencyId === key.agencyId;
  }

  insertIfAbsent(key: ReportKey, origin: ReportOrigin): Promise<string | null> {
    if ([...this.rows.values()].some((r) => this.same(r, key))) return Promise.resolve(null);
    return Promise.resolve(this.add({ ...key, template: key.template as Report['template'], origin }).id);
  }
  findByKey(key: ReportKey): Promise<Report | null> {
    return Promise.resolve([...this.rows.values()].find((r) => this.same(r, key)) ?? null);
  }
  requeueIfFailedOrStale(id: string, staleMinutes: number): Promise<boolean> {
    const r = this.rows.get(id)!;
    const stale = r.status !== 'done' && r.updatedAt.getTime() < Date.now() - staleMinutes * 60_000;
    if (r.status !== 'failed' && !stale) return Promise.resolve(false);
    Object.assign(r, { status: 'queued', progress: 0, errorCode: null, updatedAt: new Date() });
    return Promise.resolve(true);
  }
  findById(id: string): Promise<Report | null> {
    return Promise.resolve(this.rows.get(id) ?? null);
  }
  doneResults(template: string, agencyId: string | null, periods: readonly string[]): Promise<Pick<Report, 'period' | 'result'>[]> {
    return Promise.resolve([...this.rows.values()].filter((r) => r.template === template && r.agencyId === agencyId && r.status === 'done' && periods.includes(r.period)));
  }
  page(agencyId: string | null, page: number, pageSize: number): Promise<[ReportListRow[], number]> {
    const all = [...this.rows.values()].filter((r) => r.agencyId === agencyId).sort((a, b) => b.period.localeCompare(a.period) || a.template.localeCompare(b.template));
    return Promise.resolve([all.slice((page - 1) * pageSize, page * pageSize), all.length]);
  }
}

class FakeOutbox {
  readonly jobs: { name: string; payload: Record<string, unknown>; depth: number }[] = [];
  constructor(private readonly tx: FakeTransactionHost) {}
  enqueue(name: string, payload: Record<string, unknown>): Promise<void> {
    this.jobs.push({ name, payload, depth: this.tx.depth });
    return Promise.resolve();
  }
}

const RESULT = { sections: [], indicators: [] } as unknown as ReportResult;

describe('ReportsService', () => {
  const now = new Date('2026-12-02T10:00:00Z');
  let tx: FakeTransactionHost;
  let audit: FakeAuditService;
  let repo: FakeReportsRepository;
  let outbox: FakeOutbox;
  let sut: ReportsService;
  let agencyA: string;
  let supA: ReportActor;
  let supB: ReportActor;
  let po: ReportActor;

  beforeEach(() => {
    tx = new FakeTransactionHost();
    audit = new FakeAuditService();
    repo = new FakeReportsRepository();
    outbox = new FakeOutbox(tx);
    sut = new ReportsService(tx.asHost(), repo, outbox as unknown as OutboxService, audit.asService());
    agencyA = randomUUID();
    supA = { id: randomUUID(), role: 'supervisor', agencyId: agencyA };
    supB = { id: randomUUID(), role: 'supervisor', agencyId: randomUUID() };
    po = { id: randomUUID(), role: 'protection_officer', agencyId: null };
  });

  describe('request', () => {
    it("creates the report of the caller's scope and queues its build in the same transaction, audited with it", async () => {
      const { report, queued } = await sut.request(supA, { template: 'gbvims_monthly', period: '2026-11' }, 'req-1', now);
      expect(queued).toBe(true);
      expect(report).toMatchObject({ template: 'gbvims_monthly', period: '2026-11', scope: 'agency', status: 'queued', result: null });
      expect(outbox.jobs).toEqual([{ name: 'report.build', payload: { reportId: report.id }, depth: 1 }]);
      expect(audit.events).toEqual([expect.objectContaining({ action: 'report.request', outcome: 'success', targetId: report.id, details: { template: 'gbvims_monthly', period: '2026-11', queued: true }, inTransaction: true, requestId: 'req-1' })]);
      const inter = await sut.request(po, { template: 'gbvims_monthly', period: '2026-11' }, undefined, now);
      expect(inter.report.scope).toBe('inter_agency');
      expect(inter.report.id).not.toBe(report.id);
    });

    it('a second request finds the row and queues nothing, unless the build failed or stalled', async () => {
      const first = (await sut.request(po, { template: 'gbvims_monthly', period: '2026-11' }, undefined, now)).report;
      expect((await sut.request(po, { template: 'gbvims_monthly', period: '2026-11' }, undefined, now)).queued).toBe(false);
      repo.rows.get(first.id)!.status = 'failed';
      expect((await sut.request(po, { template: 'gbvims_monthly', period: '2026-11' }, undefined, now)).queued).toBe(true);
      Object.assign(repo.rows.get(first.id)!, { status: 'running', updatedAt: new Date(Date.now() - (STALE_BUILD_MINUTES + 1) * 60_000) });
      expect((await sut.request(po, { template: 'gbvims_monthly', period: '2026-11' }, undefined, now)).queued).toBe(true);
      Object.assign(repo.rows.get(first.id)!, { status: 'done' });
      expect((await sut.request(po, { template: 'gbvims_monthly', period: '2026-11' }, undefined, now)).queued).toBe(false);
      expect(outbox.jobs).toHaveLength(3);
    });

    it('a template outside the scope is a 403, audited as denied; other roles are refused', async () => {
      const e = await problem(sut.request(supA, { template: 'sea_quarterly', period: '2026-Q3' }, undefined, now));
      expect(e.status).toBe(403);
      expect(audit.last()).toMatchObject({ action: 'report.request', outcome: 'denied', details: { template: 'sea_quarterly', reason: 'template_not_in_scope' } });
      for (const role of ['caseworker', 'provider', 'admin', 'psea_focal_point'] as const) {
        expect((await problem(sut.request({ id: randomUUID(), role, agencyId: agencyA }, { template: 'gbvims_monthly', period: '2026-11' }, undefined, now))).status).toBe(403);
      }
      expect((await problem(sut.request({ ...supA, agencyId: null }, { template: 'gbvims_monthly', period: '2026-11' }, undefined, now))).status).toBe(403);
      expect(repo.rows.size).toBe(0);
    });

    it('an unknown template or a malformed period is a 400 naming the field; a period not ended a 422', async () => {
      expect((await problem(sut.request(po, { template: 'nope', period: '2026-11' }, undefined, now))).errors?.[0].field).toBe('template');
      expect((await problem(sut.request(po, { template: 'gbvims_monthly', period: '2026-Q3' }, undefined, now))).errors?.[0].field).toBe('period');
      const e = await problem(sut.request(po, { template: 'gbvims_monthly', period: '2026-12' }, undefined, now));
      expect([e.status, e.code]).toEqual([422, 'period_not_ended']);
    });
  });

  describe('reading', () => {
    it("lists only the caller's scope", async () => {
      const mine = repo.add({ template: 'gbvims_monthly', period: '2026-11', agencyId: agencyA });
      repo.add({ template: 'gbvims_monthly', period: '2026-11', agencyId: supB.agencyId });
      repo.add({ template: 'gbvims_monthly', period: '2026-11', agencyId: null });
      expect((await sut.list(supA, 1, 10)).items.map((r) => r.id)).toEqual([mine.id]);
      expect((await sut.list(po, 1, 10)).total).toBe(1);
    });

    it("another scope's report answers 404 exactly like a missing one, audited as denied with the reason", async () => {
      const theirs = repo.add({ template: 'gbvims_monthly', period: '2026-11', agencyId: supB.agencyId });
      const other = await problem(sut.get(supA, theirs.id));
      const missing = await problem(sut.get(supA, randomUUID()));
      expect([other.status, other.code, other.message]).toEqual([missing.status, missing.code, missing.message]);
      expect(audit.events.map((e) => [e.action, e.outcome, e.details?.reason])).toEqual([
        ['report.read', 'denied', 'out_of_scope'],
        ['report.read', 'denied', 'not_found'],
      ]);
      expect((await problem(sut.get(supA, repo.add({ template: 'gbvims_monthly', period: '2026-10', agencyId: null }).id))).status).toBe(404);
    });

    it('polling a report in progress is not audited; reading a built one is', async () => {
      const r = repo.add({ template: 'gbvims_monthly', period: '2026-11', agencyId: agencyA });
      await sut.get(supA, r.id);
      expect(audit.events).toEqual([]);
      Object.assign(r, { status: 'done', result: RESULT });
      expect((await sut.get(supA, r.id)).result).toBe(RESULT);
      expect(audit.last()).toMatchObject({ action: 'report.read', outcome: 'success', details: { template: 'gbvims_monthly', period: '2026-11', format: 'json' } });
    });

    it('exports CSV and the chart only once built (409 before), audited per format', async () => {
      const r = repo.add({ template: 'gbvims_monthly', period: '2026-11', agencyId: agencyA });
      expect((await problem(sut.exportCsv(supA, r.id))).code).toBe('report_not_ready');
      expect((await problem(sut.chartSvg(supA, r.id))).code).toBe('report_not_ready');
      Object.assign(r, { status: 'done', result: RESULT, chartSvg: '<svg/>' });
      expect((await sut.exportCsv(supA, r.id)).filename).toBe('amani-gbvims_monthly-2026-11.csv');
      expect(await sut.chartSvg(supA, r.id)).toEqual({ filename: 'amani-gbvims_monthly-2026-11.svg', body: '<svg/>' });
      expect(audit.events.filter((e) => e.outcome === 'success').map((e) => e.details?.format)).toEqual(['csv', 'svg']);
    });
  });
});
