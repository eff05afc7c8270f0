import { Injectable } from '@nestjs/common';
import { JobHandler, JobHandlerFor, RecurringJob, RecurringJobScheduler } from '@amani/jobs';
import { CaseRetentionService } from './case-retention.service';

export const CASE_RETENTION_JOB = 'case.retention' as const;
/** Every day at 02:30 UTC, beside the SEA retention job (02:15). */
export const CASE_RETENTION_SCHEDULE = '30 2 * * *';

/** Payload: none; each run works out what is due from the clock. */
@Injectable()
@JobHandlerFor(CASE_RETENTION_JOB)
export class CaseRetentionJob implements JobHandler {
  constructor(private readonly retention: CaseRetentionService) {}

  async handle(): Promise<void> {
    await this.retention.run();
  }
}

/** Worker only: the daily `case.retention` job. */
@Injectable()
export class CaseRetentionScheduler extends RecurringJobScheduler {
  recurringJobs(): RecurringJob[] {
    return [{ id: CASE_RETENTION_JOB, job: CASE_RETENTION_JOB, repeat: { pattern: CASE_RETENTION_SCHEDULE, tz: 'UTC' } }];
  }
}
