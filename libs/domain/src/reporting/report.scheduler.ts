import { Injectable } from '@nestjs/common';
import { RecurringJob, RecurringJobScheduler } from '@amani/jobs';
import { AVAILABLE_TEMPLATES } from './report-templates';

export const reportSchedulerId = (template: string) => `report.schedule.${template}`;

/** Worker only: one schedule per report template that has one (GBVIMS monthly on the 5th, …). */
@Injectable()
export class ReportScheduler extends RecurringJobScheduler {
  protected recurringJobs(): RecurringJob[] {
    const out: RecurringJob[] = [];
    for (const spec of Object.values(AVAILABLE_TEMPLATES)) {
      if (!spec?.schedule) continue;
      out.push({
        id: reportSchedulerId(spec.id),
        job: 'report.schedule',
        repeat: { pattern: spec.schedule, tz: 'UTC' },
        data: { template: spec.id },
      });
    }
    return out;
  }
}
