import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import {
  AgenciesService,
  AgencyView,
  InvitationsService,
  mfaSecretContext,
  newTotpSecret,
  passwordPolicyViolation,
  SessionService,
  totpCode,
  totpStep,
  TOTP_PERIOD_SECONDS,
  UsersService,
  UserView,
} from '@amani/auth';
import { EnvelopeCrypto } from '@amani/crypto';
import { AGENCYLESS_ROLES, AgencyType, Role, ROLES, ServiceType } from '@amani/auth';
import type { TestApp } from './app';
import { rememberSecret } from './canary';

/**
 * Test fixtures for staff accounts. `createAgency`/`createUser` go straight through the
 * services (fast): an invitation, its acceptance with the password, and activation by the
 * operator path (the HTTP four-eyes approval has its own suite); `loginAs` goes through the real HTTP login, TOTP enrolment and
 * verification; `sessionAs` issues a full session directly (cheapest). Every password,
 * token and TOTP secret created here is recorded for the run's leak check.
 */

export interface CreatedUser {
  user: UserView;
  email: string;
  password: string;
  /** Base32 TOTP secret when MFA is enrolled, else null. */
  totpSecret: string | null;
}

export interface LoggedIn extends CreatedUser {
  accessToken: string;
  refreshToken: string;
}

export interface UserSpec {
  role: Role;
  /** Defaults to a fresh agency for roles that need one. */
  agencyId?: string | null;
  password?: string;
  email?: string;
  displayName?: string;
  /** Enrol and activate TOTP directly (no HTTP). */
  mfa?: boolean;
}

const ACTOR = { actor: null, via: 'test' } as const;
const suffix = () => randomBytes(5).toString('hex');

export const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

/** A random password the policy accepts. */
export function strongPassword(): string {
  for (;;) {
    const candidate = `Pw ${randomBytes(12).toString('base64url')}`;
    if (!passwordPolicyViolation(candidate)) return candidate;
  }
}

export async function createAgency(
  t: TestApp,
  name?: string,
  opts: { type?: AgencyType; serviceTypes?: ServiceType[]; regionCodes?: string[] } = {},
): Promise<AgencyView> {
  return t.app.get(AgenciesService).create(
    {
      name: name ?? `Test Agency ${suffix()}`,
      type: opts.type ?? 'national_ngo',
      serviceTypes: opts.serviceTypes ?? ['psychosocial', 'medical'],
      regionCodes: opts.regionCodes ?? ['TEST-01'],
    },
    ACTOR,
  );
}

export async function createUser(t: TestApp, spec: UserSpec): Promise<CreatedUser> {
  const agencyless = AGENCYLESS_ROLES.includes(spec.role);
  const agencyId = spec.agencyId !== undefined ? spec.agencyId : agencyless ? null : (await createAgency(t)).id;
  const email = spec.email ?? `${spec.role.replace(/_/g, '-')}-${suffix()}@example.org`;
  const password = spec.password ?? strongPassword();
  rememberSecret(password);
  const invitations = t.app.get(InvitationsService);
  const invited = await invitations.invite(
    { email, role: spec.role, agencyId, displayName: spec.displayName ?? `Test ${spec.role}` },
    ACTOR,
  );
  rememberSecret(invited.invitationToken);
  const accepted = await invitations.accept(invited.invitationToken, password);
  if (accepted.status === 'awaiting_approval') await invitations.activateByOperator(accepted.userId, 'test');
  let totpSecret: string | null = null;
  if (spec.mfa) totpSecret = await enrolMfaDirectly(t, accepted.userId);
  const user = await t.app.get(UsersService).get(accepted.userId);
  return { user, email, password, totpSecret };
}

/**
 * An administrator's credential reset followed by the holder's acceptance with a new
 * password and activation by the operator path. The second factor is gone: the next login enrols one.
 */
export async function resetAndAccept(t: TestApp, userId: string, password = strongPassword()): Promise<string> {
  rememberSecret(password);
  const invitations = t.app.get(InvitationsService);
  const reset = await invitations.resetCredentials(userId, ACTOR);
  rememberSecret(reset.invitationToken);
  const accepted = await invitations.accept(reset.invitationToken, password);
  if (accepted.status === 'awaiting_approval') await invitations.activateByOperator(userId, 'test');
  return password;
}

/** Stores an active TOTP secret for the user, as if they had enrolled. */
export async function enrolMfaDirectly(t: TestApp, userId: string): Promise<string> {
  const secret = newTotpSecret();
  rememberSecret(secret);
  const encrypted = t.app.get(EnvelopeCrypto).encryptSystem(secret, mfaSecretContext(userId));
  await t.app
    .get(DataSource)
    .query(`UPDATE users SET mfa_secret = $2, mfa_enabled_at = now(), mfa_last_step = NULL WHERE id = $1`, [
      userId,
      encrypted,
    ]);
  return secret;
}

