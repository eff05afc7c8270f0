import { randomUUID } from 'node:crypto';
import { splitIntoChunks } from '@amani/domain/attachments';
import type { CaseActor } from '../case-actor';
import { AttachmentCase, AttachmentRecord, CaseAttachmentsRepository, NewAttachment } from '../case-attachments.repository';
import { CaseShreddedError, RecordNotVisibleError } from '../case-errors';
import type { AttachmentView } from '../case-views';
import { fakeCanSee } from './fake-case-care.repository';

export interface FakeAttachmentCase extends AttachmentCase {
  assignedCaseworkerId: string | null;
  sharedWith: string[];
  /** False once the case key is shredded. */
  keyed: boolean;
}

interface StoredAttachment {
  record: AttachmentRecord;
  fileName: string;
  /** Plaintext chunks as the real repository cuts them. */
  chunks: Buffer[];
  /** Whether a transaction was open when it was written (an interrupted upload then leaves nothing). */
  inTransaction: boolean;
}

/** In-memory attachment store with the case store's scope rules, for unit tests. */
export class FakeCaseAttachmentsRepository implements CaseAttachmentsRepository {
  readonly cases = new Map<string, FakeAttachmentCase>();
  readonly attachments = new Map<string, StoredAttachment>();
  keyOpens = 0;
  private clock = 1_000;

  /** @param inTransaction tells whether a transaction is open (e.g. `() => tx.depth > 0`). */
  constructor(private readonly inTransaction: () => boolean = () => false) {}

  addCase(c: Partial<FakeAttachmentCase> & Pick<FakeAttachmentCase, 'agencyId'>): FakeAttachmentCase {
    const row: FakeAttachmentCase = { id: randomUUID(), assignedCaseworkerId: null, sharedWith: [], keyed: true, ...c };
    this.cases.set(row.id, row);
    return row;
  }

  /** Erases the case as the case store does: its key goes, and with it every attachment. */
  shred(caseId: string): void {
    const c = this.cases.get(caseId);
    if (c) c.keyed = false;
  }

  private key(c: AttachmentCase): void {
    this.keyOpens += 1;
    if (!this.cases.get(c.id)?.keyed) throw new CaseShreddedError();
  }

  loadCaseInScope(actor: CaseActor, caseId: string): Promise<AttachmentCase> {
    const c = this.cases.get(caseId);
    if (!c) return Promise.reject(new RecordNotVisibleError('not_found'));
    if (!fakeCanSee(actor, c)) return Promise.reject(new RecordNotVisibleError('out_of_scope'));
    return Promise.resolve({ id: c.id, agencyId: c.agencyId });
  }

  insert(c: AttachmentCase, a: NewAttachment): Promise<AttachmentView> {
    this.key(c);
    const chunks = splitIntoChunks(a.content).map((piece) => Buffer.from(piece));
    const count = chunks.length;
    const record: AttachmentRecord = {
      id: randomUUID(),
      caseId: c.id,
      uploadedBy: a.uploadedBy,
      mediaType: a.mediaType,
      sizeBytes: a.content.length,
      chunkCount: count,
      createdAt: new Date((this.clock += 1_000)),
    };
    this.attachments.set(record.id, { record, fileName: a.fileName, chunks, inTransaction: this.inTransaction() });
    return Promise.resolve(this.view(record.id));
  }

  list(c: AttachmentCase): Promise<AttachmentView[]> {
    const rows = [...this.attachments.values()].filter((a) => a.record.caseId === c.id).reverse();
    if (rows.length === 0) return Promise.resolve([]);
    this.key(c);
    return Promise.resolve(rows.map((a) => this.view(a.record.id)));
  }

  find(caseId: string, attachmentId: string): Promise<AttachmentRecord | null> {
    const a = this.attachments.get(attachmentId);
    return Promise.resolve(a && a.record.caseId === caseId ? { ...a.record } : null);
  }

  open(c: AttachmentCase, r: AttachmentRecord): Promise<AttachmentView> {
    this.key(c);
    return Promise.resolve(this.view(r.id));
  }

  async *readChunks(c: AttachmentCase, r: AttachmentRecord): AsyncGenerator<Buffer> {
    await Promise.resolve();
    this.key(c);
    const stored = this.attachments.get(r.id);
    for (let seq = 0; seq < r.chunkCount; seq++) {
      const chunk = stored?.chunks[seq];
      if (!chunk) throw new Error('chunk missing');
      yield chunk;
    }
  }

  delete(attachmentId: string): Promise<void> {
    this.attachments.delete(attachmentId);
    return Promise.resolve();
  }

  private view(id: string): AttachmentView {
    const a = this.attachments.get(id)!;
    const r = a.record;
    return { id: r.id, caseId: r.caseId, mediaType: r.mediaType, sizeBytes: r.sizeBytes, fileName: a.fileName, uploadedById: r.uploadedBy, createdAt: r.createdAt };
  }
}
