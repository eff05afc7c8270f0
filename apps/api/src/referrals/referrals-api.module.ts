import { Module } from '@nestjs/common';
import { ReferralsModule } from '@amani/domain/referrals';
import { CaseReferralsController } from './case-referrals.controller';
import { NotificationsController } from './notifications.controller';
import { ReferralsController } from './referrals.controller';

/** HTTP routes of referrals and notifications. */
@Module({
  imports: [ReferralsModule],
  controllers: [CaseReferralsController, ReferralsController, NotificationsController],
})
export class ReferralsApiModule {}
