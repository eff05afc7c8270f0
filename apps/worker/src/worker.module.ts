import { DynamicModule, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { AmaniConfigModule, APP_CONFIG, AppConfig } from '@amani/config';
import { AuditModule, AuditCheckpointJob, AuditCheckpointScheduler } from '@amani/audit';
import { CryptoModule } from '@amani/crypto';
import { DatabaseModule } from '@amani/database';
import { loggerParams } from '@amani/http';
import { JobsModule } from '@amani/jobs';
import { DeadlineScanJob, ReferralOverdueJob, ReferralOverdueScheduler } from '@amani/domain/referrals';
import { ReportBuilder } from '@amani/domain/reporting/report-builder.service';
import { ReportBuildJob } from '@amani/domain/reporting/report-build.job';
import { ReportScheduleJob } from '@amani/domain/reporting/report-schedule.job';
import { ReportScheduler } from '@amani/domain/reporting/report.scheduler';
import { SEA_WORKER_PROVIDERS } from '@amani/domain/sea/sea.module';

/** The queue worker: BullMQ processors, the outbox relay and scheduled jobs; no HTTP. */
@Module({})
export class WorkerModule {
  static forRoot(config?: AppConfig): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        AmaniConfigModule.forRoot(config),
        LoggerModule.forRootAsync({ inject: [APP_CONFIG], useFactory: loggerParams }),
        DatabaseModule,
        CryptoModule,
        JobsModule.forWorker(),
        AuditModule,
      ],
      providers: [AuditCheckpointJob, AuditCheckpointScheduler, ReportBuilder, ReportBuildJob, ReportScheduleJob, ReportScheduler, ...SEA_WORKER_PROVIDERS, ReferralOverdueJob, DeadlineScanJob, ReferralOverdueScheduler],
    };
  }
}
