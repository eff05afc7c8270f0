import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { KeyCustody, Keyring } from '@amani/auth';
import { AgencyKeyRelayer } from '@amani/domain/agency-keys';
import { EnvelopeCrypto, SODIUM, type Sodium } from '@amani/crypto';
import { caseDataKeyContext, CaseVault } from '@amani/domain/cases';
import { ReferralVault, type StoredReferralKey } from '@amani/domain/referrals';
import { createTestApp, TestApp } from '../support/app';
import { capturedLogs, databaseDump, leaked, redisDump, rememberSecret } from '../support/canary';
import {
  agencyRecoveryKey,
  asMembers,
  bearer,
  bearerOnly,
  createAgency,
  createUser,
  login,
  LoggedIn,
  resetAndAccept,
  sessionAs,
  strongPassword,
} from '../support/users';
import { as, auditEvents, caseBody, incidentBody, tag } from './case-fixtures';
import { newCase, refer, referralConsent, threeAgencies, ThreeAgencies } from '../referrals/referral-fixtures';

/**
 * Agency keys (issue 14): a case's data key is sealed to its agency's X25519 key, whose private
 * half exists only sealed to each member's personal key (wrapped by their password) and, per
 * session, under a key only the client holds. So the server alone — its database, Redis and
 * secrets file, with nobody signed in — opens no case, note, incident or referral packet.
 */
