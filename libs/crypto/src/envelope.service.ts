import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import {
  asBuffer,
  assertIdentifier,
  assertUint32,
  encodeParts,
  fieldSubkeyId,
  toBytes,
  u32be,
} from './binary-encoding';
import { IntegrityError, UnknownKeyVersionError } from './crypto-error';
import { MASTER_KEY_PROVIDER, MasterKeyProvider } from './key-provider';
import { SODIUM, Sodium } from './sodium.provider';

/** Binds a wrapped data key to what it protects, e.g. { keyId: caseId, purpose: 'case' }. */
export interface DataKeyContext {
  keyId: string;
  purpose: string;
}

export interface WrappedDataKey {
  wrapped: Buffer;
  kekVersion: number;
}

/** Where a field ciphertext lives. All of it is authenticated, none of it is encrypted. */
export interface FieldContext {
  table: string;
  column: string;
  rowId: string;
  agencyId: string | null;
  keyVersion: number;
}

export interface SystemContext {
  table: string;
  column: string;
  rowId: string;
}

export const DATA_KEY_BYTES = 32;
export const CIPHERTEXT_FORMAT_V1 = 1;

const NONCE_BYTES = 24;
const TAG_BYTES = 16;
const KDF_CONTEXT_FIELD = 'amanifld';
const KDF_CONTEXT_SYSTEM = 'amanisys';
const KDF_CONTEXT_DATA_KEY = 'amanidek';
const DATA_KEY_WRAP_SUBKEY_ID = 1;
const FORMAT_HEADER_BYTES = 1;
const SYSTEM_HEADER_BYTES = 5;

/**
 * Envelope encryption (DESIGN.md §3): per-case data keys wrapped by the versioned master key,
 * fields encrypted under per-field subkeys of the data key, and "system" secrets encrypted
 * under per-field subkeys of the master key itself.
 *
 * Formats (all XChaCha20-Poly1305 IETF, random 24-byte nonce):
 *   field:   [0x01][nonce][ciphertext+tag]
 *   system:  [0x01][kekVersion uint32 BE][nonce][ciphertext+tag]
 *   wrapped: [0x01][nonce][data key+tag]   (KEK version kept beside it, and authenticated)
 */
@Injectable()
export class EnvelopeCrypto {
  constructor(
    @Inject(SODIUM) private readonly sodium: Sodium,
    @Inject(MASTER_KEY_PROVIDER) private readonly keys: MasterKeyProvider,
  ) {}

  generateDataKey(): Buffer {
    return randomBytes(DATA_KEY_BYTES);
  }

  wrapDataKey(dek: Uint8Array, ctx: DataKeyContext): WrappedDataKey {
    assertDataKey(dek);
    const kekVersion = this.keys.currentVersion();
    const header = Buffer.from([CIPHERTEXT_FORMAT_V1]);
    const ad = dataKeyAd(header, kekVersion, ctx);
    const wrapKey = this.masterSubkey(kekVersion, DATA_KEY_WRAP_SUBKEY_ID, KDF_CONTEXT_DATA_KEY);
    try {
      return { wrapped: this.seal(wrapKey, header, dek, ad), kekVersion };
    } finally {
      this.sodium.memzero(wrapKey);
    }
  }

  /** The caller should memzero the returned key once done with it. */
  unwrapDataKey(wrapped: WrappedDataKey, ctx: DataKeyContext): Buffer {
    const blob = wrapped.wrapped;
    checkLength(blob, FORMAT_HEADER_BYTES, DATA_KEY_BYTES);
    const header = blob.subarray(0, FORMAT_HEADER_BYTES);
    const ad = dataKeyAd(header, wrapped.kekVersion, ctx);
    const wrapKey = this.masterSubkeyForDecrypt(wrapped.kekVersion, DATA_KEY_WRAP_SUBKEY_ID, KDF_CONTEXT_DATA_KEY);
    try {
      const dek = this.open(wrapKey, blob.subarray(FORMAT_HEADER_BYTES), ad);
      if (dek.length !== DATA_KEY_BYTES) throw new IntegrityError('malformed');
      return dek;
    } finally {
      this.sodium.memzero(wrapKey);
    }
  }

