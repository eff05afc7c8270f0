import { Injectable } from '@nestjs/common';
import { AuditService } from '@amani/audit';
import { ConflictProblem, DomainException, NotFoundProblem, UnprocessableProblem, ValidationProblem } from '@amani/http';
import { OutboxService } from '@amani/jobs';
import type { Role } from '@amani/auth';
import { reportToCsv } from './report-csv';
import { parsePeriod, periodHasEnded, periodsUpTo, ReportPeriod } from './report-period';
import type { ReportResult } from './report-tables';
import { REPORT_TEMPLATE_IDS, ReportScope, templateSpec, TemplateSpec } from './report-templates';
import { Report, ReportOrigin, ReportStatus } from './report.entity';
import { ReportListRow, ReportsRepository } from './reports.repository';
import { TransactionHost } from '@amani/database';
import type { Page } from '@amani/http';

export const REPORT_BUILD_JOB = 'report.build' as const;
export const REPORT_SCHEDULE_JOB = 'report.schedule' as const;

/** A report not done and untouched for this long is queued again by the next request. */
export const STALE_BUILD_MINUTES = 15;

/** Who asks. Protection officers see inter-agency reports; supervisors their agency's only. */
export interface ReportActor {
  id: string;
  role: Role;
  agencyId: string | null;
}

export interface ReportSummary {
  id: string;
  template: string;
  period: string;
  scope: ReportScope;
  status: ReportStatus;
  progress: number;
  minCellCount: number | null;
  errorCode: string | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
}

export interface ReportView extends ReportSummary {
  result: ReportResult | null;
}

export type ReportPage = Page<ReportSummary>;

/** One point of a headline trend: the chart section's published grand total of one period. */
export interface ReportTrendPoint {
  period: string;
  /** Null when the period's report is not built or its total was suppressed. */
  value: number | null;
  built: boolean;
}

export interface ReportTrend {
  template: string;
  section: string;
  title: string;
  points: ReportTrendPoint[];
}

export interface ReportFile {
  filename: string;
  body: string;
}

export class ReportNotReadyProblem extends ConflictProblem {
  constructor() {
    super('report_not_ready', 'The report has not been built yet.');
  }
}

class ReportScopeForbidden extends DomainException {
  constructor() {
    super(403, 'forbidden', 'Your role may not use this route.');
  }
}

class ReportTemplateForbidden extends DomainException {
  constructor() {
    super(403, 'forbidden', 'Your role may not request this report template.');
  }
}

function summary(r: ReportListRow): ReportSummary {
  return {
    id: r.id,
    template: r.template,
    period: r.period,
    scope: r.agencyId ? 'agency' : 'inter_agency',
    status: r.status,
    progress: r.progress,
    minCellCount: r.minCellCount,
    errorCode: r.errorCode,
    createdAt: r.createdAt,
    startedAt: r.startedAt,
    finishedAt: r.finishedAt,
  };
}

/** Resolves a template id, or throws the 400 the API answers with. */
export function resolveTemplate(template: string): TemplateSpec {
  const spec = templateSpec(template);
  if (!spec) throw new ValidationProblem([{ field: 'template', message: `must be one of: ${REPORT_TEMPLATE_IDS.join(', ')}` }]);
  return spec;
}

/** Resolves a period code of the template's kind, or throws the 400/422 the API answers with. */
export function resolvePeriod(spec: TemplateSpec, periodCode: string, now: Date): ReportPeriod {
  const period = parsePeriod(periodCode, spec.periodKind);
  if (!period) {
    const shape = spec.periodKind === 'month' ? 'a calendar month, YYYY-MM' : 'a calendar quarter, YYYY-Qn';
    throw new ValidationProblem([{ field: 'period', message: `must be ${shape}, for this template` }]);
  }
  if (!periodHasEnded(period, now)) {
    throw new UnprocessableProblem('period_not_ended', 'A report can only cover a period that has ended.', [
      { field: 'period', message: 'must have ended' },
    ]);
  }
  return period;
}

