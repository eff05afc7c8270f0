import { randomBytes } from 'node:crypto';
import { UnknownKeyVersionError } from './crypto-error';
import { ConfigMasterKeyProvider } from './key-provider';
import { testAppConfig } from '@amani/testing/test-app-config';

describe('ConfigMasterKeyProvider', () => {
  const v1 = randomBytes(32);
  const v3 = randomBytes(32);
  const keys = new ConfigMasterKeyProvider(testAppConfig({ masterKeys: new Map([[3, v3], [1, v1]]), masterKeyCurrent: 3 }));

  it('reads versions from AppConfig.secrets', () => {
    expect(keys.currentVersion()).toBe(3);
    expect(keys.versions()).toEqual([1, 3]);
    expect(Buffer.from(keys.get(1)).equals(v1)).toBe(true);
  });

  it('throws a typed error for an unknown version, without key material', () => {
    expect(() => keys.get(2)).toThrow(UnknownKeyVersionError);
    try {
      keys.get(2);
    } catch (e) {
      const err = e as UnknownKeyVersionError;
      expect(err.code).toBe('unknown_key_version');
      expect(err.version).toBe(2);
      expect(err.message).not.toContain(v1.toString('hex'));
    }
  });
});
