import { randomUUID } from 'node:crypto';
import { DomainException } from '@amani/http';
import type { SeaActor } from './sea-actor';
import { PASSWORD, SeaKeyWorld, seaKeyWorld } from './testing/sea-key-fixture';

async function problem(p: Promise<unknown>): Promise<DomainException> {
  try {
    await p;
  } catch (e) {
    if (e instanceof DomainException) return e;
    throw e;
  }
  throw new Error('expected a problem');
}

describe('SeaKeysService', () => {
  let w: SeaKeyWorld;
  let fp: SeaActor;

  beforeEach(async () => {
    w = await seaKeyWorld();
    fp = w.focalPoint();
  });

  describe('setup', () => {
    it('creates the key pair, unlocks it for this session, and shows the recovery key once', async () => {
      const issued = await w.keys.setup(fp, PASSWORD, false);
      expect(issued.recoveryKey).toMatch(/^[A-Z2-7]{4}(-[A-Z2-7]{1,4})+$/);
      expect(await w.keys.status(fp, issued.unlockToken)).toMatchObject({ hasKeys: true, unlocked: true });
      expect(await w.keys.status(fp, 'not-the-token')).toMatchObject({ hasKeys: true, unlocked: false });
      const stored = w.repo.keys.get(fp.id)!;
      expect(stored.passwordWrappedKey.toString('latin1')).not.toContain(PASSWORD);
      expect(w.repo.lockedUsers).toEqual([fp.id]);
      expect(w.audit.last()).toMatchObject({ action: 'sea.keys.setup', outcome: 'success', details: { replaced: false, grantsDropped: 0 }, inTransaction: true });
    });

    it('a wrong password is a 422 naming the field, and costs a reserved attempt; a locked account answers the same', async () => {
      const wrong = await problem(w.keys.setup(fp, `${PASSWORD} but wrong`, false));
      expect([wrong.status, wrong.code, wrong.errors?.[0].field]).toEqual([422, 'wrong_password', 'password']);
      expect(w.passwords.reserved).toEqual([fp.id]);
      w.passwords.locked.add(fp.id);
      const locked = await problem(w.keys.setup(fp, PASSWORD, false));
      expect([locked.status, locked.code]).toEqual([wrong.status, wrong.code]);
      expect(w.repo.keys.size).toBe(0);
    });

    it('a password that does not meet the passphrase policy is refused before it is checked', async () => {
      const e = await problem(w.keys.setup(fp, 'short', false));
      expect(e.status).toBe(400);
      expect(w.passwords.reserved).toEqual([]);
    });

    it('an existing key is replaced only when asked, dropping every grant and session copy', async () => {
      await w.withKey(fp);
      w.repo.grants.push({ complaintId: randomUUID(), userId: fp.id, sealedKey: Buffer.alloc(1), grantedBy: null, grantedOn: '2026-01-01' });
      expect((await problem(w.keys.setup(fp, PASSWORD, false))).code).toBe('sea_keys_exist');
      await w.keys.setup({ ...fp, sessionId: randomUUID() }, PASSWORD, true);
      expect(w.repo.grants).toEqual([]);
      expect(w.audit.last()).toMatchObject({ details: { replaced: true, grantsDropped: 1 } });
    });
  });

  describe('unlocked', () => {
    it('opens the private key only with the session token of a live session', async () => {
      const token = await w.withKey(fp);
      const mine = await w.keys.unlocked(fp, token);
      expect(mine.publicKey.equals(w.repo.keys.get(fp.id)!.publicKey)).toBe(true);
      expect((await problem(w.keys.unlocked(fp, undefined))).status).toBe(423);
      expect((await problem(w.keys.unlocked(fp, 'x'.repeat(43)))).status).toBe(423);
      expect((await problem(w.keys.unlocked({ ...fp, sessionId: randomUUID() }, token))).status).toBe(423);
      w.repo.sessions.get(fp.sessionId)!.live = false;
      expect((await problem(w.keys.unlocked(fp, token))).status).toBe(423);
    });
  });

  describe('unlock', () => {
    it('the current password unlocks the key for this session only, as a reserved attempt, and is audited', async () => {
      await w.keys.setup(fp, PASSWORD, false);
      const later = { ...fp, sessionId: randomUUID() };
      const token = await w.keys.unlock(later, PASSWORD);
      expect(await w.keys.status(later, token)).toMatchObject({ unlocked: true });
      expect((await problem(w.keys.unlocked(fp, token))).status).toBe(423);
      expect(w.passwords.reserved).toEqual([fp.id, fp.id]);
      expect(w.audit.last()).toMatchObject({ action: 'sea.keys.unlock', outcome: 'success', details: { via: 'unlock' }, inTransaction: true });
    });

    it('a wrong password is the same 422 as elsewhere and unlocks nothing; no key is 409', async () => {
      await w.keys.setup(fp, PASSWORD, false);
      const later = { ...fp, sessionId: randomUUID() };
      const wrong = await problem(w.keys.unlock(later, `${PASSWORD} but wrong`));
      expect([wrong.status, wrong.code, wrong.errors?.[0].field]).toEqual([422, 'wrong_password', 'password']);
      expect(w.repo.sessions.has(later.sessionId)).toBe(false);
      const other = w.focalPoint();
      expect((await problem(w.keys.unlock(other, PASSWORD))).code).toBe('sea_keys_missing');
    });

    it('a password reset by an administrator leaves the key needing the recovery key', async () => {
      await w.keys.setup(fp, PASSWORD, false);
      const stored = w.repo.keys.get(fp.id)!;
      stored.passwordWrappedKey = Buffer.from(stored.passwordWrappedKey.map((b) => b ^ 1));
      const e = await problem(w.keys.unlock({ ...fp, sessionId: randomUUID() }, PASSWORD));
      expect([e.status, e.code]).toEqual([422, 'key_needs_recovery']);
    });
  });

  describe('recover', () => {
    it('the recovery key re-wraps the key under the (new) password and is itself replaced', async () => {
      const { recoveryKey } = await w.keys.setup(fp, PASSWORD, false);
      const { parseRecoveryKey } = await import('./sea-crypto');
      const next = { ...fp, sessionId: randomUUID() };
      const issued = await w.keys.recover(next, parseRecoveryKey(recoveryKey), PASSWORD);
      expect(issued.recoveryKey).not.toBe(recoveryKey);
      expect((await w.keys.unlocked(next, issued.unlockToken)).privateKey).toHaveLength(32);
      const wrong = await problem(w.keys.recover(next, parseRecoveryKey(recoveryKey), PASSWORD));
      expect([wrong.code, wrong.errors?.[0].field]).toEqual(['invalid_recovery_key', 'recoveryKey']);
      expect((await problem(w.keys.recover(next, null, PASSWORD))).code).toBe('invalid_recovery_key');
    });

    it('without a key there is nothing to recover (409)', async () => {
      expect((await problem(w.keys.recover(fp, Buffer.alloc(20), PASSWORD))).code).toBe('sea_keys_missing');
    });
  });

  describe('unlock at login', () => {
    it('the login password opens the key for the new session; a password that no longer opens it is audited and leaves it locked', async () => {
      await w.withKey(fp);
      const sessionId = randomUUID();
      const event = { userId: fp.id, role: 'psea_focal_point' as const, agencyId: null, sessionId, password: PASSWORD, requestId: null };
      const token = await w.keys.unlockAtLogin(event, w.tx.em);
      expect(token).toEqual(expect.any(String));
      expect((await w.keys.unlocked({ ...fp, sessionId }, token)).privateKey).toHaveLength(32);
      expect(await w.keys.unlockAtLogin({ ...event, sessionId: randomUUID(), password: 'reset by an administrator' }, w.tx.em)).toBeUndefined();
      expect(w.audit.last()).toMatchObject({ action: 'sea.keys.unlock', outcome: 'failure', details: { reason: 'password_does_not_open_key' } });
      expect(await w.keys.unlockAtLogin({ ...event, role: 'caseworker' }, w.tx.em)).toBeUndefined();
    });
  });

  describe('grant', () => {
    it('re-seals only to another active focal point whose key is endorsed', async () => {
      const colleague = w.focalPoint();
      const token = await w.withKey(fp);
      await w.withKey(colleague);
      for (const grantee of [fp.id, colleague.id, randomUUID()]) {
        const e = await problem(w.keys.grant(fp, token, grantee));
        expect([e.status, e.code]).toEqual([422, 'invalid_grantee']);
      }
    });

    it('re-seals every complaint key the caller holds that the colleague lacks, each opening for the colleague', async () => {
      const colleague = w.focalPoint();
      const token = await w.withKey(fp);
      const colleagueToken = await w.withKey(colleague);
      await w.endorsements.endorseWithDeploymentKey(fp.id, 'test');
      await w.endorsements.endorse(fp, token, colleague.id);
      const mine = await w.keys.unlocked(fp, token);
      const cks = [0, 1, 2].map(() => ({ id: randomUUID(), key: w.crypto.newComplaintKey() }));
      for (const ck of cks) w.repo.grants.push({ complaintId: ck.id, userId: fp.id, sealedKey: w.crypto.sealComplaintKey(ck.key, ck.id, mine.publicKey), grantedBy: null, grantedOn: '2026-01-01' });
      w.repo.shredded.add(cks[2].id);
      expect(await w.keys.grant(fp, token, colleague.id, cks[0].id)).toEqual({ granted: 1 });
      expect(await w.keys.grant(fp, token, colleague.id)).toEqual({ granted: 1 });
      expect(await w.keys.grant(fp, token, colleague.id)).toEqual({ granted: 0 });
      const theirs = await w.keys.unlocked(colleague, colleagueToken);
      for (const ck of cks.slice(0, 2)) {
        const g = w.repo.grants.find((x) => x.complaintId === ck.id && x.userId === colleague.id)!;
        expect(g.grantedBy).toBe(fp.id);
        expect(w.crypto.openComplaintKey(g.sealedKey, ck.id, theirs.publicKey, theirs.privateKey).equals(ck.key)).toBe(true);
      }
      expect(w.audit.events.filter((e) => e.action === 'sea.keys.grant').map((e) => e.details)).toEqual([{ granted: 1, complaint: cks[0].id }, { granted: 1 }, { granted: 0 }]);
    });
  });

  it('lists the team with keys, endorsement and granted counts', async () => {
    const colleague = w.focalPoint();
    await w.withKey(fp);
    await w.endorsements.endorseWithDeploymentKey(fp.id, 'test');
    const list = await w.keys.focalPoints(fp);
    expect(list.find((r) => r.userId === fp.id)).toMatchObject({ hasKeys: true, endorsed: true, grantedComplaints: 0 });
    expect(list.find((r) => r.userId === colleague.id)).toMatchObject({ hasKeys: false, endorsed: false });
  });
});
