import { Injectable } from '@nestjs/common';
import { hash, verify } from '@node-rs/argon2';
import { randomBytes } from 'node:crypto';

/** Argon2id at OWASP's minimum (m=19 MiB, t=2, p=1). `algorithm: 2` is argon2id (the enum is const). */
export const ARGON2_OPTIONS = { algorithm: 2, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

/** Password hashing off the event loop (@node-rs/argon2 runs on libuv's thread pool). */
@Injectable()
export class PasswordHasher {
  private dummy?: Promise<string>;

  hash(password: string): Promise<string> {
    return hash(password, ARGON2_OPTIONS);
  }

  async verify(passwordHash: string, password: string): Promise<boolean> {
    try {
      return await verify(passwordHash, password);
    } catch {
      return false;
    }
  }

  /**
   * Spends the same time as a real verification, for unknown emails, so response time does
   * not reveal which accounts exist.
   */
  async verifyDummy(password: string): Promise<false> {
    this.dummy ??= hash(randomBytes(32), ARGON2_OPTIONS);
    await this.verify(await this.dummy, password);
    return false;
  }
}
