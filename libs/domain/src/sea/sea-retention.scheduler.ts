import { Injectable } from '@nestjs/common';
import { RecurringJob, RecurringJobScheduler } from '@amani/jobs';

export const SEA_RETENTION_SCHEDULE = '15 2 * * *';

/** Worker only: the daily `sea.retention` job. */
@Injectable()
export class SeaRetentionScheduler extends RecurringJobScheduler {
  recurringJobs(): RecurringJob[] {
    return [{ id: 'sea.retention', job: 'sea.retention', repeat: { pattern: SEA_RETENTION_SCHEDULE, tz: 'UTC' } }];
  }
}
