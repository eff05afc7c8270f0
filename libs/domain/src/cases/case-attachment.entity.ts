import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { User } from '@amani/auth';
import { Case } from './case.entity';

/**
 * A document or photo of a case. Only the coded type, size and chunk count are plain; the
 * original file name and every byte of content are encrypted under the case key, in chunks
 * (case_attachment_chunks). Deleting the case (or its key) shreds them with it.
 */
@Entity({ name: 'case_attachments' })
@Check('case_attachments_media_type_check', `media_type IN ('image/jpeg','image/png','application/pdf')`)
@Check('case_attachments_size_check', `size_bytes > 0 AND chunk_count > 0`)
@Index('case_attachments_case_created_idx', ['caseId', 'createdAt'])
export class CaseAttachment {
  @PrimaryColumn({ type: 'uuid' })
  id: string;

  @Column({ name: 'case_id', type: 'uuid' })
  caseId: string;

  @ManyToOne(() => Case, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'case_id', foreignKeyConstraintName: 'case_attachments_case_id_fkey' })
  case?: Case;

  @Column({ name: 'agency_id', type: 'uuid' })
  agencyId: string;

  @Column({ name: 'uploaded_by', type: 'uuid' })
  uploadedBy: string;

  @ManyToOne(() => User, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'uploaded_by', foreignKeyConstraintName: 'case_attachments_uploaded_by_fkey' })
  uploader?: User;

  /** One of ATTACHMENT_MEDIA_TYPES, as recognised from the content. */
  @Column({ name: 'media_type', type: 'varchar', length: 32 })
  mediaType: string;

  /** Size of the stored (cleaned) content in bytes. */
  @Column({ name: 'size_bytes', type: 'int' })
  sizeBytes: number;

  @Column({ name: 'chunk_count', type: 'int' })
  chunkCount: number;

  /** The name the uploader's device gave the file: encrypted, never sent as a download name. */
  @Column({ name: 'file_name', type: 'bytea' })
  fileName: Buffer;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}

/** One encrypted piece of an attachment; its associated data binds attachment, position and count. */
@Entity({ name: 'case_attachment_chunks' })
export class CaseAttachmentChunk {
  @PrimaryColumn({ name: 'attachment_id', type: 'uuid' })
  attachmentId: string;

  @PrimaryColumn({ type: 'int' })
  seq: number;

  @ManyToOne(() => CaseAttachment, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'attachment_id', foreignKeyConstraintName: 'case_attachment_chunks_attachment_id_fkey' })
  attachment?: CaseAttachment;

  @Column({ type: 'bytea' })
  data: Buffer;
}