  /** Re-wraps under the current KEK version (rotation job). */
  rewrapDataKey(wrapped: WrappedDataKey, ctx: DataKeyContext): WrappedDataKey {
    const dek = this.unwrapDataKey(wrapped, ctx);
    try {
      return this.wrapDataKey(dek, ctx);
    } finally {
      this.sodium.memzero(dek);
    }
  }

  encryptField(dek: Uint8Array, plaintext: string | Uint8Array, ctx: FieldContext): Buffer {
    assertDataKey(dek);
    const header = Buffer.from([CIPHERTEXT_FORMAT_V1]);
    const ad = fieldAd(header, ctx);
    const subkey = this.fieldSubkey(dek, ctx, KDF_CONTEXT_FIELD);
    try {
      return this.seal(subkey, header, toBytes(plaintext), ad);
    } finally {
      this.sodium.memzero(subkey);
    }
  }

  decryptField(dek: Uint8Array, ciphertext: Uint8Array, ctx: FieldContext): Buffer {
    assertDataKey(dek);
    checkLength(ciphertext, FORMAT_HEADER_BYTES, 0);
    const header = ciphertext.subarray(0, FORMAT_HEADER_BYTES);
    const ad = fieldAd(header, ctx);
    const subkey = this.fieldSubkey(dek, ctx, KDF_CONTEXT_FIELD);
    try {
      return this.open(subkey, ciphertext.subarray(FORMAT_HEADER_BYTES), ad);
    } finally {
      this.sodium.memzero(subkey);
    }
  }

  decryptFieldText(dek: Uint8Array, ciphertext: Uint8Array, ctx: FieldContext): string {
    return this.decryptField(dek, ciphertext, ctx).toString('utf8');
  }

  /** For secrets not tied to a case (e.g. users.mfa_secret): encrypted under the current KEK. */
  encryptSystem(plaintext: string | Uint8Array, ctx: SystemContext): Buffer {
    const kekVersion = this.keys.currentVersion();
    assertUint32(kekVersion, 'master key version');
    const header = Buffer.concat([Buffer.from([CIPHERTEXT_FORMAT_V1]), u32be(kekVersion)]);
    const ad = systemAd(header, ctx);
    const subkey = this.fieldSubkey(this.keys.get(kekVersion), ctx, KDF_CONTEXT_SYSTEM);
    try {
      return this.seal(subkey, header, toBytes(plaintext), ad);
    } finally {
      this.sodium.memzero(subkey);
    }
  }

  decryptSystem(ciphertext: Uint8Array, ctx: SystemContext): Buffer {
    const kekVersion = this.systemKekVersion(ciphertext);
    const header = ciphertext.subarray(0, SYSTEM_HEADER_BYTES);
    const ad = systemAd(header, ctx);
    const kek = this.masterKeyForDecrypt(kekVersion);
    const subkey = this.fieldSubkey(kek, ctx, KDF_CONTEXT_SYSTEM);
    try {
      return this.open(subkey, ciphertext.subarray(SYSTEM_HEADER_BYTES), ad);
    } finally {
      this.sodium.memzero(subkey);
    }
  }

  decryptSystemText(ciphertext: Uint8Array, ctx: SystemContext): string {
    return this.decryptSystem(ciphertext, ctx).toString('utf8');
  }

  /** KEK version recorded in a system ciphertext's header (unauthenticated until decrypted). */
  systemKekVersion(ciphertext: Uint8Array): number {
    checkLength(ciphertext, SYSTEM_HEADER_BYTES, 0);
    return asBuffer(ciphertext).readUInt32BE(1);
  }

  /** Re-encrypts a system ciphertext under the current KEK version (rotation job). */
  reencryptSystem(ciphertext: Uint8Array, ctx: SystemContext): Buffer {
    const plaintext = this.decryptSystem(ciphertext, ctx);
    try {
      return this.encryptSystem(plaintext, ctx);
    } finally {
      this.sodium.memzero(plaintext);
    }
  }

