import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CasesModule } from '@amani/domain/cases';
import { ServicesDirectoryModule } from '@amani/domain/services-directory';
import { NotificationsRepository, TypeOrmNotificationsRepository } from './notifications.repository';
import { NotificationsService } from './notifications.service';
import { ReferralAuditor } from './referral-auditor';
import { ReferralPacketShredder } from './referral-packet-shredder';
import { ReferralVault } from './referral-vault';
import { REFERRALS_ENTITIES } from './referrals.entities';
import { ReferralsRepository, TypeOrmReferralsRepository } from './referrals.repository';
import { ReferralsService } from './referrals.service';

/**
 * Referrals. Needs the global CryptoModule and AuditModule and a TypeORM data source.
 * Importing it registers the packet shredder on consent withdrawal; the referral vault stays
 * private to this module.
 */
@Module({
  imports: [TypeOrmModule.forFeature(REFERRALS_ENTITIES), CasesModule, ServicesDirectoryModule],
  providers: [
    ReferralVault,
    { provide: ReferralsRepository, useClass: TypeOrmReferralsRepository },
    { provide: NotificationsRepository, useClass: TypeOrmNotificationsRepository },
    ReferralAuditor,
    ReferralPacketShredder,
    ReferralsService,
    NotificationsService,
  ],
  exports: [ReferralsService, NotificationsService, ServicesDirectoryModule],
})
export class ReferralsModule {}
