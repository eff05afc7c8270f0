import { Injectable, Module } from '@nestjs/common';
import { AgencyKeysService, AgencyKeySetUp, AuthUser } from '@amani/auth';
import { TransactionHost } from '@amani/database';
import { JobHandler, JobHandlerFor, OutboxService } from '@amani/jobs';
import { AgencyKeyRelayer } from './agency-key-relayer';

export const AGENCY_KEY_RELAYER_JOB = 'agency_key.relayer' as const;

/**
 * POST /agency-keys/rotation: the new key version (AgencyKeysService.rotate) and, in the same
 * transaction, the job that re-layers the agency's data keys — so the job exists exactly when
 * the rotation does.
 */
@Injectable()
export class AgencyKeyRotationService {
  constructor(
    private readonly tx: TransactionHost,
    private readonly keys: AgencyKeysService,
    private readonly outbox: OutboxService,
  ) {}

  rotate(actor: AuthUser, requestId?: string): Promise<AgencyKeySetUp & { members: number }> {
    return this.tx.run(async (em) => {
      const rotated = await this.keys.rotate(em, actor, requestId);
      await this.outbox.enqueue(AGENCY_KEY_RELAYER_JOB, { agencyId: rotated.agencyId }, em);
      return { version: rotated.version, recoveryKey: rotated.recoveryKey, members: rotated.members };
    });
  }
}

/** Payload: { agencyId }. Idempotent and resumable (see AgencyKeyRelayer). */
@Injectable()
@JobHandlerFor(AGENCY_KEY_RELAYER_JOB)
export class AgencyKeyRelayerJob implements JobHandler<{ agencyId: string }> {
  constructor(private readonly relayer: AgencyKeyRelayer) {}

  async handle(payload: { agencyId: string }): Promise<void> {
    await this.relayer.run(payload.agencyId);
  }
}

/** API and console: rotation requests (and the relayer, for status). */
@Module({ providers: [AgencyKeyRotationService, AgencyKeyRelayer], exports: [AgencyKeyRotationService, AgencyKeyRelayer] })
export class AgencyKeyRotationModule {}

/** Worker: the re-layering job. */
@Module({ providers: [AgencyKeyRelayer, AgencyKeyRelayerJob] })
export class AgencyKeyRotationWorkerModule {}