describe('agency keys', () => {
  let t: TestApp;
  let db: DataSource;
  let x: ThreeAgencies;
  let sodium: Sodium;

  beforeAll(async () => {
    t = await createTestApp();
    db = t.app.get(DataSource);
    sodium = t.app.get<Sodium>(SODIUM);
    x = await threeAgencies(t);
  });
  afterAll(() => t?.close());

  const sentinel = (field: string) => {
    const v = `SEIZE${field}${tag().toUpperCase()}`;
    rememberSecret(v);
    return v;
  };

  /** Every secret the server process holds (the secrets file), raw. */
  const serverKeys = (): Buffer[] => {
    const s = t.config.secrets;
    return [
      s.jwtSecret,
      ...s.masterKeys.values(),
      ...s.blindIndexKeys.values(),
      ...s.auditSigningKeys.values(),
      s.trackerKey,
      s.receiptPepper,
      ...s.passwordPeppers.values(),
    ];
  };

  const fails = (fn: () => unknown): boolean => {
    try {
      fn();
      return false;
    } catch {
      return true;
    }
  };

  describe('a seized server', () => {
    it('with the database, Redis and the secrets file, and nobody signed in, opens no case field, note, incident or referral packet', async () => {
      const values = { name: sentinel('NAME'), narrative: sentinel('NARR'), note: sentinel('NOTE'), incident: sentinel('INCIDENT') };
      const kase = await newCase(t, x.cwA, { survivorName: values.name, narrative: values.narrative });
      expect((await as(t, x.cwA.accessToken).post(`/cases/${kase.id}/notes`, { body: values.note })).status).toBe(201);
      expect((await as(t, x.cwA.accessToken).post(`/cases/${kase.id}/incidents`, incidentBody({ narrative: values.incident }))).status).toBe(201);
      await referralConsent(t, x.cwA, kase.id, { serviceType: 'legal', recipientAgencyId: x.agencyB, shareableFields: ['survivorName', 'incidentNarratives'] });
      const referral = await refer(t, x.cwA, kase.id, { recipientAgencyId: x.agencyB, serviceType: 'legal' });
      expect(referral.status).toBe(201);

      // What the seizure takes: every key row, session unlock and grant, the dumps, the secrets.
      const [key] = await db.query(`SELECT wrapped_dek, kek_version, agency_key_version, key_version FROM case_keys WHERE case_id = $1`, [kase.id]);
      expect(key).toMatchObject({ kek_version: null, agency_key_version: 1 });
      const packetKeys = await db.query(`SELECT recipient_sealed_dek, referrer_sealed_dek, wrapped_dek FROM referral_packet_keys WHERE referral_id = $1`, [referral.body.id]);
      expect(packetKeys).toHaveLength(1);
      expect(packetKeys[0].wrapped_dek).toBeNull();
      const unlocks: { session_id: string; user_id: string; sealed_private_key: Buffer }[] = await db.query(`SELECT session_id, user_id, sealed_private_key FROM session_unlocks`);
      expect(unlocks.length).toBeGreaterThan(0);
      const grants: { sealed_private_key: Buffer }[] = await db.query(`SELECT sealed_private_key FROM agency_key_grants`);
      const recoveries: { agency_id: string; version: number; public_key: Buffer; recovery_wrapped_key: Buffer }[] = await db.query(
        `SELECT agency_id, version, public_key, recovery_wrapped_key FROM agency_keys`,
      );
      const [{ public_key: agencyPk }] = await db.query(`SELECT public_key FROM agency_keys WHERE agency_id = $1`, [x.agencyA]);

      // Candidates: every secret of the server, and every 32-byte value the database holds.
      const byteValues: { v: Buffer }[] = await db.query(
        `SELECT public_key AS v FROM user_keys UNION ALL SELECT public_key FROM agency_keys UNION ALL SELECT public_key FROM agencies WHERE public_key IS NOT NULL`,
      );
      const candidates = [...serverKeys(), ...byteValues.map((r) => r.v).filter((v) => v.length === 32)];
      const envelope = t.app.get(EnvelopeCrypto);
      const custody = t.app.get(KeyCustody);

      // The master key (every version) does not unwrap the case key: it is not wrapped by it.
      for (const version of t.config.secrets.masterKeys.keys()) {
        expect(fails(() => envelope.unwrapDataKey({ wrapped: key.wrapped_dek, kekVersion: version }, caseDataKeyContext(kase.id)))).toBe(true);
      }
      for (const k of candidates) {
        // Not as the agency's private key, for the case key or the packet key …
        expect(fails(() => sodium.crypto_box_seal_open(key.wrapped_dek, agencyPk, k))).toBe(true);
        expect(fails(() => sodium.crypto_box_seal_open(packetKeys[0].recipient_sealed_dek, agencyPk, k))).toBe(true);
        // … nor as a member's personal key (the grants), nor as any session's client half, nor as a recovery key.
        for (const g of grants) expect(fails(() => sodium.crypto_box_seal_open(g.sealed_private_key, agencyPk, k))).toBe(true);
        for (const u of unlocks) expect(fails(() => custody.openForSession(u.sealed_private_key, k.toString('base64url'), u.session_id, u.user_id))).toBe(true);
        for (const r of recoveries.slice(0, 5)) expect(fails(() => custody.unwrapWithRecovery(r.recovery_wrapped_key, k.subarray(0, 20), r.agency_id, r.version, r.public_key))).toBe(true);
      }

      // The application's own code, outside any signed-in request, fails closed (423).
      await expect(t.app.get(CaseVault).openKey(db.manager, { id: kase.id, agencyId: x.agencyA })).rejects.toMatchObject({ status: 423 });
      const stored = await storedPacketKey(referral.body.id);
      const parties = { id: referral.body.id, referringAgencyId: x.agencyA, recipientAgencyId: x.agencyB };
      await expect(t.app.get(ReferralVault).openStored(parties, 'packet', stored)).rejects.toMatchObject({ status: 423 });

      // The clients' halves are nowhere on the server; the sentinels are in no dump.
      const unlocksHeld = [x.cwA, x.supA, x.provB, x.supB].map((u) => u.unlock!).filter(Boolean);
      expect(unlocksHeld.length).toBe(4);
      const dump = databaseDump();
      const redis = await redisDump();
      const logs = capturedLogs();
      for (const haystack of [dump, redis, logs]) {
        expect(leaked(haystack, unlocksHeld)).toEqual([]);
        expect(leaked(haystack, Object.values(values))).toEqual([]);
      }

      // While the members, signed in, read it as before.
      expect((await as(t, x.cwA.accessToken).get(`/cases/${kase.id}`)).body.survivorName).toBe(values.name);
      expect((await as(t, x.provB.accessToken).get(`/referrals/${referral.body.id}/packet`)).body.fields.survivorName).toBe(values.name);
    });

    it('a session without its client half opens nothing, and a stolen half opens nothing in another session', async () => {
      const kase = await newCase(t, x.cwA);
      const noUnlock = await t.http().get(`/cases/${kase.id}`).set(bearerOnly(x.cwA.accessToken));
      expect(noUnlock.status).toBe(423);
      expect(noUnlock.body.code).toBe('agency_key_locked');
      expect(JSON.stringify(noUnlock.body)).not.toContain(kase.survivorName);
      // Another session of the same caseworker presenting the first session's half.
      const second = await login(t, { email: x.cwA.email, password: x.cwA.password, totpSecret: x.cwA.totpSecret });
      const swapped = await t.http().get(`/cases/${kase.id}`).set({ ...bearerOnly(second.accessToken), 'x-amani-unlock': x.cwA.unlock! });
      expect(swapped.status).toBe(423);
      expect((await t.http().get(`/cases/${kase.id}`).set(bearer(second.accessToken))).status).toBe(200);
      // Signing out destroys the session's copy: its half then opens nothing, even replayed.
      expect((await t.http().post('/auth/logout').set(bearer(second.accessToken)).send({})).status).toBeLessThan(300);
      const [{ n }] = await db.query(`SELECT count(*)::int AS n FROM session_unlocks s JOIN auth_sessions a ON a.id = s.session_id WHERE a.revoked_at IS NOT NULL`);
      expect(n).toBe(0);
    });
  });

  describe('membership', () => {
    it('an account no member approved signs in but opens nothing; a supervisor’s grant opens the agency’s cases; removal closes them in a live session', async () => {
      const agency = await createAgency(t);
      const sup = await sessionAs(t, { role: 'supervisor', agencyId: agency.id });
      // Approved by an administrator (the operator path), never granted by a member.
      const created = await createUser(t, { role: 'caseworker', agencyId: agency.id, withoutAgencyKey: true, mfa: true });
      const kase = (await as(t, sup.accessToken).post('/cases', caseBody({ survivorName: sentinel('MEMBER'), assignedCaseworkerId: created.user.id }))).body;
      expect(kase.id).toBeDefined();
      const newcomer = await login(t, created);
      const status = await as(t, newcomer.accessToken).get('/agency-keys');
      expect(status.status).toBe(200);
      expect(status.body).toEqual({ version: 1, holdsKey: false, unlocked: false, members: null });
      const locked = await as(t, newcomer.accessToken).get(`/cases/${kase.id}`);
      expect(locked.status).toBe(423);
      expect(locked.body.code).toBe('agency_key_locked');

      // The supervisor, who holds the key, grants it: the same live session now opens the case.
      const members = await as(t, sup.accessToken).get('/agency-keys');
      expect(members.body.members).toEqual(
        expect.arrayContaining([expect.objectContaining({ userId: created.user.id, holdsKey: false, hasPersonalKey: true })]),
      );
      // Another agency's supervisor can neither give nor take this member's access: as if they did not exist.
      const outsider = await as(t, x.supB.accessToken).post('/agency-keys/grants', { userId: created.user.id });
      expect([outsider.status, outsider.body.code]).toEqual([404, 'not_found']);
      expect((await as(t, x.supB.accessToken).delete(`/agency-keys/grants/${sup.user.id}`)).status).toBe(404);
      expect((await as(t, x.supB.accessToken).get('/agency-keys')).body.members.map((m: { userId: string }) => m.userId)).not.toContain(created.user.id);
      expect((await as(t, sup.accessToken).post('/agency-keys/grants', { userId: created.user.id })).status).toBe(204);
      const opened = await as(t, newcomer.accessToken).get(`/cases/${kase.id}`);
      expect(opened.status).toBe(200);
      expect(opened.body.survivorName).toBe(kase.survivorName);
      expect((await as(t, newcomer.accessToken).get('/agency-keys')).body).toEqual({ version: 1, holdsKey: true, unlocked: true, members: null });

      // Removal: the session that is live now opens nothing from the next request on.
      expect((await as(t, sup.accessToken).delete(`/agency-keys/grants/${created.user.id}`)).status).toBe(204);
      expect((await as(t, newcomer.accessToken).get(`/cases/${kase.id}`)).status).toBe(423);
      expect((await as(t, sup.accessToken).delete(`/agency-keys/grants/${created.user.id}`)).status).toBe(404);
      const audited = await auditEvents(t, { targetId: created.user.id });
      expect(audited.map((e) => e.action)).toEqual(expect.arrayContaining(['agency_key.grant', 'agency_key.revoke']));
    });

    it('the four-eyes approval by a supervisor seals the agency key to the new member; without the supervisor’s unlock it cannot', async () => {
      const agency = await createAgency(t);
      const sup = await sessionAs(t, { role: 'supervisor', agencyId: agency.id });
      const admin = await sessionAs(t, { role: 'admin' });
      const email = `cw-${randomBytes(4).toString('hex')}@example.org`;
      const invited = await as(t, admin.accessToken).post('/users', { email, displayName: 'New caseworker', role: 'caseworker', agencyId: agency.id });
      expect(invited.status).toBe(201);
      rememberSecret(invited.body.invitationToken);
      const password = strongPassword();
      rememberSecret(password);
      expect((await t.http().post('/auth/invitations/accept').send({ token: invited.body.invitationToken, password })).status).toBe(200);
      const pending = await login(t, { email, password });
      const id = invited.body.user.id as string;

      // The supervisor's session without its half cannot seal the key: nothing changes.
      const blind = await t.http().post(`/users/${id}/approval`).set(bearerOnly(sup.accessToken)).send({ decision: 'approve' });
      expect(blind.status).toBe(423);
      expect((await as(t, admin.accessToken).get(`/users/${id}`)).body.status).toBe('awaiting_approval');

      expect((await as(t, sup.accessToken).post(`/users/${id}/approval`, { decision: 'approve' })).status).toBe(200);
      const [{ n }] = await db.query(`SELECT count(*)::int AS n FROM agency_key_grants WHERE user_id = $1 AND granted_by = $2`, [id, sup.user.id]);
      expect(n).toBe(1);
      const kase = (await as(t, sup.accessToken).post('/cases', caseBody({ assignedCaseworkerId: id }))).body;
      const member = await login(t, { email, password, totpSecret: pending.totpSecret });
      expect((await as(t, member.accessToken).get(`/cases/${kase.id}`)).status).toBe(200);
    });

    it('a credential reset drops the grant (the old password opens nothing); the recovery key re-grants the agency key to a supervisor', async () => {
      const agency = await createAgency(t, undefined, { withoutKey: true });
      const sup = await createUser(t, { role: 'supervisor', agencyId: agency.id, withoutAgencyKey: true, mfa: true });
      const supSession = await login(t, sup);
      // No key yet: nothing can be sealed to the agency.
      const early = await as(t, supSession.accessToken).post('/cases', caseBody());
      expect(early.status).toBe(409);
      expect(early.body.code).toBe('agency_key_missing');
      // A caseworker cannot set the key up; the supervisor can, once; the recovery key is shown once.
      const cw = await sessionAs(t, { role: 'caseworker', agencyId: agency.id, withoutAgencyKey: true });
      expect((await as(t, cw.accessToken).post('/agency-keys')).status).toBe(403);
      const setUp = await as(t, supSession.accessToken).post('/agency-keys');
      expect(setUp.status).toBe(201);
      rememberSecret(setUp.body.recoveryKey);
      expect(setUp.body).toEqual({ version: 1, recoveryKey: expect.stringMatching(/^([A-Z2-7]{4}-){7}[A-Z2-7]{4}$/) });
      expect((await as(t, supSession.accessToken).post('/agency-keys')).status).toBe(409);
      const kase = (await as(t, supSession.accessToken).post('/cases', caseBody({ survivorName: sentinel('RECOVER') }))).body;
      expect(kase.id).toBeDefined();
      const dump = databaseDump();
      expect(leaked(dump, [setUp.body.recoveryKey, setUp.body.recoveryKey.replace(/-/g, '')])).toEqual([]);

      // Every member lost their password: the reset gives a new personal key; the old grant is gone.
      const newPassword = await resetAndAcceptWithoutGrant(sup.user.id);
      const again = await login(t, { email: sup.email, password: newPassword });
      expect((await as(t, again.accessToken).get(`/cases/${kase.id}`)).status).toBe(423);
      const wrong = await as(t, again.accessToken).post('/agency-keys/recovery', { recoveryKey: 'AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA' });
      expect(wrong.status).toBe(422);
      expect(wrong.body.errors[0].field).toBe('recoveryKey');
      const recovered = await as(t, again.accessToken).post('/agency-keys/recovery', { recoveryKey: setUp.body.recoveryKey });
      expect(recovered.status).toBe(200);
      expect(recovered.body).toEqual({ version: 1 });
      const read = await as(t, again.accessToken).get(`/cases/${kase.id}`);
      expect(read.status).toBe(200);
      expect(read.body.survivorName).toBe(kase.survivorName);
    });
  });

  describe('group-key rotation', () => {
    it('after a member leaves, a rotation re-grants the others and re-layers every data key with public keys only: the leaver’s old key opens nothing any more', async () => {
      const agency = await createAgency(t);
      const sup = await sessionAs(t, { role: 'supervisor', agencyId: agency.id });
      const stays = await sessionAs(t, { role: 'caseworker', agencyId: agency.id });
      const leaves = await sessionAs(t, { role: 'caseworker', agencyId: agency.id });
      const cases: { id: string; survivorName: string }[] = [];
      for (const who of [stays, stays, leaves]) cases.push(await newCase(t, who));
      await referralConsent(t, stays, cases[0].id, { serviceType: 'legal', recipientAgencyId: x.agencyB, shareableFields: ['survivorName'] });
      const referral = await refer(t, stays, cases[0].id, { recipientAgencyId: x.agencyB, serviceType: 'legal' });
      expect(referral.status).toBe(201);

      // What a member who leaves under suspicion could have kept: the agency's private key.
      const keyring = t.app.get(Keyring);
      const kept = await asMembers(t, [leaves], async () => Buffer.from((await keyring.agencyPrivateKey(agency.id, 1)).privateKey));
      const [{ public_key: pk1 }] = await db.query(`SELECT public_key FROM agency_keys WHERE agency_id = $1 AND version = 1`, [agency.id]);
      const opensWithKept = (blob: Buffer) => !fails(() => sodium.crypto_box_seal_open(blob, pk1, kept));
      const agencyRows = () =>
        db.query<{ wrapped_dek: Buffer; agency_key_version: number; agency_key_base_version: number }[]>(
          `SELECT k.wrapped_dek, k.agency_key_version, k.agency_key_base_version FROM case_keys k JOIN cases c ON c.id = k.case_id WHERE c.agency_id = $1`,
          [agency.id],
        );
      expect((await agencyRows()).every((r) => opensWithKept(r.wrapped_dek))).toBe(true);

      expect((await as(t, sup.accessToken).delete(`/agency-keys/grants/${leaves.user.id}`)).status).toBe(204);
      expect((await as(t, stays.accessToken).post('/agency-keys/rotation')).status).toBe(403);
      const rotated = await as(t, sup.accessToken).post('/agency-keys/rotation');
      expect(rotated.status).toBe(201);
      rememberSecret(rotated.body.recoveryKey);
      expect(rotated.body).toEqual({ version: 2, members: 2, recoveryKey: expect.any(String) });
      const [{ n: oldGrants }] = await db.query(`SELECT count(*)::int AS n FROM agency_key_grants WHERE agency_id = $1 AND version = 1`, [agency.id]);
      expect(oldGrants).toBe(0);
      const [{ n: queued }] = await db.query(`SELECT count(*)::int AS n FROM outbox WHERE name = 'agency_key.relayer' AND payload->>'agencyId' = $1`, [agency.id]);
      expect(queued).toBe(1);

      // Before the job: members read everything through the chain of previous keys.
      for (const c of cases) expect((await as(t, sup.accessToken).get(`/cases/${c.id}`)).body.survivorName).toBe(c.survivorName);

      // The job, interrupted after one small batch, then resumed: every key ends on version 2.
      const relayer = t.app.get(AgencyKeyRelayer);
      expect((await relayer.run(agency.id, { batchSize: 1, maxBatches: 1 })).done).toBe(false);
      expect(await relayer.remaining(agency.id)).toBeGreaterThan(0);
      expect((await relayer.run(agency.id)).done).toBe(true);
      expect(await relayer.remaining(agency.id)).toBe(0);
      const after = await agencyRows();
      expect(after.map((r) => [r.agency_key_version, r.agency_key_base_version])).toEqual(after.map(() => [2, 1]));
      // The kept key opens none of them now, nor the referral's keys on this agency's side.
      expect(after.some((r) => opensWithKept(r.wrapped_dek))).toBe(false);
      const [packet] = await db.query(`SELECT referrer_sealed_dek, referrer_key_version, recipient_key_version FROM referral_packet_keys WHERE referral_id = $1`, [referral.body.id]);
      expect(packet.referrer_key_version).toBe(2);
      expect(opensWithKept(packet.referrer_sealed_dek)).toBe(false);
      expect(packet.recipient_key_version).toBe(1);

      // Everyone who stays reads as before; the receiving agency still opens the packet.
      for (const c of cases) expect((await as(t, sup.accessToken).get(`/cases/${c.id}`)).body.survivorName).toBe(c.survivorName);
      expect((await as(t, stays.accessToken).get(`/cases/${cases[0].id}`)).status).toBe(200);
      expect((await as(t, x.provB.accessToken).get(`/referrals/${referral.body.id}/packet`)).status).toBe(200);
      expect((await as(t, leaves.accessToken).get(`/cases/${cases[2].id}`)).status).toBe(423);
      const fresh = await newCase(t, stays);
      const [k] = await db.query(`SELECT agency_key_version, agency_key_base_version FROM case_keys WHERE case_id = $1`, [fresh.id]);
      expect(k).toEqual({ agency_key_version: 2, agency_key_base_version: 2 });
      // The old recovery key opens only the old version: it cannot re-grant the new one.
      const oldRecovery = agencyRecoveryKey(agency.id)!;
      expect((await as(t, sup.accessToken).post('/agency-keys/recovery', { recoveryKey: oldRecovery })).status).toBe(422);
      expect((await as(t, sup.accessToken).post('/agency-keys/recovery', { recoveryKey: rotated.body.recoveryKey })).status).toBe(200);
      kept.fill(0);
    });
  });

  describe('referral packets', () => {
    it('the receiving provider reads exactly the consented fields; a third agency and the server alone cannot open the packet', async () => {
      const name = sentinel('PACKET');
      const kase = await newCase(t, x.cwA, { survivorName: name, narrative: sentinel('NOTSHARED') });
      await referralConsent(t, x.cwA, kase.id, { serviceType: 'psychosocial', recipientAgencyId: x.agencyB, shareableFields: ['survivorName', 'ageBand'] });
      const referral = await refer(t, x.cwA, kase.id, { recipientAgencyId: x.agencyB, serviceType: 'psychosocial' });
      expect(referral.status).toBe(201);
      const packet = await as(t, x.provB.accessToken).get(`/referrals/${referral.body.id}/packet`);
      expect(packet.status).toBe(200);
      expect(packet.body.fields).toEqual({ survivorName: name, ageBand: kase.ageBand });
      expect((await as(t, x.provC.accessToken).get(`/referrals/${referral.body.id}/packet`)).status).toBe(404);
      // A member of the third agency, with its own unlocked key, opens neither copy of the packet key.
      const stored = await storedPacketKey(referral.body.id);
      const parties = { id: referral.body.id, referringAgencyId: x.agencyA, recipientAgencyId: x.agencyB };
      const vault = t.app.get(ReferralVault);
      await expect(asMembers(t, [x.provC, x.supC], () => vault.openStored(parties, 'packet', stored))).rejects.toMatchObject({ status: 423 });
      await expect(vault.openStored(parties, 'packet', stored)).rejects.toMatchObject({ status: 423 });
      const kind = await asMembers(t, [x.provB], async () => (await vault.openStored(parties, 'packet', stored)).kind);
      expect(kind).toBe('packet');
    });
  });

  /** A referral packet key row as the vault reads it. */
  async function storedPacketKey(referralId: string): Promise<StoredReferralKey> {
    const r = (await db.query(`SELECT * FROM referral_packet_keys WHERE referral_id = $1`, [referralId]))[0];
    return {
      wrappedDek: r.wrapped_dek,
      kekVersion: r.kek_version,
      recipientSealedDek: r.recipient_sealed_dek,
      recipientKeyVersion: r.recipient_key_version,
      recipientBaseVersion: r.recipient_base_version,
      referrerSealedDek: r.referrer_sealed_dek,
      referrerKeyVersion: r.referrer_key_version,
      referrerBaseVersion: r.referrer_base_version,
    };
  }

  /** An administrator's credential reset, accepted with a new password and activated, with no member re-granting the key. */
  async function resetAndAcceptWithoutGrant(userId: string): Promise<string> {
    const password = strongPassword();
    rememberSecret(password);
    const { InvitationsService } = await import('@amani/auth');
    const invitations = t.app.get(InvitationsService);
    const reset = await invitations.resetCredentials(userId, { actor: null, via: 'test' });
    rememberSecret(reset.invitationToken);
    const accepted = await invitations.accept(reset.invitationToken, password);
    if (accepted.status === 'awaiting_approval') await invitations.activateByOperator(userId, 'test');
    const [{ n }] = await db.query(`SELECT count(*)::int AS n FROM agency_key_grants WHERE user_id = $1`, [userId]);
    expect(n).toBe(0);
    return password;
  }

  void resetAndAccept;
  void (null as unknown as LoggedIn);
});
