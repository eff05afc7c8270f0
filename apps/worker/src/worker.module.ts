import { DynamicModule, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { AmaniConfigModule, APP_CONFIG, AppConfig } from '@amani/config';
import { AuditModule, AuditCheckpointJob, AuditCheckpointScheduler } from '@amani/audit';
import { CryptoModule } from '@amani/crypto';
import { DatabaseModule } from '@amani/database';
import { APP_ENTITIES } from './app-entities';
import { loggerParams } from '@amani/http';
import { JobsModule } from '@amani/jobs';
import { ReferralsWorkerModule } from '@amani/domain/referrals/worker';
import { ReportingWorkerModule } from '@amani/domain/reporting/worker';
import { SeaWorkerModule } from '@amani/domain/sea/worker';
import { KeysWorkerModule } from '@amani/domain/keys';
import { RetentionWorkerModule } from '@amani/domain/retention/worker';
import { WorkerHealthServer } from './worker-health';
import { KeyringModule } from '@amani/auth';
import { AgencyKeyRotationWorkerModule } from '@amani/domain/agency-keys';

/** The queue worker: BullMQ processors, the outbox relay and scheduled jobs; HTTP only for its health checks. */
@Module({})
export class WorkerModule {
  static forRoot(config?: AppConfig): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        AmaniConfigModule.forRoot(config),
        LoggerModule.forRootAsync({ inject: [APP_CONFIG], useFactory: loggerParams }),
        DatabaseModule.forRoot({ entities: APP_ENTITIES }),
        CryptoModule,
        KeyringModule,
        JobsModule.forWorker(),
        AuditModule,
        ReportingWorkerModule,
        ReferralsWorkerModule,
        SeaWorkerModule,
        KeysWorkerModule,
        RetentionWorkerModule,
        AgencyKeyRotationWorkerModule,
      ],
      // Each context's worker module provides its jobs and its schedule (see worker-schedules.ts).
      providers: [AuditCheckpointJob, AuditCheckpointScheduler, WorkerHealthServer],
    };
  }
}
