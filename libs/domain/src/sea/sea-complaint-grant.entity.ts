import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { User } from '@amani/auth';
import { SeaComplaint } from './sea-complaint.entity';

/** The complaint key sealed (crypto_box_seal) to one focal point's public key. */
@Entity({ name: 'sea_complaint_grants' })
export class SeaComplaintGrant {
  @PrimaryColumn({ name: 'complaint_id', type: 'uuid' })
  complaintId: string;

  @ManyToOne(() => SeaComplaint, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'complaint_id', foreignKeyConstraintName: 'sea_complaint_grants_complaint_id_fkey' })
  complaint?: SeaComplaint;

  @Index('sea_complaint_grants_user_idx')
  @PrimaryColumn({ name: 'user_id', type: 'uuid' })
  userId: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'sea_complaint_grants_user_id_fkey' })
  user?: User;

  @Column({ name: 'sealed_key', type: 'bytea' })
  sealedKey: Buffer;

  /** The focal point who re-sealed the key; null when sealed at intake. */
  @Column({ name: 'granted_by', type: 'uuid', nullable: true })
  grantedBy: string | null;

  @ManyToOne(() => User, { onDelete: 'RESTRICT', nullable: true })
  @JoinColumn({ name: 'granted_by', foreignKeyConstraintName: 'sea_complaint_grants_granted_by_fkey' })
  granter?: User | null;

  /** Day only: a grant sealed at intake must not date the complaint more finely. */
  @Column({ name: 'granted_on', type: 'date' })
  grantedOn: string;
}
