import { Injectable } from '@nestjs/common';
import { createHash, randomBytes } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { AuditService } from '@amani/audit';
import { AppConfig, InjectConfig } from '@amani/config';
import { TransactionHost } from '@amani/database';
import { APPROVAL_REQUIRED_ROLES, Role } from '@amani/auth';
import { ConflictProblem, NotFoundProblem } from '@amani/http';
import type { AuthUser } from '../auth-user';
import { InvalidInvitationProblem, NotAnApproverProblem } from '../auth.exceptions';
import { AGENCY_KEY_ROLES, AgencyKeysService } from '../keys/agency-keys.service';
import { PasswordHasher } from '../passwords/password-hasher.service';
import { assertPasswordPolicy, assertPassphrasePolicy } from '../passwords/password-policy';
import { SessionService } from '../sessions/session.service';
import { returnedRows } from '../sql';
import { User, UserStatus } from './user.entity';
import { toUserView, UserView } from './user-view';
import { userAuditRecord } from './users.service';
import type { ActorContext, CreateUserInput } from './users.service';
import { UsersService } from './users.service';

const TOKEN = /^[A-Za-z0-9_-]{43}$/;

export interface Invitation {
  user: UserView;
  /** 32 random bytes, base64url; shown once, stored only as its SHA-256. Hand it to the invitee. */
  invitationToken: string;
  invitationExpiresAt: Date;
}

export interface AcceptedInvitation {
  userId: string;
  status: Extract<UserStatus, 'awaiting_approval' | 'active'>;
}

export type ApprovalDecision = 'approve' | 'refuse';

/** Who may approve an account: decided from the account alone, never from who asks. */
type ApproverRule = { kind: 'supervisor'; agencyId: string } | { kind: 'admin' } | { kind: 'focal_point' };

interface PendingRow {
  id: string;
  role: Role;
  agency_id: string | null;
  invited_by: string | null;
  mfa_enabled: boolean;
}

function tokenHash(token: string): Buffer | null {
  if (!TOKEN.test(token)) return null;
  const bytes = Buffer.from(token, 'base64url');
  if (bytes.length !== 32 || bytes.toString('base64url') !== token) return null;
  return createHash('sha256').update(bytes).digest();
}

/**
 * Accounts are never given a credential by anyone but their holder. An administrator
 * invites (or resets credentials, which is a new invitation); the invitee sets their own
 * password with the single-use token and enrols their own second factor; every role that
 * reaches content (and admin, since a second admin is an approver) then waits for a second
 * person — never the inviter — to approve it:
 *  - psea_focal_point: an active focal point;
 *  - admin: another active admin;
 *  - caseworker, supervisor, provider: an active supervisor of the same agency, or, where the
 *    agency has none (its first supervisor), an active admin.
 * Approvals and refusals are audited with who decided.
 */
@Injectable()
export class InvitationsService {
  constructor(
    private readonly tx: TransactionHost,
    private readonly users: UsersService,
    private readonly hasher: PasswordHasher,
    private readonly sessions: SessionService,
    private readonly audit: AuditService,
    @InjectConfig() private readonly config: AppConfig,
    private readonly agencyKeys: AgencyKeysService,
  ) {}

  /** POST /users: a pending account with an invitation, no password. */
  async invite(input: Omit<CreateUserInput, 'password'>, ctx: ActorContext): Promise<Invitation> {
    const { token, hash, expiresAt } = this.newToken();
    const user = await this.users.insert(
      input,
      { passwordHash: null, status: 'invited', invitationTokenHash: hash, invitationExpiresAt: expiresAt, invitedBy: ctx.actor?.id ?? null },
      ctx,
      'user.invite',
    );
    return { user, invitationToken: token, invitationExpiresAt: expiresAt };
  }

