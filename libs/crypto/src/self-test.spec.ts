import { randomBytes } from 'node:crypto';
import type { AppConfig } from '@amani/config';
import { CryptoSelfTestError } from './crypto-error';
import { ConfigMasterKeyProvider, MasterKeyProvider } from './key-provider';
import { runCryptoSelfTest } from './self-test';
import { loadSodium, Sodium } from './sodium.provider';
import { testAppConfig, TestSecretsOptions } from '@amani/testing/test-app-config';

describe('runCryptoSelfTest', () => {
  let sodium: Sodium;

  beforeAll(async () => {
    sodium = await loadSodium();
  });

  function problemsFor(config: AppConfig, keys: MasterKeyProvider = new ConfigMasterKeyProvider(config), s?: Sodium): string[] {
    try {
      runCryptoSelfTest(s === undefined ? sodium : s, keys, config);
    } catch (e) {
      expect(e).toBeInstanceOf(CryptoSelfTestError);
      const err = e as CryptoSelfTestError;
      expect(err.code).toBe('crypto_self_test_failed');
      assertNoKeyMaterial(err, config);
      return [...err.problems];
    }
    return [];
  }

  function refuses(options: TestSecretsOptions): string {
    const problems = problemsFor(testAppConfig(options));
    expect(problems.length).toBeGreaterThan(0);
    return problems.join('\n');
  }

  function assertNoKeyMaterial(err: Error, config: AppConfig): void {
    const s = config.secrets;
    const keys = [...s.masterKeys.values(), s.blindIndexKey].filter((k) => k && k.length >= 8);
    for (const key of keys) {
      expect(err.message).not.toContain(key.toString('hex'));
      expect(err.message).not.toContain(key.toString('base64'));
    }
  }

  it('passes with a sound configuration, including several master key versions', () => {
    expect(problemsFor(testAppConfig())).toEqual([]);
    const masterKeys = new Map([[1, randomBytes(32)], [2, randomBytes(32)], [5, randomBytes(32)]]);
    expect(problemsFor(testAppConfig({ masterKeys, masterKeyCurrent: 2 }))).toEqual([]);
  });

  it('refuses a missing current master key', () => {
    expect(refuses({ masterKeys: new Map([[1, randomBytes(32)]]), masterKeyCurrent: 2 })).toContain(
      'current master key version 2 is missing',
    );
  });

  it('refuses when there is no master key at all', () => {
    expect(refuses({ masterKeys: new Map(), masterKeyCurrent: 1 })).toContain('no master key is configured');
  });

  it('refuses equal master keys', () => {
    const k = randomBytes(32);
    expect(refuses({ masterKeys: new Map([[1, k], [2, Buffer.from(k)]]) })).toContain(
      'master key version 1 and master key version 2 must differ',
    );
  });

  it('refuses a master key equal to the blind index key', () => {
    const k = randomBytes(32);
    expect(refuses({ masterKeys: new Map([[1, k]]), blindIndexKey: Buffer.from(k) })).toContain(
      'master key version 1 and blind index key must differ',
    );
  });

  it('refuses a master key equal to another secret', () => {
    const config = testAppConfig();
    (config.secrets as { jwtSecret: Buffer }).jwtSecret = Buffer.from(config.secrets.masterKeys.get(1)!);
    expect(problemsFor(config).join('\n')).toContain('master key version 1 and JWT secret must differ');
  });

  it('refuses keys of the wrong length', () => {
    expect(refuses({ masterKeys: new Map([[1, randomBytes(31)]]) })).toContain(
      'master key version 1 must be exactly 32 bytes',
    );
    expect(refuses({ masterKeys: new Map([[1, randomBytes(33)]]) })).toContain('must be exactly 32 bytes');
    expect(refuses({ blindIndexKey: randomBytes(16) })).toContain('blind index key must be 32 to 64 bytes');
    expect(refuses({ blindIndexKey: randomBytes(65) })).toContain('blind index key must be 32 to 64 bytes');
  });

  it('refuses all-zero keys', () => {
    expect(refuses({ masterKeys: new Map([[1, Buffer.alloc(32)]]) })).toContain('master key version 1 is all zeros');
    expect(refuses({ blindIndexKey: Buffer.alloc(32) })).toContain('blind index key is all zeros');
  });

  it('refuses when libsodium is not ready', () => {
    const config = testAppConfig();
    const keys = new ConfigMasterKeyProvider(config);
    expect(() => runCryptoSelfTest(undefined, keys, config)).toThrow(/libsodium is not ready/);
    const notReady = { ready: Promise.resolve() } as unknown as Sodium;
    expect(() => runCryptoSelfTest(notReady, keys, config)).toThrow(/libsodium is not ready/);
  });

  it('refuses when a round trip fails', () => {
    const config = testAppConfig();
    const keys = new ConfigMasterKeyProvider(config);
    // A provider that hands out a different key on every read cannot decrypt what it encrypted.
    const unstable: MasterKeyProvider = {
      currentVersion: () => 1,
      versions: () => [1],
      get: () => randomBytes(32),
    };
    expect(problemsFor(config, unstable).join('\n')).toMatch(/round trip failed/);
    expect(problemsFor(config, keys)).toEqual([]);
  });

  it('refuses a broken AEAD (known-answer and tamper checks)', () => {
    const config = testAppConfig();
    // An "AEAD" that ignores its key and associated data.
    const fake = Object.assign(Object.create(sodium) as object, {
      crypto_aead_xchacha20poly1305_ietf_encrypt: (m: Uint8Array) => Buffer.concat([m, Buffer.alloc(16)]),
      crypto_aead_xchacha20poly1305_ietf_decrypt: (_n: unknown, c: Uint8Array) => c.subarray(0, c.length - 16),
    }) as unknown as Sodium;
    const problems = problemsFor(config, new ConfigMasterKeyProvider(config), fake);
    expect(problems.join('\n')).toMatch(/round trip failed/);
    expect(problems.join('\n')).toMatch(/known-answer test failed/);
  });
});
