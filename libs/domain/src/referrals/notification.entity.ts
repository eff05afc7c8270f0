import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { User } from '@amani/auth';
import { sqlIn, Case } from '@amani/domain/cases';
import { NOTIFICATION_KINDS, NOTIFICATION_TARGETS, NotificationKind, NotificationTarget } from './referral-codes';
import { Referral } from './referral.entity';

/**
 * A notification to one staff member: a kind and record ids (and, for a digest, a count),
 * never content. The unique key makes each notification exactly-once however many workers
 * find the same missed deadline. The referral and case references only make a notification
 * go with the record it names when that record is erased.
 */
@Entity({ name: 'notifications' })
@Check('notifications_kind_check', sqlIn('kind', NOTIFICATION_KINDS))
@Check('notifications_target_type_check', sqlIn('target_type', NOTIFICATION_TARGETS))
@Index('notifications_once_key', ['kind', 'targetId', 'userId'], { unique: true })
@Index('notifications_user_idx', ['userId', 'createdAt'])
export class Notification {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'notifications_user_id_fkey' })
  user?: User;

  @Column({ type: 'varchar', length: 32 })
  kind: NotificationKind;

  @Column({ name: 'target_type', type: 'varchar', length: 32 })
  targetType: NotificationTarget;

  @Column({ name: 'target_id', type: 'uuid' })
  targetId: string;

  @Column({ name: 'referral_id', type: 'uuid', nullable: true })
  referralId: string | null;

  @ManyToOne(() => Referral, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'referral_id', foreignKeyConstraintName: 'notifications_referral_id_fkey' })
  referral?: Referral;

  @Column({ name: 'case_id', type: 'uuid', nullable: true })
  caseId: string | null;

  @ManyToOne(() => Case, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'case_id', foreignKeyConstraintName: 'notifications_case_id_fkey' })
  case?: Case;

  /** A digest's number of unread notifications; null otherwise. */
  @Column({ name: 'item_count', type: 'int', nullable: true })
  itemCount: number | null;

  /** A digest's counts by what they count (the SEA digest: new and overdue complaints); null otherwise. */
  @Column({ type: 'jsonb', nullable: true })
  counts: Record<string, number> | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'read_at', type: 'timestamptz', nullable: true })
  readAt: Date | null;
}
