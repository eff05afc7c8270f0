import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { User } from '@amani/auth';
import { Referral } from './referral.entity';

/** A short note from the receiving provider back to the referrer: encrypted, append-only. */
@Entity({ name: 'referral_notes' })
@Index('referral_notes_referral_idx', ['referralId', 'createdAt'])
export class ReferralNote {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'referral_id', type: 'uuid' })
  referralId: string;

  @ManyToOne(() => Referral, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'referral_id', foreignKeyConstraintName: 'referral_notes_referral_id_fkey' })
  referral?: Referral;

  @Column({ name: 'author_id', type: 'uuid' })
  authorId: string;

  @ManyToOne(() => User, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'author_id', foreignKeyConstraintName: 'referral_notes_author_id_fkey' })
  author?: User;

  @Column({ name: 'author_agency_id', type: 'uuid' })
  authorAgencyId: string;

  @Column({ type: 'bytea' })
  body: Buffer;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
