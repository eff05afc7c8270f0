import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { MasterKeyCustodyGuard } from './master-key-custody.guard';
import { BlindIndexReindexJob, BlindIndexReindexResumer, MasterKeyRewrapJob, MasterKeyRewrapResumer } from './master-key-rewrap.job';
import { BlindIndexReindexService } from './blind-index-reindex.service';
import { CaseVault } from '@amani/domain/cases';
import { MasterKeyRotationService, MASTER_KEY_TARGETS_TOKEN } from './master-key-rotation.service';
import { MASTER_KEY_TARGETS } from './master-key-targets';
import { MasterKeyVersion } from './master-key-version.entity';

const SHARED = [MasterKeyRotationService, { provide: MASTER_KEY_TARGETS_TOKEN, useValue: MASTER_KEY_TARGETS }, CaseVault, BlindIndexReindexService];

/** API and CLI: master key status, rotation requests, retirement, and the start-up custody check. */
@Module({
  imports: [TypeOrmModule.forFeature([MasterKeyVersion])],
  providers: [...SHARED],
  exports: [MasterKeyRotationService, BlindIndexReindexService],
})
export class KeysModule {}

/** The API's share: only the start-up check. */
@Module({
  imports: [KeysModule],
  providers: [MasterKeyCustodyGuard],
})
export class KeysApiModule {}

/** The worker's share: the re-wrap and re-index jobs, their resumption at start-up, and the start-up check. */
@Module({
  imports: [KeysModule],
  providers: [MasterKeyRewrapJob, MasterKeyRewrapResumer, BlindIndexReindexJob, BlindIndexReindexResumer, MasterKeyCustodyGuard],
})
export class KeysWorkerModule {}
