import { Injectable } from '@nestjs/common';
import { AppConfig, InjectConfig } from '@amani/config';
import { UnknownKeyVersionError } from './crypto-error';

export const MASTER_KEY_PROVIDER = Symbol('MASTER_KEY_PROVIDER');

/**
 * Source of versioned master keys (KEKs). The config-backed implementation is the default;
 * a KMS or Vault client can implement the same contract later.
 */
export interface MasterKeyProvider {
  /** Version used for new wrapping and new system ciphertexts. */
  currentVersion(): number;
  /** The 32-byte key of that version; throws UnknownKeyVersionError if it is not held. */
  get(version: number): Uint8Array;
  /** Every version held, ascending. */
  versions(): number[];
}

/** Keys held in memory: the base of the config provider, and handy in tests and self-tests. */
export class StaticMasterKeyProvider implements MasterKeyProvider {
  constructor(
    private readonly keys: ReadonlyMap<number, Uint8Array>,
    private readonly current: number,
  ) {}

  currentVersion(): number {
    return this.current;
  }

  get(version: number): Uint8Array {
    const key = this.keys.get(version);
    if (!key) throw new UnknownKeyVersionError(version);
    return key;
  }

  versions(): number[] {
    return [...this.keys.keys()].sort((a, b) => a - b);
  }
}

/** Reads MASTER_KEYS / MASTER_KEY_CURRENT through AppConfig.secrets. */
@Injectable()
export class ConfigMasterKeyProvider extends StaticMasterKeyProvider {
  constructor(@InjectConfig() config: AppConfig) {
    super(config.secrets.masterKeys, config.secrets.masterKeyCurrent);
  }
}
