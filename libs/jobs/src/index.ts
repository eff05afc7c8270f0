export * from './queues';
export * from './job-payload';
export * from './job-handler';
export * from './outbox/outbox.entity';
export * from './outbox/outbox.service';
export * from './outbox/outbox-relay.service';
export * from './jobs.module';
export * from './redis-options';
