import { Injectable } from '@nestjs/common';
import { RecurringJob, RecurringJobScheduler } from '@amani/jobs';
import { REPORT_TEMPLATES } from './report-templates';

export const reportSchedulerId = (template: string) => `report.schedule.${template}`;

/**
 * Worker only: one schedule per report template that has one (GBVIMS monthly and referral
 * performance on the 5th of each month, SEA statistics on the 10th after each quarter).
 */
@Injectable()
export class ReportScheduler extends RecurringJobScheduler {
  recurringJobs(): RecurringJob[] {
    const out: RecurringJob[] = [];
    for (const spec of Object.values(REPORT_TEMPLATES)) {
      if (!spec.schedule) continue;
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
