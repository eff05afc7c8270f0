import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { REPORTING_ENTITIES } from './reporting.entities';
import { REPORTS_REPOSITORY_PROVIDER } from './reports.repository';
import { ReportsService } from './reports.service';

/** Report requests and results for the API. Needs the global Audit and Jobs modules and a TypeORM data source. */
@Module({
  imports: [TypeOrmModule.forFeature(REPORTING_ENTITIES)],
  providers: [REPORTS_REPOSITORY_PROVIDER, ReportsService],
  exports: [ReportsService],
})
export class ReportingModule {}
