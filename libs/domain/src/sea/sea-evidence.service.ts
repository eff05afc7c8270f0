import { Injectable } from '@nestjs/common';
import { NotFoundProblem } from '@amani/http';
import type { SeaActor } from './sea-actor';
import { SeaAttachmentsRepository, SeaAttachmentView } from './sea-attachments.repository';
import { SeaAuditor, SeaAuditTarget } from './sea-auditor';
import { SeaComplaintKey, SeaComplaintsRepository } from './sea-complaints.repository';
import { SeaKeysService } from './sea-keys.service';
import { SeaWorkspaceService } from './sea-workspace.service';

/** An attachment opened for a focal point: `chunks` holds the complaint key only while it is read, and wipes it at the end. */
export interface SeaEvidenceDownload {
  view: SeaAttachmentView;
  chunks: AsyncGenerator<Buffer>;
}

/**
 * Evidence complainants attached, for the focal points (API and console): a list of coded facts
 * (type, size, day, which message) for anyone holding the complaint's grant, and the content,
 * opened with the caller's unlocked key. Both are audited against the complaint.
 */
@Injectable()
export class SeaEvidenceService {
  constructor(
    private readonly workspace: SeaWorkspaceService,
    private readonly complaints: SeaComplaintsRepository,
    private readonly keys: SeaKeysService,
    private readonly attachments: SeaAttachmentsRepository,
    private readonly auditor: SeaAuditor,
  ) {}

  /** Report's evidence first, then the messages' in order; needs the grant, not the unlocked key (no content is opened). */
  list(actor: SeaActor, complaintId: string): Promise<SeaAttachmentView[]> {
    const target: SeaAuditTarget = { action: 'sea.complaint.attachment.list', targetType: 'sea_complaint', targetId: complaintId };
    return this.auditor.run(actor, target, async () => {
      await this.workspace.load(complaintId);
      await this.workspace.requireGrant(actor, complaintId);
      const items = await this.attachments.list(complaintId);
      await this.auditor.success(actor, target, { count: items.length });
      return items;
    });
  }

  /** 404 for an attachment of another complaint, 410 once shredded, 403 without a grant, 423 while the key is locked. */
  open(actor: SeaActor, complaintId: string, attachmentId: string, unlockToken: string | undefined): Promise<SeaEvidenceDownload> {
    const target: SeaAuditTarget = { action: 'sea.complaint.attachment.download', targetType: 'sea_complaint', targetId: complaintId };
    return this.auditor.run(actor, target, async () => {
      await this.workspace.load(complaintId);
      const grant = await this.workspace.requireGrant(actor, complaintId);
      const view = await this.attachments.find(complaintId, attachmentId);
      if (!view) throw new NotFoundProblem('attachment');
      const mine = await this.keys.unlocked(actor, unlockToken);
      const ck = this.complaints.openComplaintKey(grant, complaintId, mine);
      try {
        await this.auditor.success(actor, target, { attachment: attachmentId });
      } catch (e) {
        this.complaints.dispose(ck);
        throw e;
      }
      return { view, chunks: this.stream(view, ck) };
    });
  }

  private async *stream(view: SeaAttachmentView, ck: SeaComplaintKey): AsyncGenerator<Buffer> {
    try {
      yield* this.attachments.readChunks(view, ck);
    } finally {
      this.complaints.dispose(ck);
    }
  }
}
