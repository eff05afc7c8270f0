import { randomUUID } from 'node:crypto';
import { splitIntoChunks } from '@amani/domain/attachments';
import { CleanEvidence, SeaAttachmentsRepository, SeaAttachmentView } from '../sea-attachments.repository';
import type { SeaComplaintKey } from '../sea-complaints.repository';

/** In-memory complaint attachments for unit tests; content opens only under the key it was stored with. */
export class FakeSeaAttachmentsRepository implements SeaAttachmentsRepository {
  readonly stored = new Map<string, { view: SeaAttachmentView; key: Buffer; chunks: Buffer[] }>();

  insert(key: SeaComplaintKey, messageId: string | null, evidence: CleanEvidence, addedOn: string): Promise<SeaAttachmentView> {
    const view: SeaAttachmentView = { id: randomUUID(), complaintId: key.complaintId, messageId, mediaType: evidence.mediaType, sizeBytes: evidence.content.length, addedOn };
    this.stored.set(view.id, { view, key: Buffer.from(key.key), chunks: splitIntoChunks(evidence.content).map((c) => Buffer.from(c)) });
    return Promise.resolve({ ...view });
  }

  list(complaintId: string): Promise<SeaAttachmentView[]> {
    return Promise.resolve([...this.stored.values()].filter((a) => a.view.complaintId === complaintId).map((a) => ({ ...a.view })));
  }

  find(complaintId: string, attachmentId: string): Promise<SeaAttachmentView | null> {
    const a = this.stored.get(attachmentId);
    return Promise.resolve(a && a.view.complaintId === complaintId ? { ...a.view } : null);
  }

  async *readChunks(view: SeaAttachmentView, key: SeaComplaintKey): AsyncGenerator<Buffer> {
    const a = this.stored.get(view.id)!;
    for (const chunk of a.chunks) {
      if (!key.key.equals(a.key)) throw new Error('wrong complaint key');
      await Promise.resolve();
      yield chunk;
    }
  }

  forget(complaintIds: string[]): void {
    for (const [id, a] of this.stored) if (complaintIds.includes(a.view.complaintId)) this.stored.delete(id);
  }
}
