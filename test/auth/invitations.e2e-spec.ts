import { randomBytes } from 'node:crypto';
import { verify as argon2Verify } from '@node-rs/argon2';
import { DataSource } from 'typeorm';
import { AuditSequencer } from '@amani/audit';
import { ARGON2_OPTIONS, PasswordHasher } from '@amani/auth';
import { hash as argon2Hash } from '@node-rs/argon2';
import { createTestApp, TestApp } from '../support/app';
import { rememberSecret } from '../support/canary';
import { caseBody } from '../cases/case-fixtures';
import { focalPoint, fpApi, newComplaint } from '../sea/sea-fixtures';
import { bearer, createAgency, createUser, freshTotpCode, LoggedIn, login, rememberTokens, sessionAs, strongPassword } from '../support/users';

/**
 * Issue 10, item 1 and 2 acceptance: an administrator never holds a working credential of
 * someone else, and a database dump alone is no password oracle.
 */
describe('invitations, four-eyes activation and endorsed focal point keys', () => {
  let t: TestApp;
  let db: DataSource;
  let admin1: LoggedIn;
  let admin2: LoggedIn;

  beforeAll(async () => {
    t = await createTestApp();
    db = t.app.get(DataSource);
    admin1 = await sessionAs(t, { role: 'admin' });
    admin2 = await sessionAs(t, { role: 'admin' });
  });
  afterAll(() => t?.close());

  const as = (token: string) => ({
    get: (url: string) => t.http().get(url).set(bearer(token)),
    post: (url: string, body: object = {}) => t.http().post(url).set(bearer(token)).send(body),
  });

  /** The admin invites, then plays the invitee: accepts, signs in, enrols TOTP on their own authenticator. */
  async function inviteAndTakeOver(inviter: LoggedIn, spec: { role: string; agencyId: string | null }) {
    const email = `${spec.role.replace(/_/g, '-')}-${randomBytes(4).toString('hex')}@example.org`;
    const invited = await as(inviter.accessToken).post('/users', { email, displayName: 'Invitee', role: spec.role, ...(spec.agencyId ? { agencyId: spec.agencyId } : {}) });
    expect(invited.status).toBe(201);
    rememberSecret(invited.body.invitationToken);
    const password = strongPassword();
    rememberSecret(password);
    const accepted = await t.http().post('/auth/invitations/accept').send({ token: invited.body.invitationToken, password });
    expect(accepted.status).toBe(200);
    const session = await login(t, { email, password });
    return { id: invited.body.user.id as string, email, password, token: invited.body.invitationToken as string, ...session, status: accepted.body.status as string };
  }

  const approve = (approver: { accessToken: string }, id: string, decision: 'approve' | 'refuse' = 'approve') =>
    as(approver.accessToken).post(`/users/${id}/approval`, { decision });

  it('a focal point the admin took over is refused everything, then its key gets no complaint until a focal point endorses it', async () => {
    const agency = await createAgency(t, undefined, { type: 'un_agency', serviceTypes: [] });
    const fpA = await focalPoint(t, { agencyId: agency.id });
    const rogue = await inviteAndTakeOver(admin1, { role: 'psea_focal_point', agencyId: agency.id });
    expect(rogue.status).toBe('awaiting_approval');

    // Awaiting approval: the profile, nothing else.
    const me = await as(rogue.accessToken).get('/me');
    expect(me.status).toBe(200);
    expect(me.body.status).toBe('awaiting_approval');
    const keys = await as(rogue.accessToken).post('/sea/keys', { password: rogue.password });
    expect(keys.status).toBe(403);
    expect(keys.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(keys.body.code).toBe('awaiting_approval');
    expect((await as(rogue.accessToken).get('/sea/complaints')).status).toBe(403);

    // The inviter cannot approve; an admin is not the approver of a focal point either.
    const byInviter = await approve(admin1, rogue.id);
    expect(byInviter.status).toBe(403);
    expect(byInviter.body.code).toBe('approver_is_inviter');
    const byOtherAdmin = await approve(admin2, rogue.id);
    expect(byOtherAdmin.status).toBe(403);
    expect(byOtherAdmin.body.code).toBe('not_an_eligible_approver');
    expect((await as(fpA.accessToken).get('/users/pending')).body.map((u: { id: string }) => u.id)).toContain(rogue.id);

    // Suppose a focal point approves it: the key it registers is still sealed nothing.
    expect((await approve(fpA, rogue.id)).body).toMatchObject({ status: 'active' });
    const relogged = await login(t, { email: rogue.email, password: rogue.password, totpSecret: rogue.totpSecret });
    const setup = await as(relogged.accessToken).post('/sea/keys', { password: rogue.password });
    expect(setup.status).toBe(201);
    rememberSecret(setup.body.recoveryKey);
    rememberSecret(setup.body.unlockToken);
    const rogueFp = { accessToken: relogged.accessToken, unlock: setup.body.unlockToken as string };

    const before = await newComplaint(t);
    const denied = await fpApi(t, rogueFp).get(`/sea/complaints/${before.id}`);
    expect(denied.status).toBe(403);
    expect(denied.body.code).toBe('sea_not_granted');
    expect(JSON.stringify(denied.body)).not.toContain('narrative');
    const [{ n }] = await db.query<{ n: string }[]>(`SELECT count(*) AS n FROM sea_complaint_grants WHERE user_id = $1`, [rogue.id]);
    expect(Number(n)).toBe(0);
    // Nor can a colleague grant to an unendorsed key.
    expect((await fpApi(t, fpA).post(`/sea/focal-points/${rogue.id}/grants`, { complaintId: before.id })).status).toBe(422);
    const team = await fpApi(t, fpA).get('/sea/focal-points');
    expect(team.body.find((f: { userId: string }) => f.userId === rogue.id)).toMatchObject({ hasKeys: true, endorsed: false });

    // An endorsement needs the endorser's own unlocked key; an unendorsed key cannot endorse.
    expect((await fpApi(t, { accessToken: fpA.accessToken }).post(`/sea/focal-points/${rogue.id}/endorsement`)).status).toBe(423);
    const selfish = await fpApi(t, rogueFp).post(`/sea/focal-points/${fpA.user.id}/endorsement`);
    expect(selfish.status).toBe(409);
    expect(selfish.body.code).toBe('endorser_not_endorsed');
    const endorsed = await fpApi(t, fpA).post(`/sea/focal-points/${rogue.id}/endorsement`);
    expect(endorsed.status).toBe(200);
    expect((await fpApi(t, fpA).post(`/sea/focal-points/${rogue.id}/endorsement`)).status).toBe(409);

    const after = await newComplaint(t);
    expect((await fpApi(t, rogueFp).get(`/sea/complaints/${after.id}`)).status).toBe(200);
    expect((await fpApi(t, rogueFp).get(`/sea/complaints/${before.id}`)).status).toBe(403);

    // The application role cannot alter an endorsement, and one it inserts without a focal
    // point's signing key does not verify: that key gets nothing.
    await expect(db.query(`UPDATE sea_key_endorsements SET signature = $2 WHERE user_id = $1`, [rogue.id, randomBytes(64)])).rejects.toThrow(/permission denied/);
    const fpC = await focalPoint(t, { agencyId: agency.id, endorsed: false });
    const [key] = await db.query<{ public_key: Buffer; signing_public_key: Buffer }[]>(
      `SELECT public_key, signing_public_key FROM sea_focal_point_keys WHERE user_id = $1`,
      [fpC.user.id],
    );
    const [parent] = await db.query<{ id: string }[]>(`SELECT id FROM sea_key_endorsements WHERE user_id = $1`, [fpA.user.id]);
    await db.query(
      `INSERT INTO sea_key_endorsements (user_id, public_key, signing_public_key, endorser_id, parent_id, signature)
       VALUES ($1, $2, $3, $4, $5, $6), ($1, $2, $3, NULL, NULL, $6)`,
      [fpC.user.id, key.public_key, key.signing_public_key, fpA.user.id, parent.id, randomBytes(64)],
    );
    const forged = await newComplaint(t);
    expect((await fpApi(t, fpC).get(`/sea/complaints/${forged.id}`)).status).toBe(403);
    expect((await fpApi(t, rogueFp).get(`/sea/complaints/${forged.id}`)).status).toBe(200);

    await t.app.get(AuditSequencer).flush();
    const events = await db.query<{ action: string; outcome: string; actor_id: string; details: Record<string, unknown> }[]>(
      `SELECT action, outcome, actor_id, details FROM audit_events WHERE target_id = $1 AND action IN ('user.approval', 'sea.keys.endorse') AND outcome IN ('success', 'denied') ORDER BY seq`,
      [rogue.id],
    );
    expect(events).toEqual([
      expect.objectContaining({ action: 'user.approval', outcome: 'denied', actor_id: admin1.user.id, details: expect.objectContaining({ reason: 'approver_is_inviter' }) }),
      expect.objectContaining({ action: 'user.approval', outcome: 'denied', actor_id: admin2.user.id }),
      expect.objectContaining({ action: 'user.approval', outcome: 'success', actor_id: fpA.user.id, details: expect.objectContaining({ decision: 'approve', inviter: admin1.user.id }) }),
      expect.objectContaining({ action: 'sea.keys.endorse', outcome: 'denied', actor_id: fpA.user.id }),
      expect.objectContaining({ action: 'sea.keys.endorse', outcome: 'success', actor_id: fpA.user.id }),
    ]);
  });

  it('a supervisor the admin took over reads no case of the agency until a second person approves it', async () => {
    const agency = await createAgency(t, undefined, { withoutKey: true });
    const other = await createAgency(t);
    const supB = await sessionAs(t, { role: 'supervisor', agencyId: other.id });

    // The agency's first supervisor: a second admin approves, never the inviter.
    const first = await inviteAndTakeOver(admin1, { role: 'supervisor', agencyId: agency.id });
    expect(first.status).toBe('awaiting_approval');
    expect((await as(first.accessToken).get('/cases')).status).toBe(403);
    expect((await approve(admin1, first.id)).body.code).toBe('approver_is_inviter');
    expect((await as(admin1.accessToken).get('/users/pending')).body.map((u: { id: string }) => u.id)).not.toContain(first.id);
    expect((await as(admin2.accessToken).get('/users/pending')).body.map((u: { id: string }) => u.id)).toContain(first.id);
    // Another agency's supervisor does not even see it.
    expect((await approve(supB, first.id)).status).toBe(404);
    expect((await approve(admin2, first.id)).body).toMatchObject({ status: 'active' });
    expect((await as(first.accessToken).get('/cases')).status).toBe(200);
    // The first supervisor sets the agency's key up (the admin never sees its recovery key) and grants it.
    const setUp = await as(first.accessToken).post('/agency-keys');
    expect(setUp.status).toBe(201);
    rememberSecret(setUp.body.recoveryKey);

    const caseworker = await createUser(t, { role: 'caseworker', agencyId: agency.id, mfa: true, withoutAgencyKey: true });
    expect((await as(first.accessToken).post('/agency-keys/grants', { userId: caseworker.user.id })).status).toBe(204);
    const cw = await login(t, caseworker);
    const created = await as(cw.accessToken).post('/cases', caseBody());
    expect(created.status).toBe(201);

    // A second supervisor: the agency now has one, so only they may approve.
    const second = await inviteAndTakeOver(admin1, { role: 'supervisor', agencyId: agency.id });
    const blocked = await as(second.accessToken).get(`/cases/${created.body.id}`);
    expect(blocked.status).toBe(403);
    expect(blocked.body.code).toBe('awaiting_approval');
    expect(JSON.stringify(blocked.body)).not.toContain('Survivor');
    expect((await approve(admin2, second.id)).body.code).toBe('not_an_eligible_approver');
    // The approving supervisor seals the agency key to the second: approval is the grant.
    expect((await approve(first, second.id)).status).toBe(200);
    expect((await as(second.accessToken).get(`/cases/${created.body.id}`)).status).toBe(200);
  });

  it('an admin password reset leaves the admin holding nothing: old password and sessions dead, token single-use, approval again', async () => {
    const agency = await createAgency(t);
    const supervisor = await sessionAs(t, { role: 'supervisor', agencyId: agency.id });
    const holder = await createUser(t, { role: 'caseworker', agencyId: agency.id, mfa: true });
    const session = await login(t, holder);
    expect((await as(session.accessToken).get('/cases')).status).toBe(200);

    const reset = await as(admin1.accessToken).post(`/users/${holder.user.id}/reset-credentials`);
    expect(reset.status).toBe(200);
    rememberSecret(reset.body.invitationToken);
    expect(reset.body.user).toMatchObject({ status: 'invited', mfaEnabled: false });
    expect((await as(session.accessToken).get('/me')).status).toBe(401);
    expect((await t.http().post('/auth/refresh').send({ refreshToken: session.refreshToken })).status).toBe(401);
    expect((await t.http().post('/auth/login').send({ email: holder.email, password: holder.password })).status).toBe(401);
    expect((await as(admin1.accessToken).post(`/users/${admin1.user.id}/reset-credentials`)).status).toBe(409);

    const password = strongPassword();
    rememberSecret(password);
    const accepted = await t.http().post('/auth/invitations/accept').send({ token: reset.body.invitationToken, password });
    expect(accepted.body).toEqual({ userId: holder.user.id, status: 'awaiting_approval' });
    const again = await t.http().post('/auth/invitations/accept').send({ token: reset.body.invitationToken, password: strongPassword() });
    expect(again.status).toBe(422);
    expect(again.body.code).toBe('invalid_invitation');

    // Whoever accepted now holds an account that reaches nothing, and the resetting admin cannot approve it.
    const fresh = await login(t, { email: holder.email, password });
    expect((await as(fresh.accessToken).get('/cases')).status).toBe(403);
    expect((await approve(admin1, holder.user.id)).body.code).toBe('approver_is_inviter');
    // Approval waits for the holder's own second factor, then the agency's supervisor decides.
    expect((await approve(supervisor, holder.user.id)).status).toBe(200);
    expect((await as(fresh.accessToken).get('/cases')).status).toBe(200);
  });

  it('refusal removes the credentials the invitee set and ends their sessions', async () => {
    const agency = await createAgency(t);
    const supervisor = await sessionAs(t, { role: 'supervisor', agencyId: agency.id });
    const invitee = await inviteAndTakeOver(admin1, { role: 'provider', agencyId: agency.id });
    const refused = await approve(supervisor, invitee.id, 'refuse');
    expect(refused.status).toBe(200);
    expect(refused.body.status).toBe('refused');
    expect((await as(invitee.accessToken).get('/me')).status).toBe(401);
    expect((await t.http().post('/auth/login').send({ email: invitee.email, password: invitee.password })).status).toBe(401);
    expect((await approve(supervisor, invitee.id)).status).toBe(409);
    const bad = await as(supervisor.accessToken).post(`/users/${invitee.id}/approval`, { decision: 'maybe' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([expect.objectContaining({ field: 'decision' })]);
  });

  it('approval waits for the invitee to enrol their second factor', async () => {
    const agency = await createAgency(t);
    const supervisor = await sessionAs(t, { role: 'supervisor', agencyId: agency.id });
    const email = `cw-${randomBytes(4).toString('hex')}@example.org`;
    const invited = await as(admin1.accessToken).post('/users', { email, displayName: 'No MFA yet', role: 'caseworker', agencyId: agency.id });
    rememberSecret(invited.body.invitationToken);
    const password = strongPassword();
    rememberSecret(password);
    await t.http().post('/auth/invitations/accept').send({ token: invited.body.invitationToken, password });
    const res = await approve(supervisor, invited.body.user.id);
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('mfa_not_enrolled');
  });

  it('an admin invitation needs another admin; a protection officer is active at once', async () => {
    const newAdmin = await inviteAndTakeOver(admin1, { role: 'admin', agencyId: null });
    expect(newAdmin.status).toBe('awaiting_approval');
    expect((await as(newAdmin.accessToken).get('/users')).status).toBe(403);
    expect((await approve(admin1, newAdmin.id)).body.code).toBe('approver_is_inviter');
    expect((await approve(admin2, newAdmin.id)).status).toBe(200);
    expect((await as(newAdmin.accessToken).get('/users')).status).toBe(200);
    const officer = await inviteAndTakeOver(admin1, { role: 'protection_officer', agencyId: null });
    expect(officer.status).toBe('active');
  });

  describe('a database dump alone gives no password oracle', () => {
    it('the stored hash does not verify the password with Argon2id alone; only with the pepper from the secrets file', async () => {
      const user = await createUser(t, { role: 'protection_officer' });
      const [{ password_hash: stored }] = await db.query<{ password_hash: string }[]>('SELECT password_hash FROM users WHERE id = $1', [user.user.id]);
      expect(stored).toMatch(/^\$amani-hmac-v1\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
      const phc = stored.replace(/^\$amani-hmac-v\d+/, '');
      expect(await argon2Verify(phc, user.password)).toBe(false);
      expect(await t.app.get(PasswordHasher).verify(stored, user.password)).toBe(true);
      // The attacker's next guess, HMAC with a key they do not have, fails the same way.
      expect(await argon2Verify(phc, (await import('node:crypto')).createHmac('sha256', randomBytes(32)).update(user.password).digest('base64'))).toBe(false);
    });

    it('a hash from before the pepper still logs in once and is rehashed with it', async () => {
      const user = await createUser(t, { role: 'protection_officer' });
      const legacy = await argon2Hash(user.password, ARGON2_OPTIONS);
      await db.query('UPDATE users SET password_hash = $2 WHERE id = $1', [user.user.id, legacy]);
      const res = await t.http().post('/auth/login').send({ email: user.email, password: user.password });
      expect(res.status).toBe(200);
      rememberTokens(res.body);
      const [{ password_hash: now }] = await db.query<{ password_hash: string }[]>('SELECT password_hash FROM users WHERE id = $1', [user.user.id]);
      expect(now).toMatch(/^\$amani-hmac-v1\$argon2id\$/);
      expect(await argon2Verify(now.replace(/^\$amani-hmac-v\d+/, ''), user.password)).toBe(false);
      const again = await t.http().post('/auth/login').send({ email: user.email, password: user.password });
      expect(again.status).toBe(200);
      rememberTokens(again.body);
    });
  });

  it('enrols through the real MFA routes while awaiting approval', async () => {
    const agency = await createAgency(t);
    const email = `cw-${randomBytes(4).toString('hex')}@example.org`;
    const invited = await as(admin1.accessToken).post('/users', { email, displayName: 'Enrols', role: 'caseworker', agencyId: agency.id });
    rememberSecret(invited.body.invitationToken);
    const password = strongPassword();
    rememberSecret(password);
    await t.http().post('/auth/invitations/accept').send({ token: invited.body.invitationToken, password });
    const res = await t.http().post('/auth/login').send({ email, password });
    expect(res.body.mfa).toBe('enrol');
    rememberTokens(res.body);
    const enrol = await as(res.body.accessToken).post('/auth/mfa/enrol');
    expect(enrol.status).toBe(201);
    rememberSecret(enrol.body.secret);
    rememberSecret(enrol.body.otpauthUrl);
    const verify = await as(res.body.accessToken).post('/auth/mfa/verify', { code: await freshTotpCode(enrol.body.secret) });
    expect(verify.status).toBe(200);
    rememberTokens(verify.body);
    expect((await as(verify.body.accessToken).get('/me')).body).toMatchObject({ status: 'awaiting_approval', mfaEnabled: true });
  });
});
