import type { AppConfig } from '@amani/config';
import { BLIND_INDEX_KEY_MAX_BYTES, BLIND_INDEX_KEY_MIN_BYTES, BlindIndexService } from './blind-index.service';
import { CryptoSelfTestError, IntegrityError } from './crypto-error';
import { DATA_KEY_BYTES, EnvelopeCrypto, FieldContext, SystemContext } from './envelope.service';
import { MasterKeyProvider, StaticMasterKeyProvider } from './key-provider';
import type { Sodium } from './sodium.provider';

/**
 * Fixed vectors produced by this library. If one stops decrypting, the stored-data format has
 * changed (AD encoding, subkey ids, KDF contexts) and every existing ciphertext would be lost.
 */
export const KNOWN_ANSWERS = {
  plaintext: 'amani known answer',
  dataKey: '000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f',
  field: {
    context: { table: 'kat', column: 'field', rowId: 'row-1', agencyId: 'agency-1', keyVersion: 1 } as FieldContext,
    ciphertext:
      '019819ead0f50b0a50e9b8458144895fc77848924e20034307b05b2a07b7' +
      '77e73ede11ca7f9d88035f892cdba72c4be895f092c0585be7250202e2',
  },
  masterKey: { version: 7, key: '202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f' },
  system: {
    context: { table: 'kat', column: 'system', rowId: 'row-1' },
    ciphertext:
      '0100000007b4769e485cdad5ff28929f75e6dc165bd4cf572af41e05d3f8' +
      'b656c888cbd7d00e11419587b30f2aa29edb1f67b886897d9b3de42032abd10643',
  },
  wrappedDataKey: {
    context: { keyId: 'case-1', purpose: 'case' },
    wrapped:
      '01b505943f14f48ba68426b0378e0dbd16b0c06aa99ef944c80cbf27da4b91fbdb3aab0d85' +
      '0655721ded40a2f455c4a9848dd86302993ff2bfec41e38c30ece062d474656ae1449d78',
  },
  blindIndex: {
    key: '404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f',
    value: 'ab-12 3',
    index: '2631cc10bda0318d',
  },
} as const;

const REQUIRED_FUNCTIONS = [
  'crypto_aead_xchacha20poly1305_ietf_encrypt',
  'crypto_aead_xchacha20poly1305_ietf_decrypt',
  'crypto_kdf_derive_from_key',
  'crypto_generichash',
  'randombytes_buf',
  'memzero',
  'is_zero',
] as const;

/**
 * Refuses to start with unusable crypto: libsodium not ready, current master key missing,
 * a key of the wrong length, two keys that must differ being equal, or a failed round trip.
 * Throws CryptoSelfTestError listing every problem; never includes key material.
 */
export function runCryptoSelfTest(sodium: Sodium | undefined, keys: MasterKeyProvider, config: AppConfig): void {
  const sodiumProblem = checkSodium(sodium);
  if (sodiumProblem) throw new CryptoSelfTestError([sodiumProblem]);
  const s = sodium as Sodium;

  const problems = checkKeys(s, keys, config);
  if (problems.length) throw new CryptoSelfTestError(problems);

  attempt(problems, 'round trip', () => roundTrip(s, keys, config));
  attempt(problems, 'known-answer test', () => knownAnswers(s));
  if (problems.length) throw new CryptoSelfTestError(problems);
}

function checkSodium(sodium: Sodium | undefined): string | undefined {
  const missing = !sodium || REQUIRED_FUNCTIONS.some((name) => typeof sodium[name] !== 'function');
  if (missing) {
    return 'libsodium is not ready (await sodium.ready, and import it as `import sodium from "libsodium-wrappers"`)';
  }
  const expected: [number, number, string][] = [
    [sodium.crypto_aead_xchacha20poly1305_ietf_KEYBYTES, 32, 'AEAD key size'],
    [sodium.crypto_aead_xchacha20poly1305_ietf_NPUBBYTES, 24, 'AEAD nonce size'],
    [sodium.crypto_aead_xchacha20poly1305_ietf_ABYTES, 16, 'AEAD tag size'],
    [sodium.crypto_kdf_KEYBYTES, 32, 'KDF key size'],
    [sodium.crypto_kdf_CONTEXTBYTES, 8, 'KDF context size'],
  ];
  const wrong = expected.find(([actual, want]) => actual !== want);
  return wrong ? `libsodium reports an unexpected ${wrong[2]}` : undefined;
}

