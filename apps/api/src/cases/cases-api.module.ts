import { Module } from '@nestjs/common';
import { MulterModule } from '@nestjs/platform-express';
import { APP_CONFIG, AppConfig } from '@amani/config';
import { CasesModule } from '@amani/domain/cases';
import { CaseAttachmentsController } from './case-attachments.controller';
import { CaseActionPlanController } from './case-action-plan.controller';
import { ApprovalsController, CaseCareController } from './case-care.controller';
import { CaseConsentsController } from './case-consents.controller';
import { CaseIncidentsController } from './case-incidents.controller';
import { CaseNotesController } from './case-notes.controller';
import { CasesController } from './cases.controller';

/** HTTP routes of the case store. */
@Module({
  imports: [
    CasesModule,
    // Memory storage (multer's default without a destination): an upload never touches the
    // disk in clear. The size cap stops reading as soon as it is passed (413).
    MulterModule.registerAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({ limits: { fileSize: config.attachments.maxBytes, files: 1, fields: 0, parts: 1, headerPairs: 20 } }),
    }),
  ],
  controllers: [CasesController, CaseIncidentsController, CaseNotesController, CaseConsentsController, CaseActionPlanController, CaseCareController, ApprovalsController, CaseAttachmentsController],
})
export class CasesApiModule {}
