import { createHmac, randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { hashRaw } from '@node-rs/argon2';
import { AppConfig, InjectConfig } from '@amani/config';
import { encodeParts, IntegrityError, SODIUM, Sodium } from '@amani/crypto';

/**
 * Key custody for agency key groups (issue 14; the SEA protocol's model, for every agency):
 *
 *  - Personal key: an X25519 key pair per staff user. The private half is stored only
 *    XChaCha20-Poly1305-wrapped under Argon2id(HMAC-SHA256(pepper, password), salt): a
 *    database dump alone cannot even test a password guess, and with the secrets file each
 *    guess costs what a guess against the stored password hash costs (the weakest link sets
 *    the KDF cost; see PERSONAL_KDF).
 *  - Agency key: an X25519 key pair per agency and version. Its private half exists only
 *    sealed (crypto_box_seal) to each member's personal public key — a grant — and wrapped
 *    under the agency's recovery key, shown once to the supervisor who set the key up.
 *  - Data keys: sealed to the agency's public key, bound to what they protect.
 *  - Session: at sign-in the personal private key is re-encrypted under a random session key
 *    that only the client holds (X-Amani-Unlock / the console's sealed cookie).
 */

const KEY_BYTES = 32;
const NONCE_BYTES = 24;
const SALT_BYTES = 16;
const FORMAT_V1 = 1;
export const RECOVERY_KEY_BYTES = 20;
/** Argon2id at the password hash's own cost (OWASP minimum): a stronger wrap adds nothing while the hash is the cheaper oracle. */
export const PERSONAL_KDF = { memoryCost: 19456, timeCost: 2 } as const;
const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export interface KeyPair {
  publicKey: Buffer;
  privateKey: Buffer;
}

export interface PersonalKeyWrap {
  salt: Buffer;
  wrapped: Buffer;
  memoryCost: number;
  timeCost: number;
  pepperVersion: number;
}

/** What a sealed data key is bound to: a sealed key moved to another record fails to open. */
export interface SealBinding {
  purpose: string;
  id: string;
  version: number;
}

/** Twenty random bytes shown as base32 groups of four. */
export function formatRecoveryKey(bytes: Uint8Array): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
  return out.match(/.{1,4}/g)!.join('-');
}

