import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { SeaIntakeThrottle } from './sea-intake-throttle';
import { SeaRetentionJob } from './sea-retention.job';
import { SeaRetentionScheduler } from './sea-retention.scheduler';
import { SeaRetentionService } from './sea-retention.service';
import { SEA_ENTITIES } from './sea.entities';
import { SeaRetentionRepository, TypeOrmSeaRetentionRepository } from './sea-retention.repository';
import { SeaDigestJob, SeaDigestScheduler } from './sea-digest.job';
import { SeaDigestRepository, TypeOrmSeaDigestRepository } from './sea-digest.repository';
import { SeaDigestService } from './sea-digest.service';

/** The worker's share of SEA: the daily retention job, the focal points' daily digest, and their schedules. */
@Module({
  imports: [TypeOrmModule.forFeature(SEA_ENTITIES)],
  providers: [
    SeaIntakeThrottle,
    { provide: SeaRetentionRepository, useClass: TypeOrmSeaRetentionRepository },
    SeaRetentionService,
    SeaRetentionJob,
    SeaRetentionScheduler,
    { provide: SeaDigestRepository, useClass: TypeOrmSeaDigestRepository },
    SeaDigestService,
    SeaDigestJob,
    SeaDigestScheduler,
  ],
})
export class SeaWorkerModule {}
