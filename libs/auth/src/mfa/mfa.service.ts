import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AuditService } from '@amani/audit';
import { EnvelopeCrypto, SystemContext } from '@amani/crypto';
import type { Role } from '@amani/auth';
import { ConflictProblem } from '@amani/http';
import type { AuthUser } from '../auth-user';
import { InvalidMfaCodeProblem, UnauthenticatedProblem } from '../auth.exceptions';
import { LockoutService } from '../login/lockout.service';
import { SessionService, TokenPair } from '../sessions/session.service';
import { returnedRows } from '../sql';
import { acceptTotp, newTotpSecret, totpUri } from './totp';
import { TransactionHost } from '@amani/database';

export interface MfaEnrolment {
  /** Base32 TOTP secret, shown once. */
  secret: string;
  otpauthUrl: string;
}

interface MfaRow {
  role: Role;
  agency_id: string | null;
  mfa_secret: Buffer | null;
  mfa_last_step: string | null;
}

/** The AEAD context of users.mfa_secret: bound to its row, so it cannot be moved to another user. */
export function mfaSecretContext(userId: string): SystemContext {
  return { table: 'users', column: 'mfa_secret', rowId: userId };
}

@Injectable()
export class MfaService {
  constructor(
    private readonly tx: TransactionHost,
    private readonly crypto: EnvelopeCrypto,
    private readonly lockout: LockoutService,
    private readonly sessions: SessionService,
    private readonly audit: AuditService,
  ) {}

  /**
   * Creates a TOTP secret (replacing one not yet activated) and returns it once. An active
   * second factor is never replaced here: that would let a password alone reset it.
   */
  async enrol(actor: AuthUser, requestId?: string): Promise<MfaEnrolment> {
    const secret = newTotpSecret();
    const encrypted = this.crypto.encryptSystem(secret, mfaSecretContext(actor.id));
    return this.tx.run(async (em) => {
      const rows = returnedRows<{ email: string }>(
        await em.query(
          `UPDATE users SET mfa_secret = $2, mfa_last_step = NULL
            WHERE id = $1 AND mfa_enabled_at IS NULL RETURNING email`,
          [actor.id, encrypted],
        ),
      );
      if (rows.length === 0) throw new ConflictProblem('mfa_already_enabled', 'Multi-factor authentication is already active.');
      await this.audit.record(
        {
          action: 'auth.mfa.enrol',
          outcome: 'success',
          actorId: actor.id,
          actorRole: actor.role,
          agencyId: actor.agencyId,
          targetType: 'user',
          targetId: actor.id,
          requestId: requestId ?? null,
        },
        em,
      );
      return { secret, otpauthUrl: totpUri(secret, rows[0].email) };
    });
  }

  /**
   * Checks a TOTP code; the first good code activates MFA. Either way the session becomes
   * full and a fresh token pair is returned. The accepted time step is recorded with a
   * compare-and-set, so a code is accepted at most once even under concurrent requests.
   */
  async verify(actor: AuthUser, code: string, requestId?: string): Promise<TokenPair> {
    const rows: MfaRow[] = await this.tx.manager.query(
      `SELECT role, agency_id, mfa_secret, mfa_last_step::text AS mfa_last_step
         FROM users WHERE id = $1 AND disabled_at IS NULL`,
      [actor.id],
    );
    const user = rows[0];
    if (!user) throw new UnauthenticatedProblem();
    if (!user.mfa_secret) throw new ConflictProblem('mfa_not_enrolled', 'Enrol a second factor first.');

    // Reserved before the code is checked: parallel guesses cannot outrun the lockout.
    const reservation = await this.lockout.reserve(actor.id);
    if (!reservation) {
      await this.auditMfa(actor, 'auth.mfa.verify', 'denied', { reason: 'locked' }, requestId);
      throw new InvalidMfaCodeProblem();
    }
    const fail = async (reason: string): Promise<never> => {
      await this.auditMfa(actor, 'auth.mfa.verify', 'failure', { reason }, requestId);
      if (reservation.locks) {
        await this.audit.record({
          action: 'auth.lockout',
          outcome: 'denied',
          actorId: actor.id,
          actorRole: actor.role,
          agencyId: actor.agencyId,
          targetType: 'user',
          targetId: actor.id,
          details: { failures: reservation.attempt, factor: 'totp' },
          requestId: requestId ?? null,
        });
      }
      throw new InvalidMfaCodeProblem();
    };

    const secret = this.crypto.decryptSystemText(user.mfa_secret, mfaSecretContext(actor.id));
    const lastStep = user.mfa_last_step === null ? null : Number(user.mfa_last_step);
    const step = await acceptTotp(secret, code, lastStep);
    if (step === null) return fail(lastStep !== null && (await acceptTotp(secret, code, null)) !== null ? 'replayed_code' : 'wrong_code');

    const result = await this.tx.run(async (em) => {
      const accepted = returnedRows<{ activated: boolean }>(
        await em.query(
          `UPDATE users SET mfa_last_step = $2, mfa_enabled_at = COALESCE(mfa_enabled_at, now()),
                  failed_logins = 0, locked_until = NULL
            WHERE id = $1 AND disabled_at IS NULL
              AND (mfa_last_step IS NULL OR mfa_last_step < $2)
              AND (locked_until IS NULL OR locked_until <= now() OR failed_logins = $3)
            RETURNING mfa_enabled_at = now() AS activated`,
          [actor.id, step, reservation.attempt],
        ),
      );
      if (accepted.length === 0) return 'replayed' as const;
      const pair = await this.sessions.upgradeToFull(
        { id: actor.id, role: user.role, agencyId: user.agency_id },
        actor.sessionId,
        em,
      );
      if (!pair) throw new UnauthenticatedProblem();
      if (accepted[0].activated) await this.auditMfa(actor, 'auth.mfa.activate', 'success', {}, requestId, em);
      await this.auditMfa(actor, 'auth.mfa.verify', 'success', {}, requestId, em);
      return pair;
    });
    if (result === 'replayed') return fail('replayed_code');
    return result;
  }

  private auditMfa(
    actor: AuthUser,
    action: string,
    outcome: 'success' | 'failure' | 'denied',
    details: Record<string, string>,
    requestId: string | undefined,
    em?: EntityManager,
  ): Promise<void> {
    return this.audit.record(
      {
        action,
        outcome,
        actorId: actor.id,
        actorRole: actor.role,
        agencyId: actor.agencyId,
        targetType: 'user',
        targetId: actor.id,
        details,
        requestId: requestId ?? null,
      },
      em,
    );
  }
}
