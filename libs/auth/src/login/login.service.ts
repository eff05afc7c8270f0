import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { AuditService } from '@amani/audit';
import { MFA_REQUIRED_ROLES, Role } from '@amani/auth';
import type { AccessClaims } from '../auth-user';
import { InvalidCredentialsProblem } from '../auth.exceptions';
import { PasswordHasher } from '../passwords/password-hasher.service';
import { SessionService, TokenPair } from '../sessions/session.service';
import { normaliseEmail } from '../users/email';
import { LockoutService } from './lockout.service';
import { LoginHooks } from './login-hooks';
import { TransactionHost } from '@amani/database';

export type MfaStep = 'enrol' | 'verify';

export interface LoginResult extends TokenPair {
  /** Present when the session still needs its second factor. */
  mfa?: MfaStep;
  /** Per-session values from login hooks, for the client only (never stored in clear). */
  sessionSecrets?: Record<string, string>;
}

interface LoginRow {
  id: string;
  role: Role;
  agency_id: string | null;
  password_hash: string | null;
  disabled: boolean;
  mfa_enabled: boolean;
}

/** Whether this user must give a second factor: by role, or because they enabled one. */
export function mfaRequiredFor(role: Role, mfaEnabled: boolean): boolean {
  return mfaEnabled || MFA_REQUIRED_ROLES.includes(role);
}

@Injectable()
export class LoginService {
  constructor(
    private readonly tx: TransactionHost,
    private readonly hasher: PasswordHasher,
    private readonly lockout: LockoutService,
    private readonly sessions: SessionService,
    private readonly audit: AuditService,
    private readonly hooks: LoginHooks,
    private readonly jwt: JwtService,
  ) {}

  /**
   * Password login. Unknown emails, wrong passwords, locked, disabled and not yet activated
   * accounts all cost one Argon2 verification and give the same answer. The attempt is
   * reserved (counted) before the password is checked, so parallel guesses cannot outrun
   * the lockout; a success is accepted only if no later attempt locked the account.
   */
  async login(email: string, password: string, requestId?: string): Promise<LoginResult> {
    const rows: LoginRow[] = await this.tx.manager.query(
      `SELECT id, role, agency_id, password_hash, disabled_at IS NOT NULL AS disabled,
              mfa_enabled_at IS NOT NULL AS mfa_enabled
         FROM users WHERE email = $1 AND status IN ('active', 'awaiting_approval')`,
      [normaliseEmail(email)],
    );
    const user = rows[0];
    const audit = (outcome: 'success' | 'failure' | 'denied', reason: string | null, extra: Record<string, string> = {}) =>
      this.audit.record({
        action: 'auth.login',
        outcome,
        actorId: user?.id ?? null,
        actorRole: user?.role ?? null,
        agencyId: user?.agency_id ?? null,
        targetType: user ? 'user' : null,
        targetId: user?.id ?? null,
        details: { ...(reason ? { reason } : {}), ...extra },
        requestId: requestId ?? null,
      });

    if (!user || user.password_hash === null) {
      await this.hasher.verifyDummy(password);
      await audit('failure', 'unknown_account');
      throw new InvalidCredentialsProblem();
    }
    const reservation = await this.lockout.reserve(user.id);
    if (!reservation) {
      await this.hasher.verifyDummy(password);
      await audit('denied', 'locked');
      throw new InvalidCredentialsProblem();
    }
    const check = await this.hasher.check(user.password_hash, password);
    if (!check.ok) {
      await audit('failure', 'wrong_password');
      if (reservation.locks) await this.auditLockout(user, reservation.attempt, 'password', requestId);
      throw new InvalidCredentialsProblem();
    }
    if (user.disabled) {
      await audit('denied', 'disabled');
      throw new InvalidCredentialsProblem();
    }
    if (!(await this.lockout.succeed(user.id, reservation))) {
      await audit('denied', 'locked');
      throw new InvalidCredentialsProblem();
    }
    if (check.needsRehash) await this.rehash(user.id, user.password_hash, password);

    const subject = { id: user.id, role: user.role, agencyId: user.agency_id };
    const needsMfa = mfaRequiredFor(user.role, user.mfa_enabled);
    return this.tx.run(async (em) => {
      const pair = await this.sessions.start(subject, needsMfa ? 'mfa_pending' : 'full', em);
      const mfa: MfaStep | undefined = needsMfa ? (user.mfa_enabled ? 'verify' : 'enrol') : undefined;
      const sessionSecrets = await this.hooks.run(
        { userId: user.id, role: user.role, agencyId: user.agency_id, sessionId: this.jwt.decode<AccessClaims>(pair.accessToken).sid, password, requestId: requestId ?? null },
        em,
      );
      await this.audit.record(
        {
          action: 'auth.login',
          outcome: 'success',
          actorId: user.id,
          actorRole: user.role,
          agencyId: user.agency_id,
          targetType: 'user',
          targetId: user.id,
          details: { stage: pair.stage, ...(mfa ? { mfa } : {}), ...(check.needsRehash ? { rehashed: true } : {}) },
          requestId: requestId ?? null,
        },
        em,
      );
      return { ...pair, ...(mfa ? { mfa } : {}), ...(Object.keys(sessionSecrets).length ? { sessionSecrets } : {}) };
    });
  }

  /** Transparent upgrade to the current pepper version; a concurrent password change wins. */
  private async rehash(userId: string, oldHash: string, password: string): Promise<void> {
    const fresh = await this.hasher.hash(password);
    await this.tx.manager.query(`UPDATE users SET password_hash = $3 WHERE id = $1 AND password_hash = $2`, [userId, oldHash, fresh]);
  }

  async auditLockout(
    user: { id: string; role: Role; agency_id: string | null },
    failures: number,
    factor: 'password' | 'totp',
    requestId?: string,
  ): Promise<void> {
    await this.audit.record({
      action: 'auth.lockout',
      outcome: 'denied',
      actorId: user.id,
      actorRole: user.role,
      agencyId: user.agency_id,
      targetType: 'user',
      targetId: user.id,
      details: { failures, factor },
      requestId: requestId ?? null,
    });
  }
}