  /**
   * POST /users/:id/reset-credentials: a new invitation. The password, the second factor
   * and every session end at once; the account needs approval again after acceptance, and
   * the administrator who reset it cannot give it.
   */
  async resetCredentials(id: string, ctx: ActorContext): Promise<Invitation> {
    if (ctx.actor?.id === id) {
      throw new ConflictProblem('cannot_reset_self', 'An administrator cannot reset their own credentials; ask another administrator.');
    }
    const { token, hash, expiresAt } = this.newToken();
    return this.tx.run(async (em) => {
      const current = await em.getRepository(User).findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!current) throw new NotFoundProblem('user');
      await em.query(
        `UPDATE users SET password_hash = NULL, mfa_secret = NULL, mfa_enabled_at = NULL, mfa_last_step = NULL,
                status = 'invited', invitation_token_hash = $2, invitation_expires_at = $3, invited_by = $4,
                approved_by = NULL, approved_at = NULL, failed_logins = 0, locked_until = NULL,
                version = version + 1, updated_at = now()
          WHERE id = $1`,
        [id, hash, expiresAt, ctx.actor?.id ?? null],
      );
      const revoked = await this.sessions.revokeAllForUser(id, 'credentials_reset', em);
      // The holder may have lost control of the old password: its personal key opens nothing any more.
      await this.agencyKeys.dropMemberships(em, id);
      const updated = await em.getRepository(User).findOneByOrFail({ id });
      await this.record(ctx, 'user.credentials_reset', updated, { sessionsRevoked: revoked }, em);
      return { user: toUserView(updated), invitationToken: token, invitationExpiresAt: expiresAt };
    });
  }

  /**
   * POST /auth/invitations/accept: the invitee's own password. Focal points' passwords also
   * wrap their complaint key, so they must meet the passphrase policy. The token is spent in
   * the same statement that sets the password, so it works once.
   */
  async accept(token: string, password: string, requestId?: string): Promise<AcceptedInvitation> {
    const hash = tokenHash(token);
    if (!hash) throw new InvalidInvitationProblem();
    const rows: { id: string; email: string; display_name: string; role: Role }[] = await this.tx.manager.query(
      `SELECT id, email, display_name, role FROM users
        WHERE invitation_token_hash = $1 AND invitation_expires_at > now() AND status = 'invited'`,
      [hash],
    );
    const invitee = rows[0];
    if (!invitee) throw new InvalidInvitationProblem();
    const policyContext = { email: invitee.email, displayName: invitee.display_name };
    if (invitee.role === 'psea_focal_point') assertPassphrasePolicy(password, policyContext);
    else assertPasswordPolicy(password, policyContext);
    const passwordHash = await this.hasher.hash(password);
    const status: AcceptedInvitation['status'] = APPROVAL_REQUIRED_ROLES.includes(invitee.role) ? 'awaiting_approval' : 'active';
    return this.tx.run(async (em) => {
      const spent = returnedRows<{ id: string; role: Role; agency_id: string | null }>(
        await em.query(
          `UPDATE users SET password_hash = $3, status = $4, invitation_token_hash = NULL, invitation_expires_at = NULL,
                  mfa_secret = NULL, mfa_enabled_at = NULL, mfa_last_step = NULL, failed_logins = 0, locked_until = NULL,
                  version = version + 1, updated_at = now()
            WHERE id = $1 AND invitation_token_hash = $2 AND invitation_expires_at > now() AND status = 'invited'
            RETURNING id, role, agency_id`,
          [invitee.id, hash, passwordHash, status],
        ),
      );
      const row = spent[0];
      if (!row) throw new InvalidInvitationProblem();
      await this.sessions.revokeAllForUser(row.id, 'credentials_reset', em);
      // Staff who read survivor data get a personal key pair wrapped by this password.
      if (AGENCY_KEY_ROLES.includes(row.role) && row.agency_id) await this.agencyKeys.createPersonalKey(em, row.id, password);
      await this.audit.record(
        {
          action: 'user.invitation.accept',
          outcome: 'success',
          actorId: row.id,
          actorRole: row.role,
          agencyId: row.agency_id,
          targetType: 'user',
          targetId: row.id,
          details: { status },
          requestId: requestId ?? null,
        },
        em,
      );
      return { userId: row.id, status };
    });
  }

  /** GET /users/pending: the accounts waiting for approval that the caller may decide. */
  async pending(actor: AuthUser): Promise<UserView[]> {
    const ids: { id: string }[] = await this.tx.manager.query(
      `SELECT u.id FROM users u
        WHERE u.status = 'awaiting_approval' AND u.disabled_at IS NULL
          AND u.id <> $1 AND u.invited_by IS DISTINCT FROM $1
          AND CASE
            WHEN u.role = 'psea_focal_point' THEN $2 = 'psea_focal_point'
            WHEN u.role = 'admin' THEN $2 = 'admin'
            WHEN u.role = 'protection_officer' THEN false
            WHEN EXISTS (${ACTIVE_SUPERVISOR_OF('u.agency_id', 'u.id')})
              THEN $2 = 'supervisor' AND u.agency_id = $3
            ELSE $2 = 'admin'
          END
        ORDER BY u.created_at, u.id`,
      [actor.id, actor.role, actor.agencyId],
    );
    if (ids.length === 0) return [];
    const users = await this.tx.manager.getRepository(User).find({ where: ids.map((r) => ({ id: r.id })), order: { createdAt: 'ASC', id: 'ASC' } });
    return users.map(toUserView);
  }

  /** POST /users/:id/approval. Refusal removes the credentials the invitee set and ends their sessions. */
  async decide(id: string, decision: ApprovalDecision, actor: AuthUser, requestId?: string): Promise<UserView> {
    const ctx: ActorContext = { actor, requestId };
    try {
      return await this.tx.run(async (em) => {
        const rows: PendingRow[] = await em.query(
          `SELECT id, role, agency_id, invited_by, mfa_enabled_at IS NOT NULL AS mfa_enabled, status
             FROM users WHERE id = $1 FOR UPDATE`,
          [id],
        );
        const target = rows[0] as (PendingRow & { status: UserStatus }) | undefined;
        // Outside the caller's sight it does not exist, as for any other record.
        if (!target || !this.visibleTo(actor, target)) throw new NotFoundProblem('user');
        if (target.status !== 'awaiting_approval') {
          throw new ConflictProblem('not_awaiting_approval', 'This account is not waiting for approval.');
        }
        if (target.id === actor.id || target.invited_by === actor.id) throw new NotAnApproverProblem('approver_is_inviter');
        const rule = await this.approverRule(target, em);
        if (!this.satisfies(actor, rule)) throw new NotAnApproverProblem('not_an_eligible_approver');
        if (decision === 'approve' && !target.mfa_enabled) {
          throw new ConflictProblem('mfa_not_enrolled', 'The invitee must enrol their second factor before approval.');
        }
        if (decision === 'approve') {
          await em.query(
            `UPDATE users SET status = 'active', approved_by = $2, approved_at = now(), version = version + 1, updated_at = now()
              WHERE id = $1`,
            [id, actor.id],
          );
          // Four eyes: the approving supervisor seals the agency key to the new member (their
          // session must hold it). An account an administrator approves gets it later from a
          // supervisor (POST /agency-keys/grants) or through the agency's recovery key.
          if (rule.kind === 'supervisor' && (await this.agencyKeys.canGrant(em, rule.agencyId, id))) {
            await this.agencyKeys.grant(em, actor, id, requestId);
          }
        } else {
          await em.query(
            `UPDATE users SET status = 'refused', approved_by = $2, approved_at = now(), password_hash = NULL,
                    mfa_secret = NULL, mfa_enabled_at = NULL, mfa_last_step = NULL, version = version + 1, updated_at = now()
              WHERE id = $1`,
            [id, actor.id],
          );
          await this.sessions.revokeAllForUser(id, 'credentials_reset', em);
          await this.agencyKeys.dropMemberships(em, id);
        }
        const updated = await em.getRepository(User).findOneByOrFail({ id });
        await this.record(ctx, 'user.approval', updated, { decision, approver: rule.kind, ...(target.invited_by ? { inviter: target.invited_by } : {}) }, em);
        return toUserView(updated);
      });
    } catch (e) {
      if (e instanceof NotAnApproverProblem) {
        await this.audit.record({
          action: 'user.approval',
          outcome: 'denied',
          actorId: actor.id,
          actorRole: actor.role,
          agencyId: actor.agencyId,
          targetType: 'user',
          targetId: id,
          details: { decision, reason: e.code },
          requestId: requestId ?? null,
        });
      }
      throw e;
    }
  }

  /**
   * Operator paths on the server only (demo seed, test fixtures, the SEA bootstrap command):
   * activates an account that accepted its invitation, audited with `via`.
   */
  async activateByOperator(id: string, via: string): Promise<UserView> {
    return this.tx.run(async (em) => {
      const rows = returnedRows<{ id: string }>(
        await em.query(
          `UPDATE users SET status = 'active', approved_by = NULL, approved_at = now(), version = version + 1, updated_at = now()
            WHERE id = $1 AND status = 'awaiting_approval' RETURNING id`,
          [id],
        ),
      );
      if (rows.length === 0) throw new ConflictProblem('not_awaiting_approval', 'This account is not waiting for approval.');
      const updated = await em.getRepository(User).findOneByOrFail({ id });
      await this.record({ actor: null, via }, 'user.approval', updated, { decision: 'approve', approver: 'operator' }, em);
      return toUserView(updated);
    });
  }

  private visibleTo(actor: AuthUser, target: PendingRow): boolean {
    switch (actor.role) {
      case 'admin':
        return true;
      case 'supervisor':
        return target.agency_id === actor.agencyId && target.role !== 'psea_focal_point';
      case 'psea_focal_point':
        return target.role === 'psea_focal_point';
      case 'caseworker':
      case 'provider':
      case 'protection_officer':
        return false;
    }
  }

  private async approverRule(target: PendingRow, em: EntityManager): Promise<ApproverRule> {
    if (target.role === 'psea_focal_point') return { kind: 'focal_point' };
    if (target.role === 'admin' || target.role === 'protection_officer' || !target.agency_id) return { kind: 'admin' };
    const rows: unknown[] = await em.query(ACTIVE_SUPERVISOR_OF('$1::uuid', '$2::uuid'), [target.agency_id, target.id]);
    return rows.length > 0 ? { kind: 'supervisor', agencyId: target.agency_id } : { kind: 'admin' };
  }

  private satisfies(actor: AuthUser, rule: ApproverRule): boolean {
    switch (rule.kind) {
      case 'focal_point':
        return actor.role === 'psea_focal_point';
      case 'admin':
        return actor.role === 'admin';
      case 'supervisor':
        return actor.role === 'supervisor' && actor.agencyId === rule.agencyId;
    }
  }

  private newToken(): { token: string; hash: Buffer; expiresAt: Date } {
    const bytes = randomBytes(32);
    const token = bytes.toString('base64url');
    const hash = createHash('sha256').update(bytes).digest();
    bytes.fill(0);
    const expiresAt = new Date(Date.now() + this.config.auth.invitationTtlHours * 3600 * 1000);
    return { token, hash, expiresAt };
  }

  private record(ctx: ActorContext, action: string, target: User, details: Record<string, string | number | boolean>, em: EntityManager): Promise<void> {
    return this.audit.record(userAuditRecord(ctx, action, target, details), em);
  }
}

/** An active, enabled supervisor of the agency other than the account itself (SQL, for EXISTS). */
function ACTIVE_SUPERVISOR_OF(agencyExpr: string, selfExpr: string): string {
  return `SELECT 1 FROM users s WHERE s.agency_id = ${agencyExpr} AND s.role = 'supervisor'
            AND s.status = 'active' AND s.disabled_at IS NULL AND s.id <> ${selfExpr}`;
}
