import { createSecretKey } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { InjectDataSource } from '@nestjs/typeorm';
import { ExtractJwt, Strategy } from 'passport-jwt';
import type { QueryResultRow } from 'pg';
import { DataSource } from 'typeorm';
import { AppConfig, InjectConfig } from '@amani/config';
import { preparedQuery } from '@amani/database';
import { MFA_REQUIRED_ROLES, Role } from './roles';
import { AccessClaims, AuthenticatedRequest, AuthUser, JWT_AUDIENCE, JWT_ISSUER, SessionStage } from './auth-user';
import { UnauthenticatedProblem } from './auth.exceptions';
import { Keyring, UNLOCK_HEADER } from './keys/keyring';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

interface SessionRow extends QueryResultRow {
  user_id: string;
  role: Role;
  agency_id: string | null;
  stage: SessionStage;
  mfa_enabled: boolean;
  status: 'active' | 'awaiting_approval';
  /** The session's copy of the personal key and its public key (agency key holders), read in the same statement. */
  unlock_sealed: Buffer | null;
  unlock_public_key: Buffer | null;
}

/**
 * Verifies the access token (HS256, issuer, audience, expiry), then loads its session with
 * its user in one query on every request: a revoked or expired session or a disabled user
 * is refused at once, and role and agency come from the database, not from the token.
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(
    @InjectConfig() config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly keyring: Keyring,
  ) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      // A KeyObject made once: given raw bytes, jsonwebtoken re-parses the key on every verify.
      secretOrKey: createSecretKey(config.secrets.jwtSecret) as unknown as Buffer,
      algorithms: ['HS256'],
      issuer: JWT_ISSUER,
      audience: JWT_AUDIENCE,
      ignoreExpiration: false,
      passReqToCallback: true,
    });
  }

  async validate(req: AuthenticatedRequest, claims: Partial<AccessClaims>): Promise<AuthUser> {
    if (typeof claims.sub !== 'string' || typeof claims.sid !== 'string' || !UUID.test(claims.sid) || !UUID.test(claims.sub)) {
      throw new UnauthenticatedProblem();
    }
    // Prepared once per connection: this statement runs on every authenticated request.
    const rows = await preparedQuery<SessionRow>(
      this.dataSource.manager,
      `SELECT u.id AS user_id, u.role, u.agency_id, s.stage, u.mfa_enabled_at IS NOT NULL AS mfa_enabled, u.status,
              su.sealed_private_key AS unlock_sealed, uk.public_key AS unlock_public_key
         FROM auth_sessions s JOIN users u ON u.id = s.user_id
         LEFT JOIN session_unlocks su ON su.session_id = s.id AND su.user_id = u.id
         LEFT JOIN user_keys uk ON uk.user_id = u.id
        WHERE s.id = $1 AND s.user_id = $2
          AND s.revoked_at IS NULL AND s.expires_at > now() AND u.disabled_at IS NULL
          AND u.status IN ('active', 'awaiting_approval')`,
      [claims.sid, claims.sub],
    );
    const row = rows[0];
    if (!row) throw new UnauthenticatedProblem();
    // A token minted before the second factor stays limited even after the session upgrades,
    // and a role that needs MFA never gets a full stage without it.
    const full = row.stage === 'full' && claims.stage === 'full' && (row.mfa_enabled || !MFA_REQUIRED_ROLES.includes(row.role));
    req.authStage = full ? 'full' : 'mfa_pending';
    req.accountStatus = row.status;
    // The client's half of this session's unlock: what lets this request open agency keys.
    const unlock = req.headers[UNLOCK_HEADER];
    if (full && typeof unlock === 'string') {
      const stored = row.unlock_sealed && row.unlock_public_key ? { sealed: row.unlock_sealed, publicKey: row.unlock_public_key } : null;
      this.keyring.present(claims.sid, claims.sub, unlock, stored);
    }
    return { id: row.user_id, role: row.role, agencyId: row.agency_id, sessionId: claims.sid };
  }
}
