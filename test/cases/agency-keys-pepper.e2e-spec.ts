import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { createTestApp, TestApp } from '../support/app';
import { bearer, createAgency, createUser, CreatedUser, login, sessionAs } from '../support/users';
import { as, caseBody } from './case-fixtures';

/**
 * A new password pepper version: personal keys wrapped under the old one are wrapped again at
 * the holder's next sign-in (as the password hash is rehashed), and still open the agency key.
 * Two apps one after the other (passport's strategy registry is per process): the first holds
 * the old pepper only, the second the old and a new one.
 */
describe('agency keys: password pepper rotation', () => {
  let before: TestApp | undefined;
  let after: TestApp | undefined;
  afterAll(async () => {
    await before?.close();
    await after?.close();
  });

  it('re-wraps the personal key under the new pepper at sign-in; the case still opens', async () => {
    before = await createTestApp();
    const agency = await createAgency(before);
    const sup = await sessionAs(before, { role: 'supervisor', agencyId: agency.id });
    const cw: CreatedUser = await createUser(before, { role: 'caseworker', agencyId: agency.id, mfa: true });
    const kase = (await as(before, sup.accessToken).post('/cases', caseBody({ assignedCaseworkerId: cw.user.id }))).body;
    const peppers = [...before.config.secrets.passwordPeppers].map(([v, k]) => `${v}:${k.toString('base64')}`);
    const next = Math.max(...before.config.secrets.passwordPeppers.keys()) + 1;
    const db = before.app.get(DataSource);
    const [old] = await db.query(`SELECT pepper_version, password_wrapped_key FROM user_keys WHERE user_id = $1`, [cw.user.id]);
    expect(old.pepper_version).toBe(next - 1);
    await before.close();
    before = undefined;

    after = await createTestApp({ PASSWORD_PEPPER: [...peppers, `${next}:${randomBytes(32).toString('base64')}`].join(',') });
    const session = await login(after, cw);
    const [now] = await after.app.get(DataSource).query(`SELECT pepper_version, password_wrapped_key FROM user_keys WHERE user_id = $1`, [cw.user.id]);
    expect(now.pepper_version).toBe(next);
    expect(now.password_wrapped_key.equals(old.password_wrapped_key)).toBe(false);
    const read = await after.http().get(`/cases/${kase.id}`).set(bearer(session.accessToken));
    expect(read.status).toBe(200);
    expect(read.body.survivorName).toBe(kase.survivorName);
  });
});
