import { Injectable } from '@nestjs/common';
import { JobContext, JobHandler, JobHandlerFor } from '@amani/jobs';
import { ReportBuilder } from './report-builder.service';

/** Payload of `report.build`: the report row's id, nothing else. */
export interface ReportBuildPayload {
  reportId: string;
  [key: string]: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Idempotent: a done report is left alone, an unfinished one is built again in place. */
@Injectable()
@JobHandlerFor('report.build')
export class ReportBuildJob implements JobHandler<ReportBuildPayload> {
  constructor(private readonly builder: ReportBuilder) {}

  async handle(payload: ReportBuildPayload, ctx: JobContext): Promise<void> {
    if (typeof payload.reportId !== 'string' || !UUID.test(payload.reportId)) throw new Error('report.build needs a report id');
    await this.builder.build(payload.reportId, (p) => ctx.updateProgress(p));
  }
}
