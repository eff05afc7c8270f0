import { randomUUID } from 'node:crypto';
import { DomainException } from '@amani/http';
import { fakeLocations } from '../locations/testing/fake-locations.service';
import { FakeAuditService, FakeTransactionHost } from '../testing/unit-fakes';
import type { SeaActor } from './sea-actor';
import { SeaAuditor } from './sea-auditor';
import { utcToday } from './sea-codes';
import { SeaKeyLockedProblem } from './sea-errors';
import { SeaInvestigationService, SEA_MAX_VICTIMS } from './sea-investigation.service';
import type { SeaKeysService } from './sea-keys.service';
import { SeaWorkspaceService } from './sea-workspace.service';
import { FakeSeaComplaintsRepository } from './testing/fake-sea-complaints.repository';
import { FakeSeaInvestigationRepository } from './testing/fake-sea-investigation.repository';

async function problem(p: Promise<unknown>): Promise<DomainException> {
  try {
    await p;
  } catch (e) {
    if (e instanceof DomainException) return e;
    throw e;
  }
  throw new Error('expected a problem');
}

class FakeKeys {
  unlocked(_actor: SeaActor, token: string | undefined): Promise<{ publicKey: Buffer; privateKey: Buffer }> {
    if (token !== 'unlock') return Promise.reject(new SeaKeyLockedProblem());
    return Promise.resolve({ publicKey: Buffer.alloc(32, 1), privateKey: Buffer.alloc(32, 7) });
  }
}

