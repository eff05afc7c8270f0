import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { MASTER_KEY_PROVIDER, MasterKeyProvider } from '@amani/crypto';
import { JobContext, JobHandler, JobHandlerFor } from '@amani/jobs';
import { BlindIndexReindexService, ReindexPayload } from './blind-index-reindex.service';
import { MasterKeyRotationService, REWRAP_DEFAULT_BATCH, RewrapPayload } from './master-key-rotation.service';

/**
 * `keys.rewrap`: re-wraps everything under an older master key version to this worker's
 * current one. Progress is the rows themselves (each batch commits its rows' new version), so
 * a run that dies mid-way (kill -9) is resumed by the next run — BullMQ hands the stalled job
 * to a live worker, and a restarted worker queues the re-wrap again — from where it stopped.
 */
@Injectable()
@JobHandlerFor('keys.rewrap')
export class MasterKeyRewrapJob implements JobHandler<RewrapPayload> {
  private readonly logger = new Logger(MasterKeyRewrapJob.name);

  constructor(
    private readonly rotation: MasterKeyRotationService,
    @Inject(MASTER_KEY_PROVIDER) private readonly keys: MasterKeyProvider,
  ) {}

  async handle(payload: RewrapPayload, ctx: JobContext): Promise<void> {
    const current = this.keys.currentVersion();
    if (payload.version !== current) {
      // This worker has not been restarted with the new key file (or the request is stale).
      // The worker that starts with that version queues the re-wrap again (MasterKeyRewrapResumer).
      this.logger.warn({ event: 'key.rewrap.skipped', requested: payload.version, current }, 'master key re-wrap asked for another version than this worker holds as current');
      return;
    }
    const { remaining } = await this.rotation.rewrap(payload.batchSize ?? REWRAP_DEFAULT_BATCH, (done) => ctx.updateProgress(done));
    if (remaining > 0) {
      this.logger.warn({ event: 'key.rewrap.incomplete', version: current, remaining }, 'values remain under an older master key version (a process still writes under it?)');
    }
  }
}

/** Worker start-up: a re-wrap to this worker's current version that has not finished is queued again. */
@Injectable()
export class MasterKeyRewrapResumer implements OnApplicationBootstrap {
  private readonly logger = new Logger(MasterKeyRewrapResumer.name);

  constructor(private readonly rotation: MasterKeyRotationService) {}

  async onApplicationBootstrap(): Promise<void> {
    const current = this.rotation.currentVersion();
    if (await this.rotation.rewrapPending(current)) {
      await this.rotation.requestRewrap(current);
      this.logger.log({ event: 'key.rewrap.resumed', version: current }, 'unfinished master key re-wrap queued again');
    }
  }
}

/**
 * `keys.reindex`: recomputes case blind indexes under this worker's current blind index
 * version, where the server can open the case (see BlindIndexReindexService). Resumable like
 * the re-wrap: each batch commits its rows' new version.
 */
@Injectable()
@JobHandlerFor('keys.reindex')
export class BlindIndexReindexJob implements JobHandler<ReindexPayload> {
  private readonly logger = new Logger(BlindIndexReindexJob.name);

  constructor(private readonly reindex: BlindIndexReindexService) {}

  async handle(payload: ReindexPayload, ctx: JobContext): Promise<void> {
    const current = this.reindex.currentVersion();
    if (payload.version !== current) {
      this.logger.warn({ event: 'key.reindex.skipped', requested: payload.version, current }, 'blind index re-index asked for another version than this worker holds as current');
      return;
    }
    await this.reindex.reindex(payload.batchSize ?? REWRAP_DEFAULT_BATCH, (done) => ctx.updateProgress(done));
  }
}

/** Worker start-up: cases the server can re-index under the current blind index version are queued. */
@Injectable()
export class BlindIndexReindexResumer implements OnApplicationBootstrap {
  constructor(private readonly reindex: BlindIndexReindexService) {}

  async onApplicationBootstrap(): Promise<void> {
    if (await this.reindex.pending()) await this.reindex.requestReindex(this.reindex.currentVersion());
  }
}
