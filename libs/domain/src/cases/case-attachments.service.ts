import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { TransactionHost } from '@amani/database';
import { cleanAttachment } from './attachment-content';
import { CaseAttachment, CaseAttachmentChunk } from './case-attachment.entity';
import type { CaseActor } from './case-actor';
import { CaseAuditor, CaseAuditTarget } from './case-auditor';
import type { AttachmentMediaType } from './case-codes';
import { CaseForbiddenProblem, RecordNotVisibleError } from './case-errors';
import { CaseScope } from './case-scope';
import { CaseKeyHandle, CaseVault } from './case-vault';
import type { AttachmentView } from './case-views';

/** Plaintext bytes per encrypted chunk: small enough to stream, large enough to keep rows few. */
export const ATTACHMENT_CHUNK_BYTES = 256 * 1024;

const FILE_NAME_MAX = 255;

export interface AttachmentUpload {
  content: Buffer;
  /** As the client sent it; stored encrypted, shown back to the case team only. */
  originalName: string;
}

/** A download, authorised and audited; `chunks` opens the case key only while it is read. */
export interface AttachmentDownload {
  view: AttachmentView;
  chunks: AsyncIterable<Buffer>;
}

/**
 * Documents and photos of a case. Content is cleaned (see attachment-content), split into
 * chunks and each chunk sealed under the case key with associated data naming the attachment,
 * the chunk's position and the chunk count, so chunks cannot be swapped, reordered or dropped
 * without the download failing. Nothing touches the disk in clear: the upload is held in
 * memory (bounded by ATTACHMENT_MAX_BYTES) and written in one transaction.
 */
@Injectable()
export class CaseAttachmentsService {
  constructor(
    private readonly tx: TransactionHost,
    private readonly vault: CaseVault,
    private readonly scope: CaseScope,
    private readonly auditor: CaseAuditor,
  ) {}

  add(actor: CaseActor, caseId: string, upload: AttachmentUpload): Promise<AttachmentView> {
    const id = randomUUID();
    const target: CaseAuditTarget = { action: 'case.attachment.create', targetType: 'case', targetId: caseId };
    return this.auditor.run(actor, target, async () => {
      // Refuse an out-of-scope case before spending CPU on the image.
      await this.scope.load(this.tx.manager, actor, caseId);
      const { mediaType, content } = await cleanAttachment(upload.content);
      const fileName = neutralise(upload.originalName) || 'attachment';
      const count = Math.max(1, Math.ceil(content.length / ATTACHMENT_CHUNK_BYTES));
      return this.tx.run(async (em) => {
        const c = await this.scope.load(em, actor, caseId);
        await this.vault.withKey(em, c, async (key) => {
          await em.insert(CaseAttachment, {
            id,
            caseId,
            agencyId: c.agencyId,
            uploadedBy: actor.id,
            mediaType,
            sizeBytes: content.length,
            chunkCount: count,
            fileName: this.vault.seal(key, 'case_attachments', 'file_name', id, fileName),
          });
          for (let seq = 0; seq < count; seq++) {
            const piece = content.subarray(seq * ATTACHMENT_CHUNK_BYTES, (seq + 1) * ATTACHMENT_CHUNK_BYTES);
            await em.insert(CaseAttachmentChunk, { attachmentId: id, seq, data: this.sealChunk(key, id, seq, count, piece) });
          }
        });
        const saved = await em.findOneByOrFail(CaseAttachment, { id });
        await this.auditor.success(actor, { ...target, targetType: 'case_attachment', targetId: id }, { case: caseId, format: mediaType.split('/')[1] }, em);
        return { id, caseId, mediaType, sizeBytes: content.length, fileName, uploadedById: actor.id, createdAt: saved.createdAt };
      });
    });
  }