describe('SeaInvestigationService', () => {
  let tx: FakeTransactionHost;
  let audit: FakeAuditService;
  let complaints: FakeSeaComplaintsRepository;
  let repo: FakeSeaInvestigationRepository;
  let sut: SeaInvestigationService;
  let fp: SeaActor;
  let outsider: SeaActor;
  let complaintId: string;

  beforeEach(() => {
    tx = new FakeTransactionHost();
    audit = new FakeAuditService();
    complaints = new FakeSeaComplaintsRepository();
    repo = new FakeSeaInvestigationRepository(complaints);
    const keys = new FakeKeys() as unknown as SeaKeysService;
    const auditor = new SeaAuditor(audit.asService());
    const workspace = new SeaWorkspaceService(tx.asHost(), complaints, keys, auditor, fakeLocations(), repo);
    sut = new SeaInvestigationService(tx.asHost(), repo, complaints, workspace, keys, auditor);
    fp = { id: randomUUID(), role: 'psea_focal_point', agencyId: null, sessionId: randomUUID(), requestId: null };
    outsider = { ...fp, id: randomUUID(), sessionId: randomUUID() };
    complaintId = complaints.addComplaint({ status: 'assessment', codedConfirmedOn: '2026-11-02', receivedOn: '2026-11-01' }).id;
    complaints.grant(complaintId, fp.id);
  });

  describe('directory of entities', () => {
    it('creates entries with trimmed names, refuses a second of the same name in any case, and audits without the contact', async () => {
      const e = await sut.createEntity(fp, { name: '  Mission Contingent A ', entityType: 'peacekeeping', pseaContact: ' psea@mission.example ' });
      expect(e).toMatchObject({ name: 'Mission Contingent A', pseaContact: 'psea@mission.example', active: true });
      expect(audit.last()).toMatchObject({ action: 'sea.entity.create', outcome: 'success', targetId: e.id, details: { entityType: 'peacekeeping' } });
      expect(JSON.stringify(audit.events)).not.toContain('psea@mission.example');
      expect((await problem(sut.createEntity(fp, { name: 'mission contingent a', entityType: 'other', pseaContact: 'x' }))).code).toBe('entity_name_taken');
    });

    it('edits and retires an entry; retired ones leave the default list', async () => {
      const a = repo.addEntity({ name: 'Alpha' });
      const b = repo.addEntity({ name: 'Beta' });
      await sut.updateEntity(fp, a.id, { active: false });
      expect((await sut.listEntities(fp, false)).map((e) => e.name)).toEqual(['Beta']);
      expect((await sut.listEntities(fp, true)).map((e) => e.name)).toEqual(['Alpha', 'Beta']);
      expect((await problem(sut.updateEntity(fp, b.id, { name: 'ALPHA' }))).code).toBe('entity_name_taken');
      expect((await problem(sut.updateEntity(fp, randomUUID(), { active: true }))).status).toBe(404);
      expect(audit.last()).toMatchObject({ action: 'sea.entity.update', outcome: 'denied' });
    });
  });

  describe('referral to the entity concerned', () => {
    it('records coded facts with the grant alone, and seals a note only with the unlocked key', async () => {
      const e = repo.addEntity();
      const input = { entityId: e.id, referredOn: '2026-11-03', acknowledgedOn: null, interimMeasures: ['suspension' as const, 'suspension' as const] };
      const coded = await sut.recordEntityReferral(fp, complaintId, undefined, input);
      expect(coded).toEqual({ entityId: e.id, entityName: e.name, referredOn: '2026-11-03', acknowledgedOn: null, interimMeasures: ['suspension'] });
      expect((await problem(sut.recordEntityReferral(fp, complaintId, undefined, { ...input, interimNote: 'Perpetrator suspended' }))).status).toBe(423);
      const noted = await sut.recordEntityReferral(fp, complaintId, 'unlock', { ...input, acknowledgedOn: '2026-11-05', interimNote: 'Perpetrator suspended' });
      expect(noted).toMatchObject({ acknowledgedOn: '2026-11-05', interimNote: 'Perpetrator suspended' });
      // Absent note: kept; null: erased.
      await sut.recordEntityReferral(fp, complaintId, undefined, input);
      expect(repo.referrals.get(complaintId)!.interimNote).toBe('Perpetrator suspended');
      await sut.recordEntityReferral(fp, complaintId, undefined, { ...input, interimNote: null });
      expect(repo.referrals.get(complaintId)!.interimNote).toBeNull();
      expect(audit.last()).toMatchObject({ action: 'sea.complaint.entity_referral', outcome: 'success', details: { entity: e.id, measures: 'suspension', note: 'erased' } });
      expect(JSON.stringify(audit.events)).not.toContain('Perpetrator suspended');
    });

    it('refuses a received complaint, an unknown or retired entity, impossible days, and a focal point without the grant', async () => {
      const e = repo.addEntity();
      const retired = repo.addEntity({ active: false });
      const ok = { entityId: e.id, referredOn: '2026-11-03', acknowledgedOn: null, interimMeasures: [] };
      const fresh = complaints.addComplaint().id;
      complaints.grant(fresh, fp.id);
      expect((await problem(sut.recordEntityReferral(fp, fresh, undefined, ok))).code).toBe('complaint_not_assessed');
      const unknown = await problem(sut.recordEntityReferral(fp, complaintId, undefined, { ...ok, entityId: retired.id }));
      expect(unknown.status).toBe(422);
      expect(unknown.errors).toEqual([{ field: 'entityId', message: 'is not an active entry of the directory' }]);
      const days = await problem(sut.recordEntityReferral(fp, complaintId, undefined, { ...ok, referredOn: '2026-10-30', acknowledgedOn: '2026-10-29' }));
      expect(days.errors?.map((x) => x.field)).toEqual(['referredOn', 'acknowledgedOn']);
      const future = await problem(sut.recordEntityReferral(fp, complaintId, undefined, { ...ok, referredOn: '2999-01-01' }));
      expect(future.errors).toEqual([{ field: 'referredOn', message: 'must not be in the future' }]);
      expect((await problem(sut.recordEntityReferral(outsider, complaintId, undefined, ok))).status).toBe(403);
      expect(repo.referrals.size).toBe(0);
    });
  });

  describe('victims', () => {
    it('numbers victims per complaint, dates the first referral to assistance and keeps it while receiving', async () => {
      const first = await sut.addVictim(fp, complaintId, 'unlock', { sex: 'female', ageBand: '12_17', assistanceStatus: 'not_assessed', description: 'Second daughter' });
      const second = await sut.addVictim(fp, complaintId, undefined, { sex: 'male', ageBand: '0_11', assistanceStatus: 'referred' });
      expect([first.seq, second.seq]).toEqual([1, 2]);
      expect(first.description).toBe('Second daughter');
      expect(second).not.toHaveProperty('description');
      expect(second.assistanceReferredOn).toBe(utcToday());
      repo.victimRows[1].assistanceReferredOn = '2026-11-04';
      const receiving = await sut.updateVictim(fp, complaintId, second.id, undefined, { assistanceStatus: 'receiving' });
      expect(receiving).toMatchObject({ assistanceStatus: 'receiving', assistanceReferredOn: '2026-11-04', sex: 'male' });
      const declined = await sut.updateVictim(fp, complaintId, second.id, undefined, { assistanceStatus: 'declined' });
      expect(declined.assistanceReferredOn).toBeNull();
      expect(audit.last()).toMatchObject({ action: 'sea.complaint.victim', outcome: 'success', details: { victim: second.id, change: 'updated', assistance: 'declined' } });
      expect(JSON.stringify(audit.events)).not.toContain('Second daughter');
    });

    it('writes a description only with the unlocked key; another complaint\'s victim is not found; the list is capped', async () => {
      const v = await sut.addVictim(fp, complaintId, undefined, { sex: 'female', ageBand: '18_25', assistanceStatus: 'not_assessed' });
      expect((await problem(sut.updateVictim(fp, complaintId, v.id, undefined, { description: 'Lives near the market' }))).status).toBe(423);
      const other = complaints.addComplaint({ status: 'assessment' }).id;
      complaints.grant(other, fp.id);
      expect((await problem(sut.updateVictim(fp, other, v.id, undefined, { sex: 'male' }))).status).toBe(404);
      for (let i = 1; i < SEA_MAX_VICTIMS; i++) await sut.addVictim(fp, complaintId, undefined, { sex: 'unknown', ageBand: 'unknown', assistanceStatus: 'not_assessed' });
      expect((await problem(sut.addVictim(fp, complaintId, undefined, { sex: 'unknown', ageBand: 'unknown', assistanceStatus: 'not_assessed' }))).code).toBe('too_many_victims');
    });

    it('shows referral and victims in the complaint, the sealed text only when opened', async () => {
      const e = repo.addEntity();
      await sut.recordEntityReferral(fp, complaintId, 'unlock', { entityId: e.id, referredOn: '2026-11-03', acknowledgedOn: null, interimMeasures: ['reassignment'], interimNote: 'Moved' });
      await sut.addVictim(fp, complaintId, 'unlock', { sex: 'female', ageBand: '18_25', assistanceStatus: 'not_needed', description: 'The complainant' });
      const workspace = new SeaWorkspaceService(tx.asHost(), complaints, new FakeKeys() as unknown as SeaKeysService, new SeaAuditor(audit.asService()), fakeLocations(), repo);
      const detail = await workspace.get(fp, complaintId, 'unlock');
      expect(detail.entityReferral).toMatchObject({ entityId: e.id, interimMeasures: ['reassignment'], interimNote: 'Moved' });
      expect(detail.victims).toEqual([expect.objectContaining({ seq: 1, assistanceStatus: 'not_needed', description: 'The complainant' })]);
    });
  });
});
