import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DeadlineScanJob } from './deadline-scan.job';
import { ReferralOverdueJob } from './referral-overdue.job';
import { ReferralOverdueScheduler } from './referral-overdue.scheduler';
import { REFERRALS_ENTITIES } from './referrals.entities';

/** The worker's share of referrals: the overdue sweep and the deadline scan, with their schedule. */
@Module({
  imports: [TypeOrmModule.forFeature(REFERRALS_ENTITIES)],
  providers: [ReferralOverdueJob, DeadlineScanJob, ReferralOverdueScheduler],
})
export class ReferralsWorkerModule {}
