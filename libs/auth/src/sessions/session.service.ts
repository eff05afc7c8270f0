import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { AuditService } from '@amani/audit';
import { AppConfig, InjectConfig } from '@amani/config';
import type { Role } from '@amani/auth';
import type { AccessClaims, SessionStage } from '../auth-user';
import { InvalidRefreshTokenProblem, RefreshTokenReusedProblem } from '../auth.exceptions';
import { returnedRows } from '../sql';
import { AuthSession, RefreshToken } from './session.entity';
import { TransactionHost } from '@amani/database';

/** A session waiting for its second factor lives only this long. */
export const MFA_PENDING_TTL_SECONDS = 600;

export type RevokeReason =
  | 'logout'
  | 'token_reuse'
  | 'user_disabled'
  | 'user_changed'
  | 'password_reset'
  | 'credentials_reset';

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  tokenType: 'Bearer';
  /** Access token lifetime in seconds. */
  expiresIn: number;
  stage: SessionStage;
}

export interface SessionSubject {
  id: string;
  role: Role;
  agencyId: string | null;
}

const REFRESH_TOKEN = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.([A-Za-z0-9_-]{43})$/;

interface RefreshRow {
  token_id: string;
  token_hash: Buffer;
  used_at: Date | null;
  session_id: string;
  stage: SessionStage;
  session_live: boolean;
  user_id: string;
  role: Role;
  agency_id: string | null;
  disabled_at: Date | null;
}

function sha256(bytes: Buffer): Buffer {
  return createHash('sha256').update(bytes).digest();
}

/**
 * Sessions are refresh-token families. Refresh tokens are `<row id>.<base64url 32 bytes>`,
 * stored as SHA-256 of the random part; each is used once, and presenting a used one
 * revokes the whole family (RFC 9700 §4.14.2).
 */
