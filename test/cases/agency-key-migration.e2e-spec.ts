import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { DataSource } from 'typeorm';
import { EnvelopeCrypto } from '@amani/crypto';
import { caseDataKeyContext, CaseVault } from '@amani/domain/cases';
import { referralKeyContext, ReferralVault } from '@amani/domain/referrals';
import { createTestApp, TestApp } from '../support/app';
import { asMembers, CreatedUser, createUser, strongPassword } from '../support/users';
import { as, auditEvents } from './case-fixtures';
import { newCase, refer, referralConsent, threeAgencies, ThreeAgencies } from '../referrals/referral-fixtures';

const CLI = resolve(__dirname, '../../dist/apps/cli/src/main.js');

function cli(args: string[], input: string) {
  const res = spawnSync(process.execPath, [CLI, ...args], { input, env: process.env, encoding: 'utf8', timeout: 60000 });
  return { status: res.status, stdout: res.stdout, stderr: res.stderr };
}

const moved = (stdout: string) => {
  const n = (label: string) => Number(new RegExp(`^moved ${label}: (\\d+)$`, 'm').exec(stdout)?.[1] ?? NaN);
  return { caseKeys: n('case keys'), packetKeys: n('referral packet keys'), recordKeys: n('referral record keys') };
};

const REFERRAL_TABLES = [
  ['referral_packet_keys', 'packet'],
  ['referral_keys', 'record'],
] as const;

/**
 * `keys:migrate-agency` (issue 14, item 5) on a database from before agency keys: legacy rows
 * wrapped by the master key are written here with EnvelopeCrypto.wrapDataKey (the pre-upgrade
 * format) from the very keys the members opened, then the built CLI moves them.
 */
