import { randomUUID } from 'node:crypto';
import sharp from 'sharp';
import { FakeAuditService, FakeTransactionHost } from '../testing/unit-fakes';
import type { CaseActor } from './case-actor';
import { ATTACHMENT_CHUNK_BYTES } from './case-attachments.repository';
import { CaseAttachmentsService } from './case-attachments.service';
import { CaseAuditor } from './case-auditor';
import { caseworker, problem, supervisor } from './testing/case-fixtures';
import { FakeAttachmentCase, FakeCaseAttachmentsRepository } from './testing/fake-case-attachments.repository';

const pdf = (size = 64): Buffer => Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(Math.max(0, size - 9), 0x41)]);

async function readAll(chunks: AsyncIterable<Buffer>): Promise<Buffer[]> {
  const out: Buffer[] = [];
  for await (const c of chunks) out.push(c);
  return out;
}

describe('CaseAttachmentsService', () => {
  let tx: FakeTransactionHost;
  let audit: FakeAuditService;
  let repo: FakeCaseAttachmentsRepository;
  let sut: CaseAttachmentsService;
  let cw: CaseActor;
  let colleague: CaseActor;
  let sup: CaseActor;
  let kase: FakeAttachmentCase;

  beforeEach(() => {
    tx = new FakeTransactionHost();
    audit = new FakeAuditService();
    repo = new FakeCaseAttachmentsRepository(() => tx.depth > 0);
    sut = new CaseAttachmentsService(tx.asHost(), repo, new CaseAuditor(audit.asService()));
    const agency = randomUUID();
    cw = caseworker(agency);
    colleague = caseworker(agency);
    sup = supervisor(agency);
    kase = repo.addCase({ agencyId: agency, assignedCaseworkerId: cw.id, sharedWith: [colleague.id] });
  });

  it('stores a PDF as it is, in as many chunks as it needs, in one transaction, and gives it back whole', async () => {
    const content = pdf(2 * ATTACHMENT_CHUNK_BYTES + 10);
    const view = await sut.add(cw, kase.id, { content, originalName: 'C:\\Users\\x\\statement.pdf' });
    expect(view).toMatchObject({ caseId: kase.id, mediaType: 'application/pdf', sizeBytes: content.length, fileName: 'statement.pdf', uploadedById: cw.id });
    const stored = repo.attachments.get(view.id)!;
    expect(stored.record.chunkCount).toBe(3);
    expect(stored.inTransaction).toBe(true);
    expect(tx.runs).toBe(1);
    expect(audit.events.map((e) => [e.action, e.outcome, e.targetType, e.targetId, e.details, e.inTransaction])).toEqual([
      ['case.attachment.create', 'success', 'case_attachment', view.id, { case: kase.id, format: 'pdf' }, true],
    ]);

    const download = await sut.download(colleague, kase.id, view.id);
    expect(download.view).toEqual(view);
    const chunks = await readAll(download.chunks);
    expect(chunks.map((c) => c.length)).toEqual([ATTACHMENT_CHUNK_BYTES, ATTACHMENT_CHUNK_BYTES, 10]);
    expect(Buffer.concat(chunks).equals(content)).toBe(true);
    expect(audit.last()).toMatchObject({ action: 'case.attachment.download', outcome: 'success', targetType: 'case_attachment', targetId: view.id, inTransaction: false });
  });

  it('re-encodes a photo (by its content, whatever its name) and neutralises the file name', async () => {
    const png = await sharp({ create: { width: 4, height: 4, channels: 3, background: '#c00' } })
      .png()
      .withMetadata({ exif: { IFD0: { ImageDescription: 'SENTINEL-EXIF' } } })
      .toBuffer();
    expect(png.includes('SENTINEL-EXIF')).toBe(true);
    const view = await sut.add(cw, kase.id, { content: png, originalName: '../evil\u0007name.txt' });
    expect(view).toMatchObject({ mediaType: 'image/png', fileName: 'evilname.txt' });
    const stored = Buffer.concat(repo.attachments.get(view.id)!.chunks);
    expect(stored.includes('SENTINEL-EXIF')).toBe(false);
    expect((await sut.add(cw, kase.id, { content: pdf(), originalName: '///' })).fileName).toBe('attachment');
  });

  it('refuses another type by its content before any transaction, storing nothing', async () => {
    const e = await problem(sut.add(cw, kase.id, { content: Buffer.from('MZ not a pdf'), originalName: 'photo.jpg' }));
    expect([e.status, e.code]).toEqual([415, 'unsupported_attachment_type']);
    const bad = await problem(sut.add(cw, kase.id, { content: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]), originalName: 'x.png' }));
    expect([bad.status, bad.code]).toEqual([422, 'unreadable_attachment']);
    expect(repo.attachments.size).toBe(0);
    expect(tx.runs).toBe(0);
    expect(audit.events.map((x) => x.action)).toEqual(['case.attachment.create', 'case.attachment.create']);
    expect(audit.events.every((x) => x.outcome !== 'success')).toBe(true);
  });

  it('lists newest first, and without opening the key when there is nothing', async () => {
    expect(await sut.list(sup, kase.id)).toEqual([]);
    expect(repo.keyOpens).toBe(0);
    await sut.add(cw, kase.id, { content: pdf(), originalName: 'a.pdf' });
    await sut.add(cw, kase.id, { content: pdf(), originalName: 'b.pdf' });
    expect((await sut.list(sup, kase.id)).map((a) => a.fileName)).toEqual(['b.pdf', 'a.pdf']);
    expect(audit.last()).toMatchObject({ action: 'case.attachment.list', details: { count: 2 } });
  });

  it('only the uploader or a supervisor deletes', async () => {
    const mine = await sut.add(cw, kase.id, { content: pdf(), originalName: 'a.pdf' });
    const e = await problem(sut.remove(colleague, kase.id, mine.id));
    expect([e.status, e.code]).toEqual([403, 'attachment_delete_not_allowed']);
    expect(repo.attachments.has(mine.id)).toBe(true);
    await sut.remove(cw, kase.id, mine.id);
    const other = await sut.add(colleague, kase.id, { content: pdf(), originalName: 'b.pdf' });
    await sut.remove(sup, kase.id, other.id);
    expect(repo.attachments.size).toBe(0);
    expect(audit.events.filter((x) => x.action === 'case.attachment.delete').map((x) => [x.outcome, x.inTransaction])).toEqual([
      ['failure', false],
      ['success', true],
      ['success', true],
    ]);
  });

  it("another agency's case, a case out of scope and another case's attachment all look missing", async () => {
    const att = await sut.add(cw, kase.id, { content: pdf(), originalName: 'a.pdf' });
    audit.events.length = 0;
    for (const actor of [supervisor(randomUUID()), caseworker(kase.agencyId)]) {
      expect((await problem(sut.list(actor, kase.id))).status).toBe(404);
      expect((await problem(sut.download(actor, kase.id, att.id))).status).toBe(404);
      expect((await problem(sut.remove(actor, kase.id, att.id))).status).toBe(404);
      expect((await problem(sut.add(actor, kase.id, { content: pdf(), originalName: 'x.pdf' }))).status).toBe(404);
    }
    expect(new Set(audit.events.map((x) => `${x.outcome}:${String(x.details?.reason)}`))).toEqual(new Set(['denied:out_of_scope']));
    const other = repo.addCase({ agencyId: kase.agencyId, assignedCaseworkerId: cw.id });
    const e = await problem(sut.download(cw, other.id, att.id));
    expect([e.status, e.message]).toEqual([404, 'The attachment does not exist.']);
    expect(repo.attachments.size).toBe(1);
  });

  it('goes with the case: once its key is shredded nothing opens and nothing is added', async () => {
    const att = await sut.add(cw, kase.id, { content: pdf(), originalName: 'a.pdf' });
    const pending = await sut.download(cw, kase.id, att.id);
    repo.shred(kase.id);
    await expect(readAll(pending.chunks)).rejects.toThrow();
    for (const p of [sut.list(cw, kase.id), sut.download(cw, kase.id, att.id), sut.add(cw, kase.id, { content: pdf(), originalName: 'b.pdf' })]) {
      const e = await problem(p);
      expect([e.status, e.code]).toEqual([410, 'case_shredded']);
    }
    expect(repo.attachments.size).toBe(1);
  });
});
