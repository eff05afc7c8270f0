import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { TransactionHost } from '@amani/database';
import { JobName, MAIN_QUEUE } from '../queues';
import { JobPayload, assertPayloadIsCoded } from '../job-payload';
import { OutboxMessage } from './outbox.entity';

/**
 * Request handlers enqueue through here, never to Redis directly: the row is written in the
 * caller's transaction, so the job exists exactly when the data does.
 */
@Injectable()
export class OutboxService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async enqueue(name: JobName, payload: JobPayload, em?: EntityManager): Promise<OutboxMessage> {
    assertPayloadIsCoded(payload);
    const manager = em ?? TransactionHost.active() ?? this.dataSource.manager;
    return manager.getRepository(OutboxMessage).save(
      manager.getRepository(OutboxMessage).create({ queue: MAIN_QUEUE, name, payload, publishedAt: null }),
    );
  }
}