function checkKeys(sodium: Sodium, keys: MasterKeyProvider, config: AppConfig): string[] {
  const problems: string[] = [];
  const named: [string, Uint8Array][] = [];

  let versions: number[] = [];
  attempt(problems, 'listing master key versions', () => {
    versions = keys.versions();
  });
  if (versions.length === 0) problems.push('no master key is configured (MASTER_KEYS)');

  let current: number | undefined;
  attempt(problems, 'reading the current master key version', () => {
    current = keys.currentVersion();
  });
  if (current !== undefined) {
    if (!versions.includes(current)) {
      problems.push(`current master key version ${String(current)} is missing (MASTER_KEY_CURRENT / MASTER_KEYS)`);
    }
    if (!Number.isInteger(current) || current < 0 || current > 0xffffffff) {
      problems.push('current master key version must be an integer between 0 and 2^32-1');
    }
  }

  for (const version of versions) {
    const name = `master key version ${String(version)}`;
    let key: Uint8Array | undefined;
    try {
      key = keys.get(version);
    } catch {
      problems.push(`${name} is listed but cannot be read`);
      continue;
    }
    if (!(key instanceof Uint8Array) || key.length !== DATA_KEY_BYTES) {
      problems.push(`${name} must be exactly ${DATA_KEY_BYTES} bytes`);
    } else if (sodium.is_zero(key)) {
      problems.push(`${name} is all zeros`);
    } else {
      named.push([name, key]);
    }
  }

  const secrets: Partial<AppConfig['secrets']> = config?.secrets ?? {};
  const blindIndexKey = secrets.blindIndexKey;
  if (
    !(blindIndexKey instanceof Uint8Array) ||
    blindIndexKey.length < BLIND_INDEX_KEY_MIN_BYTES ||
    blindIndexKey.length > BLIND_INDEX_KEY_MAX_BYTES
  ) {
    problems.push(
      `blind index key must be ${BLIND_INDEX_KEY_MIN_BYTES} to ${BLIND_INDEX_KEY_MAX_BYTES} bytes (BLIND_INDEX_KEY)`,
    );
  } else if (sodium.is_zero(blindIndexKey)) {
    problems.push('blind index key is all zeros');
  } else {
    named.push(['blind index key', blindIndexKey]);
  }
  // Config checks these too; re-checked here because a KMS-backed provider bypasses config.
  const others: [string, Uint8Array | undefined][] = [
    ['JWT secret', secrets.jwtSecret],
    ['audit signing key', secrets.auditSigningKey],
    ['tracker key', secrets.trackerKey],
    ['receipt pepper', secrets.receiptPepper],
    ...[...(secrets.passwordPeppers ?? new Map<number, Buffer>())].map(([v, k]): [string, Uint8Array] => [`password pepper version ${v}`, k]),
  ];
  for (const [name, key] of others) if (key instanceof Uint8Array && key.length > 0) named.push([name, key]);

  for (let i = 0; i < named.length; i++) {
    for (let j = i + 1; j < named.length; j++) {
      const [a, ka] = named[i];
      const [b, kb] = named[j];
      if (Buffer.from(ka.buffer, ka.byteOffset, ka.byteLength).equals(kb)) problems.push(`${a} and ${b} must differ`);
    }
  }
  return problems;
}

