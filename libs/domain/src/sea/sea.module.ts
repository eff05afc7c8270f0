import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CasesModule } from '@amani/domain/cases';
import { LocationsModule } from '@amani/domain/locations';
import { SeaAssistanceService } from './sea-assistance.service';
import { SeaAuditor } from './sea-auditor';
import { SeaCrypto } from './sea-crypto';
import { SeaIntakeThrottle } from './sea-intake-throttle';
import { SeaIntakeService } from './sea-intake.service';
import { SeaKeysService } from './sea-keys.service';
import { SeaLoginHook } from './sea-login.hook';
import { SeaRetentionService } from './sea-retention.service';
import { SeaWorkspaceService } from './sea-workspace.service';
import { SEA_ENTITIES } from './sea.entities';
import { SeaComplaintsRepository, TypeOrmSeaComplaintsRepository } from './sea-complaints.repository';
import { SeaSealer } from './sea-sealed-fields';
import { SeaKeysRepository, TypeOrmSeaKeysRepository } from './sea-keys.repository';
import { SeaRetentionRepository, TypeOrmSeaRetentionRepository } from './sea-retention.repository';
import { SeaEndorsementsService } from './sea-endorsements.service';
import { SeaTrustService } from './sea-trust.service';
import { SeaInvestigationRepository, TypeOrmSeaInvestigationRepository } from './sea-investigation.repository';
import { SeaInvestigationService } from './sea-investigation.service';
import { SeaAssistedIntakeService } from './sea-assisted-intake.service';
import { SeaComplainantControlService } from './sea-complainant-control.service';
import { SeaComplainantControlRepository, TypeOrmSeaComplainantControlRepository } from './sea-complainant-control.repository';
import { SeaAttachmentsRepository, TypeOrmSeaAttachmentsRepository } from './sea-attachments.repository';
import { SeaEvidenceService } from './sea-evidence.service';

/**
 * SEA complaints for the API and the CLI. Needs the global Config, Crypto, Audit and Auth
 * modules and a TypeORM data source. SeaCrypto is not exported: only these services touch
 * complaint ciphertexts.
 */
@Module({
  imports: [TypeOrmModule.forFeature(SEA_ENTITIES), CasesModule, LocationsModule],
  providers: [
    SeaCrypto,
    SeaSealer,
    { provide: SeaComplaintsRepository, useClass: TypeOrmSeaComplaintsRepository },
    { provide: SeaKeysRepository, useClass: TypeOrmSeaKeysRepository },
    { provide: SeaRetentionRepository, useClass: TypeOrmSeaRetentionRepository },
    { provide: SeaInvestigationRepository, useClass: TypeOrmSeaInvestigationRepository },
    { provide: SeaAttachmentsRepository, useClass: TypeOrmSeaAttachmentsRepository },
    SeaAuditor,
    SeaTrustService,
    SeaEndorsementsService,
    SeaIntakeThrottle,
    SeaKeysService,
    SeaLoginHook,
    SeaIntakeService,
    SeaWorkspaceService,
    SeaAssistanceService,
    SeaRetentionService,
    SeaInvestigationService,
    { provide: SeaComplainantControlRepository, useClass: TypeOrmSeaComplainantControlRepository },
    SeaAssistedIntakeService,
    SeaComplainantControlService,
    SeaEvidenceService,
  ],
  exports: [
    SeaKeysService,
    SeaEndorsementsService,
    SeaTrustService,
    SeaIntakeService,
    SeaWorkspaceService,
    SeaAssistanceService,
    SeaRetentionService,
    SeaInvestigationService,
    SeaAssistedIntakeService,
    SeaComplainantControlService,
    SeaEvidenceService,
  ],
})
export class SeaModule {}

