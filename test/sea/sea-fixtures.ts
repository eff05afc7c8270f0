import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { normaliseReceipt, SeaEndorsementsService } from '@amani/domain/sea';
import { SeaCrypto } from '@amani/domain/sea/sea-crypto';
import type { TestApp } from '../support/app';
import { rememberSecret } from '../support/canary';
import { bearer, createAgency, createUser, CreatedUser, enrolMfaDirectly, freshTotpCode, rememberTokens } from '../support/users';

/** A focal point logged in through the real HTTP flow, with their key unlocked for the session. */
export interface FocalPoint extends CreatedUser {
  accessToken: string;
  /** X-Sea-Unlock value of this session (undefined when the key stayed locked). */
  unlock: string | undefined;
  recoveryKey?: string;
}

export const sentinel = (field: string): string => {
  const value = `CANARY${field}${randomBytes(8).toString('hex').toUpperCase()}`;
  rememberSecret(value);
  return value;
};

/** Password login + TOTP; `sessionSecrets.sea` is the unlock token when the user has a key. */
export async function loginFocalPoint(t: TestApp, u: CreatedUser): Promise<{ accessToken: string; unlock: string | undefined }> {
  const res = await t.http().post('/auth/login').send({ email: u.email, password: u.password });
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${String(res.body?.code)}`);
  rememberTokens(res.body);
  const unlock = res.body.sessionSecrets?.sea as string | undefined;
  if (unlock) rememberSecret(unlock);
  let code: string;
  try {
    code = await freshTotpCode(u.totpSecret!);
  } catch {
    // Several logins of one user within a TOTP period: give the account a fresh second factor.
    u.totpSecret = await enrolMfaDirectly(t, u.user.id);
    code = await freshTotpCode(u.totpSecret);
  }
  const verify = await t.http().post('/auth/mfa/verify').set(bearer(res.body.accessToken)).send({ code });
  if (verify.status !== 200) throw new Error(`MFA failed: ${verify.status} ${String(verify.body?.code)}`);
  rememberTokens(verify.body);
  return { accessToken: verify.body.accessToken, unlock };
}

/** A new focal point with MFA and a complaint key (set up over HTTP; the recovery key is kept). */
export async function focalPoint(t: TestApp, opts: { agencyId?: string; keys?: boolean; endorsed?: boolean } = {}): Promise<FocalPoint> {
  const agencyId = opts.agencyId ?? (await createAgency(t, undefined, { type: 'un_agency', serviceTypes: [] })).id;
  const created = await createUser(t, { role: 'psea_focal_point', agencyId, mfa: true });
  const session = await loginFocalPoint(t, created);
  const fp: FocalPoint = { ...created, ...session };
  if (opts.keys === false) return fp;
  const setup = await t.http().post('/sea/keys').set(bearer(fp.accessToken)).send({ password: created.password });
  if (setup.status !== 201) throw new Error(`key setup failed: ${setup.status} ${String(setup.body?.code)}`);
  rememberSecret(setup.body.recoveryKey);
  rememberSecret(setup.body.unlockToken);
  // Intake seals only to endorsed keys; the endorsement route itself has its own suite.
  if (opts.endorsed !== false) await t.app.get(SeaEndorsementsService).endorseWithDeploymentKey(created.user.id, 'test');
  return { ...fp, unlock: setup.body.unlockToken, recoveryKey: setup.body.recoveryKey };
}

export function complaintBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    category: 'sexual_exploitation',
    entityType: 'implementing_partner',
    victimSex: 'female',
    victimAgeBand: '12_17',
    complainantIsVictim: false,
    dateBand: 'one_to_six_months',
    regionCode: null,
    narrative: 'A distribution worker asked for sex in exchange for food vouchers.',
    contact: null,
    wantsAssistance: true,
    language: 'en',
    ...overrides,
  };
}

/** A triage: the complaint moves to assessment with its coded fields confirmed (or corrected by `codes`). */
export function assessment(codes: Record<string, unknown> = {}): Record<string, unknown> {
  const { category, entityType, victimSex, victimAgeBand, dateBand, regionCode } = complaintBody();
  return { to: 'assessment', coded: { category, entityType, victimSex, victimAgeBand, dateBand, regionCode, ...codes } };
}

/** Submits anonymously; returns the receipt (remembered for the run-wide leak check, both forms). */
export async function submitComplaint(t: TestApp, body: Record<string, unknown> = complaintBody()): Promise<string> {
  const res = await t.http().post('/sea/complaints').send(body);
  if (res.status !== 201) throw new Error(`submission failed: ${res.status} ${String(res.body?.code)}`);
  const receipt = res.body.receipt as string;
  rememberSecret(receipt);
  rememberSecret(receipt.replace(/-/g, ''));
  return receipt;
}

/** Requests as a focal point, with the unlock header when given. */
export function fpApi(t: TestApp, fp: { accessToken: string; unlock?: string }) {
  const auth = (req: ReturnType<ReturnType<TestApp['http']>['get']>) => {
    req = req.set(bearer(fp.accessToken));
    return fp.unlock ? req.set('X-Sea-Unlock', fp.unlock) : req;
  };
  return {
    get: (path: string) => auth(t.http().get(path)),
    post: (path: string, body: object = {}) => auth(t.http().post(path)).send(body),
  };
}

/** The complaint a receipt belongs to, found the way the server finds it (test-only shortcut). */
export async function complaintIdOf(t: TestApp, receipt: string): Promise<string> {
  const crypto = t.app.get(SeaCrypto, { strict: false });
  const digits = normaliseReceipt(receipt)!;
  const { verifier } = await crypto.deriveReceipt(digits);
  const rows: { id: string }[] = await t.app
    .get(DataSource)
    .query(`SELECT id FROM sea_complaints WHERE receipt_tag = $1 AND receipt_verifier = $2`, [crypto.receiptTag(digits), verifier]);
  if (rows.length !== 1) throw new Error('no complaint for that receipt');
  return rows[0].id;
}

/** Submits and returns both the receipt and the complaint id. */
export async function newComplaint(t: TestApp, body: Record<string, unknown> = complaintBody()): Promise<{ receipt: string; id: string }> {
  const receipt = await submitComplaint(t, body);
  return { receipt, id: await complaintIdOf(t, receipt) };
}
