import { Injectable } from '@nestjs/common';
// Default import on purpose: `import * as sodium` leaves every function undefined.
import sodium from 'libsodium-wrappers';
import { AppConfig, InjectConfig } from '@amani/config';

interface KeyPair {
  publicKey: Uint8Array;
  privateKey: Uint8Array;
}

/**
 * Ed25519 signing of checkpoints with versioned keys that live outside the database
 * (config.secrets.auditSigningKeys: version -> 32-byte seed). The current version signs; every
 * held version, and every retired version whose public key is configured
 * (AUDIT_PUBLIC_KEYS), verifies — so checkpoints signed before a rotation keep verifying.
 * The trusted public keys come from the secrets, never from the checkpoint rows.
 */
@Injectable()
export class AuditSigner {
  private pairs?: Promise<Map<number, KeyPair>>;

  constructor(@InjectConfig() private readonly config: AppConfig) {}

  private keyPairs(): Promise<Map<number, KeyPair>> {
    this.pairs ??= sodium.ready.then(() => {
      const out = new Map<number, KeyPair>();
      for (const [version, seed] of this.seeds()) {
        if (seed.length < sodium.crypto_sign_SEEDBYTES) throw new Error('audit signing key must be 32 bytes');
        out.set(version, sodium.crypto_sign_seed_keypair(new Uint8Array(seed.subarray(0, sodium.crypto_sign_SEEDBYTES))));
      }
      return out;
    });
    return this.pairs;
  }

  private seeds(): ReadonlyMap<number, Buffer> {
    const s = this.config.secrets;
    return s.auditSigningKeys?.size ? s.auditSigningKeys : new Map([[1, s.auditSigningKey]]);
  }

  /** The version that signs new checkpoints. */
  currentVersion(): number {
    return this.config.secrets.auditSigningKeyCurrent ?? 1;
  }

  private async current(): Promise<KeyPair> {
    const pair = (await this.keyPairs()).get(this.currentVersion());
    if (!pair) throw new Error('the current audit signing key is not held');
    return pair;
  }

  /** The current signing key's public key. */
  async publicKey(): Promise<Buffer> {
    return Buffer.from((await this.current()).publicKey);
  }

  /** The public key trusted for checkpoints of `version`, or null when none is configured. */
  async trustedPublicKey(version: number): Promise<Buffer | null> {
    const pair = (await this.keyPairs()).get(version);
    if (pair) return Buffer.from(pair.publicKey);
    return this.config.secrets.auditPublicKeys?.get(version) ?? null;
  }

  async sign(message: Buffer): Promise<Buffer> {
    return Buffer.from(sodium.crypto_sign_detached(message, (await this.current()).privateKey));
  }

  async verify(message: Buffer, signature: Buffer, publicKey: Buffer): Promise<boolean> {
    await sodium.ready;
    if (signature.length !== sodium.crypto_sign_BYTES || publicKey.length !== sodium.crypto_sign_PUBLICKEYBYTES) {
      return false;
    }
    try {
      return sodium.crypto_sign_verify_detached(signature, message, publicKey);
    } catch {
      return false;
    }
  }
}
