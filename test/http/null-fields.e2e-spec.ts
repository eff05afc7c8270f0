import { DataSource } from 'typeorm';
import { createTestApp, TestApp } from '../support/app';
import { bearer, createUser, tokensByRole } from '../support/users';

/**
 * A null is not an absent field: where a DTO does not declare a property nullable, null is a
 * 400 naming the field (and nothing is written); where it does, null clears the value.
 */
describe('null is not absent', () => {
  let t: TestApp;
  let admin: string;

  beforeAll(async () => {
    t = await createTestApp();
    admin = (await tokensByRole(t)).admin.accessToken;
  });
  afterAll(() => t?.close());

  /** The account's version now: invitation, acceptance and activation each changed it. */
  const versionOf = async (id: string): Promise<number> =>
    (await t.app.get(DataSource).query<{ version: number }[]>(`SELECT version FROM users WHERE id = $1`, [id]))[0].version;
  const patch = (id: string, body: unknown) => t.http().patch(`/users/${id}`).set(bearer(admin)).set('Content-Type', 'application/json').send(JSON.stringify(body));

  it.each(['displayName', 'role', 'password'])('PATCH /users/:id with %s: null is a 400 naming the field, and changes nothing', async (field) => {
    const { user } = await createUser(t, { role: 'caseworker' });
    const version = await versionOf(user.id);
    const res = await patch(user.id, { version, [field]: null });
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
    const [row] = await t.app.get(DataSource).query(`SELECT version, display_name IS NOT NULL AS named, role FROM users WHERE id = $1`, [user.id]);
    expect(row).toEqual({ version, named: true, role: 'caseworker' });
  });

  it('where null is meaningful (agencyId: null removes the agency), it works', async () => {
    const { user } = await createUser(t, { role: 'caseworker' });
    const version = await versionOf(user.id);
    const res = await patch(user.id, { version, role: 'protection_officer', agencyId: null });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ role: 'protection_officer', agencyId: null, version: version + 1 });
  });
});
