import { DynamicModule, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { AmaniConfigModule, APP_CONFIG, AppConfig } from '@amani/config';
import { AuditModule, AuditCheckpointJob } from '@amani/audit';
import { CryptoModule } from '@amani/crypto';
import { DatabaseModule } from '@amani/database';
import { loggerParams } from '@amani/http';
import { JobsModule } from '@amani/jobs';
import { DeadlineScanJob, ReferralOverdueJob } from '@amani/domain/referrals';
import { ReportBuilder } from '@amani/domain/reporting/report-builder.service';
import { ReportBuildJob } from '@amani/domain/reporting/report-build.job';
import { ReportScheduleJob } from '@amani/domain/reporting/report-schedule.job';
import { REPORTS_REPOSITORY_PROVIDER } from '@amani/domain/reporting';
import { SEA_WORKER_PROVIDERS } from '@amani/domain/sea/sea.module';
import { WorkerHealthServer } from './worker-health';
import { WORKER_SCHEDULERS } from './worker-schedules';

/** The queue worker: BullMQ processors, the outbox relay and scheduled jobs; HTTP only for its health checks. */
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
      providers: [
        AuditCheckpointJob,
        ReportBuilder,
        ReportBuildJob,
        REPORTS_REPOSITORY_PROVIDER,
        ReportScheduleJob,
        ...SEA_WORKER_PROVIDERS,
        ReferralOverdueJob,
        DeadlineScanJob,
        ...WORKER_SCHEDULERS,
        WorkerHealthServer,
      ],
    };
  }
}
