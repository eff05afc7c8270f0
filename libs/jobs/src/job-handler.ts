import { SetMetadata } from '@nestjs/common';
import type { JobName } from './queues';
import type { JobPayload } from './job-payload';

export const JOB_HANDLER = Symbol('JOB_HANDLER');

/** Marks a provider as the handler of one job name; the worker finds it by discovery. */
export const JobHandlerFor = (name: JobName) => SetMetadata(JOB_HANDLER, name);

export interface JobContext {
  jobId: string;
  attempt: number;
  updateProgress(progress: number): Promise<void>;
}

/** Handlers must be idempotent: jobs are delivered at least once. */
export interface JobHandler<P extends JobPayload = JobPayload> {
  handle(payload: P, ctx: JobContext): Promise<void>;
}
