import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ReportBuildJob } from './report-build.job';
import { ReportBuilder } from './report-builder.service';
import { ReportScheduleJob } from './report-schedule.job';
import { ReportScheduler } from './report.scheduler';
import { REPORTING_ENTITIES } from './reporting.entities';
import { REPORTS_REPOSITORY_PROVIDER } from './reports.repository';

/** The worker's share of reporting: building reports (charts included) and the monthly/quarterly schedule. */
@Module({
  imports: [TypeOrmModule.forFeature(REPORTING_ENTITIES)],
  providers: [REPORTS_REPOSITORY_PROVIDER, ReportBuilder, ReportBuildJob, ReportScheduleJob, ReportScheduler],
})
export class ReportingWorkerModule {}
