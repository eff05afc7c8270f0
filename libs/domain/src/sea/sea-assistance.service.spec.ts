import { randomUUID } from 'node:crypto';
import { DomainException } from '@amani/http';
import { fakeLocations } from '../locations/testing/fake-locations.service';
import type { CaseActor } from '../cases/case-actor';
import type { CreateCaseCommand } from '../cases/case-commands';
import type { CasesService } from '../cases/cases.service';
import { FakeAuditService, FakeTransactionHost } from '../testing/unit-fakes';
import type { SeaActor } from './sea-actor';
import { CreateAssistanceCommand, SeaAssistanceService } from './sea-assistance.service';
import { SeaAuditor } from './sea-auditor';
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

/** Stands in for the case store: records each create and the transaction depth it ran at. */
class FakeCases {
  readonly created: { actor: CaseActor; cmd: CreateCaseCommand; depth: number }[] = [];
  refuse: DomainException | null = null;

  constructor(private readonly tx: FakeTransactionHost) {}

  create(actor: CaseActor, cmd: CreateCaseCommand): Promise<{ id: string }> {
    // CasesService.create opens its work with TransactionHost.run, which joins the caller's.
    return this.tx.run(() => {
      this.created.push({ actor, cmd, depth: this.tx.depth });
      if (this.refuse) return Promise.reject(this.refuse);
      return Promise.resolve({ id: randomUUID() });
    });
  }
}

