import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { User } from '@amani/auth';
import { Case } from './case.entity';

/** A case explicitly shared with a colleague of the same agency (need to know). */
@Entity({ name: 'case_shares' })
@Index('case_shares_user_idx', ['userId'])
export class CaseShare {
  @PrimaryColumn({ name: 'case_id', type: 'uuid' })
  caseId: string;

  @ManyToOne(() => Case, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'case_id', foreignKeyConstraintName: 'case_shares_case_id_fkey' })
  case?: Case;

  @PrimaryColumn({ name: 'user_id', type: 'uuid' })
  userId: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'case_shares_user_id_fkey' })
  user?: User;

  @Column({ name: 'shared_by', type: 'uuid' })
  sharedById: string;

  @ManyToOne(() => User, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'shared_by', foreignKeyConstraintName: 'case_shares_shared_by_fkey' })
  sharedBy?: User;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