  list(actor: CaseActor, caseId: string): Promise<AttachmentView[]> {
    const target: CaseAuditTarget = { action: 'case.attachment.list', targetType: 'case', targetId: caseId };
    return this.auditor.run(actor, target, async () => {
      const em = this.tx.manager;
      const c = await this.scope.load(em, actor, caseId);
      const rows = await em.find(CaseAttachment, { where: { caseId }, order: { createdAt: 'DESC', id: 'DESC' } });
      const items = rows.length === 0 ? [] : await this.vault.withKey(em, c, (key) => rows.map((r) => this.view(key, r)));
      await this.auditor.success(actor, target, { count: items.length });
      return items;
    });
  }

  download(actor: CaseActor, caseId: string, attachmentId: string): Promise<AttachmentDownload> {
    // Refusals are audited against the case; the success names the attachment.
    const target: CaseAuditTarget = { action: 'case.attachment.download', targetType: 'case', targetId: caseId };
    return this.auditor.run(actor, target, async () => {
      const em = this.tx.manager;
      const c = await this.scope.load(em, actor, caseId);
      const row = await this.loadAttachment(em, caseId, attachmentId);
      const view = await this.vault.withKey(em, c, (key) => this.view(key, row));
      await this.auditor.success(actor, { ...target, targetType: 'case_attachment', targetId: attachmentId }, { case: caseId });
      return { view, chunks: this.readChunks(c, row) };
    });
  }

  remove(actor: CaseActor, caseId: string, attachmentId: string): Promise<void> {
    const target: CaseAuditTarget = { action: 'case.attachment.delete', targetType: 'case', targetId: caseId };
    return this.auditor.run(actor, target, () =>
      this.tx.run(async (em) => {
        await this.scope.load(em, actor, caseId);
        const row = await this.loadAttachment(em, caseId, attachmentId);
        if (actor.role !== 'supervisor' && row.uploadedBy !== actor.id) {
          throw new CaseForbiddenProblem('attachment_delete_not_allowed', 'Only the person who attached a file or a supervisor may delete it.');
        }
        await em.delete(CaseAttachment, { id: attachmentId }); // chunks cascade
        await this.auditor.success(actor, { ...target, targetType: 'case_attachment', targetId: attachmentId }, { case: caseId }, em);
      }),
    );
  }

  private async loadAttachment(em: EntityManager, caseId: string, attachmentId: string): Promise<CaseAttachment> {
    const row = await em.findOne(CaseAttachment, { where: { id: attachmentId, caseId } });
    if (!row) throw new RecordNotVisibleError('not_found', 'attachment');
    return row;
  }

  /** Reads one chunk at a time; the key lives only while the stream is consumed. */
  private async *readChunks(c: { id: string; agencyId: string }, row: CaseAttachment): AsyncGenerator<Buffer> {
    const em = this.tx.manager;
    const key = await this.vault.openKey(em, c);
    try {
      for (let seq = 0; seq < row.chunkCount; seq++) {
        const chunk = await em.findOne(CaseAttachmentChunk, { where: { attachmentId: row.id, seq } });
        yield this.vault.openBytes(key, 'case_attachment_chunks', 'data', chunkRowId(row.id, seq, row.chunkCount), chunk?.data ?? null);
      }
    } finally {
      this.vault.dispose(key);
    }
  }

  private sealChunk(key: CaseKeyHandle, id: string, seq: number, count: number, piece: Buffer): Buffer {
    return this.vault.sealBytes(key, 'case_attachment_chunks', 'data', chunkRowId(id, seq, count), piece);
  }

  private view(key: CaseKeyHandle, r: CaseAttachment): AttachmentView {
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

/** Binds a chunk to its attachment, position and the total, so truncation is detected. */
function chunkRowId(id: string, seq: number, count: number): string {
  return `${id}/${seq}/${count}`;
}

/** Keeps the base name only, without control characters, at a bounded length. */
function neutralise(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  // eslint-disable-next-line no-control-regex
  return base.replace(/[\u0000-\u001f\u007f]/g, '').trim().slice(0, FILE_NAME_MAX);
}
