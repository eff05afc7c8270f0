import type { AppConfig } from '@amani/config';
import { randomUUID } from 'node:crypto';
import { DomainException } from '@amani/http';
import { fakeLocations } from '../locations/testing/fake-locations.service';
import { FakeAuditService, FakeTransactionHost } from '../testing/unit-fakes';
import type { SeaActor } from './sea-actor';
import { SeaAuditor } from './sea-auditor';
import { ConfirmedCodes, SeaWorkspaceService } from './sea-workspace.service';
import { FakeSeaComplaintsRepository } from './testing/fake-sea-complaints.repository';
import { FakeUnlockedKeys } from './testing/fake-unlocked-keys';
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


const config = { sea: { deadlines: { triageHours: 72, assistanceHours: 120, entityReferralHours: 240 } } } as AppConfig;

const codes: ConfirmedCodes = { category: 'sexual_exploitation', entityType: 'implementing_partner', victimSex: 'female', victimAgeBand: '18_25', dateBand: 'last_month', regionCode: 'SO-AW' };

describe('SeaWorkspaceService', () => {
  let tx: FakeTransactionHost;
  let audit: FakeAuditService;
  let repo: FakeSeaComplaintsRepository;
  let sut: SeaWorkspaceService;
  let fp: SeaActor;
  let colleague: SeaActor;

  beforeEach(() => {
    tx = new FakeTransactionHost();
    audit = new FakeAuditService();
    repo = new FakeSeaComplaintsRepository();
    sut = new SeaWorkspaceService(tx.asHost(), repo, new FakeUnlockedKeys().asService(), new SeaAuditor(audit.asService()), fakeLocations(), new FakeSeaInvestigationRepository(repo), config);
    fp = { id: randomUUID(), role: 'psea_focal_point', agencyId: null, sessionId: randomUUID(), requestId: null };
    colleague = { ...fp, id: randomUUID(), sessionId: randomUUID() };
  });

  it('every focal point sees the coded list, with whether they hold each key; shredded ones are gone', async () => {
    const a = repo.addComplaint();
    repo.addComplaint({ shreddedOn: '2026-01-01' });
    repo.grant(a.id, fp.id);
    expect((await sut.list(fp, { page: 1, pageSize: 10 })).items.map((c) => [c.id, c.hasAccess])).toEqual([[a.id, true]]);
    expect((await sut.list(colleague, { page: 1, pageSize: 10 })).items.map((c) => c.hasAccess)).toEqual([false]);
    expect(audit.last()).toMatchObject({ action: 'sea.complaint.list', outcome: 'success', details: { count: 1 } });
  });

  it('lists overdue complaints first, oldest first among them, each with the deadlines it missed', async () => {
    const now = new Date('2026-11-20T12:00:00Z');
    const fresh = repo.addComplaint({ receivedOn: '2026-11-19', wantsAssistance: false });
    const triageLate = repo.addComplaint({ receivedOn: '2026-11-16', wantsAssistance: false });
    const referralLate = repo.addComplaint({ receivedOn: '2026-11-05', status: 'assessment', wantsAssistance: true });
    repo.assistance.set('a', { record: { id: 'a', complaintId: referralLate.id } as never, shared: null });
    const closedOld = repo.addComplaint({ receivedOn: '2026-10-01', status: 'closed' });
    const page = await sut.list(fp, { page: 1, pageSize: 10 }, now);
    expect(page.items.map((c) => [c.id, c.overdue])).toEqual([
      [referralLate.id, ['entity_referral']],
      [triageLate.id, ['triage']],
      [fresh.id, []],
      [closedOld.id, []],
    ]);
    // Paging keeps the order: the second page starts after the overdue ones.
    expect((await sut.list(fp, { page: 2, pageSize: 2 }, now)).items.map((c) => c.id)).toEqual([fresh.id, closedOld.id]);
  });

  describe('content', () => {
    it('opens with a grant and the unlocked key, wipes both keys afterwards, and audits the read', async () => {
      const c = repo.addComplaint({}, 'Narrative', 'Call the centre');
      repo.grant(c.id, fp.id);
      const view = await sut.get(fp, c.id, 'unlock');
      expect(view).toMatchObject({ id: c.id, narrative: 'Narrative', contact: 'Call the centre', messages: [], notes: [], assistance: [], entityReferral: null, victims: [], hasAccess: true });
      expect(repo.openKeys).toBe(0);
      expect(repo.wipedPrivateKeys).toBe(1);
      expect(audit.last()).toMatchObject({ action: 'sea.complaint.read', outcome: 'success' });
    });

    it('without a grant: 403 sea_not_granted, audited as denied; a locked key: 423', async () => {
      const c = repo.addComplaint();
      const e = await problem(sut.get(colleague, c.id, 'unlock'));
      expect([e.status, e.code]).toEqual([403, 'sea_not_granted']);
      expect(audit.last()).toMatchObject({ outcome: 'denied', details: { reason: 'sea_not_granted' } });
      repo.grant(c.id, colleague.id);
      expect((await problem(sut.get(colleague, c.id, 'wrong'))).status).toBe(423);
      expect((await problem(sut.get(colleague, c.id, undefined))).status).toBe(423);
    });

    it('a missing complaint is 404, a shredded one 410', async () => {
      expect((await problem(sut.get(fp, randomUUID(), 'unlock'))).status).toBe(404);
      const gone = repo.addComplaint({ shreddedOn: '2026-01-01' });
      repo.grant(gone.id, fp.id);
      expect((await problem(sut.reply(fp, gone.id, 'unlock', 'hi'))).code).toBe('complaint_shredded');
    });

    it('a reply joins the conversation in order, in one transaction, audited with it', async () => {
      const c = repo.addComplaint();
      repo.grant(c.id, fp.id);
      const first = await sut.reply(fp, c.id, 'unlock', 'We received it');
      const second = await sut.reply(fp, c.id, 'unlock', 'Any news?');
      expect([first.seq, second.seq, second.from, second.authorId]).toEqual([1, 2, 'focal_point', fp.id]);
      expect(audit.events.map((e) => [e.action, e.outcome, e.inTransaction])).toEqual([
        ['sea.complaint.message', 'success', true],
        ['sea.complaint.message', 'success', true],
      ]);
      expect(tx.maxDepth).toBe(1);
      expect((await sut.get(fp, c.id, 'unlock')).messages.map((m) => m.body)).toEqual(['We received it', 'Any news?']);
    });

    it('no reply once the complainant asked for no further messages (409), and the list shows it', async () => {
      const c = repo.addComplaint({ messagesDeclinedOn: '2026-11-03' });
      repo.grant(c.id, fp.id);
      const e = await problem(sut.reply(fp, c.id, 'unlock', 'Hello'));
      expect([e.status, e.code]).toEqual([409, 'messages_declined']);
      expect(repo.messagesOf.get(c.id)).toBeUndefined();
      expect((await sut.list(fp, { page: 1, pageSize: 10 })).items[0]).toMatchObject({ messagesDeclinedOn: '2026-11-03', channel: 'web' });
    });

    it('a reply or note without the key writes nothing', async () => {
      const c = repo.addComplaint();
      repo.grant(c.id, fp.id);
      expect((await problem(sut.reply(fp, c.id, 'nope', 'x'))).status).toBe(423);
      expect((await problem(sut.addNote(colleague, c.id, 'unlock', 'x'))).status).toBe(403);
      expect(repo.messagesOf.size + repo.notesOf.size).toBe(0);
      expect(audit.events.every((e) => !e.inTransaction && e.outcome === 'denied')).toBe(true);
    });

    it('a note is kept and read back', async () => {
      const c = repo.addComplaint();
      repo.grant(c.id, fp.id);
      const note = await sut.addNote(fp, c.id, 'unlock', 'Triage note');
      expect(note).toMatchObject({ authorId: fp.id, body: 'Triage note' });
      expect((await sut.get(fp, c.id, 'unlock')).notes.map((n) => n.body)).toEqual(['Triage note']);
    });
  });

  describe('status', () => {
    it('assessing a received complaint needs its codes confirmed; the corrected fields are audited by name', async () => {
      const c = repo.addComplaint();
      repo.grant(c.id, fp.id);
      const e = await problem(sut.changeStatus(fp, c.id, 'assessment'));
      expect([e.status, e.code, e.errors?.[0].field]).toEqual([422, 'coded_fields_unconfirmed', 'coded']);
      const view = await sut.changeStatus(fp, c.id, 'assessment', undefined, codes);
      expect(view).toMatchObject({ status: 'assessment', category: 'sexual_exploitation', regionCode: 'SO-AW', codedConfirmedOn: expect.any(String) });
      expect(audit.last()).toMatchObject({ action: 'sea.complaint.status', details: { from: 'received', to: 'assessment', codesConfirmed: true, corrected: 'category:regionCode' }, inTransaction: true });
    });

    it('follows the status machine (422 otherwise) and needs only a grant, not the key', async () => {
      const c = repo.addComplaint({ status: 'assessment' });
      repo.grant(c.id, fp.id);
      expect((await problem(sut.changeStatus(fp, c.id, 'received'))).code).toBe('status_transition_not_allowed');
      expect((await sut.changeStatus(fp, c.id, 'referred_for_investigation', 'under_investigation')).outcome).toBe('under_investigation');
      expect((await sut.changeStatus(fp, c.id, 'closed')).status).toBe('closed');
      expect((await problem(sut.changeStatus(fp, c.id, 'assessment'))).status).toBe(422);
      expect((await problem(sut.changeStatus(colleague, c.id, 'closed'))).status).toBe(403);
    });

    it('a concurrent change is a 409 stale_status', async () => {
      const c = repo.addComplaint({ status: 'assessment' });
      repo.grant(c.id, fp.id);
      const original = repo.changeStatus.bind(repo);
      repo.changeStatus = async (id, _from, change) => {
        await original(id, 'assessment', { ...change, status: 'closed' });
        return false;
      };
      expect((await problem(sut.changeStatus(fp, c.id, 'closed'))).code).toBe('stale_status');
    });

    it('the outcome needs a grant', async () => {
      const c = repo.addComplaint({ status: 'assessment' });
      repo.grant(c.id, fp.id);
      expect((await sut.setOutcome(fp, c.id, 'substantiated')).outcome).toBe('substantiated');
      expect((await problem(sut.setOutcome(colleague, c.id, 'unsubstantiated'))).status).toBe(403);
      expect(repo.complaints.get(c.id)!.record.outcome).toBe('substantiated');
    });
  });
});
