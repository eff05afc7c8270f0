import { Check, Column, Entity, JoinColumn, ManyToOne, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { User } from '@amani/auth';
import { sqlIn } from '@amani/domain/cases';
import { Case } from '@amani/domain/cases';
import { SERVICE_TYPES, ServiceType } from '@amani/auth';
import { SERVICE_OUTCOMES, ServiceOutcome } from './referral-codes';
import { Referral } from './referral.entity';

/**
 * The case's GBVIMS service record: per service type, the latest outcome (`referred` when a
 * referral is made, the provider's outcome when it is completed) and the referral behind it.
 */
@Entity({ name: 'case_service_records' })
@Check('case_service_records_service_type_check', sqlIn('service_type', SERVICE_TYPES))
@Check('case_service_records_outcome_check', sqlIn('outcome', SERVICE_OUTCOMES))
export class CaseServiceRecord {
  @PrimaryColumn({ name: 'case_id', type: 'uuid' })
  caseId: string;

  @ManyToOne(() => Case, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'case_id', foreignKeyConstraintName: 'case_service_records_case_id_fkey' })
  case?: Case;

  @PrimaryColumn({ name: 'service_type', type: 'varchar', length: 32 })
  serviceType: ServiceType;

  @Column({ type: 'varchar', length: 32 })
  outcome: ServiceOutcome;

  @Column({ name: 'referral_id', type: 'uuid', nullable: true })
  referralId: string | null;

  @ManyToOne(() => Referral, { onDelete: 'SET NULL', nullable: true })
  @JoinColumn({ name: 'referral_id', foreignKeyConstraintName: 'case_service_records_referral_id_fkey' })
  referral?: Referral | null;

  @Column({ name: 'updated_by', type: 'uuid' })
  updatedById: string;

  @ManyToOne(() => User, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'updated_by', foreignKeyConstraintName: 'case_service_records_updated_by_fkey' })
  updatedBy?: User;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