/** Resolves a template id and a period code, or throws the 400/422 the API answers with. */
export function resolveReportRequest(template: string, periodCode: string, now: Date): { spec: TemplateSpec; period: ReportPeriod } {
  const spec = resolveTemplate(template);
  return { spec, period: resolvePeriod(spec, periodCode, now) };
}

/**
 * Creates the report row of (template, period, scope) if it does not exist, and in the same
 * transaction the outbox row of its build job. Returns the row and whether a build was queued
 * (a new row, or a failed or stalled one queued again). Shared by the API and the scheduled
 * job; call it inside TransactionHost.run (the repository and the outbox join it).
 */
export async function ensureReport(
  repo: ReportsRepository,
  outbox: OutboxService,
  key: { template: string; period: string; agencyId: string | null; origin: ReportOrigin },
): Promise<{ report: Report; queued: boolean }> {
  let id = await repo.insertIfAbsent(key, key.origin);
  let queued = id !== null;
  if (id === null) {
    const existing = await repo.findByKey(key);
    if (!existing) throw new Error('report row vanished between insert and read');
    id = existing.id;
    // A failed build, or one that no worker has touched for a long time (its job was lost,
    // e.g. killed again after a stall), is queued again; the build lock keeps a live one safe.
    queued = await repo.requeueIfFailedOrStale(id, STALE_BUILD_MINUTES);
  }
  if (queued) await outbox.enqueue(REPORT_BUILD_JOB, { reportId: id });
  const report = await repo.findById(id);
  if (!report) throw new Error('report row vanished');
  return { report, queued };
}

/** Requests, lists and serves reports within the caller's scope. */
@Injectable()
export class ReportsService {
  constructor(
    private readonly tx: TransactionHost,
    private readonly repo: ReportsRepository,
    private readonly outbox: OutboxService,
    private readonly audit: AuditService,
  ) {}

  /** The agency whose reports the actor sees: null for inter-agency. */
  private scopeOf(actor: ReportActor): string | null {
    if (actor.role === 'protection_officer') return null;
    if (actor.role === 'supervisor' && actor.agencyId) return actor.agencyId;
    throw new ReportScopeForbidden();
  }

  async request(
    actor: ReportActor,
    input: { template: string; period: string },
    requestId?: string,
    now = new Date(),
  ): Promise<{ report: ReportView; queued: boolean }> {
    const agencyId = this.scopeOf(actor);
    const spec = resolveTemplate(input.template);
    // SEA statistics cover complaints, which belong to no agency: there is no supervisor's
    // version of them, and the template id is public, so the refusal is a 403, audited.
    if (!spec.scopes.includes(agencyId ? 'agency' : 'inter_agency')) {
      await this.audit.record({
        action: 'report.request',
        outcome: 'denied',
        actorId: actor.id,
        actorRole: actor.role,
        agencyId: actor.agencyId,
        targetType: 'report',
        targetId: null,
        details: { template: spec.id, reason: 'template_not_in_scope' },
        requestId: requestId ?? null,
      });
      throw new ReportTemplateForbidden();
    }
    const period = resolvePeriod(spec, input.period, now);
    return this.tx.run(async (em) => {
      const { report, queued } = await ensureReport(this.repo, this.outbox, {
        template: spec.id,
        period: period.code,
        agencyId,
        origin: 'request',
      });
      await this.audit.record(
        {
          action: 'report.request',
          outcome: 'success',
          actorId: actor.id,
          actorRole: actor.role,
          agencyId: actor.agencyId,
          targetType: 'report',
          targetId: report.id,
          details: { template: spec.id, period: period.code, queued },
          requestId: requestId ?? null,
        },
        em,
      );
      return { report: { ...summary(report), result: report.result }, queued };
    });
  }

