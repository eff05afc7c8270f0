import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { User } from '../../../auth/src/users/user.entity';
import { sqlIn } from '../cases/case-codes';
import { NOTIFICATION_KINDS, NotificationKind } from './referral-codes';
import { Referral } from './referral.entity';

/**
 * A notification to one staff member: a kind and record ids, never content. The unique key
 * makes each notification exactly-once however many workers find the same due referral.
 */
@Entity({ name: 'notifications' })
@Check('notifications_kind_check', sqlIn('kind', NOTIFICATION_KINDS))
@Index('notifications_once_key', ['kind', 'referralId', 'userId'], { unique: true })
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

  @Column({ name: 'referral_id', type: 'uuid' })
  referralId: string;

  @ManyToOne(() => Referral, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'referral_id', foreignKeyConstraintName: 'notifications_referral_id_fkey' })
  referral?: Referral;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'read_at', type: 'timestamptz', nullable: true })
  readAt: Date | null;
}
