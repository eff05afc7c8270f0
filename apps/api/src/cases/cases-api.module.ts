import { Module } from '@nestjs/common';
import { CasesModule } from '@amani/domain/cases';
import { CaseActionPlanController } from './case-action-plan.controller';
import { ApprovalsController, CaseCareController } from './case-care.controller';
import { CaseConsentsController } from './case-consents.controller';
import { CaseIncidentsController } from './case-incidents.controller';
import { CaseNotesController } from './case-notes.controller';
import { CasesController } from './cases.controller';

/** HTTP routes of the case store. */
@Module({
  imports: [CasesModule],
  controllers: [CasesController, CaseIncidentsController, CaseNotesController, CaseConsentsController, CaseActionPlanController, CaseCareController, ApprovalsController],
})
export class CasesApiModule {}
