import { Module } from '@nestjs/common';
import { CasesModule } from '@amani/domain/cases';
import { ReferralsModule } from '@amani/domain/referrals';
import { CaseRetentionJob, CaseRetentionScheduler } from './case-retention.job';
import { CaseRetentionRepository, TypeOrmCaseRetentionRepository } from './case-retention.repository';
import { CaseRetentionService } from './case-retention.service';

/**
 * The worker's case retention. It erases through the case store, and imports the referrals
 * module so that the referrals' erasure hooks (packets, notes, notifications) run in the worker too.
 */
@Module({
  imports: [CasesModule, ReferralsModule],
  providers: [{ provide: CaseRetentionRepository, useClass: TypeOrmCaseRetentionRepository }, CaseRetentionService, CaseRetentionJob, CaseRetentionScheduler],
})
export class RetentionWorkerModule {}
