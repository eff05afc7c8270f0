import { Injectable } from '@nestjs/common';
import { EntityManager, FindOptionsWhere, IsNull, QueryFailedError } from 'typeorm';
import { AuditRecord, AuditService } from '@amani/audit';
import { EnvelopeCrypto } from '@amani/crypto';
import { AGENCYLESS_ROLES, APPROVAL_REQUIRED_ROLES, Role } from '@amani/auth';
import { Agency } from '@amani/auth';
import { ConflictProblem, NotFoundProblem, UnprocessableProblem, ValidationProblem } from '@amani/http';
import type { AuthUser } from '../auth-user';
import { mfaSecretContext } from '../mfa/mfa.service';
import { newTotpSecret } from '../mfa/totp';
import { AGENCY_KEY_ROLES, AgencyKeysService } from '../keys/agency-keys.service';
import { PasswordHasher } from '../passwords/password-hasher.service';
import { assertPasswordPolicy } from '../passwords/password-policy';
import { SessionService } from '../sessions/session.service';
import { normaliseEmail } from './email';
import { User, UserStatus } from './user.entity';
import { Page, toUserView, UserView } from './user-view';
import { TransactionHost } from '@amani/database';

export interface CreateUserInput {
  email: string;
  displayName: string;
  password: string;
  role: Role;
  agencyId?: string | null;
}

/** How a new row starts: an invitation (no password) or an operator-provisioned account. */
export interface NewUserCredentials {
  passwordHash: string | null;
  status: UserStatus;
  invitationTokenHash: Buffer | null;
  invitationExpiresAt: Date | null;
  invitedBy: string | null;
}

/** Passwords are never set by an administrator: a reset is a new invitation. */
export interface UpdateUserInput {
  version: number;
  displayName?: string;
  role?: Role;
  agencyId?: string | null;
}

export interface Profile {
  id: string;
  email: string;
  displayName: string;
  role: Role;
  agencyId: string | null;
  mfaEnabled: boolean;
  status: UserStatus;
}

export interface ListUsersInput {
  page: number;
  pageSize: number;
  agencyId?: string;
  role?: Role;
}

/** Who is acting: an admin over HTTP (with the request's id), or the operator CLI (null). */
export interface ActorContext {
  actor: AuthUser | null;
  requestId?: string;
  /** Where a change came from when there is no actor, e.g. 'cli' or 'seed'. */
  via?: string;
}

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

/** Deliberately loose (the DTO checks the format); also guards the CLI path. */
function isPlausibleEmail(email: string): boolean {
  return email.length <= 320 && /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email) && !CONTROL.test(email);
}

/** Every role but admin and protection_officer belongs to exactly one agency. */
export function agencyRuleViolation(role: Role, agencyId: string | null | undefined): string | null {
  const agencyless = AGENCYLESS_ROLES.includes(role);
  if (agencyless && agencyId) return 'must be empty for this role';
  if (!agencyless && !agencyId) return 'is required for this role';
  return null;
}

/** Admin management of staff accounts. Every change is audited with ids and field names only. */
@Injectable()
export class UsersService {
  constructor(
    private readonly tx: TransactionHost,
    private readonly hasher: PasswordHasher,
    private readonly sessions: SessionService,
    private readonly audit: AuditService,
    private readonly crypto: EnvelopeCrypto,
    private readonly agencyKeys: AgencyKeysService,
  ) {}

  /**
   * Operator paths on the server only (`admin:create`, the demo seed): an active account
   * with the password the operator typed. Over HTTP, accounts are invited (InvitationsService).
   */
  async provision(input: CreateUserInput, ctx: ActorContext): Promise<UserView> {
    assertPasswordPolicy(input.password, { email: normaliseEmail(input.email), displayName: input.displayName });
    const passwordHash = await this.hasher.hash(input.password);
    return this.insert(
      input,
      { passwordHash, status: 'active', invitationTokenHash: null, invitationExpiresAt: null, invitedBy: null },
      ctx,
      'user.create',
    );
  }

  /** Validates and inserts a new account, audited as `action`. */
  async insert(input: Omit<CreateUserInput, 'password'>, credentials: NewUserCredentials, ctx: ActorContext, action: string): Promise<UserView> {
    const email = normaliseEmail(input.email);
    const displayName = input.displayName.trim();
    const agencyId = input.agencyId ?? null;
    const problems = [
      ...(isPlausibleEmail(email) ? [] : [{ field: 'email', message: 'must be an email address' }]),
      ...(displayName && !CONTROL.test(displayName) ? [] : [{ field: 'displayName', message: 'must be non-empty text' }]),
    ];
    const rule = agencyRuleViolation(input.role, agencyId);
    if (rule) problems.push({ field: 'agencyId', message: rule });
    if (problems.length) throw new ValidationProblem(problems);
    try {
      return await this.tx.run(async (em) => {
        if (agencyId) await this.requireAgency(agencyId, em);
        const user = await em.save(
          em.create(User, {
            email,
            displayName,
            ...credentials,
            approvedBy: null,
            approvedAt: null,
            role: input.role,
            agencyId,
            disabledAt: null,
            mfaSecret: null,
            mfaEnabledAt: null,
            mfaLastStep: null,
            failedLogins: 0,
            lockedUntil: null,
          }),
        );
        await this.record(ctx, action, user, { role: user.role }, em);
        return toUserView(user);
      });
    } catch (e) {
      throw translateUniqueViolation(e);
    }
  }

