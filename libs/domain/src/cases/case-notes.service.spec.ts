import { randomUUID } from 'node:crypto';
import { CaseNotesService } from './case-notes.service';
import type { CaseDetailView } from './case-views';
import { caseUnitKit, CaseUnitKit, newCase, problem } from './testing/case-unit-kit';

describe('CaseNotesService', () => {
  let k: CaseUnitKit;
  let sut: CaseNotesService;
  let kase: CaseDetailView;

  beforeEach(async () => {
    k = await caseUnitKit();
    sut = new CaseNotesService(k.tx.asHost(), k.vault, k.repo, k.auditor);
    kase = await k.cases.create(k.cwA, newCase());
    k.audit.events.length = 0;
  });

  it('seals the body under the case key, in one transaction, audited with it', async () => {
    const note = await sut.create(k.cwA, kase.id, 'met at the clinic');
    expect(note).toMatchObject({ caseId: kase.id, authorId: k.cwA.id, body: 'met at the clinic' });
    const stored = k.repo.notes[0];
    expect(stored.agencyId).toBe(k.agencyA);
    expect(stored.body.toString('utf8')).not.toContain('clinic');
    expect(k.tx.runs).toBe(1);
    expect(k.audit.events).toEqual([
      expect.objectContaining({ action: 'case.note.create', outcome: 'success', targetType: 'case_note', targetId: note.id, details: { case: kase.id }, inTransaction: true }),
    ]);
  });

  it('lists newest first, paged, decrypted', async () => {
    for (const body of ['one', 'two', 'three']) await sut.create(k.cwA, kase.id, body);
    const page1 = await sut.list(k.supA, kase.id, 1, 2);
    expect(page1).toMatchObject({ page: 1, pageSize: 2, total: 3 });
    expect(page1.items.map((n) => n.body)).toEqual(['three', 'two']);
    expect((await sut.list(k.supA, kase.id, 2, 2)).items.map((n) => n.body)).toEqual(['one']);
    expect(k.audit.last()).toMatchObject({ action: 'case.note.list', outcome: 'success', details: { count: 1 } });
  });

  it('notes may still be added to a closed case', async () => {
    await k.cases.changeStage(k.supA, kase.id, { version: 1, to: 'closed', closureReason: 'needs_met' });
    expect((await sut.create(k.cwA, kase.id, 'follow-up call')).body).toBe('follow-up call');
  });

  it("another agency's case, or a case out of scope, looks missing and nothing is written", async () => {
    for (const actor of [k.supB, k.otherCwA]) {
      expect((await problem(sut.create(actor, kase.id, 'x'))).status).toBe(404);
      expect((await problem(sut.list(actor, kase.id, 1, 10))).status).toBe(404);
    }
    expect((await problem(sut.create(k.supA, randomUUID(), 'x'))).status).toBe(404);
    expect(k.repo.notes).toEqual([]);
    expect(k.audit.actions()).toEqual(['case.note.create:denied', 'case.note.list:denied', 'case.note.create:denied', 'case.note.list:denied', 'case.note.create:failure']);
  });

  it('a shredded case takes no note (410)', async () => {
    k.repo.shred(kase.id);
    expect((await problem(sut.create(k.cwA, kase.id, 'x'))).status).toBe(410);
    expect(k.repo.notes).toEqual([]);
  });
});
