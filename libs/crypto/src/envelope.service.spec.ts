import { randomBytes } from 'node:crypto';
import { IntegrityError } from './crypto-error';
import { EnvelopeCrypto, FieldContext, SystemContext } from './envelope.service';
import { ConfigMasterKeyProvider, StaticMasterKeyProvider } from './key-provider';
import { KNOWN_ANSWERS } from './self-test';
import { loadSodium, Sodium } from './sodium.provider';
import { testAppConfig } from '@amani/testing/test-app-config';

const ctx: FieldContext = {
  table: 'cases',
  column: 'narrative',
  rowId: '3f0e9a56-0000-4000-8000-000000000001',
  agencyId: 'agency-a',
  keyVersion: 1,
};
const sysCtx: SystemContext = { table: 'users', column: 'mfa_secret', rowId: 'user-1' };

function expectIntegrityError(fn: () => unknown, reason?: IntegrityError['reason']): IntegrityError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(IntegrityError);
  const err = caught as IntegrityError;
  expect(err.code).toBe('integrity_error');
  if (reason) expect(err.reason).toBe(reason);
  return err;
}

function flipEachByte(blob: Buffer, check: (tampered: Buffer) => void): void {
  for (let i = 0; i < blob.length; i++) {
    for (const mask of [0x01, 0x80]) {
      const tampered = Buffer.from(blob);
      tampered[i] ^= mask;
      check(tampered);
    }
  }
}

