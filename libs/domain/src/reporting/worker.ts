// The reporting context's face for the worker app: the builder, jobs and schedule load the charting
// library, so they stay out of index.ts (the API's face).
export * from './reporting-worker.module';
export * from './report-builder.service';
export * from './report-build.job';
export * from './report-schedule.job';
export * from './report.scheduler';
