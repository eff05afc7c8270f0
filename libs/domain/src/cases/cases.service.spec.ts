import { randomUUID } from 'node:crypto';
import type { CaseActor } from './case-actor';
import type { CaseDetailView } from './case-views';
import { CasesService } from './cases.service';
import { caseUnitKit, CaseUnitKit, newCase, problem } from './testing/case-unit-kit';

describe('CasesService', () => {
  let k: CaseUnitKit;
  let sut: CasesService;
  let kase: CaseDetailView;

  beforeEach(async () => {
    k = await caseUnitKit();
    sut = k.cases;
    kase = await sut.create(k.cwA, newCase({ contactDetails: { phone: '+252 61 555 0101' }, narrative: 'what happened' }));
    k.audit.events.length = 0;
  });

  const version = async (actor: CaseActor = k.supA) => (await sut.get(actor, kase.id)).version;

  describe('create', () => {
    it('stores only ciphertext and blind indexes, with the wrapped key, and audits in the same statement', async () => {
      const view = await sut.create(k.cwA, newCase({ survivorName: 'Hodan', aliases: ['H', 'H'], address: 'near the well' }));
      expect(view).toMatchObject({ stage: 'intake', version: 1, survivorName: 'Hodan', aliases: ['H', 'H'], address: 'near the well', assignedCaseworkerId: k.cwA.id });
      expect(view.survivorCode).toMatch(/^[A-Z]{3}-?[0-9]{5}$/);
      const stored = k.repo.cases.get(view.id)!;
      expect(Buffer.isBuffer(stored.survivorName)).toBe(true);
      expect(stored.survivorName!.toString('utf8')).not.toContain('Hodan');
      expect(stored.address!.toString('utf8')).not.toContain('well');
      expect(k.repo.keys.has(view.id)).toBe(true);
      expect(k.audit.events).toEqual([expect.objectContaining({ action: 'case.create', outcome: 'success', targetId: view.id, inTransaction: true })]);
      // What was sealed reads back the same.
      expect(await sut.get(k.cwA, view.id)).toEqual(view);
    });

    it('a caseworker cannot assign a new case to someone else; a supervisor only to an active caseworker of the agency', async () => {
      const e = await problem(sut.create(k.cwA, newCase({ assignedCaseworkerId: k.otherCwA.id })));
      expect([e.status, e.code]).toEqual([403, 'assignment_needs_supervisor']);
      const bad = await problem(sut.create(k.supA, newCase({ assignedCaseworkerId: randomUUID() })));
      expect([bad.status, bad.code]).toEqual([422, 'invalid_assignee']);
      expect((await sut.create(k.supA, newCase({ assignedCaseworkerId: k.otherCwA.id }))).assignedCaseworkerId).toBe(k.otherCwA.id);
      expect((await sut.create(k.supA, newCase())).assignedCaseworkerId).toBeNull();
      expect(k.repo.cases.size).toBe(3);
    });

    it('draws another survivor code when the first is taken', async () => {
      const insert = jest.spyOn(k.repo, 'insertCase').mockResolvedValueOnce(null);
      const view = await sut.create(k.cwA, newCase());
      expect(insert).toHaveBeenCalledTimes(2);
      expect(k.repo.cases.has(view.id)).toBe(true);
    });
  });

  describe('scope', () => {
    it("another agency's case, or a colleague's unshared case, looks missing (404), audited as denied", async () => {
      for (const actor of [k.supB, k.otherCwA]) {
        const e = await problem(sut.get(actor, kase.id));
        expect(e.status).toBe(404);
      }
      const missing = await problem(sut.get(k.supA, randomUUID()));
      expect(missing.status).toBe(404);
      expect(k.audit.actions()).toEqual(['case.read:denied', 'case.read:denied', 'case.read:failure']);
    });

    it('a share opens the case to the colleague; unsharing closes it again', async () => {
      await sut.share(k.cwA, kase.id, k.otherCwA.id);
      expect((await sut.get(k.otherCwA, kase.id)).survivorName).toBe('Amina Yusuf');
      expect(await sut.listShares(k.supA, kase.id)).toEqual([expect.objectContaining({ caseId: kase.id, userId: k.otherCwA.id, sharedById: k.cwA.id })]);
      await sut.unshare(k.supA, kase.id, k.otherCwA.id);
      expect((await problem(sut.get(k.otherCwA, kase.id))).status).toBe(404);
    });

    it('only the assignee or a supervisor shares, and only with another active caseworker of the agency', async () => {
      await sut.share(k.cwA, kase.id, k.otherCwA.id);
      const e = await problem(sut.share(k.otherCwA, kase.id, k.cwA.id));
      expect([e.status, e.code]).toEqual([403, 'share_not_allowed']);
      for (const userId of [k.cwA.id, randomUUID()]) {
        const bad = await problem(sut.share(k.supA, kase.id, userId));
        expect([bad.status, bad.code]).toEqual([422, 'invalid_share_target']);
      }
    });

    it('the list holds only the actor’s scope, newest first, by keyset cursor, audited once', async () => {
      const second = await sut.create(k.cwA, newCase());
      await sut.create(k.supA, newCase());
      await sut.create(k.supB, newCase());
      k.audit.events.length = 0;
      const mine = await sut.list(k.cwA, { page: 1, pageSize: 1 });
      expect(mine.items.map((c) => c.id)).toEqual([second.id]);
      expect(mine).toMatchObject({ total: 2, totalCapped: false });
      const next = await sut.list(k.cwA, { page: 1, pageSize: 1, cursor: mine.nextCursor! });
      expect(next.items.map((c) => c.id)).toEqual([kase.id]);
      expect(next.nextCursor).toBeNull();
      expect((await sut.list(k.supA, { page: 1, pageSize: 10 })).total).toBe(3);
      expect(k.audit.actions()).toEqual(['case.list:success', 'case.list:success', 'case.list:success']);
      const e = await problem(sut.list(k.cwA, { page: 2, pageSize: 1, cursor: mine.nextCursor! }));
      expect([e.status, e.code]).toEqual([400, 'validation_failed']);
    });
  });

  describe('update', () => {
    it('re-seals changed fields, bumps the version and refreshes the projection only for coded fields', async () => {
      const v1 = await sut.update(k.cwA, kase.id, { version: 1, narrative: 'more' });
      expect(v1).toMatchObject({ version: 2, narrative: 'more', survivorName: 'Amina Yusuf' });
      expect(k.repo.refreshes).toEqual([]);
      await sut.update(k.cwA, kase.id, { version: 2, regionCode: 'SO-AW' });
      expect(k.repo.refreshes).toEqual([kase.id]);
      expect(k.audit.events.filter((e) => e.action === 'case.update')).toEqual([
        expect.objectContaining({ outcome: 'success', details: { fields: 1 }, inTransaction: true }),
        expect.objectContaining({ outcome: 'success', details: { fields: 1 }, inTransaction: true }),
      ]);
    });

    it('a stale version is a 409 and changes nothing', async () => {
      await sut.update(k.cwA, kase.id, { version: 1, narrative: 'first' });
      const e = await problem(sut.update(k.cwA, kase.id, { version: 1, narrative: 'second' }));
      expect([e.status, e.code]).toEqual([409, 'stale_version']);
      expect((await sut.get(k.cwA, kase.id)).narrative).toBe('first');
    });

    it('a new contact phone re-computes the phone index: the old number no longer finds the case', async () => {
      await sut.update(k.cwA, kase.id, { version: 1, contactDetails: { phone: '+252 61 555 0202' } });
      expect((await sut.findByPhone(k.supA, '+252615550202')).map((c) => c.id)).toEqual([kase.id]);
      expect(await sut.findByPhone(k.supA, '+252615550101')).toEqual([]);
      await sut.update(k.cwA, kase.id, { version: 2, contactDetails: null });
      expect(k.repo.cases.get(kase.id)!.phoneIndex).toBeNull();
    });

    it('an empty change is a 400 naming the body', async () => {
      const e = await problem(sut.update(k.cwA, kase.id, { version: 1 }));
      expect(e.status).toBe(400);
    });
  });

  describe('stages', () => {
    it('moves forward and back along the machine, and refuses a skip with 422', async () => {
      let s = await sut.changeStage(k.cwA, kase.id, { version: 1, to: 'assessment' });
      s = await sut.changeStage(k.cwA, kase.id, { version: s.version, to: 'action_plan' });
      s = await sut.changeStage(k.cwA, kase.id, { version: s.version, to: 'assessment' });
      expect(s.stage).toBe('assessment');
      const e = await problem(sut.changeStage(k.cwA, kase.id, { version: s.version, to: 'follow_up' }));
      expect([e.status, e.code]).toEqual([422, 'stage_transition_not_allowed']);
      expect(k.audit.events.filter((x) => x.outcome === 'success').map((x) => x.details)).toEqual([
        { from: 'intake', to: 'assessment' },
        { from: 'assessment', to: 'action_plan' },
        { from: 'action_plan', to: 'assessment' },
      ]);
    });

    it('closing needs a supervisor and a reason; a closed case refuses changes until a supervisor reopens it', async () => {
      const cw = await problem(sut.changeStage(k.cwA, kase.id, { version: 1, to: 'closed', closureReason: 'needs_met' }));
      expect([cw.status, cw.code]).toEqual([403, 'closure_needs_supervisor']);
      const noReason = await problem(sut.changeStage(k.supA, kase.id, { version: 1, to: 'closed' }));
      expect(noReason.status).toBe(400);
      const closed = await sut.changeStage(k.supA, kase.id, { version: 1, to: 'closed', closureReason: 'needs_met' });
      expect(closed).toMatchObject({ stage: 'closed', closureReason: 'needs_met', version: 2 });
      expect(closed.closedAt).toBeInstanceOf(Date);

      const update = await problem(sut.update(k.cwA, kase.id, { version: 2, narrative: 'x' }));
      expect([update.status, update.code]).toEqual([409, 'case_closed']);
      const assign = await problem(sut.assign(k.supA, kase.id, { version: 2, caseworkerId: k.otherCwA.id }));
      expect([assign.status, assign.code]).toEqual([409, 'case_closed']);

      const cwReopen = await problem(sut.reopen(k.cwA, kase.id, { version: 2, reason: 'survivor_returned' }));
      expect([cwReopen.status, cwReopen.code]).toEqual([403, 'reopen_needs_supervisor']);
      const reopened = await sut.reopen(k.supA, kase.id, { version: 2, reason: 'survivor_returned' });
      expect(reopened).toMatchObject({ stage: 'assessment', closureReason: null, closedAt: null, version: 3 });
      expect(k.audit.last()).toMatchObject({ action: 'case.reopen', details: { reason: 'survivor_returned', from: 'needs_met', to: 'assessment' } });
    });

    it('reopening an open case is a 409; a stale stage change is a 409', async () => {
      const e = await problem(sut.reopen(k.supA, kase.id, { version: 1, reason: 'other' }));
      expect([e.status, e.code]).toEqual([409, 'case_not_closed']);
      const stale = await problem(sut.changeStage(k.cwA, kase.id, { version: 7, to: 'assessment' }));
      expect([stale.status, stale.code]).toEqual([409, 'stale_version']);
    });
  });

  describe('assign', () => {
    it('only a supervisor assigns, only to an active caseworker of the agency, then the assignee sees the case', async () => {
      const cw = await problem(sut.assign(k.cwA, kase.id, { version: 1, caseworkerId: k.otherCwA.id }));
      expect([cw.status, cw.code]).toEqual([403, 'assignment_needs_supervisor']);
      const foreign = randomUUID();
      k.repo.caseworkers.set(foreign, k.agencyB);
      const bad = await problem(sut.assign(k.supA, kase.id, { version: 1, caseworkerId: foreign }));
      expect([bad.status, bad.code]).toEqual([422, 'invalid_assignee']);
      const s = await sut.assign(k.supA, kase.id, { version: 1, caseworkerId: k.otherCwA.id });
      expect(s).toMatchObject({ assignedCaseworkerId: k.otherCwA.id, version: 2 });
      expect((await sut.get(k.otherCwA, kase.id)).id).toBe(kase.id);
      expect((await problem(sut.get(k.cwA, kase.id))).status).toBe(404);
      expect(await version()).toBe(2);
    });

    it("another agency's supervisor gets 404, not 403", async () => {
      const e = await problem(sut.assign(k.supB, kase.id, { version: 1, caseworkerId: k.otherCwA.id }));
      expect(e.status).toBe(404);
    });
  });

  describe('lookups', () => {
    it('finds by survivor code within scope; out of scope looks missing', async () => {
      expect((await sut.lookupBySurvivorCode(k.cwA, kase.survivorCode.toLowerCase())).id).toBe(kase.id);
      expect((await problem(sut.lookupBySurvivorCode(k.supB, kase.survivorCode))).status).toBe(404);
      expect((await problem(sut.lookupBySurvivorCode(k.supA, 'not a code'))).status).toBe(400);
      expect(k.audit.actions()).toEqual(['case.lookup:success', 'case.lookup:denied', 'case.lookup:failure']);
    });

    it('finds by phone within scope, comparing the decrypted number', async () => {
      expect((await sut.findByPhone(k.supA, '+252615550101')).map((c) => c.id)).toEqual([kase.id]);
      expect(await sut.findByPhone(k.supB, '+252615550101')).toEqual([]);
      expect((await problem(sut.findByPhone(k.supA, 'no digits'))).status).toBe(400);
    });
  });

  describe('erasure', () => {
    it('a supervisor of the agency erases with a reason; afterwards 410 to those who saw it, 404 to others, gone from lists and lookups', async () => {
      const hooked: string[] = [];
      k.erasureHooks.register((_em, event) => {
        hooked.push(`${event.caseId}:${event.reason}`);
        return Promise.resolve();
      });
      expect((await problem(sut.erase(k.cwA, kase.id, 'survivor_request'))).code).toBe('erasure_needs_supervisor');
      expect((await problem(sut.erase(k.supB, kase.id, 'survivor_request'))).status).toBe(404);
      expect(hooked).toEqual([]);
      await sut.erase(k.supA, kase.id, 'survivor_request');
      expect(hooked).toEqual([`${kase.id}:survivor_request`]);
      const stored = k.repo.cases.get(kase.id)!;
      expect(stored).toMatchObject({ survivorName: null, survivorCodeIndex: null, phoneIndex: null, erasureReason: 'survivor_request' });
      expect(k.repo.keys.has(kase.id)).toBe(false);
      expect(k.audit.events.at(-1)).toMatchObject({ action: 'case.erase', outcome: 'success', targetId: kase.id, details: { reason: 'survivor_request' }, inTransaction: true });
      for (const who of [k.supA, k.cwA]) expect((await problem(sut.get(who, kase.id))).status).toBe(410);
      expect((await problem(sut.get(k.supB, kase.id))).status).toBe(404);
      expect((await problem(sut.changeStage(k.supA, kase.id, { version: 2, to: 'closed', closureReason: 'other' }))).status).toBe(410);
      expect((await problem(sut.erase(k.supA, kase.id, 'survivor_request'))).status).toBe(410);
      expect((await sut.list(k.supA, { page: 1, pageSize: 50 })).items.map((c) => c.id)).not.toContain(kase.id);
      expect((await problem(sut.lookupBySurvivorCode(k.supA, kase.survivorCode))).status).toBe(404);
    });

    it('the retention job erases the same way, as no person (role system), with retention_expired, once', async () => {
      const hooked: { reason: string; actor: object }[] = [];
      k.erasureHooks.register((_em, event) => {
        hooked.push({ reason: event.reason, actor: event.actor });
        return Promise.resolve();
      });
      expect(await sut.eraseExpired(kase.id, k.supA.agencyId)).toBe(true);
      expect(hooked).toEqual([{ reason: 'retention_expired', actor: { id: null, role: 'system', agencyId: k.supA.agencyId } }]);
      expect(k.repo.cases.get(kase.id)).toMatchObject({ survivorName: null, survivorCodeIndex: null, erasureReason: 'retention_expired' });
      expect(k.repo.keys.has(kase.id)).toBe(false);
      expect(k.audit.events.at(-1)).toMatchObject({
        action: 'case.erase',
        outcome: 'success',
        actorId: null,
        actorRole: 'system',
        targetId: kase.id,
        details: { reason: 'retention_expired', via: 'retention' },
        inTransaction: true,
      });
      expect((await problem(sut.get(k.supA, kase.id))).status).toBe(410);
      expect(await sut.eraseExpired(kase.id, k.supA.agencyId)).toBe(false);
      expect(hooked).toHaveLength(1);
    });
  });

  it('a shredded case answers 410 on read', async () => {
    k.repo.shred(kase.id);
    const e = await problem(sut.get(k.supA, kase.id));
    expect(e.status).toBe(410);
  });
});
