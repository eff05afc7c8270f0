import { randomBytes, randomInt } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { hashRaw } from '@node-rs/argon2';
import { AppConfig, InjectConfig } from '@amani/config';
import { formatRecoveryKey, RECOVERY_KEY_BYTES } from '@amani/auth';
import { EnvelopeCrypto, IntegrityError, SODIUM, Sodium, encodeParts } from '@amani/crypto';

/** One recovery-key format for the SEA team and the agencies. */
export { formatRecoveryKey, parseRecoveryKey } from '@amani/auth';

/**
 * The SEA complaint protocol (GlobaLeaks-style: the server alone cannot read a complaint).
 *
 *  - Focal point: X25519 key pair (crypto_box_keypair). The private key is stored twice,
 *    XChaCha20-Poly1305-wrapped under Argon2id(password, own salt) and under a random
 *    recovery key shown once. Neither the password nor the recovery key is stored.
 *  - Complaint: a random 32-byte key CK. Fields are encrypted under per-column subkeys of CK
 *    (EnvelopeCrypto.encryptField: the AD binds table, column and row id). CK is sealed
 *    (crypto_box_seal) to each focal point's public key, bound to the complaint id, and
 *    wrapped under a key derived from the receipt.
 *  - Receipt: 20 random digits. One Argon2id run (peppered, salt derived from the lookup
 *    tag) gives a master secret, split by crypto_kdf into a verifier (stored) and the wrap
 *    key of CK (never stored). The lookup tag is a 3-byte keyed BLAKE2b, so a database dump
 *    plus the pepper still leaves ~2^42 candidate receipts per complaint, each costing one
 *    Argon2id run.
 *  - Session: at login the private key is unwrapped and re-encrypted under a random session
 *    key; the server keeps only that ciphertext, the client only the session key.
 */

export const RECEIPT_DIGITS = 20;
export const RECEIPT_TAG_BYTES = 3;
/** OWASP's Argon2id minimum; the receipt's 66 bits of entropy carry the rest. */
export const RECEIPT_ARGON2 = { algorithm: 2, memoryCost: 19456, timeCost: 2, parallelism: 1, outputLen: 32 } as const;
/** Passwords have less entropy than receipts, so their key-wrapping KDF costs more. */
export const PASSWORD_KDF = { memoryCost: 65536, timeCost: 2 } as const;

const KEY_BYTES = 32;
const NONCE_BYTES = 24;
const SALT_BYTES = 16;
const FORMAT_V1 = 1;
const KDF_CONTEXT_PEPPER = 'amanisea';
const KDF_CONTEXT_RECEIPT = 'searcpt_';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** What an endorsement vouches for: this user holds this key pair. */
export interface EndorsedKey {
  userId: string;
  publicKey: Uint8Array;
  signingPublicKey: Uint8Array;
}

export interface KeyPair {
  publicKey: Buffer;
  privateKey: Buffer;
}

export interface PasswordWrap {
  salt: Buffer;
  wrapped: Buffer;
  memoryCost: number;
  timeCost: number;
}

export interface ReceiptSecrets {
  /** Lookup tag: keyed BLAKE2b of the receipt, truncated so many receipts share it. */
  tag: Buffer;
  /** Stored; compared in constant time. */
  verifier: Buffer;
  /** Never stored: wraps the complaint key. */
  wrapKey: Buffer;
}

export interface SessionSeal {
  /** Handed to the client (base64url), never stored. */
  token: string;
  /** Stored server-side. */
  sealed: Buffer;
}

/** Formats 20 digits as five groups of four. */
export function formatReceipt(digits: string): string {
  return digits.match(/.{1,4}/g)!.join('-');
}

/** The digits of a receipt as typed (spaces and dashes ignored), or null when it cannot be one. */
export function normaliseReceipt(input: string): string | null {
  const digits = input.replace(/[\s-]/g, '');
  return new RegExp(`^[0-9]{${RECEIPT_DIGITS}}$`).test(digits) ? digits : null;
}

@Injectable()
export class SeaCrypto {
  private readonly tagKey: Uint8Array;
  private readonly saltKey: Uint8Array;
  private readonly argonSecret: Buffer;
  private readonly bootstrapSeed: Uint8Array;

