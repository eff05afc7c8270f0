import { Column, CreateDateColumn, Entity, JoinColumn, ManyToOne, OneToOne, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { User } from '@amani/auth';
import { Case } from './case.entity';

/**
 * A case's safety plan: risks, safe contacts, safe places and agreed actions are encrypted;
 * only the date the plan was in place is plain, so "safety plan within 7 days" can be counted.
 */
@Entity({ name: 'case_safety_plans' })
export class CaseSafetyPlan {
  @PrimaryColumn({ name: 'case_id', type: 'uuid' })
  caseId: string;

  @OneToOne(() => Case, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'case_id', foreignKeyConstraintName: 'case_safety_plans_case_id_fkey' })
  case?: Case;

  @Column({ name: 'agency_id', type: 'uuid' })
  agencyId: string;

  @Column({ type: 'bytea', nullable: true })
  risks: Buffer | null;

  @Column({ name: 'safe_contacts', type: 'bytea', nullable: true })
  safeContacts: Buffer | null;

  @Column({ name: 'safe_places', type: 'bytea', nullable: true })
  safePlaces: Buffer | null;

  @Column({ name: 'agreed_actions', type: 'bytea', nullable: true })
  agreedActions: Buffer | null;

  @Column({ name: 'in_place_on', type: 'date', nullable: true })
  inPlaceOn: string | null;

  @Column({ name: 'updated_by', type: 'uuid' })
  updatedById: string;

  @ManyToOne(() => User, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'updated_by', foreignKeyConstraintName: 'case_safety_plans_updated_by_fkey' })
  updatedBy?: User;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;

  @Column({ type: 'int', default: 1 })
  version: number;
}
