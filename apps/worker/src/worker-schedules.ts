import { AuditCheckpointScheduler } from '@amani/audit';
import type { RecurringJob } from '@amani/jobs';
import { collectRecurringJobs } from '@amani/jobs';
import { ReferralOverdueScheduler } from '@amani/domain/referrals/worker';
import { ReportScheduler } from '@amani/domain/reporting/worker';
import { SeaDigestScheduler, SeaRetentionScheduler } from '@amani/domain/sea/worker';
import { CaseRetentionScheduler } from '@amani/domain/retention/worker';

/**
 * The registry of the worker's recurring jobs: each feature's scheduler declaration. Each
 * context's worker module provides its own; the resilience tests count schedules from here.
 */
export const WORKER_SCHEDULERS = [AuditCheckpointScheduler, ReportScheduler, ReferralOverdueScheduler, SeaRetentionScheduler, SeaDigestScheduler, CaseRetentionScheduler];

/** Every recurring job the worker keeps in Redis. */
export function workerRecurringJobs(): RecurringJob[] {
  return collectRecurringJobs(WORKER_SCHEDULERS.map((S) => new S()));
}