  async list(actor: ReportActor, page: number, pageSize: number): Promise<ReportPage> {
    const agencyId = this.scopeOf(actor);
    const [rows, total] = await this.repo.page(agencyId, page, pageSize);
    return { items: rows.map(summary), page, pageSize, total };
  }

  async get(actor: ReportActor, id: string, requestId?: string): Promise<ReportView> {
    const report = await this.findInScope(actor, id, 'report.read', requestId);
    // Polling a report in progress reads no figures; reading a built one is audited.
    if (report.result) await this.recordRead(actor, report, 'report.read', { format: 'json' }, requestId);
    return { ...summary(report), result: report.result };
  }

  async exportCsv(actor: ReportActor, id: string, requestId?: string): Promise<ReportFile> {
    const report = await this.findInScope(actor, id, 'report.export', requestId);
    if (report.status !== 'done' || !report.result) throw new ReportNotReadyProblem();
    await this.recordRead(actor, report, 'report.export', { format: 'csv' }, requestId);
    return { filename: `amani-${report.template}-${report.period}.csv`, body: reportToCsv(report.result) };
  }

  async chartSvg(actor: ReportActor, id: string, requestId?: string): Promise<ReportFile> {
    const report = await this.findInScope(actor, id, 'report.export', requestId);
    if (report.status !== 'done' || !report.chartSvg) throw new ReportNotReadyProblem();
    await this.recordRead(actor, report, 'report.export', { format: 'svg' }, requestId);
    return { filename: `amani-${report.template}-${report.period}.svg`, body: report.chartSvg };
  }

  /**
   * The headline figure (the chart section's grand total) of a report and the periods before
   * it, from reports already built in the same scope: published figures only, nothing is
   * computed from the projection. One audited read covers the whole trend.
   */
  async trend(actor: ReportActor, id: string, periods = 12, requestId?: string): Promise<ReportTrend> {
    const report = await this.findInScope(actor, id, 'report.trend', requestId);
    const spec = templateSpec(report.template);
    const period = spec ? parsePeriod(report.period, spec.periodKind) : null;
    if (!spec || !period) throw new ReportNotReadyProblem();
    const codes = periodsUpTo(period, Math.max(1, Math.min(periods, 36)));
    const rows = await this.repo.doneResults(report.template, report.agencyId, codes);
    const byPeriod = new Map(rows.map((r) => [r.period, r.result]));
    const points = codes.map((code) => {
      const result = byPeriod.get(code);
      const section = result?.sections.find((s) => s.id === spec.chart.section);
      return { period: code, value: section?.grandTotal ?? null, built: Boolean(result) };
    });
    await this.recordRead(actor, report, 'report.trend', { periods: String(codes.length) }, requestId);
    return { template: spec.id, section: spec.chart.section, title: spec.chart.title, points };
  }

  /** Outside the caller's scope answers exactly like a missing report, and is audited. */
  private async findInScope(actor: ReportActor, id: string, action: string, requestId?: string): Promise<Report> {
    const agencyId = this.scopeOf(actor);
    const report = await this.repo.findById(id);
    if (report && report.agencyId === agencyId) return report;
    await this.audit.record({
      action,
      outcome: 'denied',
      actorId: actor.id,
      actorRole: actor.role,
      agencyId: actor.agencyId,
      targetType: 'report',
      targetId: id,
      details: { reason: report ? 'out_of_scope' : 'not_found' },
      requestId: requestId ?? null,
    });
    throw new NotFoundProblem('report');
  }

  private recordRead(
    actor: ReportActor,
    report: Report,
    action: string,
    details: Record<string, string>,
    requestId?: string,
  ): Promise<void> {
    return this.audit.record({
      action,
      outcome: 'success',
      actorId: actor.id,
      actorRole: actor.role,
      agencyId: actor.agencyId,
      targetType: 'report',
      targetId: report.id,
      details: { template: report.template, period: report.period, ...details },
      requestId: requestId ?? null,
    });
  }
}
