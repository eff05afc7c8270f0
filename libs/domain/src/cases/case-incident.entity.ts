import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { User } from '@amani/auth';
import {
  AGE_BANDS,
  AgeBand,
  GBV_CONTEXTS,
  GBV_TYPES,
  GbvContext,
  GbvType,
  LOCATION_TYPES,
  LocationType,
  MONTH_SQL_PATTERN,
  PERPETRATOR_AGE_GROUPS,
  PERPETRATOR_COUNTS,
  PERPETRATOR_OCCUPATIONS,
  PERPETRATOR_RELATIONSHIPS,
  PERPETRATOR_SEXES,
  PerpetratorAgeGroup,
  PerpetratorCount,
  PerpetratorOccupation,
  PerpetratorRelationship,
  PerpetratorSex,
  PRIOR_INCIDENTS,
  PriorIncidents,
  REGION_CODE_SQL_PATTERN,
  REPORT_DELAY_BUCKETS,
  ReportDelayBucket,
  sqlArrayWithin,
  sqlIn,
  TIMES_OF_DAY,
  TimeOfDay,
} from './case-codes';
import { Case } from './case.entity';

/** One incident of a case, classified by the server with the GBVIMS classification tool. */
@Entity({ name: 'case_incidents' })
@Check('case_incidents_gbv_type_check', sqlIn('gbv_type', GBV_TYPES))
@Check('case_incidents_contexts_check', sqlArrayWithin('contexts', GBV_CONTEXTS))
@Check('case_incidents_incident_month_check', `incident_month ~ '${MONTH_SQL_PATTERN}'`)
@Check('case_incidents_report_month_check', `report_month ~ '${MONTH_SQL_PATTERN}'`)
@Check('case_incidents_report_delay_bucket_check', sqlIn('report_delay_bucket', REPORT_DELAY_BUCKETS))
@Check('case_incidents_time_of_day_check', sqlIn('time_of_day', TIMES_OF_DAY))
@Check('case_incidents_location_type_check', sqlIn('location_type', LOCATION_TYPES))
@Check('case_incidents_region_code_check', `region_code ~ '${REGION_CODE_SQL_PATTERN}'`)
@Check('case_incidents_survivor_age_band_check', sqlIn('survivor_age_band', AGE_BANDS))
@Check('case_incidents_perpetrator_count_check', sqlIn('perpetrator_count', PERPETRATOR_COUNTS))
@Check('case_incidents_perpetrator_sex_check', sqlIn('perpetrator_sex', PERPETRATOR_SEXES))
@Check('case_incidents_perpetrator_age_group_check', sqlIn('perpetrator_age_group', PERPETRATOR_AGE_GROUPS))
@Check('case_incidents_perpetrator_relationship_check', sqlIn('perpetrator_relationship', PERPETRATOR_RELATIONSHIPS))
@Check('case_incidents_perpetrator_occupation_check', sqlIn('perpetrator_occupation', PERPETRATOR_OCCUPATIONS))
@Check('case_incidents_prior_incidents_check', sqlIn('prior_incidents', PRIOR_INCIDENTS))
@Index('case_incidents_case_created_idx', ['caseId', 'createdAt'])
export class CaseIncident {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'case_id', type: 'uuid' })
  caseId: string;

  @ManyToOne(() => Case, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'case_id', foreignKeyConstraintName: 'case_incidents_case_id_fkey' })
  case?: Case;

  /** The case's agency, repeated because it is part of each ciphertext's associated data. */
  @Column({ name: 'agency_id', type: 'uuid' })
  agencyId: string;

  @Column({ name: 'recorded_by', type: 'uuid' })
  recordedById: string;

  @ManyToOne(() => User, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'recorded_by', foreignKeyConstraintName: 'case_incidents_recorded_by_fkey' })
  recordedBy?: User;

  // Classification tool answers, kept so a classification can be re-derived and checked.
  @Column({ name: 'answer_penetration', type: 'boolean' })
  answerPenetration: boolean;

  @Column({ name: 'answer_sexual_contact', type: 'boolean' })
  answerSexualContact: boolean;

  @Column({ name: 'answer_physical_assault', type: 'boolean' })
  answerPhysicalAssault: boolean;

  @Column({ name: 'answer_forced_marriage', type: 'boolean' })
  answerForcedMarriage: boolean;

  @Column({ name: 'answer_denial_of_resources', type: 'boolean' })
  answerDenialOfResources: boolean;

  @Column({ name: 'answer_psychological_abuse', type: 'boolean' })
  answerPsychologicalAbuse: boolean;

  @Column({ name: 'answer_exchange', type: 'boolean' })
  answerExchange: boolean;

  @Column({ name: 'answer_abducted_or_held', type: 'boolean' })
  answerAbductedOrHeld: boolean;

  @Column({ name: 'answer_harmful_traditional_practice', type: 'boolean' })
  answerHarmfulTraditionalPractice: boolean;

  @Column({ name: 'gbv_type', type: 'varchar', length: 64 })
  gbvType: GbvType;

  @Column({ type: 'varchar', length: 64, array: true, default: () => "'{}'" })
  contexts: GbvContext[];

  @Column({ name: 'incident_month', type: 'varchar', length: 7 })
  incidentMonth: string;

  @Column({ name: 'report_month', type: 'varchar', length: 7 })
  reportMonth: string;

  @Column({ name: 'report_delay_bucket', type: 'varchar', length: 16 })
  reportDelayBucket: ReportDelayBucket;

  @Column({ name: 'time_of_day', type: 'varchar', length: 16 })
  timeOfDay: TimeOfDay;

  @Column({ name: 'location_type', type: 'varchar', length: 32 })
  locationType: LocationType;

  @Column({ name: 'region_code', type: 'varchar', length: 32, nullable: true })
  regionCode: string | null;

  /** Survivor's age band at the time of the incident. */
  @Column({ name: 'survivor_age_band', type: 'varchar', length: 16 })
  survivorAgeBand: AgeBand;

  @Column({ name: 'perpetrator_count', type: 'varchar', length: 16 })
  perpetratorCount: PerpetratorCount;

  @Column({ name: 'perpetrator_sex', type: 'varchar', length: 16 })
  perpetratorSex: PerpetratorSex;

  @Column({ name: 'perpetrator_age_group', type: 'varchar', length: 16 })
  perpetratorAgeGroup: PerpetratorAgeGroup;

  @Column({ name: 'perpetrator_relationship', type: 'varchar', length: 32 })
  perpetratorRelationship: PerpetratorRelationship;

  @Column({ name: 'perpetrator_occupation', type: 'varchar', length: 32 })
  perpetratorOccupation: PerpetratorOccupation;

  @Column({ name: 'prior_incidents', type: 'varchar', length: 8 })
  priorIncidents: PriorIncidents;

  // Encrypted columns.
  @Column({ name: 'incident_date', type: 'bytea' })
  incidentDate: Buffer;

  @Column({ name: 'report_date', type: 'bytea' })
  reportDate: Buffer;

  @Column({ name: 'exact_location', type: 'bytea', nullable: true })
  exactLocation: Buffer | null;

  @Column({ type: 'bytea', nullable: true })
  narrative: Buffer | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
