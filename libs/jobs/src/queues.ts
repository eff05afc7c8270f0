/** The one BullMQ queue Amani uses; jobs are told apart by name. */
export const MAIN_QUEUE = 'amani';

/** Every job name. A name with no handler, or with two, stops the worker at start-up. */
export const JOB_NAMES = ['audit.checkpoint', 'report.build', 'report.schedule', 'referral.overdue_scan', 'deadline.scan', 'sea.retention', 'sea.digest', 'case.retention', 'agency_key.relayer', 'keys.rewrap', 'keys.reindex'] as const;
export type JobName = (typeof JOB_NAMES)[number];

/**
 * A job's lock in Redis lasts JOB_LOCK_MS and the worker running it renews it every half of
 * that (BullMQ's lock manager), however long the job runs. A worker killed with -9 stops
 * renewing: its lock expires within JOB_LOCK_MS and the next stalled-job check (every
 * STALLED_CHECK_MS, in every worker) hands the job to another worker, so a long report
 * resumes seconds after the crash instead of BullMQ's default 30 s + 30 s.
 */
export const JOB_LOCK_MS = 5_000;
export const STALLED_CHECK_MS = 1_500;
/** A job may stall (lose its worker) this many times before it fails instead of running again. */
export const MAX_STALLED_COUNT = 2;