  private seal(key: Uint8Array, header: Uint8Array, plaintext: Uint8Array, ad: Uint8Array): Buffer {
    // Node's CSPRNG: same OS source as libsodium's, without its ~90 µs per-call WebAssembly shim.
    const nonce = randomBytes(NONCE_BYTES);
    const sealed = this.sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(plaintext, ad, null, nonce, key);
    const out = Buffer.allocUnsafe(header.length + NONCE_BYTES + sealed.length);
    out.set(header, 0);
    out.set(nonce, header.length);
    out.set(sealed, header.length + NONCE_BYTES);
    return out;
  }

  private open(key: Uint8Array, body: Uint8Array, ad: Uint8Array): Buffer {
    const nonce = body.subarray(0, NONCE_BYTES);
    const sealed = body.subarray(NONCE_BYTES);
    try {
      return asBuffer(this.sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(null, sealed, ad, nonce, key));
    } catch {
      throw new IntegrityError('authentication_failed');
    }
  }

  private fieldSubkey(key: Uint8Array, ctx: { table: string; column: string }, kdfContext: string): Uint8Array {
    const id = fieldSubkeyId(this.sodium, ctx.table, ctx.column);
    return this.sodium.crypto_kdf_derive_from_key(DATA_KEY_BYTES, id, kdfContext, key);
  }

  private masterSubkey(version: number, id: number, kdfContext: string): Uint8Array {
    assertUint32(version, 'master key version');
    return this.sodium.crypto_kdf_derive_from_key(DATA_KEY_BYTES, id, kdfContext, this.keys.get(version));
  }

  private masterSubkeyForDecrypt(version: number, id: number, kdfContext: string): Uint8Array {
    return this.sodium.crypto_kdf_derive_from_key(DATA_KEY_BYTES, id, kdfContext, this.masterKeyForDecrypt(version));
  }

  // A missing version on the decrypt path is reported like any other undecryptable value.
  private masterKeyForDecrypt(version: number): Uint8Array {
    try {
      return this.keys.get(version);
    } catch (e) {
      if (e instanceof UnknownKeyVersionError) throw new IntegrityError('unknown_key_version');
      throw e;
    }
  }
}

function assertDataKey(dek: Uint8Array): void {
  if (!(dek instanceof Uint8Array) || dek.length !== DATA_KEY_BYTES) {
    throw new TypeError(`data key must be ${DATA_KEY_BYTES} bytes`);
  }
}

function checkLength(blob: Uint8Array, headerBytes: number, minPlaintext: number): void {
  if (!(blob instanceof Uint8Array)) throw new TypeError('ciphertext must be a Buffer or Uint8Array');
  if (blob.length < headerBytes + NONCE_BYTES + TAG_BYTES + minPlaintext) throw new IntegrityError('malformed');
  if (blob[0] !== CIPHERTEXT_FORMAT_V1) throw new IntegrityError('unsupported_format');
}

function dataKeyAd(header: Uint8Array, kekVersion: number, ctx: DataKeyContext): Buffer {
  assertUint32(kekVersion, 'kekVersion');
  assertIdentifier(ctx.keyId, 'keyId');
  assertIdentifier(ctx.purpose, 'purpose');
  return encodeParts(['amani:data-key', header, { u32: kekVersion }, ctx.purpose, ctx.keyId]);
}

function fieldAd(header: Uint8Array, ctx: FieldContext): Buffer {
  assertIdentifier(ctx.table, 'table');
  assertIdentifier(ctx.column, 'column');
  assertIdentifier(ctx.rowId, 'rowId');
  if (ctx.agencyId !== null) assertIdentifier(ctx.agencyId, 'agencyId');
  assertUint32(ctx.keyVersion, 'keyVersion');
  return encodeParts([
    'amani:field',
    header,
    ctx.table,
    ctx.column,
    ctx.rowId,
    { nullable: ctx.agencyId },
    { u32: ctx.keyVersion },
  ]);
}

function systemAd(header: Uint8Array, ctx: SystemContext): Buffer {
  assertIdentifier(ctx.table, 'table');
  assertIdentifier(ctx.column, 'column');
  assertIdentifier(ctx.rowId, 'rowId');
  return encodeParts(['amani:system', header, ctx.table, ctx.column, ctx.rowId]);
}
