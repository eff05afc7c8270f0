import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger, OnApplicationBootstrap, OnModuleInit } from '@nestjs/common';
import { AppConfig, InjectConfig } from '@amani/config';
import { DiscoveryService, Reflector } from '@nestjs/core';
import type { Job } from 'bullmq';
import { JOB_HANDLER, JobHandler } from './job-handler';
import type { JobPayload } from './job-payload';
import { JOB_LOCK_MS, JOB_NAMES, JobName, MAIN_QUEUE, MAX_STALLED_COUNT, STALLED_CHECK_MS } from './queues';

/** Routes each job to the one provider registered for its name (immich's habit). */
@Processor(MAIN_QUEUE, { lockDuration: JOB_LOCK_MS, stalledInterval: STALLED_CHECK_MS, maxStalledCount: MAX_STALLED_COUNT })
export class JobDispatcher extends WorkerHost implements OnModuleInit, OnApplicationBootstrap {
  private readonly logger = new Logger(JobDispatcher.name);
  private readonly handlers = new Map<JobName, JobHandler>();

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly reflector: Reflector,
    @InjectConfig() private readonly config: AppConfig,
  ) {
    super();
  }

  /** The worker counts as started only once its Redis connection is up. */
  async onApplicationBootstrap(): Promise<void> {
    this.worker.concurrency = this.config.worker.concurrency;
    await this.worker.waitUntilReady();
  }

  onModuleInit(): void {
    const found = new Map<JobName, string[]>();
    for (const wrapper of this.discovery.getProviders()) {
      const { instance, metatype } = wrapper;
      if (!instance || !metatype) continue;
      const name = this.reflector.get<JobName | undefined>(JOB_HANDLER, metatype);
      if (!name) continue;
      found.set(name, [...(found.get(name) ?? []), metatype.name]);
      this.handlers.set(name, instance as JobHandler);
    }
    const problems: string[] = [];
    for (const name of JOB_NAMES) {
      const owners = found.get(name) ?? [];
      if (owners.length !== 1) problems.push(`job "${name}" has ${owners.length} handlers (${owners.join(', ') || 'none'})`);
    }
    if (problems.length) throw new Error(`Job handler registry is inconsistent: ${problems.join('; ')}`);
  }

  async process(job: Job<JobPayload>): Promise<void> {
    const handler = this.handlers.get(job.name as JobName);
    if (!handler) throw new Error(`no handler for job ${job.name}`);
    this.logger.log({ jobId: job.id, job: job.name, attempt: job.attemptsMade + 1 }, 'job started');
    await handler.handle(job.data, {
      jobId: String(job.id),
      attempt: job.attemptsMade + 1,
      updateProgress: (p) => job.updateProgress(p),
    });
    this.logger.log({ jobId: job.id, job: job.name }, 'job done');
  }
}