describe('EnvelopeCrypto', () => {
  let sodium: Sodium;
  let envelope: EnvelopeCrypto;

  beforeAll(async () => {
    sodium = await loadSodium();
    envelope = new EnvelopeCrypto(sodium, new ConfigMasterKeyProvider(testAppConfig()));
  });

  describe('field encryption', () => {
    it('round-trips strings and bytes', () => {
      const dek = envelope.generateDataKey();
      for (const text of ['', 'Survivor said: "…" — صباح الخير 🌍', 'x'.repeat(100_000)]) {
        expect(envelope.decryptFieldText(dek, envelope.encryptField(dek, text, ctx), ctx)).toBe(text);
      }
      const bytes = randomBytes(4096);
      expect(envelope.decryptField(dek, envelope.encryptField(dek, bytes, ctx), ctx).equals(bytes)).toBe(true);
    });

    it('writes [version 1][24-byte nonce][ciphertext + 16-byte tag]', () => {
      const dek = envelope.generateDataKey();
      const ct = envelope.encryptField(dek, 'hello', ctx);
      expect(Buffer.isBuffer(ct)).toBe(true);
      expect(ct[0]).toBe(1);
      expect(ct.length).toBe(1 + 24 + 5 + 16);
      expect(ct.includes(Buffer.from('hello'))).toBe(false);
    });

    it('rejects a flipped bit in any byte', () => {
      const dek = envelope.generateDataKey();
      const ct = envelope.encryptField(dek, 'the address is 12 Long Road', ctx);
      flipEachByte(ct, (tampered) => expectIntegrityError(() => envelope.decryptField(dek, tampered, ctx)));
    });

    it('rejects truncated, extended and empty ciphertexts', () => {
      const dek = envelope.generateDataKey();
      const ct = envelope.encryptField(dek, 'secret', ctx);
      for (let n = 0; n < ct.length; n++) {
        expectIntegrityError(() => envelope.decryptField(dek, ct.subarray(0, n), ctx));
      }
      expectIntegrityError(() => envelope.decryptField(dek, Buffer.concat([ct, Buffer.from([0])]), ctx));
      expectIntegrityError(() => envelope.decryptField(dek, Buffer.alloc(0), ctx), 'malformed');
      const otherFormat = Buffer.from(ct);
      otherFormat[0] = 2;
      expectIntegrityError(() => envelope.decryptField(dek, otherFormat, ctx), 'unsupported_format');
    });

    it.each<[string, Partial<FieldContext>]>([
      ['rowId', { rowId: '3f0e9a56-0000-4000-8000-000000000002' }],
      ['column', { column: 'notes' }],
      ['table', { table: 'referrals' }],
      ['agencyId', { agencyId: 'agency-b' }],
      ['agencyId (to null)', { agencyId: null }],
      ['keyVersion', { keyVersion: 2 }],
    ])('rejects a ciphertext moved to another %s', (_name, change) => {
      const dek = envelope.generateDataKey();
      const ct = envelope.encryptField(dek, 'moved?', ctx);
      expectIntegrityError(() => envelope.decryptField(dek, ct, { ...ctx, ...change }), 'authentication_failed');
    });

    it('distinguishes a null agency from any agency', () => {
      const dek = envelope.generateDataKey();
      const noAgency = { ...ctx, agencyId: null };
      const ct = envelope.encryptField(dek, 'x', noAgency);
      expect(envelope.decryptFieldText(dek, ct, noAgency)).toBe('x');
      expectIntegrityError(() => envelope.decryptField(dek, ct, { ...ctx, agencyId: 'null' }));
      expect(() => envelope.encryptField(dek, 'x', { ...ctx, agencyId: '' })).toThrow(TypeError);
    });

    it('does not let length-prefixed names be re-split', () => {
      const dek = envelope.generateDataKey();
      const a = { ...ctx, table: 'cases.x', column: 'y' };
      const b = { ...ctx, table: 'cases', column: 'x.y' };
      expectIntegrityError(() => envelope.decryptField(dek, envelope.encryptField(dek, 'v', a), b));
    });

    it('rejects the wrong data key', () => {
      const dek = envelope.generateDataKey();
      const ct = envelope.encryptField(dek, 'secret', ctx);
      expectIntegrityError(() => envelope.decryptField(envelope.generateDataKey(), ct, ctx), 'authentication_failed');
    });

    it('refuses malformed keys and contexts as programming errors', () => {
      expect(() => envelope.encryptField(Buffer.alloc(31), 'x', ctx)).toThrow(TypeError);
      const dek = envelope.generateDataKey();
      expect(() => envelope.encryptField(dek, 'x', { ...ctx, rowId: '' })).toThrow(TypeError);
      expect(() => envelope.encryptField(dek, 'x', { ...ctx, table: 'a\ud800' })).toThrow(TypeError);
      expect(() => envelope.encryptField(dek, 'x', { ...ctx, keyVersion: -1 })).toThrow(RangeError);
      expect(() => envelope.encryptField(dek, 'x', { ...ctx, keyVersion: 1.5 })).toThrow(RangeError);
    });

    it('gives 100,000 distinct ciphertexts for one plaintext under one key', () => {
      const dek = envelope.generateDataKey();
      const seen = new Set<string>();
      for (let i = 0; i < 100_000; i++) seen.add(envelope.encryptField(dek, 'same plaintext', ctx).toString('base64'));
      expect(seen.size).toBe(100_000);
    }, 60_000);

    it('keeps no plaintext or key in its error', () => {
      const dek = envelope.generateDataKey();
      const ct = envelope.encryptField(dek, 'very secret words', ctx);
      const err = expectIntegrityError(() => envelope.decryptField(envelope.generateDataKey(), ct, ctx));
      const text = `${err.message} ${err.stack ?? ''} ${JSON.stringify(err)}`;
      expect(text).not.toContain('very secret');
      expect(text).not.toContain(dek.toString('hex'));
      expect(text).not.toContain(dek.toString('base64'));
    });
  });

  describe('data keys', () => {
    const keyCtx = { keyId: 'case-42', purpose: 'case' };

    it('generates 32 random bytes', () => {
      const a = envelope.generateDataKey();
      expect(a.length).toBe(32);
      expect(a.equals(envelope.generateDataKey())).toBe(false);
    });

    it('wraps and unwraps', () => {
      const dek = envelope.generateDataKey();
      const wrapped = envelope.wrapDataKey(dek, keyCtx);
      expect(wrapped.kekVersion).toBe(1);
      expect(wrapped.wrapped.length).toBe(1 + 24 + 32 + 16);
      expect(wrapped.wrapped.includes(dek)).toBe(false);
      expect(envelope.unwrapDataKey(wrapped, keyCtx).equals(dek)).toBe(true);
    });

    it('fails to unwrap under another keyId or purpose', () => {
      const wrapped = envelope.wrapDataKey(envelope.generateDataKey(), keyCtx);
      expectIntegrityError(() => envelope.unwrapDataKey(wrapped, { ...keyCtx, keyId: 'case-43' }));
      expectIntegrityError(() => envelope.unwrapDataKey(wrapped, { ...keyCtx, purpose: 'attachment' }));
    });

    it('rejects any tampering of the wrapped key', () => {
      const wrapped = envelope.wrapDataKey(envelope.generateDataKey(), keyCtx);
      flipEachByte(wrapped.wrapped, (tampered) =>
        expectIntegrityError(() => envelope.unwrapDataKey({ ...wrapped, wrapped: tampered }, keyCtx)),
      );
    });

    it('survives master key rotation, and fails closed once the old version is retired', async () => {
      const v1 = randomBytes(32);
      const v2 = randomBytes(32);
      const before = new EnvelopeCrypto(sodium, new ConfigMasterKeyProvider(testAppConfig({ masterKeys: new Map([[1, v1]]) })));
      const dek = before.generateDataKey();
      const old = before.wrapDataKey(dek, keyCtx);
      expect(old.kekVersion).toBe(1);

      const after = new EnvelopeCrypto(
        sodium,
        new ConfigMasterKeyProvider(testAppConfig({ masterKeys: new Map([[1, v1], [2, v2]]), masterKeyCurrent: 2 })),
      );
      expect(after.unwrapDataKey(old, keyCtx).equals(dek)).toBe(true);
      const rewrapped = after.rewrapDataKey(old, keyCtx);
      expect(rewrapped.kekVersion).toBe(2);
      expect(after.wrapDataKey(dek, keyCtx).kekVersion).toBe(2);

      // A wrapped key claiming another (existing) version does not open.
      expectIntegrityError(() => after.unwrapDataKey({ ...old, kekVersion: 2 }, keyCtx));

      const retired = new EnvelopeCrypto(
        sodium,
        new ConfigMasterKeyProvider(testAppConfig({ masterKeys: new Map([[2, v2]]), masterKeyCurrent: 2 })),
      );
      expect(retired.unwrapDataKey(rewrapped, keyCtx).equals(dek)).toBe(true);
      expectIntegrityError(() => retired.unwrapDataKey(old, keyCtx), 'unknown_key_version');
    });
  });

  describe('system secrets', () => {
    it('round-trips and records the KEK version in the header', () => {
      const ct = envelope.encryptSystem('JBSWY3DPEHPK3PXP', sysCtx);
      expect(ct[0]).toBe(1);
      expect(ct.readUInt32BE(1)).toBe(1);
      expect(envelope.systemKekVersion(ct)).toBe(1);
      expect(envelope.decryptSystemText(ct, sysCtx)).toBe('JBSWY3DPEHPK3PXP');
    });

    it('rejects tampering and moved values', () => {
      const ct = envelope.encryptSystem('JBSWY3DPEHPK3PXP', sysCtx);
      flipEachByte(ct, (tampered) => expectIntegrityError(() => envelope.decryptSystem(tampered, sysCtx)));
      expectIntegrityError(() => envelope.decryptSystem(ct, { ...sysCtx, rowId: 'user-2' }));
      expectIntegrityError(() => envelope.decryptSystem(ct, { ...sysCtx, column: 'recovery_codes' }));
      expectIntegrityError(() => envelope.decryptSystem(ct, { ...sysCtx, table: 'agencies' }));
    });

    it('does not accept field ciphertexts, or the reverse', () => {
      const dek = envelope.generateDataKey();
      const field = envelope.encryptField(dek, 'x', { ...ctx, ...sysCtx });
      expectIntegrityError(() => envelope.decryptSystem(field, sysCtx));
      const system = envelope.encryptSystem('x', sysCtx);
      expectIntegrityError(() => envelope.decryptField(dek, system, { ...ctx, ...sysCtx }));
    });

    it('decrypts old versions after rotation and re-encrypts under the current one', () => {
      const v1 = randomBytes(32);
      const v2 = randomBytes(32);
      const before = new EnvelopeCrypto(sodium, new StaticMasterKeyProvider(new Map([[1, v1]]), 1));
      const old = before.encryptSystem('totp-secret', sysCtx);
      const after = new EnvelopeCrypto(sodium, new StaticMasterKeyProvider(new Map([[1, v1], [2, v2]]), 2));
      expect(after.decryptSystemText(old, sysCtx)).toBe('totp-secret');
      const fresh = after.reencryptSystem(old, sysCtx);
      expect(after.systemKekVersion(fresh)).toBe(2);
      expect(after.decryptSystemText(fresh, sysCtx)).toBe('totp-secret');
      const retired = new EnvelopeCrypto(sodium, new StaticMasterKeyProvider(new Map([[2, v2]]), 2));
      expect(retired.decryptSystemText(fresh, sysCtx)).toBe('totp-secret');
      expectIntegrityError(() => retired.decryptSystem(old, sysCtx), 'unknown_key_version');
    });

    it('refuses to encrypt when the current version is missing', () => {
      const broken = new EnvelopeCrypto(sodium, new StaticMasterKeyProvider(new Map([[1, randomBytes(32)]]), 2));
      expect(() => broken.encryptSystem('x', sysCtx)).toThrow('Master key version 2 is not available');
      expect(() => broken.wrapDataKey(broken.generateDataKey(), { keyId: 'k', purpose: 'case' })).toThrow(
        'Master key version 2 is not available',
      );
    });
  });

  it('still decrypts the known-answer vectors (stored format is stable)', () => {
    const kat = KNOWN_ANSWERS;
    const fixed = new EnvelopeCrypto(
      sodium,
      new StaticMasterKeyProvider(new Map([[kat.masterKey.version, Buffer.from(kat.masterKey.key, 'hex')]]), 7),
    );
    const dek = Buffer.from(kat.dataKey, 'hex');
    expect(fixed.decryptFieldText(dek, Buffer.from(kat.field.ciphertext, 'hex'), kat.field.context)).toBe(kat.plaintext);
    expect(fixed.decryptSystemText(Buffer.from(kat.system.ciphertext, 'hex'), kat.system.context)).toBe(kat.plaintext);
    const wrapped = { wrapped: Buffer.from(kat.wrappedDataKey.wrapped, 'hex'), kekVersion: 7 };
    expect(fixed.unwrapDataKey(wrapped, kat.wrappedDataKey.context).equals(dek)).toBe(true);
  });
});
