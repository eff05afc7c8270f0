import type { Response } from 'express';
import type { AppConfig } from '@amani/config';
import { encodeParts, Sodium } from '@amani/crypto';

const TOKEN = /^[A-Za-z0-9_-]{43}$/;
const SEALED = /^[A-Za-z0-9_-]{40,200}$/;

/**
 * The client's half of a session unlock in the console (an unlocked SEA complaint key, or
 * the personal key that opens the agency key): the token the login hook returns never
 * reaches the browser in clear. It travels sealed (XChaCha20-Poly1305) under a key derived
 * for this cookie only, with the auth session id and user id as associated data, in an
 * HttpOnly `__Host-` cookie. The server keeps no copy: the database row (sealed under the
 * token) and this cookie are needed together. A cookie copied into another session, or kept
 * after sign-out (the row dies with the auth session), opens nothing.
 */
export abstract class UnlockCookie {
  private readonly key: Uint8Array;

  protected constructor(
    private readonly sodium: Sodium,
    config: AppConfig,
    readonly name: string,
    private readonly label: string,
  ) {
    // Derived, never stored: a key separate from the JWT signing use of the same secret.
    this.key = sodium.crypto_generichash(32, `amani:web:${label}:v1`, config.secrets.jwtSecret);
  }

  seal(token: string, sessionId: string, userId: string): string {
    const nonce = this.sodium.randombytes_buf(this.sodium.crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
    const sealed = this.sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(Buffer.from(token, 'utf8'), this.ad(sessionId, userId), null, nonce, this.key);
    return Buffer.concat([Buffer.from(nonce), Buffer.from(sealed)]).toString('base64url');
  }

  /** The token for this auth session and user, or undefined (absent, tampered, another session's). */
  open(value: string | undefined, sessionId: string, userId: string): string | undefined {
    if (!value || !SEALED.test(value)) return undefined;
    const raw = Buffer.from(value, 'base64url');
    const n = this.sodium.crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
    if (raw.length <= n) return undefined;
    try {
      const token = Buffer.from(this.sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(null, raw.subarray(n), this.ad(sessionId, userId), raw.subarray(0, n), this.key)).toString('utf8');
      return TOKEN.test(token) ? token : undefined;
    } catch {
      return undefined;
    }
  }

  /** Sets the sealed cookie: HttpOnly, Secure, SameSite=Strict, Path=/, no Domain, gone with the browser. */
  set(res: Response, token: string, sessionId: string, userId: string): void {
    res.cookie(this.name, this.seal(token, sessionId, userId), { httpOnly: true, secure: true, sameSite: 'strict', path: '/' });
  }

  clear(res: Response): void {
    res.clearCookie(this.name, { httpOnly: true, secure: true, sameSite: 'strict', path: '/' });
  }

  private ad(sessionId: string, userId: string): Uint8Array {
    return encodeParts([`amani:web:${this.label}`, sessionId, userId]);
  }
}
