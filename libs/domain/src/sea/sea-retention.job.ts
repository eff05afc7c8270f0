import { Injectable } from '@nestjs/common';
import { JobHandler, JobHandlerFor } from '@amani/jobs';
import { SeaRetentionService } from './sea-retention.service';

/** Payload of `sea.retention`: none; each run works out what is due. */
export type SeaRetentionPayload = Record<string, never>;

@Injectable()
@JobHandlerFor('sea.retention')
export class SeaRetentionJob implements JobHandler {
  constructor(private readonly retention: SeaRetentionService) {}

  async handle(): Promise<void> {
    await this.retention.run();
  }
}
