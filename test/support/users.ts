import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AGENCY_KEY_ROLES, AgencyKeysService, Keyring, UNLOCK_HEADER, type KeyPair } from '@amani/auth';
import { TransactionHost } from '@amani/database';
import { AgenciesService, AgencyView, InvitationsService, mfaSecretContext, newTotpSecret, passwordPolicyViolation, SessionService, totpCode, totpStep, TOTP_PERIOD_SECONDS, UsersService, UserView, AGENCYLESS_ROLES, AgencyType, Role, ROLES, ServiceType } from '@amani/auth';
import { EnvelopeCrypto } from '@amani/crypto';
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
  /** The session's X-Amani-Unlock value (staff who hold an agency key), else null. */
  unlock: string | null;
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
  /** Leave the account without a grant of its agency's key (as if an administrator approved it). */
  withoutAgencyKey?: boolean;
}

const ACTOR = { actor: null, via: 'test' } as const;
const suffix = () => randomBytes(5).toString('hex');

// The client's half of each session's unlock, by access token: `bearer` sends it as a client would.
const unlockByToken = new Map<string, string>();

function rememberUnlock(accessToken: string, unlock: string | null | undefined): void {
  if (!unlock) return;
  rememberSecret(unlock);
  unlockByToken.set(accessToken, unlock);
}

/** The X-Amani-Unlock value the session of this access token was given at sign-in, if any. */
export function unlockFor(token: string): string | undefined {
  return unlockByToken.get(token);
}

/** The Authorization header, and the session's X-Amani-Unlock as a real client sends it with every request. */
export const bearer = (token: string): Record<string, string> => {
  const unlock = unlockByToken.get(token);
  return unlock ? { Authorization: `Bearer ${token}`, [UNLOCK_HEADER]: unlock } : { Authorization: `Bearer ${token}` };
};

/**
 * Runs fn (direct service calls) as these members would: their personal keys opened with
 * their passwords, as the login hook does, for the duration of fn only.
 */
export async function asMembers<T>(t: TestApp, users: CreatedUser[], fn: () => Promise<T>): Promise<T> {
  const keys = t.app.get(AgencyKeysService);
  const opened: { userId: string; key: KeyPair }[] = [];
  for (const u of users) {
    const key = await keys.openPersonalKey(u.user.id, u.password);
    if (key) opened.push({ userId: u.user.id, key });
  }
  try {
    return await t.app.get(Keyring).withPersonalKeys(opened, fn);
  } finally {
    for (const o of opened) o.key.privateKey.fill(0);
  }
}

/** Just the Authorization header: a client that does not send its unlock. */
export const bearerOnly = (token: string) => ({ Authorization: `Bearer ${token}` });

// Test agencies' recovery keys (the operator set-up path), so fixtures can grant their members the key.
const recoveryKeys = new Map<string, string>();

/** The agency's recovery key, when a fixture set up its key. */
export function agencyRecoveryKey(agencyId: string): string | undefined {
  return recoveryKeys.get(agencyId);
}

/**
 * Makes the member hold the agency key, as a supervisor's approval would: sets the agency's key
 * up (operator path) if it has none, else grants it with the recovery key the fixture kept.
 */
export async function grantAgencyKey(t: TestApp, agencyId: string, userId: string): Promise<void> {
  const keys = t.app.get(AgencyKeysService);
  const recovery = recoveryKeys.get(agencyId);
  const tx = t.app.get(TransactionHost);
  if (recovery) {
    const { parseRecoveryKey } = await import('@amani/auth');
    await tx.run((em) => keys.grantWithRecovery(em, agencyId, parseRecoveryKey(recovery)!, userId, null));
    return;
  }
  const existing: unknown[] = await t.app.get(DataSource).query(`SELECT 1 FROM agency_keys WHERE agency_id = $1`, [agencyId]);
  if (existing.length > 0) throw new Error('this agency has a key the fixtures do not hold: grant it through a member');
  const setUp = await keys.setUpByOperator(agencyId, [userId], 'test');
  rememberSecret(setUp.recoveryKey);
  recoveryKeys.set(agencyId, setUp.recoveryKey);
}

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
  opts: { type?: AgencyType; serviceTypes?: ServiceType[]; regionCodes?: string[]; withoutKey?: boolean } = {},
): Promise<AgencyView> {
  const agency = await t.app.get(AgenciesService).create(
    {
      name: name ?? `Test Agency ${suffix()}`,
      type: opts.type ?? 'national_ngo',
      serviceTypes: opts.serviceTypes ?? ['psychosocial', 'medical'],
      regionCodes: opts.regionCodes ?? ['TEST-01'],
    },
    ACTOR,
  );
  // Every test agency gets its key at once (operator path, no member yet), so cases can be
  // referred to it; fixtures grant it to the members they create with the recovery key.
  if (!opts.withoutKey) {
    const setUp = await t.app.get(AgencyKeysService).setUpByOperator(agency.id, [], 'test');
    rememberSecret(setUp.recoveryKey);
    recoveryKeys.set(agency.id, setUp.recoveryKey);
  }
  return agency;
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
  if (agencyId && AGENCY_KEY_ROLES.includes(spec.role) && !spec.withoutAgencyKey) await grantAgencyKey(t, agencyId, accepted.userId);
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
  const user = await t.app.get(UsersService).get(userId);
  if (user.agencyId && AGENCY_KEY_ROLES.includes(user.role)) await grantAgencyKey(t, user.agencyId, userId);
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
): Promise<{ accessToken: string; refreshToken: string; totpSecret: string | null; unlock: string | null }> {
  const res = await t.http().post('/auth/login').send({ email: creds.email, password: creds.password });
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${String(res.body?.code)}`);
  remember(res.body);
  const unlock = (res.body.sessionSecrets?.keys as string | undefined) ?? null;
  rememberUnlock(res.body.accessToken, unlock);
  let totpSecret = creds.totpSecret ?? null;
  if (!res.body.mfa) return { accessToken: res.body.accessToken, refreshToken: res.body.refreshToken, totpSecret, unlock };

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
  rememberUnlock(verify.body.accessToken, unlock);
  return { accessToken: verify.body.accessToken, refreshToken: verify.body.refreshToken, totpSecret, unlock };
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
  const unlock = await unlockSession(t, pair.accessToken, created);
  return { ...created, accessToken: pair.accessToken, refreshToken: pair.refreshToken, unlock };
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

/** What the login hook does for a password sign-in: the personal key unlocked for this session. */
async function unlockSession(t: TestApp, accessToken: string, created: CreatedUser): Promise<string | null> {
  if (!created.user.agencyId || !AGENCY_KEY_ROLES.includes(created.user.role)) return null;
  const sid = (JSON.parse(Buffer.from(accessToken.split('.')[1], 'base64url').toString('utf8')) as { sid: string }).sid;
  const unlock = await t.app.get(TransactionHost).run((em) => t.app.get(AgencyKeysService).unlockForSession(em, sid, created.user.id, created.password));
  rememberUnlock(accessToken, unlock);
  return unlock ?? null;
}

function remember(body: { accessToken?: unknown; refreshToken?: unknown }): void {
  if (typeof body.accessToken === 'string') rememberSecret(body.accessToken);
  if (typeof body.refreshToken === 'string') rememberSecret(body.refreshToken);
}

/** Also records tokens a test obtained itself (refresh, verify). */
export function rememberTokens(body: { accessToken?: unknown; refreshToken?: unknown }): void {
  remember(body);
}
