import { Injectable } from '@nestjs/common';
// Default import on purpose: `import * as sodium` leaves every function undefined.
import sodium from 'libsodium-wrappers';
import { AppConfig, InjectConfig } from '@amani/config';

/**
 * Ed25519 signing of checkpoints with a key that lives outside the database
 * (config.secrets.auditSigningKey is the 32-byte seed).
 */
@Injectable()
export class AuditSigner {
  private keys?: Promise<{ publicKey: Uint8Array; privateKey: Uint8Array }>;

  constructor(@InjectConfig() private readonly config: AppConfig) {}

  private keyPair() {
    this.keys ??= sodium.ready.then(() => {
      const seed = this.config.secrets.auditSigningKey;
      if (seed.length < sodium.crypto_sign_SEEDBYTES) throw new Error('audit signing key must be 32 bytes');
      return sodium.crypto_sign_seed_keypair(new Uint8Array(seed.subarray(0, sodium.crypto_sign_SEEDBYTES)));
    });
    return this.keys;
  }

  async publicKey(): Promise<Buffer> {
    return Buffer.from((await this.keyPair()).publicKey);
  }

  async sign(message: Buffer): Promise<Buffer> {
    return Buffer.from(sodium.crypto_sign_detached(message, (await this.keyPair()).privateKey));
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
