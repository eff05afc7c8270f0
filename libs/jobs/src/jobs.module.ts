import { BullModule } from '@nestjs/bullmq';
import { DynamicModule, Module } from '@nestjs/common';
import type { RedisOptions } from 'bullmq';
import { DiscoveryModule } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { APP_CONFIG, AppConfig } from '@amani/config';
import { JobDispatcher } from './job-dispatcher.processor';
import { JOBS_ENTITIES } from './jobs.entities';
import { OutboxRelayService } from './outbox/outbox-relay.service';
import { OutboxService } from './outbox/outbox.service';
import { MAIN_QUEUE } from './queues';
import { redisOptionsFromUrl } from './redis-options';
import { ScheduleKeeper } from './schedule-keeper.service';
import { Clock, SystemClock } from './clock';

/** One clock per application: a test that moves it moves every job's time at once. */
const CLOCK = { provide: Clock, useClass: SystemClock };

@Module({})
export class JobsModule {
  /** The API only writes outbox rows; it never talks to BullMQ. */
  static forApi(): DynamicModule {
    return { module: JobsModule, global: true, imports: [TypeOrmModule.forFeature(JOBS_ENTITIES)], providers: [OutboxService, CLOCK], exports: [OutboxService, Clock] };
  }

  /** The worker: BullMQ connection, the outbox relay and the job dispatcher. */
  static forWorker(): DynamicModule {
    return {
      module: JobsModule,
      global: true,
      imports: [
        TypeOrmModule.forFeature(JOBS_ENTITIES),
        DiscoveryModule,
        BullModule.forRootAsync({
          inject: [APP_CONFIG],
          useFactory: (config: AppConfig) => ({
            prefix: config.redis.prefix,
            connection: { ...redisOptionsFromUrl(config.redis.url), maxRetriesPerRequest: null } as RedisOptions,
          }),
        }),
        // The processor's Worker takes this queue's connection: it must keep BullMQ's required
        // settings (offline queue on, no retry limit), or a Redis outage makes it spin.
        BullModule.registerQueueAsync({
          name: MAIN_QUEUE,
          inject: [APP_CONFIG],
          useFactory: (config: AppConfig) => ({
            prefix: config.redis.prefix,
            connection: { ...redisOptionsFromUrl(config.redis.url), maxRetriesPerRequest: null } as RedisOptions,
          }),
        }),
      ],
      providers: [OutboxService, OutboxRelayService, JobDispatcher, ScheduleKeeper, CLOCK],
      exports: [OutboxService, OutboxRelayService, ScheduleKeeper, BullModule, Clock],
    };
  }
}
