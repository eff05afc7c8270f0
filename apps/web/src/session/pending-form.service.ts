import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { AppConfig, InjectConfig } from '@amani/config';
import { redisOptionsFromUrl } from '@amani/jobs';
import type { FormValues } from '../views/forms';

/** The browser's handle on a kept form: `<id>.<key>`, both random; Redis holds only the ciphertext under the id's hash. */
export const PENDING_COOKIE = '__Host-amani-pending';
/** How long a form posted into an expired session is kept for the same user to sign in again. */
export const PENDING_TTL_SECONDS = 15 * 60;
/** Fields never kept: secrets and the form token. */
const NEVER_KEPT = new Set(['_csrf', 'password', 'code', 'newPassword', 'confirmPassword', 'token']);
const HANDLE = /^([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{43})$/;

interface Stash {
  uid: string;
  path: string;
  values: FormValues;
}

export interface PendingForm {
  path: string;
  values: FormValues;
}

/**
 * "Never lose a submission to an expired session": a form posted after the session ended is
 * kept for a few minutes, encrypted (AES-256-GCM) with a key that only the browser holds (in
 * an HttpOnly __Host- cookie), bound to the user whose session it was. After that user signs
 * in again the form comes back filled in, to be checked and sent again with a fresh token;
 * anyone else signing in on the same browser gets nothing and the kept form is dropped.
 * Field values never go into a URL, a log line or Redis in clear.
 *
 * Whose session it was: each browser session also leaves an owner record (cookie-token hash →
 * user id) that outlives the session by the keeping window, since the session record itself
 * is gone once it idles out.
 */
@Injectable()
export class PendingFormService implements OnApplicationShutdown {
  private readonly redis: Redis;
  private readonly prefix: string;
  private readonly ownerSeconds: number;

  constructor(@InjectConfig() config: AppConfig) {
    this.redis = new Redis({ ...redisOptionsFromUrl(config.redis.url), lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 2000 });
    this.redis.on('error', () => undefined);
    this.prefix = `${config.redis.prefix}:web-pending:`;
    this.ownerSeconds = config.web.idleTimeoutSeconds + PENDING_TTL_SECONDS;
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.redis.status !== 'end') await this.redis.quit().catch(() => undefined);
  }

  /** Called on every use of a browser session: who owns this cookie token, a little beyond its idle expiry. */
  async touchOwner(tokenHash: string, uid: string, lang: string): Promise<void> {
    await this.redis.set(`${this.prefix}owner:${tokenHash}`, JSON.stringify({ uid, lang }), 'EX', this.ownerSeconds);
  }

  /** The user (and language) whose session this cookie token was, while the keeping window lasts. */
  async ownerOf(token: string | undefined): Promise<{ uid: string; lang: string } | null> {
    if (!token || !/^[A-Za-z0-9_-]{43}$/.test(token)) return null;
    const raw = await this.redis.get(`${this.prefix}owner:${createHash('sha256').update(token).digest('hex')}`);
    return raw ? (JSON.parse(raw) as { uid: string; lang: string }) : null;
  }

  async forgetOwner(tokenHash: string): Promise<void> {
    await this.redis.del(`${this.prefix}owner:${tokenHash}`);
  }

  /** Keeps a posted form (secrets left out); returns the cookie value. */
  async keep(uid: string, path: string, body: unknown): Promise<string> {
    const values: FormValues = {};
    if (body && typeof body === 'object') {
      for (const [k, v] of Object.entries(body as Record<string, unknown>)) {
        if (NEVER_KEPT.has(k)) continue;
        if (typeof v === 'string') values[k] = v.slice(0, 20_000);
        else if (Array.isArray(v)) values[k] = v.filter((x): x is string => typeof x === 'string').slice(0, 50);
      }
    }
    const id = randomBytes(16).toString('base64url');
    const key = randomBytes(32);
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(Buffer.from(id));
    const plain = Buffer.from(JSON.stringify({ uid, path, values } satisfies Stash));
    const sealed = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
    await this.redis.set(this.key(id), sealed.toString('base64'), 'EX', PENDING_TTL_SECONDS);
    return `${id}.${key.toString('base64url')}`;
  }

  /** Takes back a kept form (once): only for the user who posted it; null otherwise. */
  async take(handle: string | undefined, uid: string): Promise<PendingForm | null> {
    const m = HANDLE.exec(handle ?? '');
    if (!m) return null;
    const [, id, key] = m;
    const raw = await this.redis.getdel(this.key(id));
    if (!raw) return null;
    try {
      const sealed = Buffer.from(raw, 'base64');
      const decipher = createDecipheriv('aes-256-gcm', Buffer.from(key, 'base64url'), sealed.subarray(0, 12));
      decipher.setAAD(Buffer.from(id));
      decipher.setAuthTag(sealed.subarray(sealed.length - 16));
      const plain = Buffer.concat([decipher.update(sealed.subarray(12, sealed.length - 16)), decipher.final()]);
      const stash = JSON.parse(plain.toString('utf8')) as Stash;
      return stash.uid === uid ? { path: stash.path, values: stash.values } : null;
    } catch {
      return null;
    }
  }

  private key(id: string): string {
    return this.prefix + createHash('sha256').update(id).digest('hex');
  }
}
