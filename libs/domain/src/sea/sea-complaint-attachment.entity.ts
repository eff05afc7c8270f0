import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { ATTACHMENT_MEDIA_TYPES } from '@amani/domain/attachments';
import { sqlIn } from '@amani/domain/cases';
import { SeaComplaintMessage } from './sea-complaint-message.entity';
import { SeaComplaint } from './sea-complaint.entity';

/**
 * Evidence a complainant attached to their complaint or to one of their follow-up messages.
 * Plain: the type recognised from the content, the size, the chunk count and the day (never a
 * time, like every SEA row a complainant writes). The content is in
 * sea_complaint_attachment_chunks, sealed under the complaint key; no file name is kept (a
 * device's names say who or where). Shredding the complaint deletes both.
 */
@Entity({ name: 'sea_complaint_attachments' })
@Check('sea_complaint_attachments_media_type_check', sqlIn('media_type', ATTACHMENT_MEDIA_TYPES))
@Check('sea_complaint_attachments_size_check', `size_bytes > 0 AND chunk_count > 0`)
@Index('sea_complaint_attachments_complaint_idx', ['complaintId', 'addedOn'])
export class SeaComplaintAttachment {
  @PrimaryColumn({ type: 'uuid' })
  id: string;

  @Column({ name: 'complaint_id', type: 'uuid' })
  complaintId: string;

  @ManyToOne(() => SeaComplaint, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'complaint_id', foreignKeyConstraintName: 'sea_complaint_attachments_complaint_id_fkey' })
  complaint?: SeaComplaint;

  /** The complainant's follow-up message it came with; null when it came with the report. */
  @Column({ name: 'message_id', type: 'uuid', nullable: true })
  messageId: string | null;

  @ManyToOne(() => SeaComplaintMessage, { onDelete: 'CASCADE', nullable: true })
  @JoinColumn({ name: 'message_id', foreignKeyConstraintName: 'sea_complaint_attachments_message_id_fkey' })
  message?: SeaComplaintMessage | null;

  @Column({ name: 'media_type', type: 'varchar', length: 32 })
  mediaType: string;

  /** Size of the stored (cleaned) content in bytes. */
  @Column({ name: 'size_bytes', type: 'int' })
  sizeBytes: number;

  @Column({ name: 'chunk_count', type: 'int' })
  chunkCount: number;

  @Column({ name: 'added_on', type: 'date' })
  addedOn: string;
}

/** One sealed piece of an attachment; its associated data binds attachment, position and count. */
@Entity({ name: 'sea_complaint_attachment_chunks' })
export class SeaComplaintAttachmentChunk {
  @PrimaryColumn({ name: 'attachment_id', type: 'uuid' })
  attachmentId: string;

  @PrimaryColumn({ type: 'int' })
  seq: number;

  @ManyToOne(() => SeaComplaintAttachment, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'attachment_id', foreignKeyConstraintName: 'sea_complaint_attachment_chunks_attachment_id_fkey' })
  attachment?: SeaComplaintAttachment;

  @Column({ type: 'bytea' })
  data: Buffer;
}
