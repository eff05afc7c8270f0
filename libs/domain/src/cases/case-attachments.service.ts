import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@amani/database';
import { cleanAttachment, neutraliseFileName } from '@amani/domain/attachments';
import type { CaseActor } from './case-actor';
import { CaseAttachmentsRepository } from './case-attachments.repository';
import { CaseAuditor, CaseAuditTarget } from './case-auditor';
import { CaseForbiddenProblem, RecordNotVisibleError } from './case-errors';
import type { AttachmentView } from './case-views';

export { ATTACHMENT_CHUNK_BYTES } from './case-attachments.repository';

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
 * Documents and photos of a case. Content is cleaned (see attachment-content), then stored by
 * CaseAttachmentsRepository in chunks sealed under the case key, bound to the attachment, the
 * chunk's position and the chunk count, so chunks cannot be swapped, reordered or dropped
 * without the download failing. Nothing touches the disk in clear: the upload is held in
 * memory (bounded by ATTACHMENT_MAX_BYTES) and written in one transaction.
 */
@Injectable()
export class CaseAttachmentsService {
  constructor(
    private readonly tx: TransactionHost,
    private readonly repo: CaseAttachmentsRepository,
    private readonly auditor: CaseAuditor,
  ) {}

  add(actor: CaseActor, caseId: string, upload: AttachmentUpload): Promise<AttachmentView> {
    const target: CaseAuditTarget = { action: 'case.attachment.create', targetType: 'case', targetId: caseId };
    return this.auditor.run(actor, target, async () => {
      // Refuse an out-of-scope case before spending CPU on the image.
      await this.repo.loadCaseInScope(actor, caseId);
      const { mediaType, content } = await cleanAttachment(upload.content);
      const fileName = neutraliseFileName(upload.originalName) || 'attachment';
      return this.tx.run(async (em) => {
        const c = await this.repo.loadCaseInScope(actor, caseId);
        const view = await this.repo.insert(c, { uploadedBy: actor.id, mediaType, content, fileName });
        await this.auditor.success(actor, { ...target, targetType: 'case_attachment', targetId: view.id }, { case: caseId, format: mediaType.split('/')[1] }, em);
        return view;
      });
    });
  }

  list(actor: CaseActor, caseId: string): Promise<AttachmentView[]> {
    const target: CaseAuditTarget = { action: 'case.attachment.list', targetType: 'case', targetId: caseId };
    return this.auditor.run(actor, target, async () => {
      const c = await this.repo.loadCaseInScope(actor, caseId);
      const items = await this.repo.list(c);
      await this.auditor.success(actor, target, { count: items.length });
      return items;
    });
  }

  download(actor: CaseActor, caseId: string, attachmentId: string): Promise<AttachmentDownload> {
    // Refusals are audited against the case; the success names the attachment.
    const target: CaseAuditTarget = { action: 'case.attachment.download', targetType: 'case', targetId: caseId };
    return this.auditor.run(actor, target, async () => {
      const c = await this.repo.loadCaseInScope(actor, caseId);
      const row = await this.repo.find(caseId, attachmentId);
      if (!row) throw new RecordNotVisibleError('not_found', 'attachment');
      const view = await this.repo.open(c, row);
      await this.auditor.success(actor, { ...target, targetType: 'case_attachment', targetId: attachmentId }, { case: caseId });
      return { view, chunks: this.repo.readChunks(c, row) };
    });
  }

  remove(actor: CaseActor, caseId: string, attachmentId: string): Promise<void> {
    const target: CaseAuditTarget = { action: 'case.attachment.delete', targetType: 'case', targetId: caseId };
    return this.auditor.run(actor, target, () =>
      this.tx.run(async (em) => {
        await this.repo.loadCaseInScope(actor, caseId);
        const row = await this.repo.find(caseId, attachmentId);
        if (!row) throw new RecordNotVisibleError('not_found', 'attachment');
        if (actor.role !== 'supervisor' && row.uploadedBy !== actor.id) {
          throw new CaseForbiddenProblem('attachment_delete_not_allowed', 'Only the person who attached a file or a supervisor may delete it.');
        }
        await this.repo.delete(attachmentId);
        await this.auditor.success(actor, { ...target, targetType: 'case_attachment', targetId: attachmentId }, { case: caseId }, em);
      }),
    );
  }
}
