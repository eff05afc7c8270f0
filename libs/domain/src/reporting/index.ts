export * from './disclosure-control';
export * from './report-period';
export * from './report-templates';
export * from './report-tables';
export * from './report-indicators';
export * from './report-csv';
export * from './report.entity';
export * from './reports.service';
// The worker-only parts (builder, jobs, scheduler, chart rendering) are imported by path so
// the API never loads the charting library.
export { REPORTS_REPOSITORY_PROVIDER } from './reports.repository';