describe('keys:migrate-agency', () => {
  let t: TestApp;
  let db: DataSource;
  let x: ThreeAgencies;

  beforeAll(async () => {
    t = await createTestApp();
    db = t.app.get(DataSource);
    x = await threeAgencies(t);
  });
  afterAll(() => t?.close());

  /** Replaces the case's sealed key row by a master-wrapped copy of the same data key, as before the upgrade. */
  async function makeLegacyCase(caseId: string, agencyId: string, member: CreatedUser): Promise<void> {
    const envelope = t.app.get(EnvelopeCrypto);
    const vault = t.app.get(CaseVault);
    const wrapped = await asMembers(t, [member], () =>
      vault.withKey(db.manager, { id: caseId, agencyId }, (key) => envelope.wrapDataKey((key as unknown as { dek: Buffer }).dek, caseDataKeyContext(caseId))),
    );
    await db.query(`UPDATE case_keys SET wrapped_dek = $2, kek_version = $3, agency_key_version = NULL, agency_key_base_version = NULL WHERE case_id = $1`, [caseId, wrapped.wrapped, wrapped.kekVersion]);
  }

  /** The same for every key row of a referral (packet key, record key). */
  async function makeLegacyReferral(referralId: string, parties: { referringAgencyId: string; recipientAgencyId: string }, member: CreatedUser): Promise<void> {
    const envelope = t.app.get(EnvelopeCrypto);
    const vault = t.app.get(ReferralVault);
    for (const [table, kind] of REFERRAL_TABLES) {
      const rows = await db.query(`SELECT * FROM ${table} WHERE referral_id = $1`, [referralId]);
      for (const row of rows) {
        const stored = {
          wrappedDek: row.wrapped_dek,
          kekVersion: row.kek_version,
          recipientSealedDek: row.recipient_sealed_dek,
          recipientKeyVersion: row.recipient_key_version,
          recipientBaseVersion: row.recipient_base_version,
          referrerSealedDek: row.referrer_sealed_dek,
          referrerKeyVersion: row.referrer_key_version,
          referrerBaseVersion: row.referrer_base_version,
        };
        const wrapped = await asMembers(t, [member], async () => {
          const key = await vault.openStored({ id: referralId, ...parties }, kind, stored);
          try {
            return envelope.wrapDataKey((key as unknown as { dek: Buffer }).dek, referralKeyContext(referralId, kind));
          } finally {
            vault.dispose(key);
          }
        });
        await db.query(
          `UPDATE ${table} SET wrapped_dek = $2, kek_version = $3, recipient_sealed_dek = NULL, recipient_key_version = NULL, recipient_base_version = NULL,
                  referrer_sealed_dek = NULL, referrer_key_version = NULL, referrer_base_version = NULL WHERE referral_id = $1`,
          [referralId, wrapped.wrapped, wrapped.kekVersion],
        );
      }
    }
  }

  const legacyCaseKeys = async (agencyId: string): Promise<number> =>
    (await db.query(`SELECT count(*)::int AS n FROM case_keys k JOIN cases c ON c.id = k.case_id WHERE c.agency_id = $1 AND k.kek_version IS NOT NULL`, [agencyId]))[0].n;
  const legacyReferralKeys = async (referralIds: string[]): Promise<number> => {
    let n = 0;
    for (const [table] of REFERRAL_TABLES) {
      n += (await db.query(`SELECT count(*)::int AS n FROM ${table} WHERE referral_id = ANY($1::uuid[]) AND (wrapped_dek IS NOT NULL OR kek_version IS NOT NULL)`, [referralIds]))[0].n;
    }
    return n;
  };

  it('moves an agency’s master-wrapped keys to its agency key, resumably and once, and refuses whoever cannot open the key', async () => {
    // A's cases (one referred to B, one to C), and a case of B that A's run must not touch.
    const casesA = [];
    for (let i = 0; i < 4; i++) casesA.push(await newCase(t, x.cwA));
    const caseB = await newCase(t, x.supB);
    await referralConsent(t, x.cwA, casesA[0].id, { serviceType: 'legal', recipientAgencyId: x.agencyB, shareableFields: ['survivorName'] });
    const toB = await refer(t, x.cwA, casesA[0].id, { recipientAgencyId: x.agencyB, serviceType: 'legal' });
    expect(toB.status).toBe(201);
    await referralConsent(t, x.cwA, casesA[1].id, { serviceType: 'legal', recipientAgencyId: x.agencyC, shareableFields: ['survivorName'] });
    const toC = await refer(t, x.cwA, casesA[1].id, { recipientAgencyId: x.agencyC, serviceType: 'legal' });
    expect(toC.status).toBe(201);

    // The database as it was before the upgrade.
    for (const c of casesA) await makeLegacyCase(c.id, x.agencyA, x.cwA);
    await makeLegacyCase(caseB.id, x.agencyB, x.supB);
    await makeLegacyReferral(toB.body.id, { referringAgencyId: x.agencyA, recipientAgencyId: x.agencyB }, x.cwA);
    await makeLegacyReferral(toC.body.id, { referringAgencyId: x.agencyA, recipientAgencyId: x.agencyC }, x.cwA);
    expect(await legacyCaseKeys(x.agencyA)).toBe(4);
    const legacyReferrals = await legacyReferralKeys([toB.body.id, toC.body.id]);
    expect(legacyReferrals).toBeGreaterThanOrEqual(2);
    // Legacy rows still open with the master key until the migration.
    expect((await as(t, x.cwA.accessToken).get(`/cases/${casesA[2].id}`)).body.survivorName).toBe(casesA[2].survivorName);
    expect((await as(t, x.provB.accessToken).get(`/referrals/${toB.body.id}/packet`)).body.fields.survivorName).toBe(casesA[0].survivorName);
    // Agency C has not set its key up yet (its key is taken away here; C's members will set it up again below).
    const [cKey] = await db.query(`SELECT * FROM agency_keys WHERE agency_id = $1`, [x.agencyC]);
    const cGrants = await db.query(`SELECT * FROM agency_key_grants WHERE agency_id = $1`, [x.agencyC]);
    await db.query(`DELETE FROM agency_keys WHERE agency_id = $1`, [x.agencyC]);

    // Refusals: wrong password, a role that holds no agency key, a member without a grant, no email.
    const wrong = cli(['keys:migrate-agency', '--email', x.cwA.email], `${strongPassword()}\n`);
    expect(wrong.status).toBe(1);
    expect(wrong.stderr).toMatch(/password/);
    const admin = await createUser(t, { role: 'admin' });
    const notMember = cli(['keys:migrate-agency', '--email', admin.email], `${admin.password}\n`);
    expect(notMember.status).toBe(1);
    expect(notMember.stderr).toMatch(/caseworker, supervisor or provider/);
    const unapproved = await createUser(t, { role: 'caseworker', agencyId: x.agencyA, withoutAgencyKey: true });
    const noGrant = cli(['keys:migrate-agency', '--email', unapproved.email], `${unapproved.password}\n`);
    expect(noGrant.status).toBe(1);
    expect(noGrant.stderr).toMatch(/no grant/);
    expect(cli(['keys:migrate-agency'], '').status).not.toBe(0);
    expect(await legacyCaseKeys(x.agencyA)).toBe(4);
    for (const r of [wrong, notMember, noGrant]) expect(r.stdout + r.stderr).not.toMatch(/Survivor/);

    // Interrupted after one batch of one row (as a kill between batches leaves it): one key moved, the rest resume.
    const first = cli(['keys:migrate-agency', '--email', x.supA.email, '--batch-size', '1', '--max-batches', '1'], `${x.supA.password}\n`);
    expect(first.stderr).toBe('');
    expect(first.status).toBe(0);
    expect(moved(first.stdout)).toEqual({ caseKeys: 1, packetKeys: 0, recordKeys: 0 });
    expect(first.stdout).toMatch(/not finished/);
    expect(await legacyCaseKeys(x.agencyA)).toBe(3);

    const rest = cli(['keys:migrate-agency', '--email', x.cwA.email, '--batch-size', '2'], `${x.cwA.password}\n`);
    expect(rest.stderr).toBe('');
    expect(rest.status).toBe(0);
    const restMoved = moved(rest.stdout);
    expect(restMoved.caseKeys).toBe(3);
    expect(restMoved.packetKeys + restMoved.recordKeys).toBe(await countRows([toB.body.id]));
    expect(rest.stdout).toMatch(/^referral keys waiting for the other agency's key: [1-9]\d*$/m);
    expect(rest.stdout).toMatch(/done for this agency/);
    expect(rest.stdout).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-/);

    // No master-wrapped copy of A's keys remains (but the one whose other agency has no key yet); B's own case is untouched.
    expect(await legacyCaseKeys(x.agencyA)).toBe(0);
    expect(await legacyReferralKeys([toB.body.id])).toBe(0);
    expect(await legacyReferralKeys([toC.body.id])).toBe(await countRows([toC.body.id]));
    expect(await legacyCaseKeys(x.agencyB)).toBe(1);
    const keyRows = await db.query(`SELECT k.agency_key_version FROM case_keys k JOIN cases c ON c.id = k.case_id WHERE c.agency_id = $1`, [x.agencyA]);
    expect(keyRows.every((r: { agency_key_version: number | null }) => r.agency_key_version === 1)).toBe(true);

    // Every case still reads for its members; the packet for the receiving provider.
    for (const c of casesA) {
      for (const member of [x.cwA, x.supA]) {
        const res = await as(t, member.accessToken).get(`/cases/${c.id}`);
        expect(res.status).toBe(200);
        expect(res.body.survivorName).toBe(c.survivorName);
      }
    }
    expect((await as(t, x.provB.accessToken).get(`/referrals/${toB.body.id}/packet`)).body.fields.survivorName).toBe(casesA[0].survivorName);
    expect((await as(t, x.supB.accessToken).get(`/cases/${caseB.id}`)).body.survivorName).toBe(caseB.survivorName);

    // Idempotent: a second run moves nothing.
    const again = cli(['keys:migrate-agency', '--email', x.cwA.email], `${x.cwA.password}\n`);
    expect(again.status).toBe(0);
    expect(moved(again.stdout)).toEqual({ caseKeys: 0, packetKeys: 0, recordKeys: 0 });

    // Audited with counts only.
    const events = await auditEvents(t, { action: 'agency_key.migrate' });
    expect(events).toHaveLength(3);
    expect(events[0]).toMatchObject({ outcome: 'success', actor_id: x.supA.user.id, target_type: 'agency', target_id: x.agencyA });
    expect(events[0].details).toMatchObject({ via: 'cli', caseKeys: 1, packetKeys: 0, recordKeys: 0, remainingCaseKeys: 3 });
    expect(events[1].details).toMatchObject({ caseKeys: 3, remainingCaseKeys: 0 });
    expect(events[2].details).toMatchObject({ caseKeys: 0, packetKeys: 0, recordKeys: 0 });

    // C sets its key up again (as it had been); its member's run moves the referral keys waiting for it.
    await db.query(`INSERT INTO agency_keys (agency_id, version, public_key, recovery_wrapped_key, created_by) VALUES ($1, $2, $3, $4, $5)`, [
      cKey.agency_id, cKey.version, cKey.public_key, cKey.recovery_wrapped_key, cKey.created_by,
    ]);
    for (const g of cGrants) {
      await db.query(`INSERT INTO agency_key_grants (agency_id, version, user_id, sealed_private_key, granted_by) VALUES ($1, $2, $3, $4, $5)`, [
        g.agency_id, g.version, g.user_id, g.sealed_private_key, g.granted_by,
      ]);
    }
    const byC = cli(['keys:migrate-agency', '--email', x.provC.email], `${x.provC.password}\n`);
    expect(byC.stderr).toBe('');
    expect(byC.status).toBe(0);
    const cMoved = moved(byC.stdout);
    expect({ cases: cMoved.caseKeys, referrals: cMoved.packetKeys + cMoved.recordKeys }).toEqual({ cases: 0, referrals: await countRows([toC.body.id]) });
    expect(await legacyReferralKeys([toC.body.id])).toBe(0);
    expect((await as(t, x.provC.accessToken).get(`/referrals/${toC.body.id}/packet`)).body.fields.survivorName).toBe(casesA[1].survivorName);
  });

  it('refuses, writing nothing, when a master-wrapped key does not open with the master key', async () => {
    const kase = await newCase(t, x.supC);
    await makeLegacyCase(kase.id, x.agencyC, x.supC);
    await db.query(`UPDATE case_keys SET wrapped_dek = set_byte(wrapped_dek, 30, get_byte(wrapped_dek, 30) # 1) WHERE case_id = $1`, [kase.id]);
    const run = cli(['keys:migrate-agency', '--email', x.supC.email], `${x.supC.password}\n`);
    expect({ status: run.status, stdout: run.stdout, stderr: run.stderr }).toMatchObject({ status: 1, stderr: expect.stringMatching(/did not open with the master key/) });
    expect(await legacyCaseKeys(x.agencyC)).toBe(1);
  });

  async function countRows(referralIds: string[]): Promise<number> {
    let n = 0;
    for (const [table] of REFERRAL_TABLES) n += (await db.query(`SELECT count(*)::int AS n FROM ${table} WHERE referral_id = ANY($1::uuid[])`, [referralIds]))[0].n;
    return n;
  }
});
