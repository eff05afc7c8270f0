import { Injectable } from '@nestjs/common';
import { JobHandler, JobHandlerFor } from '@amani/jobs';
import { AuditCheckpointService } from './audit-checkpoint.service';

/** Payload of `audit.checkpoint`: none; the job always signs the current head. */
export type AuditCheckpointPayload = Record<string, never>;

/** Idempotent: a second run at the same head inserts nothing (ON CONFLICT DO NOTHING). */
@Injectable()
@JobHandlerFor('audit.checkpoint')
export class AuditCheckpointJob implements JobHandler {
  constructor(private readonly checkpoints: AuditCheckpointService) {}

  async handle(): Promise<void> {
    await this.checkpoints.checkpoint();
  }
}