  async list(input: ListUsersInput): Promise<Page<UserView>> {
    const where: FindOptionsWhere<User> = {};
    if (input.agencyId) where.agencyId = input.agencyId;
    if (input.role) where.role = input.role;
    const [users, total] = await this.tx.manager.getRepository(User).findAndCount({
      where,
      order: { createdAt: 'ASC', id: 'ASC' },
      skip: (input.page - 1) * input.pageSize,
      take: input.pageSize,
    });
    return { items: users.map(toUserView), page: input.page, pageSize: input.pageSize, total };
  }

  async get(id: string): Promise<UserView> {
    const user = await this.tx.manager.getRepository(User).findOneBy({ id });
    if (!user) throw new NotFoundProblem('user');
    return toUserView(user);
  }

  /**
   * Optimistic concurrency: the caller names the version it read; a stale version is a 409.
   * A change of role or agency ends the user's sessions, and into a role that needs four
   * eyes it sends the account back to approval — with the administrator who changed it as
   * its inviter, so they cannot approve it.
   */
  async update(id: string, input: UpdateUserInput, ctx: ActorContext): Promise<UserView> {
    const changed = (['displayName', 'role', 'agencyId'] as const).filter((k) => input[k] !== undefined);
    if (ctx.actor?.id === id && (input.role !== undefined || input.agencyId !== undefined)) {
      throw new ConflictProblem('cannot_change_own_role', 'An administrator cannot change their own role or agency.');
    }
    return this.tx.run(async (em) => {
      const current = await em.getRepository(User).findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!current) throw new NotFoundProblem('user');
      if (current.version !== input.version) throw staleVersion();
      const role = input.role ?? current.role;
      const agencyId = input.agencyId !== undefined ? input.agencyId : current.agencyId;
      const rule = agencyRuleViolation(role, agencyId);
      if (rule) throw new ValidationProblem([{ field: 'agencyId', message: rule }]);
      if (input.agencyId) await this.requireAgency(input.agencyId, em);

      const set: Partial<User> = {};
      if (input.displayName !== undefined) {
        set.displayName = input.displayName.trim();
        if (!set.displayName) throw new ValidationProblem([{ field: 'displayName', message: 'must be non-empty text' }]);
      }
      if (input.role !== undefined) set.role = input.role;
      if (input.agencyId !== undefined) set.agencyId = input.agencyId;
      const endsSessions = role !== current.role || agencyId !== current.agencyId;
      const reapproval = endsSessions && current.status === 'active' && APPROVAL_REQUIRED_ROLES.includes(role);
      if (reapproval) Object.assign(set, { status: 'awaiting_approval', invitedBy: ctx.actor?.id ?? null, approvedBy: null, approvedAt: null });
      if (changed.length > 0) {
        // The builder adds version = version + 1 and updated_at itself.
        const res = await em
          .createQueryBuilder()
          .update(User)
          .set(set)
          .where('id = :id AND version = :version', { id, version: input.version })
          .execute();
        if (res.affected !== 1) throw staleVersion();
      }
      if (endsSessions) await this.sessions.revokeAllForUser(id, 'user_changed', em);
      // Moved to another agency (or to a role that reads no cases): the old agency's key goes.
      if (agencyId !== current.agencyId || !AGENCY_KEY_ROLES.includes(role)) await this.agencyKeys.dropMemberships(em, id);
      const updated = await em.getRepository(User).findOneByOrFail({ id });
      await this.record(
        ctx,
        'user.update',
        updated,
        { ...Object.fromEntries(changed.map((k) => [k, true])), ...(reapproval ? { reapproval: true } : {}) },
        em,
      );
      return toUserView(updated);
    });
  }

  /** Disabling ends every session at once; the user's live access tokens fail on their next request. */
  async disable(id: string, ctx: ActorContext): Promise<UserView> {
    if (ctx.actor?.id === id) throw new ConflictProblem('cannot_disable_self', 'An administrator cannot disable their own account.');
    return this.tx.run(async (em) => {
      const user = await this.lockedUser(id, em);
      if (user.disabledAt === null) {
        await em.createQueryBuilder().update(User).set({ disabledAt: () => 'now()' }).where('id = :id', { id }).execute();
      }
      const revoked = await this.sessions.revokeAllForUser(id, 'user_disabled', em);
      await this.agencyKeys.dropMemberships(em, id);
      const updated = await em.getRepository(User).findOneByOrFail({ id });
      await this.record(ctx, 'user.disable', updated, { sessionsRevoked: revoked }, em);
      return toUserView(updated);
    });
  }

  async enable(id: string, ctx: ActorContext): Promise<UserView> {
    return this.tx.run(async (em) => {
      const user = await this.lockedUser(id, em);
      if (user.disabledAt !== null) {
        await em
          .createQueryBuilder()
          .update(User)
          .set({ disabledAt: null, failedLogins: 0, lockedUntil: null })
          .where('id = :id', { id })
          .execute();
      }
      const updated = await em.getRepository(User).findOneByOrFail({ id });
      await this.record(ctx, 'user.enable', updated, {}, em);
      return toUserView(updated);
    });
  }

  /** GET /me. */
  async profile(id: string): Promise<Profile> {
    const user = await this.tx.manager.getRepository(User).findOneBy({ id });
    if (!user) throw new NotFoundProblem('user');
    return {
      id: user.id,
      email: user.email,
      displayName: user.displayName,
      role: user.role,
      agencyId: user.agencyId,
      mfaEnabled: user.mfaEnabledAt !== null,
      status: user.status,
    };
  }

  /** For the CLI: whether any active, enabled account has this role. */
  async anyActiveWithRole(role: Role): Promise<boolean> {
    return this.tx.manager.getRepository(User).exists({ where: { role, status: 'active', disabledAt: IsNull() } });
  }

  /** For the CLI and the demo seed: the user with this email, if any. */
  findByEmail(email: string): Promise<User | null> {
    return this.tx.manager.getRepository(User).findOneBy({ email: normaliseEmail(email) });
  }

  /**
   * Demo seed only: sets a new password and an already-active TOTP secret, ending every
   * session. Returns the TOTP secret (base32).
   */
  async resetCredentialsWithMfa(id: string, password: string, ctx: ActorContext): Promise<string> {
    const passwordHash = await this.preparePassword(id, password);
    const secret = newTotpSecret();
    const encrypted = this.crypto.encryptSystem(secret, mfaSecretContext(id));
    await this.tx.run(async (em) => {
      const user = await this.lockedUser(id, em);
      await em.query(
        `UPDATE users SET password_hash = $2, mfa_secret = $3, mfa_enabled_at = now(), mfa_last_step = NULL,
                failed_logins = 0, locked_until = NULL, disabled_at = NULL, status = 'active',
                invitation_token_hash = NULL, invitation_expires_at = NULL
          WHERE id = $1`,
        [id, passwordHash, encrypted],
      );
      await this.sessions.revokeAllForUser(id, 'credentials_reset', em);
      // A new personal key for the new password: grants sealed to the old one go with it.
      if (user.agencyId && AGENCY_KEY_ROLES.includes(user.role)) await this.agencyKeys.createPersonalKey(em, id, password);
      await this.record(ctx, 'user.credentials_reset', user, { password: true, mfa: true }, em);
    });
    return secret;
  }

  private async preparePassword(id: string, password: string): Promise<string> {
    const user = await this.tx.manager.getRepository(User).findOneBy({ id });
    if (!user) throw new NotFoundProblem('user');
    assertPasswordPolicy(password, { email: user.email, displayName: user.displayName });
    return this.hasher.hash(password);
  }

  private async lockedUser(id: string, em: EntityManager): Promise<User> {
    const user = await em.getRepository(User).findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
    if (!user) throw new NotFoundProblem('user');
    return user;
  }

  private async requireAgency(agencyId: string, em: EntityManager): Promise<void> {
    const exists = await em.getRepository(Agency).exists({ where: { id: agencyId } });
    if (!exists) {
      throw new UnprocessableProblem('unknown_agency', 'The agency does not exist.', [
        { field: 'agencyId', message: 'does not exist' },
      ]);
    }
  }

  private record(ctx: ActorContext, action: string, target: User, details: NonNullable<AuditRecord['details']>, em: EntityManager): Promise<void> {
    return this.audit.record(userAuditRecord(ctx, action, target, details), em);
  }
}

/** An audit record about a staff account, by whoever acted in `ctx`. */
export function userAuditRecord(ctx: ActorContext, action: string, target: User, details: NonNullable<AuditRecord['details']>): AuditRecord {
  return {
    action,
    outcome: 'success',
    actorId: ctx.actor?.id ?? null,
    actorRole: ctx.actor?.role ?? null,
    agencyId: target.agencyId,
    targetType: 'user',
    targetId: target.id,
    details: { ...details, ...(ctx.via ? { via: ctx.via } : {}) },
    requestId: ctx.requestId ?? null,
  };
}

function staleVersion(): ConflictProblem {
  return new ConflictProblem('stale_version', 'The user was changed by someone else; reload it and try again.');
}

function translateUniqueViolation(e: unknown): unknown {
  const driver = e instanceof QueryFailedError ? (e.driverError as { code?: string; constraint?: string }) : undefined;
  if (driver?.code === '23505' && driver.constraint === 'users_email_key') {
    return new ConflictProblem('email_taken', 'A user with this email already exists.');
  }
  return e;
}
