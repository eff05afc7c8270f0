import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { SeaIntakeThrottle } from './sea-intake-throttle';
import { SeaRetentionJob } from './sea-retention.job';
import { SeaRetentionScheduler } from './sea-retention.scheduler';
import { SeaRetentionService } from './sea-retention.service';
import { SEA_ENTITIES } from './sea.entities';
import { SeaRetentionRepository, TypeOrmSeaRetentionRepository } from './sea-retention.repository';

/** The worker's share of SEA: the daily retention job and its schedule. */
@Module({
  imports: [TypeOrmModule.forFeature(SEA_ENTITIES)],
  providers: [SeaIntakeThrottle, { provide: SeaRetentionRepository, useClass: TypeOrmSeaRetentionRepository }, SeaRetentionService, SeaRetentionJob, SeaRetentionScheduler],
})
export class SeaWorkerModule {}
