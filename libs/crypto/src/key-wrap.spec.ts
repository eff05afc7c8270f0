import { randomBytes } from 'node:crypto';
import { IntegrityError } from './crypto-error';
import { checkedPrivateKey, openWithToken, sealUnderToken, unwrapKey, wrapKey } from './key-wrap';
import { loadSodium, type Sodium } from './sodium.provider';

describe('key wrapping', () => {
  let sodium: Sodium;
  beforeAll(async () => {
    sodium = await loadSodium();
  });

  it('round-trips under the same key and associated data, and fails closed on any change', () => {
    const key = randomBytes(32);
    const secret = randomBytes(32);
    const ad = Buffer.from('amani:test:v1');
    const blob = wrapKey(sodium, key, secret, ad);
    expect(unwrapKey(sodium, key, blob, ad).equals(secret)).toBe(true);
    expect(() => unwrapKey(sodium, key, blob, Buffer.from('amani:other:v1'))).toThrow(IntegrityError);
    expect(() => unwrapKey(sodium, randomBytes(32), blob, ad)).toThrow(IntegrityError);
    const flipped = Buffer.from(blob);
    flipped[flipped.length - 1] ^= 1;
    expect(() => unwrapKey(sodium, key, flipped, ad)).toThrow(IntegrityError);
    expect(() => unwrapKey(sodium, key, blob.subarray(0, 20), ad)).toThrow(IntegrityError);
  });

  it('keeps a session secret under a token only the client holds', () => {
    const secret = randomBytes(32);
    const ad = Buffer.from('amani:session:v1');
    const { token, sealed } = sealUnderToken(sodium, secret, ad);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(sealed.includes(Buffer.from(token, 'base64url'))).toBe(false);
    expect(openWithToken(sodium, sealed, token, ad).equals(secret)).toBe(true);
    expect(() => openWithToken(sodium, sealed, sealUnderToken(sodium, secret, ad).token, ad)).toThrow(IntegrityError);
    expect(() => openWithToken(sodium, sealed, `${token}=`, ad)).toThrow(IntegrityError);
  });

  it('accepts a private key only with its own public key, and wipes a wrong one', () => {
    const kp = sodium.crypto_box_keypair();
    expect(checkedPrivateKey(sodium, Buffer.from(kp.privateKey), kp.publicKey).equals(Buffer.from(kp.privateKey))).toBe(true);
    const wrong = Buffer.from(sodium.crypto_box_keypair().privateKey);
    expect(() => checkedPrivateKey(sodium, wrong, kp.publicKey)).toThrow(IntegrityError);
    expect(wrong.every((b) => b === 0)).toBe(true);
  });
});
