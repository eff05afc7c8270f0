import { DataSource } from 'typeorm';
import { Role } from '@amani/auth';
import { createTestApp, TestApp } from '../support/app';
import { rememberSecret } from '../support/canary';
import { bearer, enrolMfaDirectly, resetAndAccept, tokensByRole } from '../support/users';
import { assessment, complaintBody, FocalPoint, focalPoint, fpApi, loginFocalPoint, newComplaint, sentinel } from './sea-fixtures';

const OTHER_ROLES: Role[] = ['admin', 'caseworker', 'supervisor', 'provider', 'protection_officer'];

describe('SEA complaints: anonymous intake, follow-up by receipt, focal point workspace', () => {
  let t: TestApp;
  let fpA: FocalPoint;

  beforeAll(async () => {
    t = await createTestApp();
    fpA = await focalPoint(t);
  });
  afterAll(() => t?.close());

  const follow = (receipt: string) => t.http().post('/sea/complaints/access').send({ receipt });

  it('serves the questionnaire in English, French, Arabic (right to left) and Spanish', async () => {
    const titles = new Set<string>();
    for (const lang of ['en', 'fr', 'ar', 'es']) {
      const res = await t.http().get(`/sea/questionnaire?lang=${lang}`);
      expect(res.status).toBe(200);
      expect(res.body.lang).toBe(lang);
      expect(res.body.dir).toBe(lang === 'ar' ? 'rtl' : 'ltr');
      expect(res.body.questions.map((q: { name: string }) => q.name)).toEqual([
        'category', 'entityType', 'complainantIsVictim', 'victimSex', 'victimAgeBand', 'dateBand', 'regionCode', 'narrative', 'contact', 'wantsAssistance',
      ]);
      titles.add(res.body.title);
    }
    expect(titles.size).toBe(4);
    const bad = await t.http().get('/sea/questionnaire?lang=de');
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe('lang');
  });

  it('takes an anonymous complaint, answers with a receipt once, and sets no cookie', async () => {
    const res = await t.http().post('/sea/complaints').send(complaintBody({ narrative: sentinel('NARR'), contact: sentinel('CONTACT') }));
    expect(res.status).toBe(201);
    rememberSecret(res.body.receipt);
    expect(res.body).toEqual({ receipt: expect.stringMatching(/^\d{4}(-\d{4}){4}$/) });
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['set-cookie']).toBeUndefined();
  });

  it('refuses bad input with a 400 naming the field, and never stores it', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [complaintBody({ category: 'harassment' }), 'category'],
      [complaintBody({ narrative: '   ' }), 'narrative'],
      [complaintBody({ narrative: 'a\u0000b' }), 'narrative'],
      [complaintBody({ regionCode: 'north; drop' }), 'regionCode'],
      [complaintBody({ complainantIsVictim: 'yes' }), 'complainantIsVictim'],
      [{ ...complaintBody(), ip: '1.2.3.4' }, 'ip'],
    ];
    for (const [body, field] of cases) {
      const res = await t.http().post('/sea/complaints').send(body);
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    }
  });

  it('follows up by receipt: status, outcome and a message round trip in both directions', async () => {
    const narrative = sentinel('NARRATIVE');
    const contact = sentinel('CONTACT');
    const { receipt, id } = await newComplaint(t, complaintBody({ narrative, contact, language: 'fr' }));

    const first = await follow(receipt);
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ status: 'received', outcome: null, receivedOn: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/), language: 'fr', messages: [], contactOnFile: true, messagesDeclined: false });
    expect(JSON.stringify(first.body)).not.toContain(narrative);
    // Spaces instead of dashes are the same receipt.
    expect((await follow(receipt.replace(/-/g, ' '))).status).toBe(200);

    const api = fpApi(t, fpA);
    const list = await api.get('/sea/complaints?status=received&pageSize=100');
    expect(list.status).toBe(200);
    const item = list.body.items.find((i: { id: string }) => i.id === id);
    expect(item).toMatchObject({ category: 'sexual_exploitation', victimSex: 'female', victimAgeBand: '12_17', status: 'received', hasAccess: true, language: 'fr' });
    expect(item.receivedQuarter).toMatch(/^\d{4}-Q[1-4]$/);
    expect(JSON.stringify(list.body)).not.toContain(narrative);

    const detail = await api.get(`/sea/complaints/${id}`);
    expect(detail.status).toBe(200);
    expect(detail.body).toMatchObject({ id, narrative, contact, messages: [], notes: [] });

    const reply = sentinel('REPLY');
    expect((await api.post(`/sea/complaints/${id}/messages`, { body: reply })).status).toBe(201);
    const seen = await follow(receipt);
    expect(seen.body.messages).toEqual([{ from: 'focal_point', body: reply, sentOn: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) }]);

    const answer = sentinel('ANSWER');
    const sent = await t.http().post('/sea/complaints/messages').send({ receipt, body: `${answer}\nsecond line` });
    expect(sent.status).toBe(201);
    expect(sent.body.messages.map((m: { from: string; body: string }) => [m.from, m.body])).toEqual([
      ['focal_point', reply],
      ['complainant', `${answer}\nsecond line`],
    ]);

    const note = sentinel('NOTE');
    expect((await api.post(`/sea/complaints/${id}/notes`, { body: note })).status).toBe(201);
    const after = await api.get(`/sea/complaints/${id}`);
    expect(after.body.messages.map((m: { seq: number; from: string }) => [m.seq, m.from])).toEqual([
      [1, 'focal_point'],
      [2, 'complainant'],
    ]);
    expect(after.body.notes.map((n: { body: string }) => n.body)).toEqual([note]);
    expect(JSON.stringify((await follow(receipt)).body)).not.toContain(note);

    // Status: received → assessment → referred_for_investigation (→ closed); the complainant sees it.
    const bad = await api.post(`/sea/complaints/${id}/status`, { to: 'closed' });
    expect(bad.status).toBe(422);
    // Triage confirms the coded fields: without them a received complaint is not assessed.
    const unconfirmed = await api.post(`/sea/complaints/${id}/status`, { to: 'assessment' });
    expect([unconfirmed.status, unconfirmed.body.code, unconfirmed.body.errors]).toEqual([422, 'coded_fields_unconfirmed', [{ field: 'coded', message: expect.any(String) }]]);
    const assessed = await api.post(`/sea/complaints/${id}/status`, assessment({ victimAgeBand: '18_25' }));
    expect(assessed.body).toMatchObject({ status: 'assessment', victimAgeBand: '18_25', codedConfirmedOn: new Date().toISOString().slice(0, 10) });
    const referred = await api.post(`/sea/complaints/${id}/status`, { to: 'referred_for_investigation', outcome: 'under_investigation' });
    expect(referred.status).toBe(200);
    expect(referred.body).toMatchObject({ status: 'referred_for_investigation', outcome: 'under_investigation' });
    expect((await follow(receipt)).body).toMatchObject({ status: 'referred_for_investigation', outcome: 'under_investigation' });
    expect((await api.post(`/sea/complaints/${id}/outcome`, { outcome: 'substantiated' })).body.outcome).toBe('substantiated');
    expect((await api.post(`/sea/complaints/${id}/status`, { to: 'closed' })).body.status).toBe('closed');
    expect((await follow(receipt)).body).toMatchObject({ status: 'closed', outcome: 'substantiated' });
  });

  it('refuses a wrong receipt with 404 and a malformed one with 400', async () => {
    const wrong = await follow('0000-0000-0000-0000-0001');
    expect(wrong.status).toBe(404);
    expect(wrong.body.code).toBe('receipt_not_recognised');
    const malformed = await follow('12345');
    expect(malformed.status).toBe(400);
    expect(malformed.body.errors[0].field).toBe('receipt');
    const msg = await t.http().post('/sea/complaints/messages').send({ receipt: '0000-0000-0000-0000-0002', body: 'hello' });
    expect(msg.status).toBe(404);
  });

  it('lets no other role list or read complaints', async () => {
    const { id } = await newComplaint(t);
    const tokens = await tokensByRole(t);
    for (const role of OTHER_ROLES) {
      const token = tokens[role].accessToken;
      expect([role, (await t.http().get('/sea/complaints').set(bearer(token))).status]).toEqual([role, 403]);
      expect([role, (await t.http().get(`/sea/complaints/${id}`).set(bearer(token))).status]).toEqual([role, 403]);
      expect([role, (await t.http().post(`/sea/complaints/${id}/messages`).set(bearer(token)).send({ body: 'x' })).status]).toEqual([role, 403]);
    }
  });

  it('keeps content locked without the session’s unlock token', async () => {
    const { id } = await newComplaint(t);
    const locked = await fpApi(t, { accessToken: fpA.accessToken }).get(`/sea/complaints/${id}`);
    expect(locked.status).toBe(423);
    expect(locked.body.code).toBe('sea_key_locked');
    const forged = await fpApi(t, { accessToken: fpA.accessToken, unlock: 'A'.repeat(43) }).get(`/sea/complaints/${id}`);
    expect(forged.status).toBe(423);
    // Another focal point's token does not open this session's key either.
    const fpB = await focalPoint(t);
    expect((await fpApi(t, { accessToken: fpA.accessToken, unlock: fpB.unlock }).get(`/sea/complaints/${id}`)).status).toBe(423);
    expect((await fpApi(t, { accessToken: fpA.accessToken }).get('/sea/complaints')).status).toBe(200);
    expect((await fpApi(t, fpA).get('/sea/keys')).body).toMatchObject({ hasKeys: true, unlocked: true });
    expect((await fpApi(t, { accessToken: fpA.accessToken }).get('/sea/keys')).body).toMatchObject({ hasKeys: true, unlocked: false });
  });

  it('unlocks the key at login (sessionSecrets.sea) and destroys it at logout', async () => {
    const session = await loginFocalPoint(t, fpA);
    expect(session.unlock).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const { id } = await newComplaint(t);
    expect((await fpApi(t, session).get(`/sea/complaints/${id}`)).status).toBe(200);
    const sid = JSON.parse(Buffer.from(session.accessToken.split('.')[1], 'base64url').toString()).sid as string;
    const ds = t.app.get(DataSource);
    const held = async () => Number((await ds.query(`SELECT count(*) AS n FROM sea_session_keys WHERE session_id = $1`, [sid]))[0].n);
    expect(await held()).toBe(1);
    expect((await t.http().post('/auth/logout').set(bearer(session.accessToken))).status).toBe(204);
    expect(await held()).toBe(0);
  });

  it('gives a new focal point access only when a colleague grants it', async () => {
    const { id } = await newComplaint(t);
    const fpB = await focalPoint(t);
    const denied = await fpApi(t, fpB).get(`/sea/complaints/${id}`);
    expect(denied.status).toBe(403);
    expect(denied.body.code).toBe('sea_not_granted');
    const listed = (await fpApi(t, fpB).get('/sea/complaints?pageSize=100')).body.items.find((i: { id: string }) => i.id === id);
    expect(listed.hasAccess).toBe(false);
    expect((await fpApi(t, fpB).post(`/sea/complaints/${id}/status`, assessment())).status).toBe(403);

    const team = await fpApi(t, fpA).get('/sea/focal-points');
    expect(team.body.find((f: { userId: string }) => f.userId === fpB.user.id)).toMatchObject({ hasKeys: true });
    expect((await fpApi(t, fpA).post(`/sea/focal-points/${fpA.user.id}/grants`)).status).toBe(422);
    const granted = await fpApi(t, fpA).post(`/sea/focal-points/${fpB.user.id}/grants`, { complaintId: id });
    expect(granted.status).toBe(200);
    expect(granted.body).toEqual({ granted: 1 });
    expect((await fpApi(t, fpB).get(`/sea/complaints/${id}`)).status).toBe(200);
    // Complaints received after the colleague's key exists are sealed to them at intake.
    const later = await newComplaint(t);
    expect((await fpApi(t, fpB).get(`/sea/complaints/${later.id}`)).status).toBe(200);
  });

  it('after a password reset the key stays locked; the recovery key restores it, a new key loses access', async () => {
    const fpC = await focalPoint(t);
    const { id } = await newComplaint(t);
    expect((await fpApi(t, fpC).get(`/sea/complaints/${id}`)).status).toBe(200);

    const reset = async (u: FocalPoint) => {
      const password = await resetAndAccept(t, u.user.id);
      return { ...u, password, totpSecret: await enrolMfaDirectly(t, u.user.id) };
    };
    const c2 = await reset(fpC);
    const relogged = await loginFocalPoint(t, c2);
    expect(relogged.unlock).toBeUndefined();
    expect((await fpApi(t, relogged).get(`/sea/complaints/${id}`)).status).toBe(423);

    const wrongKey = await fpApi(t, relogged).post('/sea/keys/recover', { recoveryKey: 'AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA', password: c2.password });
    expect(wrongKey.status).toBe(422);
    expect(wrongKey.body.errors[0].field).toBe('recoveryKey');
    const recovered = await fpApi(t, relogged).post('/sea/keys/recover', { recoveryKey: fpC.recoveryKey, password: c2.password });
    expect(recovered.status).toBe(200);
    rememberSecret(recovered.body.recoveryKey);
    rememberSecret(recovered.body.unlockToken);
    expect(recovered.body.recoveryKey).not.toBe(fpC.recoveryKey);
    expect((await fpApi(t, { accessToken: relogged.accessToken, unlock: recovered.body.unlockToken }).get(`/sea/complaints/${id}`)).status).toBe(200);
    // The next login unlocks with the new password.
    expect((await loginFocalPoint(t, c2)).unlock).toBeDefined();

    // Without the recovery key: a new key pair, and no access until a colleague grants it.
    const c3 = await reset(c2);
    const again = await loginFocalPoint(t, c3);
    expect((await fpApi(t, again).post('/sea/keys', { password: c3.password })).status).toBe(409);
    const replaced = await fpApi(t, again).post('/sea/keys', { password: c3.password, replace: true });
    expect(replaced.status).toBe(201);
    rememberSecret(replaced.body.recoveryKey);
    rememberSecret(replaced.body.unlockToken);
    const fresh = { accessToken: again.accessToken, unlock: replaced.body.unlockToken as string };
    expect((await fpApi(t, fresh).get(`/sea/complaints/${id}`)).status).toBe(403);
    // A new key is nobody's until a colleague endorses it.
    expect((await fpApi(t, fpA).post(`/sea/focal-points/${c3.user.id}/grants`, { complaintId: id })).status).toBe(422);
    expect((await fpApi(t, fpA).post(`/sea/focal-points/${c3.user.id}/endorsement`)).status).toBe(200);
    expect((await fpApi(t, fpA).post(`/sea/focal-points/${c3.user.id}/grants`, { complaintId: id })).body).toEqual({ granted: 1 });
    expect((await fpApi(t, fresh).get(`/sea/complaints/${id}`)).status).toBe(200);
  });

  it('refuses key set-up with a wrong password', async () => {
    const fpD = await focalPoint(t, { keys: false });
    const wrong = 'amber glacier meadow copper lantern';
    rememberSecret(wrong);
    const res = await fpApi(t, fpD).post('/sea/keys', { password: wrong });
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('wrong_password');
    // Below the passphrase policy: refused before the password is even checked.
    const weak = await fpApi(t, fpD).post('/sea/keys', { password: 'password monkey12' });
    expect(weak.status).toBe(400);
    expect(weak.body.errors).toEqual([expect.objectContaining({ field: 'password' })]);
    expect((await fpApi(t, fpD).get('/sea/keys')).body).toEqual({ hasKeys: false, unlocked: false, publicKey: null });
  });
});
