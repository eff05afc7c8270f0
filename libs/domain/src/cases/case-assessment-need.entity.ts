import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { User } from '@amani/auth';
import { NEED_AREAS, NEED_LEVELS, NeedArea, NeedLevel, sqlIn } from './case-codes';
import { Case } from './case.entity';

/** One area of a survivor assessment: the need level is coded (counted), the notes encrypted. */
@Entity({ name: 'case_assessment_needs' })
@Check('case_assessment_needs_area_check', sqlIn('area', NEED_AREAS))
@Check('case_assessment_needs_level_check', sqlIn('level', NEED_LEVELS))
@Index('case_assessment_needs_case_area_key', ['caseId', 'area'], { unique: true })
export class CaseAssessmentNeed {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'case_id', type: 'uuid' })
  caseId: string;

  @ManyToOne(() => Case, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'case_id', foreignKeyConstraintName: 'case_assessment_needs_case_id_fkey' })
  case?: Case;

  @Column({ name: 'agency_id', type: 'uuid' })
  agencyId: string;

  @Column({ type: 'varchar', length: 16 })
  area: NeedArea;

  @Column({ type: 'varchar', length: 16 })
  level: NeedLevel;

  @Column({ type: 'bytea', nullable: true })
  notes: Buffer | null;

  @Column({ name: 'assessed_by', type: 'uuid' })
  assessedById: string;

  @ManyToOne(() => User, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'assessed_by', foreignKeyConstraintName: 'case_assessment_needs_assessed_by_fkey' })
  assessedBy?: User;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
