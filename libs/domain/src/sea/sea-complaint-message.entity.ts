import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { User } from '@amani/auth';
import { sqlIn } from '@amani/domain/cases';
import { SEA_MESSAGE_AUTHORS, SeaMessageAuthor } from './sea-codes';
import { SeaComplaint } from './sea-complaint.entity';

/** A message between complainant and focal points, encrypted under the complaint key. */
@Entity({ name: 'sea_complaint_messages' })
@Check('sea_complaint_messages_author_check', sqlIn('author', SEA_MESSAGE_AUTHORS))
@Check('sea_complaint_messages_author_id_check', `(author = 'focal_point') = (author_id IS NOT NULL)`)
@Index('sea_complaint_messages_seq_key', ['complaintId', 'seq'], { unique: true })
export class SeaComplaintMessage {
  @PrimaryColumn({ type: 'uuid' })
  id: string;

  @Column({ name: 'complaint_id', type: 'uuid' })
  complaintId: string;

  @ManyToOne(() => SeaComplaint, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'complaint_id', foreignKeyConstraintName: 'sea_complaint_messages_complaint_id_fkey' })
  complaint?: SeaComplaint;

  /** Order within the complaint: messages carry a day, not a time. */
  @Column({ type: 'int' })
  seq: number;

  @Column({ type: 'varchar', length: 16 })
  author: SeaMessageAuthor;

  @Column({ name: 'author_id', type: 'uuid', nullable: true })
  authorId: string | null;

  @ManyToOne(() => User, { onDelete: 'RESTRICT', nullable: true })
  @JoinColumn({ name: 'author_id', foreignKeyConstraintName: 'sea_complaint_messages_author_id_fkey' })
  authorUser?: User | null;

  @Column({ type: 'bytea' })
  body: Buffer;

  @Column({ name: 'sent_on', type: 'date' })
  sentOn: string;
}
