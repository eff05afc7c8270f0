import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { REPORTING_ENTITIES } from './reporting.entities';
import { ReportsService } from './reports.service';

/** Report requests and results for the API. Needs the global Audit and Jobs modules and a TypeORM data source. */
@Module({
  imports: [TypeOrmModule.forFeature(REPORTING_ENTITIES)],
  providers: [ReportsService],
  exports: [ReportsService],
})
export class ReportingModule {}
