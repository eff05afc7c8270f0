import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { TransactionHost } from '@amani/database';
import { AttachmentMediaType, chunkCountOf, readSealedChunks, writeSealedChunks } from '@amani/domain/attachments';
import { SeaComplaintAttachment, SeaComplaintAttachmentChunk } from './sea-complaint-attachment.entity';
import type { SeaComplaintKey } from './sea-complaints.repository';
import { SeaSealer } from './sea-sealed-fields';

/** A complaint's attachment as focal points see it: coded facts only (no file name is kept). */
export interface SeaAttachmentView {
  id: string;
  complaintId: string;
  /** The complainant's follow-up message it came with; null when it came with the report. */
  messageId: string | null;
  mediaType: AttachmentMediaType;
  sizeBytes: number;
  addedOn: string;
}

/** Content already recognised and cleaned (metadata stripped), in clear, in memory only. */
export interface CleanEvidence {
  mediaType: AttachmentMediaType;
  content: Buffer;
}

/**
 * Persistence of complaint attachments. Statements run on the transaction open in the caller's
 * context (TransactionHost.manager): an attachment written with its complaint or message
 * leaves nothing when the use case fails. Content is sealed chunk by chunk under CK
 * (SeaSealer.sealChunk) before it is handed to PostgreSQL.
 */
export abstract class SeaAttachmentsRepository {
  abstract insert(key: SeaComplaintKey, messageId: string | null, evidence: CleanEvidence, addedOn: string): Promise<SeaAttachmentView>;
  /** The report's evidence first, then each message's in conversation order. */
  abstract list(complaintId: string): Promise<SeaAttachmentView[]>;
  abstract find(complaintId: string, attachmentId: string): Promise<SeaAttachmentView | null>;
  /** The content, one chunk at a time; the caller keeps `key` alive until the stream ends. */
  abstract readChunks(a: SeaAttachmentView, key: SeaComplaintKey): AsyncGenerator<Buffer>;
}

@Injectable()
export class TypeOrmSeaAttachmentsRepository extends SeaAttachmentsRepository {
  /** Each view's chunk count, kept beside it (not part of what focal points see). */
  private readonly chunkCounts = new WeakMap<SeaAttachmentView, number>();

  constructor(
    private readonly tx: TransactionHost,
    private readonly sealer: SeaSealer,
  ) {
    super();
  }

  private get em(): EntityManager {
    return this.tx.manager;
  }

  async insert(key: SeaComplaintKey, messageId: string | null, evidence: CleanEvidence, addedOn: string): Promise<SeaAttachmentView> {
    const em = this.em;
    const id = randomUUID();
    const row = {
      id,
      complaintId: key.complaintId,
      messageId,
      mediaType: evidence.mediaType,
      sizeBytes: evidence.content.length,
      chunkCount: chunkCountOf(evidence.content.length),
      addedOn,
    };
    await em.insert(SeaComplaintAttachment, row);
    await writeSealedChunks(
      id,
      evidence.content,
      (rowId, piece) => this.sealer.sealChunk(key.key, rowId, piece),
      async (seq, data) => void (await em.insert(SeaComplaintAttachmentChunk, { attachmentId: id, seq, data })),
    );
    return this.toView(row);
  }

  async list(complaintId: string): Promise<SeaAttachmentView[]> {
    // Rows carry a day, not a time: the report's evidence first, then the messages' in conversation order.
    const rows = await this.em
      .createQueryBuilder(SeaComplaintAttachment, 'a')
      .leftJoin('a.message', 'm')
      .where('a.complaint_id = :complaintId', { complaintId })
      .orderBy('m.seq', 'ASC', 'NULLS FIRST')
      .addOrderBy('a.added_on', 'ASC')
      .addOrderBy('a.id', 'ASC')
      .getMany();
    return rows.map((r) => this.toView(r));
  }

  async find(complaintId: string, attachmentId: string): Promise<SeaAttachmentView | null> {
    const r = await this.em.findOneBy(SeaComplaintAttachment, { id: attachmentId, complaintId });
    return r ? this.toView(r) : null;
  }

  async *readChunks(a: SeaAttachmentView, key: SeaComplaintKey): AsyncGenerator<Buffer> {
    const em = this.em;
    const count = this.chunkCounts.get(a) ?? (await em.findOneByOrFail(SeaComplaintAttachment, { id: a.id })).chunkCount;
    yield* readSealedChunks(
      a.id,
      count,
      async (seq) => (await em.findOneBy(SeaComplaintAttachmentChunk, { attachmentId: a.id, seq }))?.data ?? null,
      (rowId, data) => this.sealer.openChunk(key.key, rowId, data),
    );
  }

  private toView(r: Omit<SeaComplaintAttachment, 'complaint' | 'message'>): SeaAttachmentView {
    const view: SeaAttachmentView = {
      id: r.id,
      complaintId: r.complaintId,
      messageId: r.messageId,
      mediaType: r.mediaType as AttachmentMediaType,
      sizeBytes: r.sizeBytes,
      addedOn: r.addedOn,
    };
    this.chunkCounts.set(view, r.chunkCount);
    return view;
  }
}
