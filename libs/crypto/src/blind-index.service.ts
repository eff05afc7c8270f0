import { Inject, Injectable } from '@nestjs/common';
import { AppConfig, InjectConfig } from '@amani/config';
import { assertIdentifier, encodeParts } from './binary-encoding';
import { BlindIndexKind, normalise } from './normalise';
import { SODIUM, Sodium } from './sodium.provider';

export interface BlindIndexOptions {
  /** Domain separation, e.g. 'cases.survivor_code'. Defaults to the kind. */
  purpose?: string;
  /** Output length in bytes, 1..32. Short on purpose so that false matches are expected. */
  bytes?: number;
}

export const BLIND_INDEX_DEFAULT_BYTES = 8;
export const BLIND_INDEX_KEY_MIN_BYTES = 32;
export const BLIND_INDEX_KEY_MAX_BYTES = 64;
const FULL_BYTES = 32;
const SUBKEY_CACHE_MAX = 256;

/**
 * Keyed BLAKE2b over a normalised value, under a subkey per (kind, purpose) derived from the
 * blind index key, so the same phone number indexed for two purposes gives unlinkable values.
 */
@Injectable()
export class BlindIndexService {
  private readonly subkeys = new Map<string, Uint8Array>();
  /** version -> key; a configuration from before versioning holds version 1 only. */
  private readonly keys: ReadonlyMap<number, Uint8Array>;
  private readonly current: number;

  constructor(
    @Inject(SODIUM) private readonly sodium: Sodium,
    @InjectConfig() config: AppConfig,
  ) {
    const s = config.secrets;
    this.keys = s.blindIndexKeys?.size ? s.blindIndexKeys : new Map([[1, s.blindIndexKey]]);
    this.current = s.blindIndexKeyCurrent ?? 1;
  }

  /** The version new indexes are computed under (stored beside each index value). */
  currentVersion(): number {
    return this.current;
  }

  /** Every version held, ascending: lookups match under each while a re-index runs. */
  versions(): number[] {
    return [...this.keys.keys()].sort((a, b) => a - b);
  }

  /** The index under the current version. */
  compute(kind: BlindIndexKind, value: string, options: BlindIndexOptions = {}): Buffer {
    return this.computeWith(this.current, kind, value, options);
  }

  /** The index under every held version (for lookups), current first. */
  computeAll(kind: BlindIndexKind, value: string, options: BlindIndexOptions = {}): { version: number; index: Buffer }[] {
    const versions = [this.current, ...this.versions().filter((v) => v !== this.current)];
    return versions.map((version) => ({ version, index: this.computeWith(version, kind, value, options) }));
  }

  computeWith(version: number, kind: BlindIndexKind, value: string, options: BlindIndexOptions = {}): Buffer {
    if (!Object.hasOwn(normalise, kind)) throw new TypeError('unknown blind index kind');
    const normaliser = normalise[kind];
    if (typeof value !== 'string') throw new TypeError('blind index value must be a string');
    const bytes = options.bytes ?? BLIND_INDEX_DEFAULT_BYTES;
    if (!Number.isInteger(bytes) || bytes < 1 || bytes > FULL_BYTES) {
      throw new RangeError(`blind index length must be 1..${FULL_BYTES} bytes`);
    }
    const normalised = normaliser(value);
    // An index of "" would match every empty value: the caller must not index absent data.
    if (normalised.length === 0) throw new RangeError('blind index value is empty after normalisation');
    const digest = this.sodium.crypto_generichash(
      FULL_BYTES,
      Buffer.from(normalised, 'utf8'),
      this.subkey(version, kind, options.purpose ?? kind),
    );
    return Buffer.from(digest.subarray(0, bytes));
  }

  private subkey(version: number, kind: BlindIndexKind, purpose: string): Uint8Array {
    assertIdentifier(purpose, 'purpose');
    const key = this.keys.get(version);
    if (!key) throw new RangeError(`blind index key version ${version} is not held`);
    const cacheKey = JSON.stringify([version, kind, purpose]);
    let subkey = this.subkeys.get(cacheKey);
    if (!subkey) {
      subkey = this.sodium.crypto_generichash(
        FULL_BYTES,
        encodeParts(['amani:blind-index-subkey:v1', kind, purpose]),
        key,
      );
      if (this.subkeys.size < SUBKEY_CACHE_MAX) this.subkeys.set(cacheKey, subkey);
    }
    return subkey;
  }
}
