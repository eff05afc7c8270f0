import { DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import { LoggerModule } from 'nestjs-pino';
import { AuditModule } from '@amani/audit';
import { AuthModule } from '@amani/auth';
import { AmaniConfigModule, APP_CONFIG, AppConfig } from '@amani/config';
import { CryptoModule } from '@amani/crypto';
import { DatabaseModule } from '@amani/database';
import { APP_ENTITIES } from './app-entities';
import { CasesModule } from '@amani/domain/cases';
import { ReferralsModule } from '@amani/domain/referrals';
import { ReportingModule } from '@amani/domain/reporting';
import { SeaModule } from '@amani/domain/sea';
import { loggerParams, AmaniThrottlerGuard, throttlerOptions } from '@amani/http';
import { JobsModule } from '@amani/jobs';
// The API's limiter, shared rather than copied: same Redis counters, same keyed tracker, so
// password guessing through the console meets the same limits as through /auth/login.
import { CasePageLoader } from './cases/case-page.loader';
import { CasePagesController } from './cases/case-pages.controller';
import { CaseWorkController } from './cases/case-work.controller';
import { ServicePagesController } from './supervisor/service-pages.controller';
import { SupervisorController } from './supervisor/supervisor.controller';
import { HomeController } from './home.controller';
import { ReferralPagesController } from './referrals/referral-pages.controller';
import { ReportPagesController } from './reports/report-pages.controller';
import { PendingFormService } from './session/pending-form.service';
import { ResumeController } from './session/resume.controller';
import { WebSessionGuard } from './session/web-session.guard';
import { WebSessionService } from './session/web-session.service';
import { SignInController } from './sign-in/sign-in.controller';
import { SeaIntakePagesController } from './sea-intake/sea-intake-pages.controller';
import { PseaPagesController } from './psea/psea-pages.controller';
import { SeaAssistancePagesController } from './psea/sea-assistance-pages.controller';
import { SeaUnlockCookie } from './psea/sea-unlock-cookie';
import { KeysUnlockCookie } from './session/keys-unlock-cookie';
import { AdminAgenciesController } from './admin/admin-agencies.controller';
import { AdminAuditController } from './admin/admin-audit.controller';
import { AdminUsersController } from './admin/admin-users.controller';
import { ApprovalsController } from './admin/approvals.controller';
import { LocationsModule } from '@amani/domain/locations';

/**
 * The staff console: server-rendered pages over the same domain services as the API, in
 * its own process and on its own port (WEB_PORT), with cookie sessions bound to the API's
 * auth sessions.
 */
@Module({})
export class WebModule {
  static forRoot(config?: AppConfig): DynamicModule {
    return {
      module: WebModule,
      imports: [
        AmaniConfigModule.forRoot(config),
        LoggerModule.forRootAsync({ inject: [APP_CONFIG], useFactory: loggerParams }),
        DatabaseModule.forRoot({ entities: APP_ENTITIES }),
        CryptoModule,
        ThrottlerModule.forRootAsync({ inject: [APP_CONFIG], useFactory: throttlerOptions }),
        JobsModule.forApi(),
        AuditModule,
        AuthModule,
        CasesModule,
        ReferralsModule,
        ReportingModule,
        // SEA: its login hook unlocks a focal point's key at console sign-in too (SeaUnlockCookie keeps the client's half).
        SeaModule,
        LocationsModule,
      ],
      // CaseWorkController before CasePagesController: /cases/new must not be taken for a case id.
      controllers: [
        SignInController,
        HomeController,
        CaseWorkController,
        CasePagesController,
        ReferralPagesController,
        ReportPagesController,
        SupervisorController,
        ServicePagesController,
        ResumeController,
        SeaIntakePagesController,
        PseaPagesController,
        SeaAssistancePagesController,
        AdminAgenciesController,
        AdminUsersController,
        ApprovalsController,
        AdminAuditController,
      ],
      providers: [WebSessionService, PendingFormService, CasePageLoader, SeaUnlockCookie, KeysUnlockCookie, { provide: APP_GUARD, useClass: AmaniThrottlerGuard }, { provide: APP_GUARD, useClass: WebSessionGuard }],
    };
  }
}