function roundTrip(sodium: Sodium, keys: MasterKeyProvider, config: AppConfig): void {
  const envelope = new EnvelopeCrypto(sodium, keys);
  const dek = envelope.generateDataKey();
  const other = envelope.generateDataKey();
  check(!dek.equals(other), 'two generated data keys are equal');

  const keyCtx = { keyId: 'self-test', purpose: 'self-test' };
  const wrapped = envelope.wrapDataKey(dek, keyCtx);
  check(wrapped.kekVersion === keys.currentVersion(), 'data key not wrapped under the current master key');
  check(envelope.unwrapDataKey(wrapped, keyCtx).equals(dek), 'unwrapped data key differs');
  expectIntegrityError(() => envelope.unwrapDataKey(wrapped, { ...keyCtx, keyId: 'other' }), 'data key');

  const ctx: FieldContext = { table: 'self_test', column: 'value', rowId: 'row', agencyId: null, keyVersion: 1 };
  const a = envelope.encryptField(dek, 'self-test', ctx);
  const b = envelope.encryptField(dek, 'self-test', ctx);
  check(!a.equals(b), 'two encryptions of one plaintext are equal');
  check(envelope.decryptFieldText(dek, a, ctx) === 'self-test', 'field round trip differs');
  const tampered = Buffer.from(a);
  tampered[tampered.length - 1] ^= 1;
  expectIntegrityError(() => envelope.decryptField(dek, tampered, ctx), 'tampered field');
  expectIntegrityError(() => envelope.decryptField(dek, a, { ...ctx, rowId: 'other' }), 'moved field');
  expectIntegrityError(() => envelope.decryptField(other, a, ctx), 'field under another key');

  const sysCtx: SystemContext = { table: 'self_test', column: 'secret', rowId: 'row' };
  const sys = envelope.encryptSystem('self-test', sysCtx);
  check(envelope.decryptSystemText(sys, sysCtx) === 'self-test', 'system round trip differs');
  expectIntegrityError(() => envelope.decryptSystem(sys, { ...sysCtx, rowId: 'other' }), 'moved system value');

  const index = new BlindIndexService(sodium, config);
  const i1 = index.compute('survivorCode', 'self-test');
  check(i1.equals(index.compute('survivorCode', 'SELF TEST')), 'blind index not deterministic');
  check(i1.length === 8, 'blind index has the wrong length');

  sodium.memzero(dek);
  sodium.memzero(other);
}

function knownAnswers(sodium: Sodium): void {
  const kat = KNOWN_ANSWERS;
  const dek = Buffer.from(kat.dataKey, 'hex');
  const keys = new StaticMasterKeyProvider(
    new Map([[kat.masterKey.version, Buffer.from(kat.masterKey.key, 'hex')]]),
    kat.masterKey.version,
  );
  const envelope = new EnvelopeCrypto(sodium, keys);
  const field = envelope.decryptFieldText(dek, Buffer.from(kat.field.ciphertext, 'hex'), kat.field.context);
  check(field === kat.plaintext, 'field vector');
  const system = envelope.decryptSystemText(Buffer.from(kat.system.ciphertext, 'hex'), kat.system.context);
  check(system === kat.plaintext, 'system vector');
  const unwrapped = envelope.unwrapDataKey(
    { wrapped: Buffer.from(kat.wrappedDataKey.wrapped, 'hex'), kekVersion: kat.masterKey.version },
    kat.wrappedDataKey.context,
  );
  check(unwrapped.equals(dek), 'wrapped data key vector');
  const index = new BlindIndexService(sodium, {
    secrets: { blindIndexKey: Buffer.from(kat.blindIndex.key, 'hex') },
  } as AppConfig);
  check(index.compute('survivorCode', kat.blindIndex.value).toString('hex') === kat.blindIndex.index, 'blind index vector');
}

function check(ok: boolean, what: string): void {
  if (!ok) throw new Error(what);
}

function expectIntegrityError(fn: () => unknown, what: string): void {
  try {
    fn();
  } catch (e) {
    if (e instanceof IntegrityError) return;
    throw e;
  }
  throw new Error(`${what} decrypted where it must not`);
}

function attempt(problems: string[], what: string, fn: () => void): void {
  try {
    fn();
  } catch (e) {
    // Neither this library nor libsodium puts key material or plaintext in error messages.
    problems.push(`${what} failed: ${e instanceof Error ? e.message : 'unknown error'}`);
  }
}
