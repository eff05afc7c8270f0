import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import Redis from 'ioredis';
import { DataSource } from 'typeorm';
import { AppConfig, InjectConfig } from '@amani/config';
import type { Role } from '@amani/auth';
import { MFA_REQUIRED_ROLES } from '@amani/auth';
import { redisOptionsFromUrl } from '@amani/jobs';
import type { WebLanguage } from '../i18n';

/** What the browser holds: an opaque token; Redis holds only its hash. */
export const SESSION_COOKIE = '__Host-amani-session';
/** Before sign-in: the double-submit token of the sign-in form (login CSRF). */
export const PRE_SESSION_COOKIE = '__Host-amani-pre';

interface StoredSession {
  /** auth_sessions.id: revocation, absolute expiry and MFA stage live there. */
  sid: string;
  uid: string;
  csrf: string;
  lang: WebLanguage;
}

export interface WebSession {
  userId: string;
  sessionId: string;
  role: Role;
  agencyId: string | null;
  stage: 'mfa_pending' | 'full';
  mfaEnrolled: boolean;
  csrf: string;
  lang: WebLanguage;
  /** Hash of the cookie token (the Redis key), for ending this browser session. */
  key: string;
}

interface SessionRow {
  role: Role;
  agency_id: string | null;
  stage: 'mfa_pending' | 'full';
  mfa_enabled: boolean;
}

const TOKEN = /^[A-Za-z0-9_-]{43}$/;

export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Browser sessions of the staff console, each bound to one row of auth_sessions: the
 * cookie carries a random token, Redis maps its SHA-256 to the auth session with the
 * form token, and expires it after WEB_IDLE_TIMEOUT_SECONDS without use. Every request
 * re-reads the auth session and its user from PostgreSQL, so revocation (sign-out,
 * disabling, credential reset), the absolute expiry and the MFA stage are the API's own.
 */
@Injectable()
export class WebSessionService implements OnApplicationShutdown {
  private readonly redis: Redis;
  private readonly prefix: string;
  private readonly idleSeconds: number;

  constructor(
    @InjectConfig() config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {
    this.redis = new Redis({ ...redisOptionsFromUrl(config.redis.url), lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 2000 });
    this.redis.on('error', () => undefined);
    this.prefix = `${config.redis.prefix}:web-session:`;
    this.idleSeconds = config.web.idleTimeoutSeconds;
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.redis.status !== 'end') await this.redis.quit().catch(() => undefined);
  }

  /** A new browser session for an auth session; returns the cookie token. */
  async create(sid: string, uid: string, lang: WebLanguage): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    const stored: StoredSession = { sid, uid, csrf: randomBytes(32).toString('base64url'), lang };
    await this.redis.set(this.key(token), JSON.stringify(stored), 'EX', this.idleSeconds);
    return token;
  }

  /**
   * The live session behind a cookie token, sliding its idle expiry; null when the token is
   * unknown, idle too long, or its auth session is revoked or expired, or the user disabled.
   */
  async resolve(token: string | undefined): Promise<WebSession | null> {
    if (!token || !TOKEN.test(token)) return null;
    const key = this.key(token);
    const raw = await this.redis.getex(key, 'EX', this.idleSeconds);
    if (!raw) return null;
    const stored = JSON.parse(raw) as StoredSession;
    const rows: SessionRow[] = await this.dataSource.query(
      `SELECT u.role, u.agency_id, s.stage, u.mfa_enabled_at IS NOT NULL AS mfa_enabled
         FROM auth_sessions s JOIN users u ON u.id = s.user_id
        WHERE s.id = $1 AND s.user_id = $2
          AND s.revoked_at IS NULL AND s.expires_at > now() AND u.disabled_at IS NULL`,
      [stored.sid, stored.uid],
    );
    const row = rows[0];
    if (!row) {
      await this.redis.del(key);
      return null;
    }
    const full = row.stage === 'full' && (row.mfa_enabled || !MFA_REQUIRED_ROLES.includes(row.role));
    return {
      userId: stored.uid,
      sessionId: stored.sid,
      role: row.role,
      agencyId: row.agency_id,
      stage: full ? 'full' : 'mfa_pending',
      mfaEnrolled: row.mfa_enabled,
      csrf: stored.csrf,
      lang: stored.lang,
      key,
    };
  }

  /** After the second factor: a new token and form token for the same auth session (no fixation). */
  async rotate(session: WebSession): Promise<string> {
    await this.redis.del(session.key);
    return this.create(session.sessionId, session.userId, session.lang);
  }

  async setLanguage(session: WebSession, lang: WebLanguage): Promise<void> {
    const stored: StoredSession = { sid: session.sessionId, uid: session.userId, csrf: session.csrf, lang };
    await this.redis.set(session.key, JSON.stringify(stored), 'EX', this.idleSeconds);
  }

  async end(session: WebSession): Promise<void> {
    await this.redis.del(session.key);
  }

  private key(token: string): string {
    return this.prefix + createHash('sha256').update(token).digest('hex');
  }
}
