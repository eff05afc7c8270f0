import { Injectable } from '@nestjs/common';
import { hash, verify } from '@node-rs/argon2';
import { createHmac, randomBytes } from 'node:crypto';
import { AppConfig, InjectConfig } from '@amani/config';

/** Argon2id at OWASP's minimum (m=19 MiB, t=2, p=1). `algorithm: 2` is argon2id (the enum is const). */
export const ARGON2_OPTIONS = { algorithm: 2, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

/** `$amani-hmac-v<pepper version>` followed by the Argon2id PHC string of base64(HMAC-SHA256(pepper, password)). */
const PEPPERED = /^\$amani-hmac-v(\d+)(\$argon2id\$.+)$/;

export interface PasswordCheck {
  ok: boolean;
  /** The password was right but its hash uses an old (or no) pepper version: store `hash(password)` again. */
  needsRehash: boolean;
}

/**
 * Password hashing off the event loop (@node-rs/argon2 runs on libuv's thread pool), with a
 * versioned pepper from the secrets file applied first: a database dump alone cannot test a
 * candidate password, because the Argon2id input is HMAC-SHA256(pepper, password).
 * Hashes written before the pepper (bare `$argon2id$…`) still verify once and are rehashed.
 */
@Injectable()
export class PasswordHasher {
  private dummy?: Promise<string>;
  private readonly peppers: ReadonlyMap<number, Buffer>;
  private readonly current: number;

  constructor(@InjectConfig() config: AppConfig) {
    this.peppers = config.secrets.passwordPeppers;
    this.current = config.secrets.passwordPepperCurrent;
  }

  async hash(password: string): Promise<string> {
    const phc = await hash(this.peppered(password, this.current), ARGON2_OPTIONS);
    return `$amani-hmac-v${this.current}${phc}`;
  }

  async check(passwordHash: string, password: string): Promise<PasswordCheck> {
    const m = PEPPERED.exec(passwordHash);
    try {
      if (!m) {
        // Legacy: unpeppered. Only ever true for hashes written before the pepper existed.
        const ok = passwordHash.startsWith('$argon2') && (await verify(passwordHash, password));
        return { ok, needsRehash: ok };
      }
      const version = Number(m[1]);
      if (!this.peppers.has(version)) {
        // A retired pepper version: nothing can verify it. Spend the same time anyway.
        await this.verifyDummy(password);
        return { ok: false, needsRehash: false };
      }
      const ok = await verify(m[2], this.peppered(password, version));
      return { ok, needsRehash: ok && version !== this.current };
    } catch {
      return { ok: false, needsRehash: false };
    }
  }

  async verify(passwordHash: string, password: string): Promise<boolean> {
    return (await this.check(passwordHash, password)).ok;
  }

  /**
   * Spends the same time as a real verification, for unknown emails and locked accounts, so
   * response time does not reveal which accounts exist.
   */
  async verifyDummy(password: string): Promise<false> {
    this.dummy ??= hash(randomBytes(32), ARGON2_OPTIONS);
    try {
      await verify(await this.dummy, this.peppered(password, this.current));
    } catch {
      // Never true: the dummy hashes random bytes.
    }
    return false;
  }

  /** Base64 text: @node-rs/argon2's verify takes only UTF-8 passwords, not raw bytes. */
  private peppered(password: string, version: number): string {
    const pepper = this.peppers.get(version);
    if (!pepper) throw new Error(`password pepper version ${version} is not configured`);
    return createHmac('sha256', pepper).update(password, 'utf8').digest('base64');
  }
}
