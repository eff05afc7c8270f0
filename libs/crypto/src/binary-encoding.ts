import type { Sodium } from './sodium.provider';

export type EncodedPart = string | Uint8Array | { u32: number } | { nullable: string | null };

const LONE_SURROGATE = /\p{Cs}/u;

export function assertUint32(value: number, what: string): void {
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) {
    throw new RangeError(`${what} must be an integer between 0 and 2^32-1`);
  }
}

export function assertIdentifier(value: unknown, what: string): asserts value is string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new TypeError(`${what} must be a non-empty string`);
  }
  // UTF-8 encoding replaces lone surrogates, which would let two different ids encode alike.
  if (LONE_SURROGATE.test(value)) throw new TypeError(`${what} must be well-formed Unicode`);
}

export function u32be(value: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(value);
  return b;
}

/**
 * Unambiguous encoding: every part is prefixed with its 4-byte length, so no two different
 * sequences of parts encode to the same bytes. A nullable string is a presence byte plus text,
 * so null and '' differ.
 */
export function encodeParts(parts: readonly EncodedPart[]): Buffer {
  let total = 0;
  for (const part of parts) total += 4 + partLength(part);
  const out = Buffer.allocUnsafe(total);
  let at = 0;
  for (const part of parts) {
    const length = partLength(part);
    at = out.writeUInt32BE(length, at);
    if (typeof part === 'string') {
      at += out.write(part, at, 'utf8');
    } else if (part instanceof Uint8Array) {
      out.set(part, at);
      at += length;
    } else if ('u32' in part) {
      at = out.writeUInt32BE(part.u32, at);
    } else if (part.nullable === null) {
      out[at++] = 0;
    } else {
      out[at++] = 1;
      at += out.write(part.nullable, at, 'utf8');
    }
  }
  if (at !== total) throw new Error('encodeParts: length mismatch');
  return out;
}

function partLength(part: EncodedPart): number {
  if (typeof part === 'string') return Buffer.byteLength(part, 'utf8');
  if (part instanceof Uint8Array) return part.byteLength;
  if ('u32' in part) {
    assertUint32(part.u32, 'integer part');
    return 4;
  }
  return part.nullable === null ? 1 : 1 + Buffer.byteLength(part.nullable, 'utf8');
}

/** View libsodium's output as a Buffer without copying. */
export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

export function toBytes(value: string | Uint8Array): Uint8Array {
  return typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
}

const subkeyIdCache = new Map<string, bigint>();
const SUBKEY_ID_CACHE_MAX = 4096;

/**
 * crypto_kdf subkey id for a (table, column) pair: the first 8 bytes of an unkeyed BLAKE2b of
 * the length-prefixed names, read little-endian as an unsigned 64-bit bigint. Stable forever:
 * changing it makes every stored ciphertext undecryptable.
 */
export function fieldSubkeyId(sodium: Sodium, table: string, column: string): bigint {
  const cacheKey = JSON.stringify([table, column]);
  const cached = subkeyIdCache.get(cacheKey);
  if (cached !== undefined) return cached;
  const digest = sodium.crypto_generichash(
    sodium.crypto_generichash_BYTES_MIN,
    encodeParts(['amani:field-subkey-id:v1', table, column]),
    null,
  );
  const id = asBuffer(digest).readBigUInt64LE(0);
  if (subkeyIdCache.size < SUBKEY_ID_CACHE_MAX) subkeyIdCache.set(cacheKey, id);
  return id;
}
