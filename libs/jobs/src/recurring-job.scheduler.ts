import type { JobPayload } from './job-payload';
import type { JobName } from './queues';

export interface RecurringJob {
  /** BullMQ job-scheduler id; the same id from every worker is one schedule. */
  id: string;
  job: JobName;
  repeat: { every: number } | { pattern: string; tz?: string };
  data?: JobPayload;
}

/**
 * Worker only: a feature declares its recurring jobs by extending this class (no
 * dependencies, so a test can list them with `new X().recurringJobs()`). The ScheduleKeeper
 * finds every such provider and keeps their BullMQ job schedulers in Redis.
 */
export abstract class RecurringJobScheduler {
  abstract recurringJobs(): RecurringJob[];
}
