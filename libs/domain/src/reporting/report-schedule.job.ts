import { Injectable, Logger } from '@nestjs/common';
import { JobHandler, JobHandlerFor, OutboxService } from '@amani/jobs';
import { previousPeriod } from './report-period';
import { templateSpec } from './report-templates';
import { ReportsRepository } from './reports.repository';
import { ensureReport } from './reports.service';
import { TransactionHost } from '@amani/database';

/** Payload of `report.schedule`: the template whose previous period is due. */
export interface ReportSchedulePayload {
  template: string;
  [key: string]: string;
}

/**
 * Fired by the BullMQ job scheduler: creates the inter-agency report of the template's
 * previous period and queues its build, in one transaction. A second firing, or a report a
 * protection officer already requested, finds the row and does nothing.
 */
@Injectable()
@JobHandlerFor('report.schedule')
export class ReportScheduleJob implements JobHandler<ReportSchedulePayload> {
  private readonly logger = new Logger(ReportScheduleJob.name);

  constructor(
    private readonly tx: TransactionHost,
    private readonly repo: ReportsRepository,
    private readonly outbox: OutboxService,
  ) {}

  async handle(payload: ReportSchedulePayload, _ctx?: unknown, now = new Date()): Promise<void> {
    const spec = templateSpec(payload.template);
    if (!spec) throw new Error('report.schedule names no buildable template');
    const period = previousPeriod(spec.periodKind, now);
    const { report, queued } = await this.tx.run(() =>
      ensureReport(this.repo, this.outbox, { template: spec.id, period: period.code, agencyId: null, origin: 'schedule' }),
    );
    this.logger.log({ reportId: report.id, template: spec.id, period: period.code, queued }, 'scheduled report');
  }
}
