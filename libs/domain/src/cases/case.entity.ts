import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { User, Agency } from '@amani/auth';
import {
  AGE_BANDS,
  AgeBand,
  CASE_STAGES,
  CaseStage,
  CLOSURE_REASONS,
  ClosureReason,
  DISABILITY_STATUSES,
  DisabilityStatus,
  DISPLACEMENT_STATUSES,
  DisplacementStatus,
  ERASURE_REASONS,
  ErasureReason,
  NATIONALITY_STATUSES,
  NationalityStatus,
  REGION_CODE_SQL_PATTERN,
  SEXES,
  Sex,
  sqlArrayWithin,
  sqlIn,
  Vulnerability,
  VULNERABILITIES,
} from './case-codes';

/**
 * One survivor's case. Coded facts are plain columns (filterable, countable); every
 * identifying or narrative field is a bytea ciphertext under the case's data key, bound by
 * its associated data to (table, column, row id, agency id, key version). Only CaseVault
 * reads or writes those columns.
 */
@Entity({ name: 'cases' })
@Check('cases_stage_check', sqlIn('stage', CASE_STAGES))
@Check('cases_closure_check', `(stage = 'closed') = (closure_reason IS NOT NULL AND closed_at IS NOT NULL)`)
@Check('cases_closure_reason_check', sqlIn('closure_reason', CLOSURE_REASONS))
@Check('cases_sex_check', sqlIn('sex', SEXES))
@Check('cases_age_band_check', sqlIn('age_band', AGE_BANDS))
@Check('cases_nationality_status_check', sqlIn('nationality_status', NATIONALITY_STATUSES))
@Check('cases_displacement_status_check', sqlIn('displacement_status', DISPLACEMENT_STATUSES))
@Check('cases_disability_check', sqlIn('disability', DISABILITY_STATUSES))
@Check('cases_vulnerabilities_check', sqlArrayWithin('vulnerabilities', VULNERABILITIES))
@Check('cases_region_code_check', `region_code ~ '${REGION_CODE_SQL_PATTERN}'`)
@Check('cases_erasure_reason_check', sqlIn('erasure_reason', ERASURE_REASONS))
@Check(
  'cases_erasure_check',
  `(erased_at IS NULL) = (erasure_reason IS NULL) AND (erased_at IS NULL) = (survivor_code_index IS NOT NULL AND survivor_code IS NOT NULL AND survivor_name IS NOT NULL)`,
)
@Index('cases_agency_created_idx', ['agencyId', 'createdAt'])
@Index('cases_closed_at_idx', ['closedAt'], { where: 'closed_at IS NOT NULL' })
export class Case {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'agency_id', type: 'uuid' })
  agencyId: string;

  @ManyToOne(() => Agency, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'agency_id', foreignKeyConstraintName: 'cases_agency_id_fkey' })
  agency?: Agency;

  @Column({ name: 'created_by', type: 'uuid' })
  createdById: string;

  @ManyToOne(() => User, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'created_by', foreignKeyConstraintName: 'cases_created_by_fkey' })
  createdBy?: User;

  @Index('cases_assigned_caseworker_idx')
  @Column({ name: 'assigned_caseworker_id', type: 'uuid', nullable: true })
  assignedCaseworkerId: string | null;

  @ManyToOne(() => User, { onDelete: 'RESTRICT', nullable: true })
  @JoinColumn({ name: 'assigned_caseworker_id', foreignKeyConstraintName: 'cases_assigned_caseworker_id_fkey' })
  assignedCaseworker?: User | null;

  @Column({ type: 'varchar', length: 16, default: 'intake' })
  stage: CaseStage;

  @Column({ name: 'closure_reason', type: 'varchar', length: 32, nullable: true })
  closureReason: ClosureReason | null;

  @Column({ name: 'closed_at', type: 'timestamptz', nullable: true })
  closedAt: Date | null;

  @Column({ type: 'varchar', length: 16 })
  sex: Sex;

  @Column({ name: 'age_band', type: 'varchar', length: 16 })
  ageBand: AgeBand;

  @Column({ name: 'nationality_status', type: 'varchar', length: 32 })
  nationalityStatus: NationalityStatus;

  @Column({ name: 'displacement_status', type: 'varchar', length: 32 })
  displacementStatus: DisplacementStatus;

  @Column({ type: 'varchar', length: 32 })
  disability: DisabilityStatus;

  @Column({ type: 'varchar', length: 32, array: true, default: () => "'{}'" })
  vulnerabilities: Vulnerability[];

  @Column({ name: 'region_code', type: 'varchar', length: 32 })
  regionCode: string;

  /** Keyed BLAKE2b of the normalised survivor code (truncated: false matches are expected). */
  @Index('cases_survivor_code_index_idx')
  @Column({ name: 'survivor_code_index', type: 'bytea', nullable: true })
  survivorCodeIndex: Buffer | null;

  /** Keyed BLAKE2b of the normalised phone number, for de-duplication. */
  @Index('cases_phone_index_idx')
  @Column({ name: 'phone_index', type: 'bytea', nullable: true })
  phoneIndex: Buffer | null;

  /** Blind index key version of survivor_code_index (the re-index job moves old ones to the current). */
  @Column({ name: 'survivor_code_index_version', type: 'int', default: 1 })
  survivorCodeIndexVersion: number;

  /** Blind index key version of phone_index. */
  @Column({ name: 'phone_index_version', type: 'int', default: 1 })
  phoneIndexVersion: number;

  // Encrypted columns.
  @Column({ name: 'survivor_code', type: 'bytea', nullable: true })
  survivorCode: Buffer | null;

  @Column({ name: 'survivor_name', type: 'bytea', nullable: true })
  survivorName: Buffer | null;

  @Column({ name: 'survivor_aliases', type: 'bytea', nullable: true })
  survivorAliases: Buffer | null;

  @Column({ name: 'contact_details', type: 'bytea', nullable: true })
  contactDetails: Buffer | null;

  @Column({ type: 'bytea', nullable: true })
  address: Buffer | null;

  @Column({ name: 'date_of_birth', type: 'bytea', nullable: true })
  dateOfBirth: Buffer | null;

  @Column({ name: 'caregiver_details', type: 'bytea', nullable: true })
  caregiverDetails: Buffer | null;

  @Column({ type: 'bytea', nullable: true })
  narrative: Buffer | null;

  /**
   * Set when the case was erased (crypto-shredded): its data key, blind indexes and every
   * ciphertext are gone; the coded columns stay for the de-identified statistics.
   */
  @Column({ name: 'erased_at', type: 'timestamptz', nullable: true })
  erasedAt: Date | null;

  @Column({ name: 'erasure_reason', type: 'varchar', length: 32, nullable: true })
  erasureReason: ErasureReason | null;

  /** When the retention job told the case's people it will be erased; counts only if not older than `closedAt`. */
  @Column({ name: 'retention_warned_at', type: 'timestamptz', nullable: true })
  retentionWarnedAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;

  /** Optimistic concurrency: every change is a conditional UPDATE ... WHERE version = $n. */
  @Column({ type: 'int', default: 1 })
  version: number;
}
