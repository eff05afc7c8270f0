import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, QueryRunner } from 'typeorm';
import { AppConfig, InjectConfig, NodeEnv } from '@amani/config';
import { DisclosureControlError } from './disclosure-control';
import { renderChartSvg } from './report-chart';
import { parsePeriod, ReportPeriod } from './report-period';
import type { RegionNode } from '@amani/domain/locations';
import { AggregateRow, aggregationQuery, buildReportResult, readAggregation, REGION_KEY } from './report-tables';
import { TemplateSpec, templateFamilies, templateSpec } from './report-templates';
import { Report } from './report.entity';

export type BuildOutcome = 'built' | 'already_done' | 'missing';

/** Another worker holds the report's build lock: the job is retried later (BullMQ backoff). */
export class ReportBusyError extends Error {
  constructor() {
    super('the report is being built by another worker');
    this.name = 'ReportBusyError';
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Builds one report from the reporting projection only. Safe to run any number of times and
 * in any number of workers:
 * - a session advisory lock per report lets one build run at a time; a worker killed with
 *   -9 loses its connection and so its lock at once, and BullMQ's stalled-job check hands
 *   the job to another worker, which starts the build again;
 * - a done report is final (never rebuilt: two versions of one period could be subtracted);
 *   a report not yet done is overwritten in place, so there is always exactly one row;
 * - PostgreSQL does the counting (one GROUPING SETS statement per family of tables, in one
 *   snapshot); only groups reach Node.
 */
@Injectable()
export class ReportBuilder {
  private readonly logger = new Logger(ReportBuilder.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  async build(reportId: string, onProgress: (p: number) => Promise<void> = async () => undefined): Promise<BuildOutcome> {
    const qr = this.dataSource.createQueryRunner();
    await qr.connect();
    const lockKey = `amani.report:${reportId}`;
    let locked = false;
    try {
      const [{ ok }] = await qr.query(`SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS ok`, [lockKey]);
      if (!ok) throw new ReportBusyError();
      locked = true;
      const report = await qr.manager.findOneBy(Report, { id: reportId });
      if (!report) return 'missing';
      if (report.status === 'done') return 'already_done';
      return await this.run(qr, report, onProgress);
    } finally {
      if (locked) await qr.query(`SELECT pg_advisory_unlock(hashtextextended($1, 0))`, [lockKey]).catch(() => undefined);
      await qr.release();
    }
  }

  private async run(qr: QueryRunner, report: Report, onProgress: (p: number) => Promise<void>): Promise<BuildOutcome> {
    const progress = async (p: number) => {
      await qr.query(`UPDATE reports SET progress = $2, updated_at = now() WHERE id = $1`, [report.id, p]);
      await onProgress(p);
    };
    try {
      const spec = templateSpec(report.template);
      const period = spec ? parsePeriod(report.period, spec.periodKind) : null;
      if (!spec || !period) throw new DisclosureControlError('the stored template or period is not buildable');
      if (report.agencyId && !spec.scopes.includes('agency')) throw new DisclosureControlError('the template has no agency scope');
      await qr.query(
        `UPDATE reports SET status = 'running', progress = 5, runs = runs + 1, started_at = now(), error_code = NULL,
         updated_at = now() WHERE id = $1`,
        [report.id],
      );
      await onProgress(5);
      const k = this.config.reporting.minCellCount;
      const { groups, regions } = await this.aggregate(qr, spec, period, report.agencyId);
      await progress(60);
      await this.testOnlyPause();
      const result = buildReportResult(spec, period, report.agencyId ? 'agency' : 'inter_agency', k, groups, regions);
      await progress(80);
      const svg = await renderChartSvg(result);
      await qr.query(
        `UPDATE reports SET status = 'done', progress = 100, result = $2::jsonb, chart_svg = $3, min_cell_count = $4,
         finished_at = now(), updated_at = now() WHERE id = $1 AND status <> 'done'`,
        [report.id, JSON.stringify(result), svg, k],
      );
      this.logger.log({ reportId: report.id, template: spec.id, period: period.code, groups: groups.length }, 'report built');
      return 'built';
    } catch (e) {
      const code = e instanceof DisclosureControlError ? 'disclosure_control' : 'build_error';
      this.logger.warn({ reportId: report.id, err: { type: (e as Error)?.name }, code }, 'report build failed');
      await qr
        .query(`UPDATE reports SET status = 'failed', error_code = $2, updated_at = now() WHERE id = $1 AND status <> 'done'`, [
          report.id,
          code,
        ])
        .catch(() => undefined);
      throw e;
    }
  }

  /**
   * Every family's aggregation in one read-only REPEATABLE READ transaction: one snapshot, so
   * two families never disagree because a write landed between their statements.
   */
  private async aggregate(
    qr: QueryRunner,
    spec: TemplateSpec,
    period: ReportPeriod,
    agencyId: string | null,
  ): Promise<{ groups: AggregateRow[]; regions: Map<string, RegionNode> }> {
    await qr.startTransaction('REPEATABLE READ');
    try {
      await qr.query('SET TRANSACTION READ ONLY');
      // Sized to the job, not to a request: the aggregation may take minutes on a large
      // projection. A killed worker's statement is cancelled by the session's client check.
      await qr.query(`SELECT set_config('statement_timeout', $1, true)`, [String(this.config.reporting.statementTimeoutMs)]);
      const groups: AggregateRow[] = [];
      for (const family of templateFamilies(spec)) {
        if (agencyId && !family.source.agencyScoped) throw new DisclosureControlError('the source has no agency scope');
        const raw: Record<string, unknown>[] = await qr.query(aggregationQuery(family).sql, family.source.params(period, agencyId));
        groups.push(...readAggregation(family, raw));
      }
      // The gazetteer in the same snapshot, for rolling region columns up to admin level 1.
      const usesRegion = templateFamilies(spec).some((f) => f.sections.some((s) => [...s.rows, ...s.columns].some((d) => d.key === REGION_KEY)));
      const regions = new Map<string, RegionNode>();
      if (usesRegion) {
        const rows: { p_code: string; admin_level: number; parent_p_code: string | null }[] = await qr.query(
          'SELECT p_code, admin_level, parent_p_code FROM locations WHERE admin_level >= 1',
        );
        for (const r of rows) regions.set(r.p_code, { adminLevel: r.admin_level, parentPCode: r.parent_p_code });
      }
      await qr.commitTransaction();
      return { groups, regions };
    } catch (e) {
      await qr.rollbackTransaction().catch(() => undefined);
      throw e;
    }
  }

  /** Tests stretch a build to kill a worker in the middle of it; nothing else may. */
  private async testOnlyPause(): Promise<void> {
    if (this.config.env !== NodeEnv.Test) return;
    const ms = Number(process.env.AMANI_TEST_REPORT_PAUSE_MS ?? 0);
    if (ms > 0) await sleep(ms);
  }
}
