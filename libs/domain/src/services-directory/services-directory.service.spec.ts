import { randomUUID } from 'node:crypto';
import { DomainException } from '@amani/http';
import { fakeLocations } from '../locations/testing/fake-locations.service';
import { FakeAuditService, FakeTransactionHost } from '../testing/unit-fakes';
import { CreateServiceCommand, DirectoryActor, ServicesDirectoryService } from './services-directory.service';
import { FakeServicesRepository } from './testing/fake-services.repository';

function status(e: unknown): number | undefined {
  return e instanceof DomainException ? e.status : undefined;
}

async function failure(p: Promise<unknown>): Promise<DomainException> {
  try {
    await p;
  } catch (e) {
    if (e instanceof DomainException) return e;
    throw e;
  }
  throw new Error('expected a problem');
}

describe('ServicesDirectoryService', () => {
  let repo: FakeServicesRepository;
  let audit: FakeAuditService;
  let tx: FakeTransactionHost;
  let sut: ServicesDirectoryService;
  let agencyA: string;
  let agencyB: string;
  let supA: DirectoryActor;
  let admin: DirectoryActor;
  const cmd: CreateServiceCommand = { serviceType: 'legal', name: 'Legal desk', regionCodes: ['SO-BN', 'SO-BN'], languages: ['so', 'en', 'so'] };

  beforeEach(() => {
    repo = new FakeServicesRepository();
    audit = new FakeAuditService();
    tx = new FakeTransactionHost();
    sut = new ServicesDirectoryService(tx.asHost(), repo, audit.asService(), fakeLocations());
    agencyA = repo.addAgency('A');
    agencyB = repo.addAgency('B');
    supA = { id: randomUUID(), role: 'supervisor', agencyId: agencyA };
    admin = { id: randomUUID(), role: 'admin', agencyId: null };
  });

  describe('create', () => {
    it("a supervisor publishes for their own agency, de-duplicated lists, audited in the transaction", async () => {
      const view = await sut.create(supA, cmd);
      expect(view).toMatchObject({ agencyId: agencyA, agencyName: 'A', regionCodes: ['SO-BN'], languages: ['so', 'en'], acceptingReferrals: true, version: 1 });
      expect(audit.events).toEqual([expect.objectContaining({ action: 'service.create', outcome: 'success', targetId: view.id, inTransaction: true })]);
      expect(tx.runs).toBe(1);
    });

    it("refuses a supervisor publishing for another agency (403, denial audited outside the transaction)", async () => {
      const e = await failure(sut.create(supA, { ...cmd, agencyId: agencyB }));
      expect(e.status).toBe(403);
      expect(e.code).toBe('not_your_agency');
      expect(audit.last()).toMatchObject({ action: 'service.create', outcome: 'denied', details: { reason: 'other_agency' }, inTransaction: false });
      expect(repo.rows.size).toBe(0);
    });

    it.each(['caseworker', 'provider', 'protection_officer', 'psea_focal_point'] as const)('refuses a %s (403) and writes nothing', async (role) => {
      const e = await failure(sut.create({ id: randomUUID(), role, agencyId: agencyA }, cmd));
      expect(e.status).toBe(403);
      expect(repo.rows.size).toBe(0);
    });

    it('an administrator must name an existing agency', async () => {
      expect((await failure(sut.create(admin, cmd))).status).toBe(400);
      const unknown = await failure(sut.create(admin, { ...cmd, agencyId: randomUUID() }));
      expect(unknown.status).toBe(422);
      expect(unknown.code).toBe('unknown_agency');
      expect((await sut.create(admin, { ...cmd, agencyId: agencyB })).agencyId).toBe(agencyB);
    });
  });

  describe('update', () => {
    it('changes only the given fields and bumps the version', async () => {
      const s = await sut.create(supA, cmd);
      const v = await sut.update(supA, s.id, { version: 1, capacity: 3, languages: ['fr', 'fr'] });
      expect(v).toMatchObject({ capacity: 3, languages: ['fr'], name: 'Legal desk', version: 2 });
      expect(audit.last()).toMatchObject({ action: 'service.update', outcome: 'success', details: { agency: agencyA, fields: 2 }, inTransaction: true });
    });

    it("another agency's entry answers 404 exactly like a missing one, and is audited as denied", async () => {
      const foreign = await sut.create(admin, { ...cmd, agencyId: agencyB });
      const other = await failure(sut.update(supA, foreign.id, { version: 1, capacity: 0 }));
      const missing = await failure(sut.update(supA, randomUUID(), { version: 1, capacity: 0 }));
      expect([other.status, other.code, other.message]).toEqual([missing.status, missing.code, missing.message]);
      expect(other.status).toBe(404);
      const updates = audit.events.filter((e) => e.action === 'service.update');
      expect(updates.map((e) => [e.outcome, e.details?.reason, e.inTransaction])).toEqual([
        ['denied', 'out_of_scope', false],
        ['failure', 'not_found', false],
      ]);
      expect(repo.rows.get(foreign.id)!.capacity).toBeNull();
    });

    it('an administrator edits any agency', async () => {
      const s = await sut.create(supA, cmd);
      expect((await sut.update(admin, s.id, { version: 1, acceptingReferrals: false })).acceptingReferrals).toBe(false);
    });

    it('a stale version is a 409 conflict; an empty change a 400', async () => {
      const s = await sut.create(supA, cmd);
      expect(status(await failure(sut.update(supA, s.id, { version: 7, capacity: 1 })))).toBe(409);
      expect(status(await failure(sut.update(supA, s.id, { version: 1 })))).toBe(400);
    });
  });

  describe('list and search', () => {
    it("a supervisor's list is their own agency's whatever filter they ask; an administrator may filter", async () => {
      await sut.create(supA, cmd);
      await sut.create(admin, { ...cmd, agencyId: agencyB });
      const own = await sut.list(supA, { agencyId: agencyB, page: 1, pageSize: 10 });
      expect(own.items.map((s) => s.agencyId)).toEqual([agencyA]);
      expect((await sut.list(admin, { page: 1, pageSize: 10 })).total).toBe(2);
      expect((await sut.list(admin, { agencyId: agencyB, page: 1, pageSize: 10 })).items.map((s) => s.agencyId)).toEqual([agencyB]);
      await expect(sut.list({ id: randomUUID(), role: 'caseworker', agencyId: agencyA }, { page: 1, pageSize: 10 })).rejects.toMatchObject({ status: 403 });
    });

    it('search filters by type, region, language and accepting', async () => {
      const a = await sut.create(supA, cmd);
      await sut.create(supA, { ...cmd, serviceType: 'medical', regionCodes: ['SO-AW'], acceptingReferrals: false });
      expect((await sut.search({ type: 'legal', page: 1, pageSize: 10 })).items.map((s) => s.id)).toEqual([a.id]);
      expect((await sut.search({ region: 'SO-AW', page: 1, pageSize: 10 })).total).toBe(1);
      expect((await sut.search({ acceptingOnly: true, page: 1, pageSize: 10 })).items.map((s) => s.id)).toEqual([a.id]);
      expect((await sut.search({ language: 'ar', page: 1, pageSize: 10 })).total).toBe(0);
    });

    it('an open offering is one taking referrals, of the type, and the given entry when one is named', async () => {
      const a = await sut.create(supA, cmd);
      expect(await sut.hasOpenOffering(agencyA, 'legal')).toBe(true);
      expect(await sut.hasOpenOffering(agencyA, 'legal', a.id)).toBe(true);
      expect(await sut.hasOpenOffering(agencyA, 'legal', randomUUID())).toBe(false);
      expect(await sut.hasOpenOffering(agencyB, 'legal')).toBe(false);
      await sut.update(supA, a.id, { version: 1, acceptingReferrals: false });
      expect(await sut.hasOpenOffering(agencyA, 'legal')).toBe(false);
    });
  });
});
