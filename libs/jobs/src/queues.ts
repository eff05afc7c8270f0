/** The one BullMQ queue Amani uses; jobs are told apart by name. */
export const MAIN_QUEUE = 'amani';

/** Every job name. A name with no handler, or with two, stops the worker at start-up. */
export const JOB_NAMES = ['audit.checkpoint', 'report.build', 'report.schedule', 'referral.overdue_scan', 'deadline.scan', 'sea.retention'] as const;
export type JobName = (typeof JOB_NAMES)[number];