  constructor(
    @Inject(SODIUM) private readonly sodium: Sodium,
    private readonly envelope: EnvelopeCrypto,
    @InjectConfig() config: AppConfig,
  ) {
    const pepper = config.secrets.receiptPepper;
    this.tagKey = sodium.crypto_kdf_derive_from_key(KEY_BYTES, 1, KDF_CONTEXT_PEPPER, pepper);
    this.saltKey = sodium.crypto_kdf_derive_from_key(KEY_BYTES, 2, KDF_CONTEXT_PEPPER, pepper);
    this.argonSecret = Buffer.from(sodium.crypto_kdf_derive_from_key(KEY_BYTES, 3, KDF_CONTEXT_PEPPER, pepper));
    // The deployment's endorsement key, only for the very first focal point (sea:bootstrap-focal-point).
    this.bootstrapSeed = sodium.crypto_generichash(KEY_BYTES, 'amani:sea:bootstrap-endorser:v1', config.secrets.auditSigningKey);
  }

  // ---- endorsements -------------------------------------------------------------------

  /**
   * The Ed25519 key pair a focal point signs endorsements with, derived from their X25519
   * private key: it exists only while that key is unlocked, and needs no storage of its own.
   */
  signingKeyPair(privateKey: Uint8Array): { publicKey: Buffer; secretKey: Uint8Array } {
    const seed = this.sodium.crypto_generichash(KEY_BYTES, 'amani:sea:signing-seed:v1', privateKey);
    try {
      const kp = this.sodium.crypto_sign_seed_keypair(seed);
      return { publicKey: Buffer.from(kp.publicKey), secretKey: kp.privateKey };
    } finally {
      this.sodium.memzero(seed);
    }
  }

  bootstrapPublicKey(): Buffer {
    const kp = this.sodium.crypto_sign_seed_keypair(this.bootstrapSeed);
    this.sodium.memzero(kp.privateKey);
    return Buffer.from(kp.publicKey);
  }

  /** Signs (user id ‖ X25519 public key ‖ Ed25519 public key) with a signing secret key, or with the bootstrap key. */
  signEndorsement(subject: EndorsedKey, secretKey: Uint8Array | 'bootstrap'): Buffer {
    const sk = secretKey === 'bootstrap' ? this.sodium.crypto_sign_seed_keypair(this.bootstrapSeed).privateKey : secretKey;
    try {
      return Buffer.from(this.sodium.crypto_sign_detached(endorsementMessage(subject), sk));
    } finally {
      if (secretKey === 'bootstrap') this.sodium.memzero(sk);
    }
  }

  verifyEndorsement(subject: EndorsedKey, signature: Uint8Array, signerPublicKey: Uint8Array): boolean {
    if (signature.length !== 64 || signerPublicKey.length !== 32) return false;
    try {
      return this.sodium.crypto_sign_verify_detached(signature, endorsementMessage(subject), signerPublicKey);
    } catch {
      return false;
    }
  }

  // ---- focal point keys -------------------------------------------------------------

  newKeyPair(): KeyPair {
    const kp = this.sodium.crypto_box_keypair();
    return { publicKey: Buffer.from(kp.publicKey), privateKey: Buffer.from(kp.privateKey) };
  }

  async wrapWithPassword(privateKey: Uint8Array, password: string, userId: string, publicKey: Uint8Array): Promise<PasswordWrap> {
    const salt = randomBytes(SALT_BYTES);
    const { memoryCost, timeCost } = PASSWORD_KDF;
    const key = await this.passwordKey(password, salt, memoryCost, timeCost);
    try {
      return { salt, memoryCost, timeCost, wrapped: this.seal(key, privateKey, passwordAd(userId, publicKey, memoryCost, timeCost)) };
    } finally {
      this.sodium.memzero(key);
    }
  }

  /** Throws IntegrityError for a wrong password (or a tampered record). */
  async unwrapWithPassword(w: PasswordWrap, password: string, userId: string, publicKey: Uint8Array): Promise<Buffer> {
    const key = await this.passwordKey(password, w.salt, w.memoryCost, w.timeCost);
    try {
      return this.checkedPrivateKey(this.open(key, w.wrapped, passwordAd(userId, publicKey, w.memoryCost, w.timeCost)), publicKey);
    } finally {
      this.sodium.memzero(key);
    }
  }

