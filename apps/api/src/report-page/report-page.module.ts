import { Module } from '@nestjs/common';
import { SeaModule } from '@amani/domain/sea';
import { ReportPageController } from './report-page.controller';

/** The complainant web pages under /report. */
@Module({
  imports: [SeaModule],
  controllers: [ReportPageController],
})
export class ReportPageModule {}
