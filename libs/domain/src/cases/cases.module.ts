import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LocationsModule } from '@amani/domain/locations';
import { CaseActionPlanService } from './case-action-plan.service';
import { CaseAttachmentsRepository, TypeOrmCaseAttachmentsRepository } from './case-attachments.repository';
import { CaseAttachmentsService } from './case-attachments.service';
import { CaseTransfersRepository, TypeOrmCaseTransfersRepository } from './case-transfers.repository';
import { CaseTransfersService } from './case-transfers.service';
import { CaseApprovalsService } from './case-approvals.service';
import { CaseAssessmentService } from './case-assessment.service';
import { CaseAuditor } from './case-auditor';
import { CaseCareRepository, TypeOrmCaseCareRepository } from './case-care.repository';
import { CaseConsentsService } from './case-consents.service';
import { CaseIncidentsService } from './case-incidents.service';
import { CaseNotesService } from './case-notes.service';
import { CaseReferralSource } from './case-referral-source.service';
import { CaseScope } from './case-scope';
import { CaseVault } from './case-vault';
import { CaseErasureHooks, ConsentWithdrawalHooks } from './case-hooks';
import { CASES_ENTITIES } from './cases.entities';
import { CasesRepository, TypeOrmCasesRepository } from './cases.repository';
import { CasesService } from './cases.service';
import { ReportingProjection } from './reporting-projection';

/**
 * The case store. Needs the global CryptoModule, AuditModule and a TypeORM data source.
 * CaseVault is deliberately not exported: nothing outside this module encrypts or decrypts
 * case fields.
 */
@Module({
  imports: [TypeOrmModule.forFeature(CASES_ENTITIES), LocationsModule],
  providers: [
    CaseVault,
    CaseScope,
    CaseAuditor,
    { provide: CaseCareRepository, useClass: TypeOrmCaseCareRepository },
    { provide: CaseAttachmentsRepository, useClass: TypeOrmCaseAttachmentsRepository },
    { provide: CaseTransfersRepository, useClass: TypeOrmCaseTransfersRepository },
    ReportingProjection,
    { provide: CasesRepository, useClass: TypeOrmCasesRepository },
    CasesService,
    CaseIncidentsService,
    CaseNotesService,
    CaseConsentsService,
    CaseActionPlanService,
    CaseAssessmentService,
    CaseApprovalsService,
    CaseAttachmentsService,
    CaseTransfersService,
    CaseReferralSource,
    ConsentWithdrawalHooks,
    CaseErasureHooks,
  ],
  exports: [
    CasesService,
    CaseIncidentsService,
    CaseNotesService,
    CaseConsentsService,
    CaseActionPlanService,
    CaseAssessmentService,
    CaseApprovalsService,
    CaseAttachmentsService,
    CaseTransfersService,
    CaseReferralSource,
    CaseScope,
    ReportingProjection,
    ConsentWithdrawalHooks,
    CaseErasureHooks,
  ],
})
export class CasesModule {}