describe('SeaAssistanceService', () => {
  let tx: FakeTransactionHost;
  let audit: FakeAuditService;
  let repo: FakeSeaComplaintsRepository;
  let cases: FakeCases;
  let investigation: FakeSeaInvestigationRepository;
  let sut: SeaAssistanceService;
  let fp: SeaActor;
  let agency: string;
  let cw: CaseActor;
  let complaintId: string;
  const shared = { survivorName: 'Alias', contact: 'Through the women centre', summary: 'Needs support' };
  const cmd = (over: Partial<CreateAssistanceCommand> = {}): CreateAssistanceCommand => ({ agencyId: agency, serviceType: 'psychosocial', ...shared, ...over });

  beforeEach(() => {
    tx = new FakeTransactionHost();
    audit = new FakeAuditService();
    repo = new FakeSeaComplaintsRepository();
    cases = new FakeCases(tx);
    const auditor = new SeaAuditor(audit.asService());
    const workspace = new SeaWorkspaceService(tx.asHost(), repo, {} as SeaKeysService, auditor, fakeLocations(), new FakeSeaInvestigationRepository(repo));
    investigation = new FakeSeaInvestigationRepository(repo);
    sut = new SeaAssistanceService(tx.asHost(), repo, workspace, cases as unknown as CasesService, auditor, investigation);
    fp = { id: randomUUID(), role: 'psea_focal_point', agencyId: null, sessionId: randomUUID(), requestId: null };
    agency = repo.addAgency(['psychosocial', 'medical'], ['SO-AW']);
    cw = { id: randomUUID(), role: 'caseworker', agencyId: agency };
    complaintId = repo.addComplaint({ regionCode: null }).id;
    repo.grant(complaintId, fp.id);
  });

  describe('create', () => {
    it('a granted focal point addresses a pending request to an agency offering the service', async () => {
      const view = await sut.create(fp, complaintId, cmd());
      expect(view).toMatchObject({ agencyId: agency, serviceType: 'psychosocial', status: 'pending', caseId: null, acceptedOn: null });
      expect(repo.assistance.get(view.id)!.shared).toEqual(shared);
      expect(audit.last()).toMatchObject({ action: 'sea.assistance.create', outcome: 'success', details: { request: view.id, agency }, inTransaction: true });
    });

    it('needs a grant (403), an existing complaint (404), and an agency offering the type (422)', async () => {
      const other: SeaActor = { ...fp, id: randomUUID() };
      expect((await problem(sut.create(other, complaintId, cmd()))).status).toBe(403);
      expect((await problem(sut.create(fp, randomUUID(), cmd()))).status).toBe(404);
      for (const over of [{ serviceType: 'legal' as const }, { agencyId: randomUUID() }]) {
        const e = await problem(sut.create(fp, complaintId, cmd(over)));
        expect([e.status, e.code, e.errors?.[0].field]).toEqual([422, 'agency_does_not_offer_service', 'agencyId']);
      }
      expect(repo.assistance.size).toBe(0);
    });

    it('for one of the complaint\'s victims: marks them referred (dated once), refuses a victim of another complaint', async () => {
      const v = investigation.victimRows;
      v.push({ id: randomUUID(), complaintId, seq: 1, sex: 'female', ageBand: '12_17', assistanceStatus: 'not_assessed', assistanceReferredOn: null, description: null });
      const view = await sut.create(fp, complaintId, cmd({ victimId: v[0].id }));
      expect(v[0]).toMatchObject({ assistanceStatus: 'referred', assistanceReferredOn: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) });
      expect(audit.last()).toMatchObject({ details: { request: view.id, victim: v[0].id } });
      v[0].assistanceStatus = 'receiving';
      await sut.create(fp, complaintId, cmd({ victimId: v[0].id, serviceType: 'medical' }));
      expect(v[0].assistanceStatus).toBe('receiving');
      const e = await problem(sut.create(fp, complaintId, cmd({ victimId: randomUUID() })));
      expect([e.status, e.code, e.errors?.[0].field]).toEqual([422, 'unknown_victim', 'victimId']);
      expect(repo.assistance.size).toBe(2);
    });
  });

  describe('incoming and accept', () => {
    let requestId: string;
    beforeEach(async () => {
      requestId = (await sut.create(fp, complaintId, cmd())).id;
      audit.events.length = 0;
      tx.runs = 0;
      tx.maxDepth = 0;
    });

    it("lists the agency's pending requests with the shared fields and coded facts only", async () => {
      const [item, ...rest] = await sut.listIncoming(cw);
      expect(rest).toEqual([]);
      expect(item).toEqual({ id: requestId, serviceType: 'psychosocial', victimSex: 'female', victimAgeBand: '18_25', regionCode: null, requestedOn: expect.any(String), ...shared });
      expect(item).not.toHaveProperty('narrative');
      expect(await sut.listIncoming({ ...cw, agencyId: randomUUID() })).toEqual([]);
    });

    it('accepting opens the case as the accepting caseworker inside the same transaction, then links it and drops the shared copy', async () => {
      const view = await sut.accept(cw, requestId);
      expect(cases.created).toHaveLength(1);
      const [{ actor, cmd: created, depth }] = cases.created;
      expect(actor).toBe(cw);
      expect(depth).toBe(2);
      expect(tx.runs).toBe(1);
      expect(created).toMatchObject({ survivorName: 'Alias', contactDetails: { safeContactInstructions: 'Through the women centre' }, narrative: 'Needs support', sex: 'female', ageBand: '18_25', regionCode: 'SO-AW' });
      expect(view).toMatchObject({ status: 'accepted', caseId: expect.any(String), acceptedOn: expect.any(String) });
      expect(repo.assistance.get(requestId)).toMatchObject({ record: { status: 'accepted', acceptedBy: cw.id, caseId: view.caseId }, shared: null });
      expect(audit.events).toEqual([expect.objectContaining({ action: 'sea.assistance.accept', outcome: 'success', details: { case: view.caseId }, inTransaction: true })]);
    });

    it("the complaint's region goes to the case when it has one", async () => {
      repo.complaints.get(complaintId)!.record.regionCode = 'SO-BN';
      await sut.accept(cw, requestId);
      expect(cases.created[0].cmd.regionCode).toBe('SO-BN');
    });

    it("another agency's caseworker, a missing request and an accepted one all answer 404; nothing is created", async () => {
      await sut.accept(cw, requestId);
      cases.created.length = 0;
      for (const [actor, id] of [
        [{ ...cw, agencyId: randomUUID() }, requestId],
        [cw, randomUUID()],
        [cw, requestId],
      ] as const) {
        expect((await problem(sut.accept(actor, id))).status).toBe(404);
      }
      expect(cases.created).toHaveLength(0);
      expect(repo.claimed).toHaveLength(4);
    });

    it('if the case store refuses, the request stays pending with its shared fields', async () => {
      cases.refuse = new DomainException(403, 'forbidden', 'no');
      expect((await problem(sut.accept(cw, requestId))).status).toBe(403);
      expect(repo.assistance.get(requestId)).toMatchObject({ record: { status: 'pending', caseId: null }, shared });
      expect(audit.last()).toMatchObject({ action: 'sea.assistance.accept', outcome: 'denied', inTransaction: false });
    });
  });
});
