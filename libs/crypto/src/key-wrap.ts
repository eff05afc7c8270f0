import { randomBytes } from 'node:crypto';
import { IntegrityError } from './crypto-error';
import type { Sodium } from './sodium.provider';

/**
 * The small key-wrapping format shared by the SEA protocol and agency key custody:
 * `[0x01][24-byte nonce][XChaCha20-Poly1305 ciphertext+tag]`, with the caller's associated
 * data naming what the wrapped key belongs to. Every failure is an IntegrityError.
 */
const FORMAT_V1 = 1;
const NONCE_BYTES = 24;
const TAG_BYTES = 16;
const KEY_BYTES = 32;

export function wrapKey(sodium: Sodium, key: Uint8Array, plaintext: Uint8Array, ad: Uint8Array): Buffer {
  const nonce = randomBytes(NONCE_BYTES);
  const sealed = sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(plaintext, ad, null, nonce, key);
  return Buffer.concat([Buffer.from([FORMAT_V1]), nonce, sealed]);
}

export function unwrapKey(sodium: Sodium, key: Uint8Array, blob: Buffer, ad: Uint8Array): Buffer {
  if (blob.length < 1 + NONCE_BYTES + TAG_BYTES || blob[0] !== FORMAT_V1) throw new IntegrityError('malformed');
  try {
    return Buffer.from(sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(null, blob.subarray(1 + NONCE_BYTES), ad, blob.subarray(1, 1 + NONCE_BYTES), key));
  } catch {
    throw new IntegrityError('authentication_failed');
  }
}

/** The X25519 private key, if it is the one of this public key; else it is wiped and IntegrityError. */
export function checkedPrivateKey(sodium: Sodium, privateKey: Buffer, publicKey: Uint8Array): Buffer {
  const derived = privateKey.length === KEY_BYTES ? sodium.crypto_scalarmult_base(privateKey) : null;
  if (!derived || !Buffer.from(derived).equals(Buffer.from(publicKey))) {
    sodium.memzero(privateKey);
    throw new IntegrityError('authentication_failed');
  }
  return privateKey;
}

/**
 * A session's custody of an unlocked private key: encrypted under a fresh random key that is
 * handed to the client as `token` (base64url) and never stored; the server keeps `sealed`.
 */
export function sealUnderToken(sodium: Sodium, secret: Uint8Array, ad: Uint8Array): { token: string; sealed: Buffer } {
  const key = randomBytes(KEY_BYTES);
  const sealed = wrapKey(sodium, key, secret, ad);
  const token = key.toString('base64url');
  sodium.memzero(key);
  return { token, sealed };
}

/** Opens what sealUnderToken sealed with the client's token; IntegrityError otherwise. The caller wipes the result. */
export function openWithToken(sodium: Sodium, sealed: Buffer, token: string, ad: Uint8Array): Buffer {
  const key = Buffer.from(token, 'base64url');
  if (key.length !== KEY_BYTES || key.toString('base64url') !== token) throw new IntegrityError('malformed');
  try {
    return unwrapKey(sodium, key, sealed, ad);
  } finally {
    sodium.memzero(key);
  }
}
