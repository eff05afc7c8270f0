import { Injectable } from '@nestjs/common';
import { JobHandler, JobHandlerFor, RecurringJob, RecurringJobScheduler } from '@amani/jobs';
import { SeaDigestService } from './sea-digest.service';

export const SEA_DIGEST_JOB = 'sea.digest' as const;
/** Every day at 06:00 UTC: the previous day's complaints are all in. */
export const SEA_DIGEST_SCHEDULE = '0 6 * * *';

@Injectable()
@JobHandlerFor(SEA_DIGEST_JOB)
export class SeaDigestJob implements JobHandler {
  constructor(private readonly digest: SeaDigestService) {}

  async handle(): Promise<void> {
    await this.digest.run();
  }
}

/** Worker only: the daily `sea.digest` job. */
@Injectable()
export class SeaDigestScheduler extends RecurringJobScheduler {
  recurringJobs(): RecurringJob[] {
    return [{ id: SEA_DIGEST_JOB, job: SEA_DIGEST_JOB, repeat: { pattern: SEA_DIGEST_SCHEDULE, tz: 'UTC' } }];
  }
}
