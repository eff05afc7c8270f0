import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { User } from '@amani/auth';
import { SeaComplaint } from './sea-complaint.entity';

/** A focal point's internal note: never shown to the complainant; encrypted under the complaint key. */
@Entity({ name: 'sea_complaint_notes' })
@Index('sea_complaint_notes_complaint_created_idx', ['complaintId', 'createdAt'])
export class SeaComplaintNote {
  @PrimaryColumn({ type: 'uuid' })
  id: string;

  @Column({ name: 'complaint_id', type: 'uuid' })
  complaintId: string;

  @ManyToOne(() => SeaComplaint, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'complaint_id', foreignKeyConstraintName: 'sea_complaint_notes_complaint_id_fkey' })
  complaint?: SeaComplaint;

  @Column({ name: 'author_id', type: 'uuid' })
  authorId: string;

  @ManyToOne(() => User, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'author_id', foreignKeyConstraintName: 'sea_complaint_notes_author_id_fkey' })
  author?: User;

  @Column({ type: 'bytea' })
  body: Buffer;

  /** Staff time, not the complainant's. */
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
