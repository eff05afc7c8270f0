import { DynamicModule, Module } from '@nestjs/common';
import { AmaniConfigModule, AppConfig } from '@amani/config';
import { AuditModule } from '@amani/audit';
import { AuthModule } from '@amani/auth';
import { CryptoModule } from '@amani/crypto';
import { CasesModule, CaseVault } from '@amani/domain/cases';
import { ReferralsModule, ReferralVault } from '@amani/domain/referrals';
import { LocationsModule } from '@amani/domain/locations';
import { SeaModule } from '@amani/domain/sea';
import { DatabaseModule } from '@amani/database';
import { SCHEMA } from './schema';
import { JobsModule } from '@amani/jobs';
import { AdminCreateCommand } from './commands/admin-create.command';
import { AgencyKeyMigration } from './commands/agency-key-migration';
import { AuditVerifyCommand } from './commands/audit-verify.command';
import { KeysMigrateAgencyCommand } from './commands/keys-migrate-agency.command';
import { LocationsImportCommand } from './commands/locations-import.command';
import { SeaBootstrapCommand } from './commands/sea-bootstrap.command';
import { SeedDemoCommand } from './commands/seed-demo.command';
import { KeysReindexCommand, KeysRetireCommand, KeysRewrapCommand, KeysRotateCommand, KeysStatusCommand } from './commands/keys.command';
import { KeysModule } from '@amani/domain/keys';

/** Operator commands: `npm run cli -- <command>`. */
@Module({})
export class CliModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: CliModule,
      imports: [AmaniConfigModule.forRoot(config), DatabaseModule.forRoot(SCHEMA), CryptoModule, JobsModule.forApi(), AuditModule.forCli(), AuthModule, CasesModule, ReferralsModule, SeaModule, LocationsModule, KeysModule],
      providers: [
        AdminCreateCommand,
        AuditVerifyCommand,
        SeedDemoCommand,
        SeaBootstrapCommand,
        LocationsImportCommand,
        KeysStatusCommand,
        KeysRotateCommand,
        KeysRewrapCommand,
        KeysReindexCommand,
        KeysRetireCommand,
        KeysMigrateAgencyCommand,
        AgencyKeyMigration,
        // The vaults (not exported by their modules) for the key migration: it opens and seals keys itself.
        CaseVault,
        ReferralVault,
      ],
    };
  }
}
