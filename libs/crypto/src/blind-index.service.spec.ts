import { randomBytes } from 'node:crypto';
import type { AppConfig } from '@amani/config';
import { BlindIndexService } from './blind-index.service';
import { KNOWN_ANSWERS } from './self-test';
import { loadSodium, Sodium } from './sodium.provider';
import { testAppConfig } from '@amani/testing/test-app-config';

describe('BlindIndexService', () => {
  let sodium: Sodium;
  let index: BlindIndexService;

  beforeAll(async () => {
    sodium = await loadSodium();
    index = new BlindIndexService(sodium, testAppConfig());
  });

  it('gives the same index for values that normalise alike', () => {
    const a = index.compute('survivorCode', 'ab-12 3');
    expect(index.compute('survivorCode', 'AB123').equals(a)).toBe(true);
    expect(index.compute('survivorCode', ' a b-1 2-3 ').equals(a)).toBe(true);
    expect(index.compute('survivorCode', 'AB124').equals(a)).toBe(false);
    expect(index.compute('phone', '+254 712 345 678').equals(index.compute('phone', '00254712345678'))).toBe(true);
  });

  it('depends on the key', () => {
    const other = new BlindIndexService(sodium, testAppConfig());
    expect(other.compute('survivorCode', 'AB123').equals(index.compute('survivorCode', 'AB123'))).toBe(false);
  });

  it('separates kinds and purposes', () => {
    const code = index.compute('survivorCode', '0712345678');
    const phone = index.compute('phone', '0712345678');
    expect(code.equals(phone)).toBe(false);
    const a = index.compute('phone', '0712345678', { purpose: 'cases.phone' });
    const b = index.compute('phone', '0712345678', { purpose: 'contacts.phone' });
    expect(a.equals(b)).toBe(false);
    expect(a.equals(phone)).toBe(false);
  });

  it('is truncated to 8 bytes by default, or to the length asked for', () => {
    expect(index.compute('survivorCode', 'AB123').length).toBe(8);
    const full = index.compute('survivorCode', 'AB123', { bytes: 32 });
    expect(full.length).toBe(32);
    expect(full.subarray(0, 8).equals(index.compute('survivorCode', 'AB123'))).toBe(true);
    expect(index.compute('survivorCode', 'AB123', { bytes: 2 }).length).toBe(2);
    for (const bytes of [0, 33, 1.5]) {
      expect(() => index.compute('survivorCode', 'AB123', { bytes })).toThrow(RangeError);
    }
  });

  it('refuses values that are empty once normalised, and unknown kinds', () => {
    expect(() => index.compute('survivorCode', ' - ')).toThrow(RangeError);
    expect(() => index.compute('phone', 'n/a')).toThrow(RangeError);
    expect(() => index.compute('toString' as 'phone', 'x')).toThrow(TypeError);
  });

  it('accepts a blind index key of up to 64 bytes', () => {
    const long = new BlindIndexService(sodium, testAppConfig({ blindIndexKey: randomBytes(64) }));
    expect(long.compute('phone', '+254712345678').length).toBe(8);
  });

  it('matches the known-answer vector (stored indexes stay valid)', () => {
    const kat = KNOWN_ANSWERS.blindIndex;
    const fixed = new BlindIndexService(sodium, {
      secrets: { blindIndexKey: Buffer.from(kat.key, 'hex') },
    } as AppConfig);
    expect(fixed.compute('survivorCode', kat.value).toString('hex')).toBe(kat.index);
  });

  it('computes under the current version and, for lookups, under every held version', () => {
    const k1 = randomBytes(32);
    const k2 = randomBytes(32);
    const v1 = new BlindIndexService(sodium, testAppConfig({ blindIndexKey: k1 }));
    const both = new BlindIndexService(sodium, {
      secrets: { blindIndexKey: k2, blindIndexKeys: new Map([[1, k1], [2, k2]]), blindIndexKeyCurrent: 2 },
    } as unknown as AppConfig);
    expect(both.currentVersion()).toBe(2);
    expect(both.versions()).toEqual([1, 2]);
    const old = v1.compute('survivorCode', 'AB123');
    expect(both.compute('survivorCode', 'AB123').equals(old)).toBe(false);
    expect(both.computeWith(1, 'survivorCode', 'AB123').equals(old)).toBe(true);
    const all = both.computeAll('survivorCode', 'AB123');
    expect(all.map((a) => a.version)).toEqual([2, 1]);
    expect(all[1].index.equals(old)).toBe(true);
    expect(() => both.computeWith(3, 'survivorCode', 'AB123')).toThrow(RangeError);
  });
});
