// The retention context's face for the worker app (the case retention job and its schedule).
export * from './retention-worker.module';
export * from './case-retention.job';
export * from './case-retention.service';
