import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { MASTER_KEY_PROVIDER, MasterKeyProvider } from '@amani/crypto';
import { MasterKeyRotationService } from './master-key-rotation.service';

export class RetiredMasterKeyError extends Error {
  constructor(version: number) {
    super(`MASTER_KEY_CURRENT: version ${version} was retired (keys:retire); set the current version to a newer one`);
    this.name = 'RetiredMasterKeyError';
  }
}

/**
 * Start-up check of the API and the worker: never write under a retired master key version.
 * A retired key still held is reported, so it can be taken out of the secrets.
 */
@Injectable()
export class MasterKeyCustodyGuard implements OnApplicationBootstrap {
  private readonly logger = new Logger(MasterKeyCustodyGuard.name);

  constructor(
    private readonly rotation: MasterKeyRotationService,
    @Inject(MASTER_KEY_PROVIDER) private readonly keys: MasterKeyProvider,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const retired = await this.rotation.retiredVersions();
    const current = this.keys.currentVersion();
    if (retired.includes(current)) throw new RetiredMasterKeyError(current);
    const stillHeld = this.keys.versions().filter((v) => retired.includes(v));
    if (stillHeld.length) {
      this.logger.warn({ event: 'key.retired_still_held', versions: stillHeld }, 'retired master key versions are still in the secrets; remove them');
    }
  }
}
