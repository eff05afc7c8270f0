import { Module } from '@nestjs/common';
import { SeaModule } from '@amani/domain/sea';
import { SeaAssistanceController } from './sea-assistance.controller';
import { SeaInvestigationController } from './sea-investigation.controller';
import { SeaKeysController } from './sea-keys.controller';
import { SeaPublicController } from './sea-public.controller';
import { SeaWorkspaceController } from './sea-workspace.controller';
import { SeaAssistedIntakeController } from './sea-assisted-intake.controller';
import { SeaPublicControlController } from './sea-public-control.controller';
import { SeaEvidenceController } from './sea-evidence.controller';

/** HTTP routes of SEA complaints: anonymous intake, the focal point workspace, keys, assistance. */
@Module({
  imports: [SeaModule],
  controllers: [SeaPublicController, SeaWorkspaceController, SeaKeysController, SeaAssistanceController, SeaInvestigationController, SeaAssistedIntakeController, SeaPublicControlController, SeaEvidenceController],
})
export class SeaApiModule {}
