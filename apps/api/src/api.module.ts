import { DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import { LoggerModule } from 'nestjs-pino';
import { AmaniConfigModule, APP_CONFIG, AppConfig } from '@amani/config';
import { AuditModule } from '@amani/audit';
import { AuthModule, JwtAuthGuard, RolesGuard } from '@amani/auth';
import { CryptoModule } from '@amani/crypto';
import { DatabaseModule } from '@amani/database';
import { APP_ENTITIES } from './app-entities';
import { loggerParams, AmaniThrottlerGuard, throttlerOptions } from '@amani/http';
import { JobsModule } from '@amani/jobs';
import { KeysApiModule } from '@amani/domain/keys';
import { LocationsModule } from '@amani/domain/locations';
import { ReportingModule } from '@amani/domain/reporting';
import { AgenciesController } from './agencies/agencies.controller';
import { AgencyKeysController } from './agency-keys/agency-keys.controller';
import { AuditController } from './audit/audit.controller';
import { AuthController } from './auth/auth.controller';
import { CasesApiModule } from './cases/cases-api.module';
import { HealthModule } from './health/health.module';
import { LocationsController } from './locations/locations.controller';
import { ReferralsApiModule } from './referrals/referrals-api.module';
import { ReportPageModule } from './report-page/report-page.module';
import { ReportsController } from './reports/reports.controller';
import { SeaApiModule } from './sea/sea-api.module';
import { ServicesDirectoryApiModule } from './services-directory/services-directory-api.module';
import { UsersController } from './users/users.controller';
import { AgencyKeyRotationModule } from '@amani/domain/agency-keys';

/** The HTTP application. Guards run in order: rate limit, authentication, role. */
@Module({})
export class ApiModule {
  static forRoot(config?: AppConfig): DynamicModule {
    return {
      module: ApiModule,
      imports: [
        AmaniConfigModule.forRoot(config),
        LoggerModule.forRootAsync({ inject: [APP_CONFIG], useFactory: loggerParams }),
        DatabaseModule.forRoot({ entities: APP_ENTITIES }),
        CryptoModule,
        ThrottlerModule.forRootAsync({ inject: [APP_CONFIG], useFactory: throttlerOptions }),
        JobsModule.forApi(),
        AuditModule,
        AuthModule,
        HealthModule,
        CasesApiModule,
        ServicesDirectoryApiModule,
        ReferralsApiModule,
        SeaApiModule,
        ReportPageModule,
        LocationsModule,
        ReportingModule,
        KeysApiModule,
        AgencyKeyRotationModule,
      ],
      controllers: [AuthController, UsersController, AgenciesController, AgencyKeysController, AuditController, ReportsController, LocationsController],
      providers: [
        { provide: APP_GUARD, useClass: AmaniThrottlerGuard },
        { provide: APP_GUARD, useClass: JwtAuthGuard },
        { provide: APP_GUARD, useClass: RolesGuard },
      ],
    };
  }
}
