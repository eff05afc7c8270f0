// The SEA context's face for the worker app (jobs and schedules), beside the API face in index.ts.
export * from './sea-worker.module';
export * from './sea-retention.job';
export * from './sea-retention.scheduler';
export * from './sea-digest.job';
export * from './sea-digest.service';