export function parseRecoveryKey(input: string): Buffer | null {
  const chars = input.toUpperCase().replace(/[\s-]/g, '');
  if (chars.length !== Math.ceil((RECOVERY_KEY_BYTES * 8) / 5)) return null;
  const out: number[] = [];
  let bits = 0;
  let value = 0;
  for (const c of chars) {
    const v = BASE32.indexOf(c);
    if (v < 0) return null;
    value = ((value << 5) | v) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return out.length === RECOVERY_KEY_BYTES ? Buffer.from(out) : null;
}

@Injectable()
export class KeyCustody {
  private readonly peppers: ReadonlyMap<number, Buffer>;
  private readonly pepperCurrent: number;

  constructor(
    @Inject(SODIUM) private readonly sodium: Sodium,
    @InjectConfig() config: AppConfig,
  ) {
    this.peppers = config.secrets.passwordPeppers;
    this.pepperCurrent = config.secrets.passwordPepperCurrent;
  }

  /** The password pepper version new wraps use; older wraps are re-wrapped at the next sign-in. */
  currentPepperVersion(): number {
    return this.pepperCurrent;
  }

  newKeyPair(): KeyPair {
    const kp = this.sodium.crypto_box_keypair();
    return { publicKey: Buffer.from(kp.publicKey), privateKey: Buffer.from(kp.privateKey) };
  }

  newDataKey(): Buffer {
    return randomBytes(KEY_BYTES);
  }

  // ---- personal keys ------------------------------------------------------------------

  async wrapWithPassword(privateKey: Uint8Array, password: string, userId: string, publicKey: Uint8Array): Promise<PersonalKeyWrap> {
    const salt = randomBytes(SALT_BYTES);
    const { memoryCost, timeCost } = PERSONAL_KDF;
    const pepperVersion = this.pepperCurrent;
    const key = await this.passwordKey(password, salt, memoryCost, timeCost, pepperVersion);
    try {
      return { salt, memoryCost, timeCost, pepperVersion, wrapped: this.seal(key, privateKey, personalAd(userId, publicKey, memoryCost, timeCost, pepperVersion)) };
    } finally {
      this.sodium.memzero(key);
    }
  }

  /** Throws IntegrityError for a wrong password (or a tampered record). The caller wipes the key. */
  async unwrapWithPassword(w: PersonalKeyWrap, password: string, userId: string, publicKey: Uint8Array): Promise<Buffer> {
    const key = await this.passwordKey(password, w.salt, w.memoryCost, w.timeCost, w.pepperVersion);
    try {
      return this.checkedPrivateKey(this.open(key, w.wrapped, personalAd(userId, publicKey, w.memoryCost, w.timeCost, w.pepperVersion)), publicKey);
    } finally {
      this.sodium.memzero(key);
    }
  }

  // ---- session custody ----------------------------------------------------------------

  /** The private key under a fresh random session key: the client gets the token, the server keeps `sealed`. */
  sealForSession(privateKey: Uint8Array, sessionId: string, userId: string): { token: string; sealed: Buffer } {
    const key = randomBytes(KEY_BYTES);
    const sealed = this.seal(key, privateKey, sessionAd(sessionId, userId));
    const token = key.toString('base64url');
    this.sodium.memzero(key);
    return { token, sealed };
  }

  /** Throws IntegrityError when the token does not open the record. The caller wipes the key. */
  openForSession(sealed: Buffer, token: string, sessionId: string, userId: string): Buffer {
    const key = Buffer.from(token, 'base64url');
    if (key.length !== KEY_BYTES || key.toString('base64url') !== token) throw new IntegrityError('malformed');
    try {
      return this.open(key, sealed, sessionAd(sessionId, userId));
    } finally {
      this.sodium.memzero(key);
    }
  }

  // ---- recovery -----------------------------------------------------------------------

  newRecoveryKey(): { bytes: Buffer; display: string } {
    const bytes = randomBytes(RECOVERY_KEY_BYTES);
    return { bytes, display: formatRecoveryKey(bytes) };
  }

  wrapWithRecovery(privateKey: Uint8Array, recovery: Uint8Array, agencyId: string, version: number, publicKey: Uint8Array): Buffer {
    const key = this.recoveryWrapKey(recovery, agencyId);
    try {
      return this.seal(key, privateKey, recoveryAd(agencyId, version, publicKey));
    } finally {
      this.sodium.memzero(key);
    }
  }

  unwrapWithRecovery(wrapped: Buffer, recovery: Uint8Array, agencyId: string, version: number, publicKey: Uint8Array): Buffer {
    const key = this.recoveryWrapKey(recovery, agencyId);
    try {
      return this.checkedPrivateKey(this.open(key, wrapped, recoveryAd(agencyId, version, publicKey)), publicKey);
    } finally {
      this.sodium.memzero(key);
    }
  }

  // ---- sealing to a public key ----------------------------------------------------------

  /** crypto_box_seal of (binding ‖ secret) to a public key. */
  sealTo(secret: Uint8Array, binding: SealBinding, publicKey: Uint8Array): Buffer {
    const message = Buffer.concat([bindingBytes(binding), secret]);
    try {
      return Buffer.from(this.sodium.crypto_box_seal(message, publicKey));
    } finally {
      this.sodium.memzero(message);
    }
  }

  /** Opens what sealTo sealed; IntegrityError when the key or the binding is wrong. The caller wipes the secret. */
  openSealed(sealed: Uint8Array, binding: SealBinding, publicKey: Uint8Array, privateKey: Uint8Array): Buffer {
    let message: Uint8Array;
    try {
      message = this.sodium.crypto_box_seal_open(sealed, publicKey, privateKey);
    } catch {
      throw new IntegrityError('authentication_failed');
    }
    const expected = bindingBytes(binding);
    const head = Buffer.from(message.subarray(0, expected.length));
    const secret = Buffer.from(message.subarray(expected.length));
    this.sodium.memzero(message);
    if (!head.equals(expected) || secret.length === 0) {
      this.sodium.memzero(secret);
      throw new IntegrityError('authentication_failed');
    }
    return secret;
  }

  /** A group private key sealed to a member, checked against the group public key when opened. */
  sealGroupKey(groupPrivateKey: Uint8Array, agencyId: string, version: number, memberId: string, memberPublicKey: Uint8Array): Buffer {
    return this.sealTo(groupPrivateKey, { purpose: `agency-grant:${memberId}`, id: agencyId, version }, memberPublicKey);
  }

  openGroupKey(
    sealed: Uint8Array,
    agencyId: string,
    version: number,
    memberId: string,
    member: { publicKey: Uint8Array; privateKey: Uint8Array },
    groupPublicKey: Uint8Array,
  ): Buffer {
    const sk = this.openSealed(sealed, { purpose: `agency-grant:${memberId}`, id: agencyId, version }, member.publicKey, member.privateKey);
    return this.checkedPrivateKey(sk, groupPublicKey);
  }

  /** Rotation: the previous version's private key, sealed to the new version's public key. */
  sealPrevious(previousPrivateKey: Uint8Array, agencyId: string, version: number, publicKey: Uint8Array): Buffer {
    return this.sealTo(previousPrivateKey, { purpose: 'agency-chain', id: agencyId, version }, publicKey);
  }

  /** Opens the previous version's private key with this version's pair; checked against the previous public key. */
  openPrevious(sealed: Uint8Array, agencyId: string, version: number, pair: { publicKey: Uint8Array; privateKey: Uint8Array }, previousPublicKey: Uint8Array): Buffer {
    return this.checkedPrivateKey(this.openSealed(sealed, { purpose: 'agency-chain', id: agencyId, version }, pair.publicKey, pair.privateKey), previousPublicKey);
  }

  /**
   * Rotation: an already sealed key sealed once more, to a newer version's public key. Needs no
   * secret, so the worker does it; only a holder of the newer version peels it again.
   */
  sealLayer(sealed: Uint8Array, purpose: string, id: string, version: number, publicKey: Uint8Array): Buffer {
    return this.sealTo(sealed, { purpose: `${purpose}-layer`, id, version }, publicKey);
  }

  openLayer(sealed: Uint8Array, purpose: string, id: string, version: number, pair: { publicKey: Uint8Array; privateKey: Uint8Array }): Buffer {
    return this.openSealed(sealed, { purpose: `${purpose}-layer`, id, version }, pair.publicKey, pair.privateKey);
  }

  wipe(...keys: (Uint8Array | null | undefined)[]): void {
    for (const k of keys) if (k) this.sodium.memzero(k);
  }

  // ---- internals ----------------------------------------------------------------------

  private async passwordKey(password: string, salt: Uint8Array, memoryCost: number, timeCost: number, pepperVersion: number): Promise<Buffer> {
    const pepper = this.peppers.get(pepperVersion);
    if (!pepper) throw new IntegrityError('unknown_key_version');
    // Argon2id over HMAC(pepper, password) as base64 text, like the password hash (@node-rs/argon2 takes UTF-8).
    const input = createHmac('sha256', pepper).update('amani:personal-key:v1').update(password, 'utf8').digest('base64');
    return hashRaw(input, { algorithm: 2, memoryCost, timeCost, parallelism: 1, outputLen: KEY_BYTES, salt });
  }

  private recoveryWrapKey(recovery: Uint8Array, agencyId: string): Uint8Array {
    if (recovery.length !== RECOVERY_KEY_BYTES) throw new IntegrityError('malformed');
    return this.sodium.crypto_generichash(KEY_BYTES, encodeParts(['amani:agency:recovery-wrap:v1', agencyId]), recovery);
  }

  private checkedPrivateKey(privateKey: Buffer, publicKey: Uint8Array): Buffer {
    const derived = privateKey.length === KEY_BYTES ? this.sodium.crypto_scalarmult_base(privateKey) : null;
    if (!derived || !Buffer.from(derived).equals(Buffer.from(publicKey))) {
      this.sodium.memzero(privateKey);
      throw new IntegrityError('authentication_failed');
    }
    return privateKey;
  }

  private seal(key: Uint8Array, plaintext: Uint8Array, ad: Uint8Array): Buffer {
    const nonce = randomBytes(NONCE_BYTES);
    const sealed = this.sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(plaintext, ad, null, nonce, key);
    return Buffer.concat([Buffer.from([FORMAT_V1]), nonce, sealed]);
  }

  private open(key: Uint8Array, blob: Buffer, ad: Uint8Array): Buffer {
    if (blob.length < 1 + NONCE_BYTES + 16 || blob[0] !== FORMAT_V1) throw new IntegrityError('malformed');
    try {
      return Buffer.from(this.sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(null, blob.subarray(1 + NONCE_BYTES), ad, blob.subarray(1, 1 + NONCE_BYTES), key));
    } catch {
      throw new IntegrityError('authentication_failed');
    }
  }
}

function bindingBytes(b: SealBinding): Buffer {
  if (!UUID.test(b.id)) throw new TypeError('a sealed key is bound to a lower-case UUID');
  return encodeParts(['amani:sealed-key:v1', b.purpose, b.id, { u32: b.version }]);
}

const personalAd = (userId: string, publicKey: Uint8Array, m: number, t: number, pepper: number) =>
  encodeParts(['amani:personal-key:password:v1', userId, publicKey, { u32: m }, { u32: t }, { u32: pepper }]);
const recoveryAd = (agencyId: string, version: number, publicKey: Uint8Array) => encodeParts(['amani:agency-key:recovery:v1', agencyId, { u32: version }, publicKey]);
const sessionAd = (sessionId: string, userId: string) => encodeParts(['amani:personal-key:session:v1', sessionId, userId]);
