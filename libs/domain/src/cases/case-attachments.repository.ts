import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { TransactionHost } from '@amani/database';
import type { CaseActor } from './case-actor';
import { CaseAttachment, CaseAttachmentChunk } from './case-attachment.entity';
import { chunkCountOf, readSealedChunks, writeSealedChunks } from '@amani/domain/attachments';
import type { AttachmentMediaType } from './case-codes';
import { CaseScope } from './case-scope';
import { CaseKeyHandle, CaseVault } from './case-vault';
import type { AttachmentView } from './case-views';

export { ATTACHMENT_CHUNK_BYTES } from '@amani/domain/attachments';

/** The case as the attachment rules see it. */
export interface AttachmentCase {
  id: string;
  agencyId: string;
}

/** An attachment's coded columns (the file name stays sealed until opened). */
export interface AttachmentRecord {
  id: string;
  caseId: string;
  uploadedBy: string;
  mediaType: AttachmentMediaType;
  sizeBytes: number;
  chunkCount: number;
  createdAt: Date;
}

export interface NewAttachment {
  uploadedBy: string;
  mediaType: AttachmentMediaType;
  /** Cleaned content, in clear; sealed here chunk by chunk. */
  content: Buffer;
  fileName: string;
}

/**
 * Persistence of a case's attachments and their encrypted chunks. Every statement runs on the
 * transaction open in the caller's async context (TransactionHost.manager), so an upload the
 * service writes in one transaction leaves nothing when it fails half-way. Content is split
 * into ATTACHMENT_CHUNK_BYTES chunks, each sealed under the case key with associated data
 * naming the attachment, the chunk's position and the chunk count (CASE_SEALED_COLUMNS and
 * the transfer's chunk re-sealing use the same binding).
 */
export abstract class CaseAttachmentsRepository {
  /** The case if the actor may see it; else RecordNotVisibleError (not found / out of scope). */
  abstract loadCaseInScope(actor: CaseActor, caseId: string): Promise<AttachmentCase>;
  abstract insert(c: AttachmentCase, attachment: NewAttachment): Promise<AttachmentView>;
  /** Newest first; the case key is opened only when there is something to open. */
  abstract list(c: AttachmentCase): Promise<AttachmentView[]>;
  abstract find(caseId: string, attachmentId: string): Promise<AttachmentRecord | null>;
  /** The attachment's view with its file name opened. */
  abstract open(c: AttachmentCase, r: AttachmentRecord): Promise<AttachmentView>;
  /** The content, one chunk at a time; the key lives only while the stream is consumed. */
  abstract readChunks(c: AttachmentCase, r: AttachmentRecord): AsyncGenerator<Buffer>;
  /** Deletes the attachment and its chunks. */
  abstract delete(attachmentId: string): Promise<void>;
}

@Injectable()
export class TypeOrmCaseAttachmentsRepository extends CaseAttachmentsRepository {
  constructor(
    private readonly tx: TransactionHost,
    private readonly vault: CaseVault,
    private readonly scope: CaseScope,
  ) {
    super();
  }

  /** Each record's sealed file name, kept beside it so opening needs no second read; never handed out. */
  private readonly sealed = new WeakMap<AttachmentRecord, Buffer>();

  private get em(): EntityManager {
    return this.tx.manager;
  }

  loadCaseInScope(actor: CaseActor, caseId: string): Promise<AttachmentCase> {
    return this.scope.load(this.em, actor, caseId);
  }

  async insert(c: AttachmentCase, a: NewAttachment): Promise<AttachmentView> {
    const em = this.em;
    const id = randomUUID();
    const count = chunkCountOf(a.content.length);
    await this.vault.withKey(em, c, async (key) => {
      await em.insert(CaseAttachment, {
        id,
        caseId: c.id,
        agencyId: c.agencyId,
        uploadedBy: a.uploadedBy,
        mediaType: a.mediaType,
        sizeBytes: a.content.length,
        chunkCount: count,
        fileName: this.vault.seal(key, 'case_attachments', 'file_name', id, a.fileName),
      });
      await writeSealedChunks(
        id,
        a.content,
        (rowId, piece) => this.vault.sealBytes(key, 'case_attachment_chunks', 'data', rowId, piece),
        async (seq, data) => void (await em.insert(CaseAttachmentChunk, { attachmentId: id, seq, data })),
      );
    });
    const saved = await em.findOneByOrFail(CaseAttachment, { id });
    return { id, caseId: c.id, mediaType: a.mediaType, sizeBytes: a.content.length, fileName: a.fileName, uploadedById: a.uploadedBy, createdAt: saved.createdAt };
  }

  async list(c: AttachmentCase): Promise<AttachmentView[]> {
    const em = this.em;
    const rows = await em.find(CaseAttachment, { where: { caseId: c.id }, order: { createdAt: 'DESC', id: 'DESC' } });
    return rows.length === 0 ? [] : this.vault.withKey(em, c, (key) => rows.map((r) => this.view(key, r)));
  }

  async find(caseId: string, attachmentId: string): Promise<AttachmentRecord | null> {
    const r = await this.em.findOne(CaseAttachment, { where: { id: attachmentId, caseId } });
    if (!r) return null;
    const record: AttachmentRecord = {
      id: r.id,
      caseId: r.caseId,
      uploadedBy: r.uploadedBy,
      mediaType: r.mediaType as AttachmentMediaType,
      sizeBytes: r.sizeBytes,
      chunkCount: r.chunkCount,
      createdAt: r.createdAt,
    };
    this.sealed.set(record, r.fileName);
    return record;
  }

  async open(c: AttachmentCase, r: AttachmentRecord): Promise<AttachmentView> {
    const em = this.em;
    const fileName = this.sealed.get(r) ?? (await em.findOneByOrFail(CaseAttachment, { id: r.id })).fileName;
    return this.vault.withKey(em, c, (key) => this.view(key, { ...r, fileName }));
  }

  async *readChunks(c: AttachmentCase, r: AttachmentRecord): AsyncGenerator<Buffer> {
    const em = this.em;
    const key = await this.vault.openKey(em, c);
    try {
      yield* readSealedChunks(
        r.id,
        r.chunkCount,
        async (seq) => (await em.findOne(CaseAttachmentChunk, { where: { attachmentId: r.id, seq } }))?.data ?? null,
        (rowId, data) => this.vault.openBytes(key, 'case_attachment_chunks', 'data', rowId, data),
      );
    } finally {
      this.vault.dispose(key);
    }
  }

  async delete(attachmentId: string): Promise<void> {
    await this.em.delete(CaseAttachment, { id: attachmentId }); // chunks cascade
  }

  private view(key: CaseKeyHandle, r: Pick<CaseAttachment, 'id' | 'caseId' | 'mediaType' | 'sizeBytes' | 'fileName' | 'uploadedBy' | 'createdAt'>): AttachmentView {
    return {
      id: r.id,
      caseId: r.caseId,
      mediaType: r.mediaType as AttachmentMediaType,
      sizeBytes: r.sizeBytes,
      fileName: this.vault.open(key, 'case_attachments', 'file_name', r.id, r.fileName),
      uploadedById: r.uploadedBy,
      createdAt: r.createdAt,
    };
  }
}
