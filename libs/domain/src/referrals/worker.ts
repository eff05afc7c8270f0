// The referrals context's face for the worker app (jobs and schedules), beside the API face in index.ts.
export * from './referrals-worker.module';
export * from './referral-overdue.job';
export * from './deadline-scan.job';
export * from './referral-overdue.scheduler';