// Steps already spent per secret, so fixtures never present a code twice.
const lastStepUsed = new Map<string, number>();

/**
 * A code the server will accept now: the current step, or the next one (within the ±1
 * window) when the current step was already used by this process.
 */
export async function freshTotpCode(secret: string): Promise<string> {
  const now = Date.now() / 1000;
  const current = totpStep(now);
  const last = lastStepUsed.get(secret) ?? -1;
  const step = Math.max(current, last + 1);
  if (step > current + 1) throw new Error('no unused TOTP step inside the window; wait for the next period');
  lastStepUsed.set(secret, step);
  return totpCode(secret, step * TOTP_PERIOD_SECONDS);
}

/** Marks a step as spent (a test presented a code itself). */
export function markTotpStepUsed(secret: string, step: number): void {
  lastStepUsed.set(secret, Math.max(step, lastStepUsed.get(secret) ?? -1));
}

/** Real HTTP login of an existing account, completing MFA (enrolling if needed). */
export async function login(
  t: TestApp,
  creds: { email: string; password: string; totpSecret?: string | null },
): Promise<{ accessToken: string; refreshToken: string; totpSecret: string | null }> {
  const res = await t.http().post('/auth/login').send({ email: creds.email, password: creds.password });
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${String(res.body?.code)}`);
  remember(res.body);
  let totpSecret = creds.totpSecret ?? null;
  if (!res.body.mfa) return { accessToken: res.body.accessToken, refreshToken: res.body.refreshToken, totpSecret };

  const pending = res.body.accessToken as string;
  if (res.body.mfa === 'enrol') {
    const enrol = await t.http().post('/auth/mfa/enrol').set(bearer(pending)).send({});
    if (enrol.status !== 201) throw new Error(`MFA enrolment failed: ${enrol.status} ${String(enrol.body?.code)}`);
    totpSecret = enrol.body.secret as string;
    rememberSecret(totpSecret);
    rememberSecret(enrol.body.otpauthUrl as string);
  }
  if (!totpSecret) throw new Error('this account has MFA enabled: pass its totpSecret');
  const verify = await t
    .http()
    .post('/auth/mfa/verify')
    .set(bearer(pending))
    .send({ code: await freshTotpCode(totpSecret) });
  if (verify.status !== 200) throw new Error(`MFA verification failed: ${verify.status} ${String(verify.body?.code)}`);
  remember(verify.body);
  return { accessToken: verify.body.accessToken, refreshToken: verify.body.refreshToken, totpSecret };
}

/** A new user of the role, logged in through the real HTTP flow (password, then TOTP). */
export async function loginAs(t: TestApp, spec: UserSpec): Promise<LoggedIn> {
  const created = await createUser(t, spec);
  const tokens = await login(t, created);
  return { ...created, ...tokens };
}

/** Cheapest: a new user of the role with a full session issued directly (no HTTP, no MFA round trip). */
export async function sessionAs(t: TestApp, spec: UserSpec): Promise<LoggedIn> {
  const created = await createUser(t, { mfa: true, ...spec });
  const pair = await t.app
    .get(SessionService)
    .start({ id: created.user.id, role: created.user.role, agencyId: created.user.agencyId }, 'full');
  remember(pair);
  return { ...created, accessToken: pair.accessToken, refreshToken: pair.refreshToken };
}

const perApp = new WeakMap<TestApp, Promise<Record<Role, LoggedIn>>>();

/**
 * One logged-in user per role (through the real login), created once per TestApp and
 * shared: do not revoke these sessions or change these users in a test that uses them.
 */
export function tokensByRole(t: TestApp): Promise<Record<Role, LoggedIn>> {
  let all = perApp.get(t);
  if (!all) {
    all = (async () => {
      const agency = await createAgency(t);
      const out = {} as Record<Role, LoggedIn>;
      for (const role of ROLES) {
        out[role] = await loginAs(t, { role, agencyId: AGENCYLESS_ROLES.includes(role) ? null : agency.id });
      }
      return out;
    })();
    perApp.set(t, all);
  }
  return all;
}

function remember(body: { accessToken?: unknown; refreshToken?: unknown }): void {
  if (typeof body.accessToken === 'string') rememberSecret(body.accessToken);
  if (typeof body.refreshToken === 'string') rememberSecret(body.refreshToken);
}

/** Also records tokens a test obtained itself (refresh, verify). */
export function rememberTokens(body: { accessToken?: unknown; refreshToken?: unknown }): void {
  remember(body);
}
