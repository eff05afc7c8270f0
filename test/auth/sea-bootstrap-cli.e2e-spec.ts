import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { DataSource } from 'typeorm';
import { AuditSequencer } from '@amani/audit';
import { InvitationsService } from '@amani/auth';
import { createTestApp, TestApp } from '../support/app';
import { rememberSecret } from '../support/canary';
import { dropIsolatedDatabase, isolatedEnv, prepareIsolatedDatabase } from '../support/isolated-database';
import { complaintBody, fpApi, loginFocalPoint } from '../sea/sea-fixtures';
import { bearer, createAgency, enrolMfaDirectly, strongPassword } from '../support/users';

const CLI = resolve(__dirname, '../../dist/apps/cli/src/main.js');

/** Its own database: "the very first focal point" must not see other suites' focal points. */
describe('sea:bootstrap-focal-point: the very first focal point, on the server, audited', () => {
  const env = isolatedEnv('seaboot');
  let t: TestApp;
  let db: DataSource;
  const cli = (args: string[]) => {
    const res = spawnSync(process.execPath, [CLI, ...args], { env: { ...process.env, ...env }, encoding: 'utf8', timeout: 60000 });
    return { status: res.status, stdout: res.stdout, stderr: res.stderr };
  };

  beforeAll(async () => {
    prepareIsolatedDatabase(env);
    t = await createTestApp(env);
    db = t.app.get(DataSource);
  });
  afterAll(async () => {
    await t?.close();
    await dropIsolatedDatabase(env);
  });

  it('approves, then endorses the first focal point; intake waits for the endorsement; refused once the team exists', async () => {
    const agency = await createAgency(t, undefined, { type: 'un_agency', serviceTypes: [] });
    const invitations = t.app.get(InvitationsService);
    const email = `first-fp-${randomBytes(4).toString('hex')}@example.org`;
    const invited = await invitations.invite({ email, displayName: 'First FP', role: 'psea_focal_point', agencyId: agency.id }, { actor: null, via: 'test' });
    rememberSecret(invited.invitationToken);
    const password = strongPassword();
    rememberSecret(password);
    expect((await invitations.accept(invited.invitationToken, password)).status).toBe('awaiting_approval');
    const totpSecret = await enrolMfaDirectly(t, invited.user.id);

    expect((await t.http().post('/sea/complaints').send(complaintBody())).status).toBe(503);
    const approved = cli(['sea:bootstrap-focal-point', '--email', email]);
    expect([approved.status, approved.stderr]).toEqual([0, '']);
    expect(approved.stdout).toMatch(/^approved focal point/);

    const session = await loginFocalPoint(t, { user: invited.user, email, password, totpSecret });
    const setup = await t.http().post('/sea/keys').set(bearer(session.accessToken)).send({ password });
    expect(setup.status).toBe(201);
    rememberSecret(setup.body.recoveryKey);
    rememberSecret(setup.body.unlockToken);
    // A key nobody endorsed is sealed nothing: intake still has no recipient.
    expect((await t.http().post('/sea/complaints').send(complaintBody())).status).toBe(503);

    const endorsed = cli(['sea:bootstrap-focal-point', '--email', email]);
    expect([endorsed.status, endorsed.stderr]).toEqual([0, '']);
    expect(endorsed.stdout).toMatch(/^endorsed the complaint key/);
    const submitted = await t.http().post('/sea/complaints').send(complaintBody());
    expect(submitted.status).toBe(201);
    rememberSecret(submitted.body.receipt);
    rememberSecret(String(submitted.body.receipt).replace(/-/g, ''));
    const list = await fpApi(t, { accessToken: session.accessToken, unlock: setup.body.unlockToken }).get('/sea/complaints');
    expect(list.body.items[0]).toMatchObject({ hasAccess: true });

    const again = cli(['sea:bootstrap-focal-point', '--email', email]);
    expect(again.status).toBe(1);
    expect(again.stderr).toMatch(/already endorsed/);

    await t.app.get(AuditSequencer).flush();
    const events = await db.query<{ action: string; details: Record<string, unknown> }[]>(
      `SELECT action, details FROM audit_events WHERE target_id = $1 AND action IN ('user.approval', 'sea.keys.bootstrap_endorse') ORDER BY seq`,
      [invited.user.id],
    );
    expect(events).toEqual([
      { action: 'user.approval', details: expect.objectContaining({ via: 'cli', decision: 'approve', approver: 'operator' }) },
      { action: 'sea.keys.bootstrap_endorse', details: expect.objectContaining({ via: 'cli' }) },
    ]);
  });
});
