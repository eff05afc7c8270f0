import { Injectable } from '@nestjs/common';
import { RecurringJob, RecurringJobScheduler } from '@amani/jobs';

export const AUDIT_CHECKPOINT_EVERY_MS = 3_600_000;

/** Worker only: an hourly signed checkpoint of the audit chain. */
@Injectable()
export class AuditCheckpointScheduler extends RecurringJobScheduler {
  recurringJobs(): RecurringJob[] {
    return [{ id: 'audit.checkpoint', job: 'audit.checkpoint', repeat: { every: AUDIT_CHECKPOINT_EVERY_MS } }];
  }
}
