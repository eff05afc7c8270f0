export * from './reporting.entities';
export { REPORT_ORIGINS, REPORT_STATUSES } from './report.entity';
export type { ReportOrigin, ReportStatus } from './report.entity';
export * from './disclosure-control';
export * from './report-period';
export * from './report-templates';
export * from './report-tables';
export * from './report-indicators';
export * from './report-csv';
export * from './reports.service';
export * from './reporting.module';
// The worker-only parts (builder, jobs, scheduler, chart rendering) are in ./worker
// (`@amani/domain/reporting/worker`), so the API never loads the charting library.
export { REPORTS_REPOSITORY_PROVIDER } from './reports.repository';