  newRecoveryKey(): { bytes: Buffer; display: string } {
    const bytes = randomBytes(RECOVERY_KEY_BYTES);
    return { bytes, display: formatRecoveryKey(bytes) };
  }

  wrapWithRecovery(privateKey: Uint8Array, recovery: Uint8Array, userId: string, publicKey: Uint8Array): Buffer {
    const key = this.recoveryWrapKey(recovery, userId);
    try {
      return this.seal(key, privateKey, recoveryAd(userId, publicKey));
    } finally {
      this.sodium.memzero(key);
    }
  }

  unwrapWithRecovery(wrapped: Buffer, recovery: Uint8Array, userId: string, publicKey: Uint8Array): Buffer {
    const key = this.recoveryWrapKey(recovery, userId);
    try {
      return this.checkedPrivateKey(this.open(key, wrapped, recoveryAd(userId, publicKey)), publicKey);
    } finally {
      this.sodium.memzero(key);
    }
  }

  // ---- session custody of an unlocked private key ------------------------------------

  sealForSession(privateKey: Uint8Array, sessionId: string, userId: string): SessionSeal {
    const key = randomBytes(KEY_BYTES);
    const sealed = this.seal(key, privateKey, sessionAd(sessionId, userId));
    const token = key.toString('base64url');
    this.sodium.memzero(key);
    return { token, sealed };
  }

  /** Throws IntegrityError when the token does not open the record. */
  openForSession(sealed: Buffer, token: string, sessionId: string, userId: string): Buffer {
    const key = Buffer.from(token, 'base64url');
    if (key.length !== KEY_BYTES || key.toString('base64url') !== token) throw new IntegrityError('malformed');
    try {
      return this.open(key, sealed, sessionAd(sessionId, userId));
    } finally {
      this.sodium.memzero(key);
    }
  }

  // ---- complaint keys -----------------------------------------------------------------

  newComplaintKey(): Buffer {
    return randomBytes(KEY_BYTES);
  }

  /** crypto_box_seal of (complaint id ‖ key): a grant moved to another complaint fails to open. */
  sealComplaintKey(complaintKey: Uint8Array, complaintId: string, publicKey: Uint8Array): Buffer {
    assertUuid(complaintId);
    const message = Buffer.concat([Buffer.from(complaintId, 'ascii'), complaintKey]);
    try {
      return Buffer.from(this.sodium.crypto_box_seal(message, publicKey));
    } finally {
      this.sodium.memzero(message);
    }
  }

  openComplaintKey(sealed: Uint8Array, complaintId: string, publicKey: Uint8Array, privateKey: Uint8Array): Buffer {
    let message: Uint8Array;
    try {
      message = this.sodium.crypto_box_seal_open(sealed, publicKey, privateKey);
    } catch {
      throw new IntegrityError('authentication_failed');
    }
    const id = Buffer.from(message.subarray(0, 36)).toString('ascii');
    const key = Buffer.from(message.subarray(36));
    this.sodium.memzero(message);
    if (id !== complaintId || key.length !== KEY_BYTES) {
      this.sodium.memzero(key);
      throw new IntegrityError('authentication_failed');
    }
    return key;
  }

  // ---- receipts -----------------------------------------------------------------------

  /** Twenty digits from the CSPRNG (randomInt rejects biased draws). */
  newReceipt(): string {
    let digits = '';
    for (let i = 0; i < RECEIPT_DIGITS; i++) digits += String(randomInt(10));
    return digits;
  }

  /**
   * Exactly one Argon2id run whatever the receipt: the salt comes from the tag, so a receipt
   * that matches no complaint costs what a right one costs.
   */
  async deriveReceipt(digits: string): Promise<ReceiptSecrets> {
    const tag = this.receiptTag(digits);
    const salt = Buffer.from(this.sodium.crypto_generichash(SALT_BYTES, encodeParts(['amani:sea:receipt-salt:v1', tag]), this.saltKey));
    const master = await hashRaw(digits, { ...RECEIPT_ARGON2, salt, secret: this.argonSecret });
    try {
      return {
        tag,
        verifier: Buffer.from(this.sodium.crypto_kdf_derive_from_key(KEY_BYTES, 1, KDF_CONTEXT_RECEIPT, master)),
        wrapKey: Buffer.from(this.sodium.crypto_kdf_derive_from_key(KEY_BYTES, 2, KDF_CONTEXT_RECEIPT, master)),
      };
    } finally {
      this.sodium.memzero(master);
    }
  }

