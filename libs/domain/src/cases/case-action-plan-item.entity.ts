import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import { User } from '@amani/auth';
import { SERVICE_TYPES, ServiceType } from '@amani/auth';
import { ACTION_PLAN_STATUSES, ActionPlanStatus, GOAL_STATUSES, GoalStatus, NEED_AREAS, NeedArea, sqlIn } from './case-codes';
import { Case } from './case.entity';

/** One item of a case action plan: the description is encrypted, the service type coded. */
@Entity({ name: 'case_action_plan_items' })
@Check('case_action_plan_items_status_check', sqlIn('status', ACTION_PLAN_STATUSES))
@Check('case_action_plan_items_service_type_check', sqlIn('service_type', SERVICE_TYPES))
@Check('case_action_plan_items_need_area_check', sqlIn('need_area', NEED_AREAS))
@Check('case_action_plan_items_goal_status_check', sqlIn('goal_status', GOAL_STATUSES))
@Index('case_action_plan_items_case_created_idx', ['caseId', 'createdAt'])
export class CaseActionPlanItem {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'case_id', type: 'uuid' })
  caseId: string;

  @ManyToOne(() => Case, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'case_id', foreignKeyConstraintName: 'case_action_plan_items_case_id_fkey' })
  case?: Case;

  @Column({ name: 'agency_id', type: 'uuid' })
  agencyId: string;

  @Column({ name: 'created_by', type: 'uuid' })
  createdById: string;

  @ManyToOne(() => User, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'created_by', foreignKeyConstraintName: 'case_action_plan_items_created_by_fkey' })
  createdBy?: User;

  @Column({ name: 'service_type', type: 'varchar', length: 32, nullable: true })
  serviceType: ServiceType | null;

  @Column({ type: 'varchar', length: 16, default: 'planned' })
  status: ActionPlanStatus;

  /** The assessed need this goal answers. */
  @Column({ name: 'need_area', type: 'varchar', length: 16, nullable: true })
  needArea: NeedArea | null;

  /** Whether the goal was met, once reviewed. */
  @Column({ name: 'goal_status', type: 'varchar', length: 16, nullable: true })
  goalStatus: GoalStatus | null;

  @Column({ name: 'due_date', type: 'date', nullable: true })
  dueDate: string | null;

  @Column({ type: 'bytea' })
  description: Buffer;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;

  @Column({ type: 'int', default: 1 })
  version: number;
}
