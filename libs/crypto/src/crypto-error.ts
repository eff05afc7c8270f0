/** Base for errors raised by @amani/crypto. Messages never carry plaintext or key material. */
export abstract class CryptoError extends Error {
  abstract readonly code: string;
}

export type IntegrityFailure =
  | 'malformed'
  | 'unsupported_format'
  | 'unknown_key_version'
  | 'authentication_failed';

/**
 * A ciphertext or wrapped key could not be authenticated: tampered, moved to another row or
 * field, wrong key, or its key version is gone. Callers must fail closed and audit it.
 */
export class IntegrityError extends CryptoError {
  readonly code = 'integrity_error' as const;

  constructor(readonly reason: IntegrityFailure) {
    super(`Integrity check failed (${reason})`);
    this.name = 'IntegrityError';
  }
}

export class UnknownKeyVersionError extends CryptoError {
  readonly code = 'unknown_key_version' as const;

  constructor(readonly version: number) {
    super(`Master key version ${String(version)} is not available`);
    this.name = 'UnknownKeyVersionError';
  }
}

/** Thrown at boot: the process must not serve anything with broken crypto. */
export class CryptoSelfTestError extends CryptoError {
  readonly code = 'crypto_self_test_failed' as const;

  constructor(readonly problems: readonly string[]) {
    super(`Crypto self-test failed; refusing to start:\n  - ${problems.join('\n  - ')}`);
    this.name = 'CryptoSelfTestError';
  }
}