@Injectable()
export class SessionService {
  constructor(
    private readonly tx: TransactionHost,
    private readonly jwt: JwtService,
    private readonly audit: AuditService,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  async start(user: SessionSubject, stage: SessionStage, em?: EntityManager): Promise<TokenPair> {
    const manager = em ?? this.tx.manager;
    const ttl = stage === 'full' ? this.config.auth.refreshTtlSeconds : MFA_PENDING_TTL_SECONDS;
    const session = await manager.save(
      manager.create(AuthSession, {
        userId: user.id,
        stage,
        expiresAt: new Date(Date.now() + ttl * 1000),
        revokedAt: null,
        revokeReason: null,
      }),
    );
    const refreshToken = await this.issueRefreshToken(session.id, manager);
    return this.pair(user, session.id, stage, refreshToken);
  }

  /**
   * Second factor given: the session becomes full, every refresh token issued before is
   * spent (so a token obtained with the password alone cannot be upgraded) and a new pair
   * is issued. Returns null when the session is no longer live.
   */
  async upgradeToFull(user: SessionSubject, sessionId: string, em: EntityManager): Promise<TokenPair | null> {
    const updated: unknown = await em.query(
      `UPDATE auth_sessions SET stage = 'full', expires_at = now() + make_interval(secs => $2)
        WHERE id = $1 AND revoked_at IS NULL AND expires_at > now() RETURNING id`,
      [sessionId, this.config.auth.refreshTtlSeconds],
    );
    if (returnedRows(updated).length === 0) return null;
    await em.query(`UPDATE refresh_tokens SET used_at = now() WHERE session_id = $1 AND used_at IS NULL`, [sessionId]);
    const refreshToken = await this.issueRefreshToken(sessionId, em);
    return this.pair(user, sessionId, 'full', refreshToken);
  }

  /** Rotates a refresh token. A reused token revokes its session and is audited. */
  async refresh(token: string, requestId?: string): Promise<TokenPair> {
    const m = REFRESH_TOKEN.exec(token);
    if (!m) throw new InvalidRefreshTokenProblem();
    const [, tokenId, secret] = m;
    const rows: RefreshRow[] = await this.tx.manager.query(
      `SELECT t.id AS token_id, t.token_hash, t.used_at, s.id AS session_id, s.stage,
              (s.revoked_at IS NULL AND s.expires_at > now()) AS session_live,
              u.id AS user_id, u.role, u.agency_id, u.disabled_at
         FROM refresh_tokens t
         JOIN auth_sessions s ON s.id = t.session_id
         JOIN users u ON u.id = s.user_id
        WHERE t.id = $1`,
      [tokenId],
    );
    const row = rows[0];
    const presented = sha256(Buffer.from(secret, 'base64url'));
    if (!row || !timingSafeEqual(presented, row.token_hash)) throw new InvalidRefreshTokenProblem();
    if (!row.session_live || row.disabled_at !== null) throw new InvalidRefreshTokenProblem();
    if (row.used_at !== null) return this.reuseDetected(row, requestId);

    const subject: SessionSubject = { id: row.user_id, role: row.role, agencyId: row.agency_id };
    const pair = await this.tx.run(async (em) => {
      const spent: unknown = await em.query(
        `UPDATE refresh_tokens SET used_at = now() WHERE id = $1 AND used_at IS NULL RETURNING id`,
        [row.token_id],
      );
      if (returnedRows(spent).length === 0) return null; // lost a race with another use of the same token
      const next = await this.issueRefreshToken(row.session_id, em);
      return this.pair(subject, row.session_id, row.stage, next);
    });
    if (!pair) return this.reuseDetected(row, requestId);
    return pair;
  }

  async revoke(sessionId: string, reason: RevokeReason, em?: EntityManager): Promise<boolean> {
    const manager = em ?? this.tx.manager;
    const rows: unknown = await manager.query(
      `UPDATE auth_sessions SET revoked_at = now(), revoke_reason = $2
        WHERE id = $1 AND revoked_at IS NULL RETURNING id`,
      [sessionId, reason],
    );
    return returnedRows(rows).length > 0;
  }

  async revokeAllForUser(userId: string, reason: RevokeReason, em?: EntityManager): Promise<number> {
    const manager = em ?? this.tx.manager;
    const rows: unknown = await manager.query(
      `UPDATE auth_sessions SET revoked_at = now(), revoke_reason = $2
        WHERE user_id = $1 AND revoked_at IS NULL RETURNING id`,
      [userId, reason],
    );
    return returnedRows(rows).length;
  }

  private async reuseDetected(row: RefreshRow, requestId?: string): Promise<never> {
    await this.tx.run(async (em) => {
      await this.revoke(row.session_id, 'token_reuse', em);
      await this.audit.record(
        {
          action: 'auth.token_reuse',
          outcome: 'denied',
          actorId: row.user_id,
          actorRole: row.role,
          agencyId: row.agency_id,
          targetType: 'session',
          targetId: row.session_id,
          details: { reason: 'refresh_token_reused' },
          requestId: requestId ?? null,
        },
        em,
      );
    });
    throw new RefreshTokenReusedProblem();
  }

  private async issueRefreshToken(sessionId: string, em: EntityManager): Promise<string> {
    const id = randomUUID();
    const secret = randomBytes(32);
    await em.insert(RefreshToken, { id, sessionId, tokenHash: sha256(secret), usedAt: null });
    return `${id}.${secret.toString('base64url')}`;
  }

  private async pair(user: SessionSubject, sessionId: string, stage: SessionStage, refreshToken: string): Promise<TokenPair> {
    const claims: AccessClaims = { sub: user.id, sid: sessionId, role: user.role, agency: user.agencyId, stage };
    const accessToken = await this.jwt.signAsync(claims);
    return { accessToken, refreshToken, tokenType: 'Bearer', expiresIn: this.config.auth.accessTtlSeconds, stage };
  }
}