  receiptTag(digits: string): Buffer {
    return Buffer.from(
      this.sodium.crypto_generichash(KEY_BYTES, encodeParts(['amani:sea:receipt-tag:v1', digits]), this.tagKey).subarray(0, RECEIPT_TAG_BYTES),
    );
  }

  wrapForReceipt(complaintKey: Uint8Array, wrapKey: Uint8Array, complaintId: string): Buffer {
    return this.seal(wrapKey, complaintKey, receiptAd(complaintId));
  }

  unwrapForReceipt(wrapped: Buffer, wrapKey: Uint8Array, complaintId: string): Buffer {
    const key = this.open(wrapKey, wrapped, receiptAd(complaintId));
    if (key.length !== KEY_BYTES) throw new IntegrityError('malformed');
    return key;
  }

  // ---- fields -------------------------------------------------------------------------

  encryptField(complaintKey: Uint8Array, table: string, column: string, rowId: string, value: string | Uint8Array): Buffer {
    return this.envelope.encryptField(complaintKey, value, { table, column, rowId, agencyId: null, keyVersion: 1 });
  }

  decryptBytes(complaintKey: Uint8Array, table: string, column: string, rowId: string, value: Buffer): Buffer {
    return this.envelope.decryptField(complaintKey, value, { table, column, rowId, agencyId: null, keyVersion: 1 });
  }

  decryptField(complaintKey: Uint8Array, table: string, column: string, rowId: string, value: Buffer): string {
    return this.envelope.decryptFieldText(complaintKey, value, { table, column, rowId, agencyId: null, keyVersion: 1 });
  }

  wipe(...keys: (Uint8Array | null | undefined)[]): void {
    for (const k of keys) if (k) this.sodium.memzero(k);
  }

  // ---- internals ----------------------------------------------------------------------

  private passwordKey(password: string, salt: Uint8Array, memoryCost: number, timeCost: number): Promise<Buffer> {
    return hashRaw(password, { algorithm: 2, memoryCost, timeCost, parallelism: 1, outputLen: KEY_BYTES, salt });
  }

  private recoveryWrapKey(recovery: Uint8Array, userId: string): Uint8Array {
    if (recovery.length !== RECOVERY_KEY_BYTES) throw new IntegrityError('malformed');
    return this.sodium.crypto_generichash(KEY_BYTES, encodeParts(['amani:sea:recovery-wrap:v1', userId]), recovery);
  }

  private checkedPrivateKey(privateKey: Buffer, publicKey: Uint8Array): Buffer {
    const derived = this.sodium.crypto_scalarmult_base(privateKey);
    if (privateKey.length !== KEY_BYTES || !Buffer.from(derived).equals(Buffer.from(publicKey))) {
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
      return Buffer.from(
        this.sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(null, blob.subarray(1 + NONCE_BYTES), ad, blob.subarray(1, 1 + NONCE_BYTES), key),
      );
    } catch {
      throw new IntegrityError('authentication_failed');
    }
  }
}

function assertUuid(id: string): void {
  if (!UUID.test(id)) throw new TypeError('complaint id must be a lower-case UUID');
}

const passwordAd = (userId: string, publicKey: Uint8Array, m: number, t: number) =>
  encodeParts(['amani:sea:fp-key:password:v1', userId, publicKey, { u32: m }, { u32: t }]);
const recoveryAd = (userId: string, publicKey: Uint8Array) => encodeParts(['amani:sea:fp-key:recovery:v1', userId, publicKey]);
const sessionAd = (sessionId: string, userId: string) => encodeParts(['amani:sea:session-key:v1', sessionId, userId]);
const endorsementMessage = (k: EndorsedKey) =>
  encodeParts(['amani:sea:endorsement:v1', k.userId, k.publicKey, k.signingPublicKey]);
const receiptAd = (complaintId: string) => encodeParts(['amani:sea:receipt-wrap:v1', complaintId]);
