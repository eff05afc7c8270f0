import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { Agency } from '@amani/auth';
import { sqlIn } from '@amani/domain/cases';
import { PERIOD_SQL_PATTERN } from './report-period';
import type { ReportResult } from './report-tables';
import { REPORT_TEMPLATE_IDS, ReportTemplateId } from './report-templates';

export const REPORT_STATUSES = ['queued', 'running', 'done', 'failed'] as const;
export type ReportStatus = (typeof REPORT_STATUSES)[number];

export const REPORT_ORIGINS = ['request', 'schedule'] as const;
export type ReportOrigin = (typeof REPORT_ORIGINS)[number];

/**
 * One report per (template, period, scope): the inter-agency report (agency_id NULL) and
 * one per agency for supervisors. The two partial unique indexes are the idempotency key of
 * requests, schedules and job retries alike. `result` and `chart_svg` hold only suppressed,
 * published figures; a done report is never rebuilt.
 */
@Entity({ name: 'reports' })
@Check('reports_template_check', sqlIn('template', REPORT_TEMPLATE_IDS))
@Check('reports_period_check', `period ~ '${PERIOD_SQL_PATTERN}'`)
@Check('reports_status_check', sqlIn('status', REPORT_STATUSES))
@Check('reports_origin_check', sqlIn('origin', REPORT_ORIGINS))
@Check('reports_progress_check', 'progress BETWEEN 0 AND 100')
@Check('reports_done_check', `(status = 'done') = (result IS NOT NULL)`)
@Index('reports_inter_agency_key', ['template', 'period'], { unique: true, where: 'agency_id IS NULL' })
@Index('reports_agency_key', ['template', 'period', 'agencyId'], { unique: true, where: 'agency_id IS NOT NULL' })
export class Report {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'varchar', length: 32 })
  template: ReportTemplateId;

  @Column({ type: 'varchar', length: 7 })
  period: string;

  /** NULL: the inter-agency report; else the one agency a supervisor's report covers. */
  @Column({ name: 'agency_id', type: 'uuid', nullable: true })
  agencyId: string | null;

  @ManyToOne(() => Agency, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'agency_id', foreignKeyConstraintName: 'reports_agency_id_fkey' })
  agency?: Agency;

  @Column({ type: 'varchar', length: 16 })
  origin: ReportOrigin;

  @Column({ type: 'varchar', length: 16, default: 'queued' })
  status: ReportStatus;

  @Column({ type: 'smallint', default: 0 })
  progress: number;

  /** Build runs started (retries and restarts after a crash included). */
  @Column({ type: 'int', default: 0 })
  runs: number;

  /** The threshold k the result was suppressed with. */
  @Column({ name: 'min_cell_count', type: 'smallint', nullable: true })
  minCellCount: number | null;

  @Column({ type: 'jsonb', nullable: true })
  result: ReportResult | null;

  @Column({ name: 'chart_svg', type: 'text', nullable: true })
  chartSvg: string | null;

  @Column({ name: 'error_code', type: 'varchar', length: 64, nullable: true })
  errorCode: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;

  @Column({ name: 'started_at', type: 'timestamptz', nullable: true })
  startedAt: Date | null;

  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true })
  finishedAt: Date | null;
}
