import { AuditCheckpointScheduler } from '@amani/audit';
import type { RecurringJob } from '@amani/jobs';
import { collectRecurringJobs } from '@amani/jobs';
import { ReferralOverdueScheduler } from '@amani/domain/referrals';
import { ReportScheduler } from '@amani/domain/reporting/report.scheduler';
import { SeaRetentionScheduler } from '@amani/domain/sea/sea-retention.scheduler';

/**
 * The registry of the worker's recurring jobs: each feature's scheduler declaration. The
 * worker module provides exactly these, and the resilience tests count schedules from here.
 */
export const WORKER_SCHEDULERS = [AuditCheckpointScheduler, ReportScheduler, ReferralOverdueScheduler, SeaRetentionScheduler];

/** Every recurring job the worker keeps in Redis. */
export function workerRecurringJobs(): RecurringJob[] {
  return collectRecurringJobs(WORKER_SCHEDULERS.map((S) => new S()));
}
