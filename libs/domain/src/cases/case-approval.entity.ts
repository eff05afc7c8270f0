import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { User } from '@amani/auth';
import { APPROVAL_KINDS, APPROVAL_STATUSES, ApprovalKind, ApprovalStatus, CLOSURE_REASONS, ClosureReason, sqlIn } from './case-codes';
import { Case } from './case.entity';

/**
 * A request for a supervisor's approval of a case-management step, and its decision. Kind,
 * status and closure reason are coded; both comments are encrypted under the case key.
 */
@Entity({ name: 'case_approvals' })
@Check('case_approvals_kind_check', sqlIn('kind', APPROVAL_KINDS))
@Check('case_approvals_status_check', sqlIn('status', APPROVAL_STATUSES))
@Check('case_approvals_closure_reason_check', sqlIn('closure_reason', CLOSURE_REASONS))
@Check('case_approvals_closure_check', `(kind = 'closure') = (closure_reason IS NOT NULL)`)
@Check('case_approvals_decision_check', `(status = 'pending') = (decided_by IS NULL AND decided_at IS NULL)`)
@Index('case_approvals_pending_key', ['caseId', 'kind'], { unique: true, where: `status = 'pending'` })
@Index('case_approvals_agency_status_idx', ['agencyId', 'status', 'requestedAt'])
@Index('case_approvals_case_idx', ['caseId', 'requestedAt'])
export class CaseApproval {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'case_id', type: 'uuid' })
  caseId: string;

  @ManyToOne(() => Case, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'case_id', foreignKeyConstraintName: 'case_approvals_case_id_fkey' })
  case?: Case;

  @Column({ name: 'agency_id', type: 'uuid' })
  agencyId: string;

  @Column({ type: 'varchar', length: 16 })
  kind: ApprovalKind;

  @Column({ type: 'varchar', length: 16, default: 'pending' })
  status: ApprovalStatus;

  @Column({ name: 'closure_reason', type: 'varchar', length: 32, nullable: true })
  closureReason: ClosureReason | null;

  @Column({ name: 'request_comment', type: 'bytea', nullable: true })
  requestComment: Buffer | null;

  @Column({ name: 'requested_by', type: 'uuid' })
  requestedById: string;

  @ManyToOne(() => User, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'requested_by', foreignKeyConstraintName: 'case_approvals_requested_by_fkey' })
  requestedBy?: User;

  @CreateDateColumn({ name: 'requested_at', type: 'timestamptz' })
  requestedAt: Date;

  @Column({ name: 'decided_by', type: 'uuid', nullable: true })
  decidedById: string | null;

  @ManyToOne(() => User, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'decided_by', foreignKeyConstraintName: 'case_approvals_decided_by_fkey' })
  decidedBy?: User;

  @Column({ name: 'decided_at', type: 'timestamptz', nullable: true })
  decidedAt: Date | null;

  @Column({ name: 'decision_comment', type: 'bytea', nullable: true })
  decisionComment: Buffer | null;

  @Column({ type: 'int', default: 1 })
  version: number;
}
