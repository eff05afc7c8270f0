import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import type {
  AgeBand,
  DisabilityStatus,
  DisplacementStatus,
  GbvContext,
  GbvType,
  LocationType,
  NationalityStatus,
  PerpetratorAgeGroup,
  PerpetratorCount,
  PerpetratorOccupation,
  PerpetratorRelationship,
  PerpetratorSex,
  PriorIncidents,
  ReportDelayBucket,
  Sex,
  TimeOfDay,
  Vulnerability,
} from './case-codes';
import { CaseIncident } from './case-incident.entity';

/**
 * De-identified reporting projection (DESIGN §6): coded fields only, one row per incident of
 * a case whose survivor consents to statistics. Maintained by ReportingProjection in the same
 * transaction as every change to a case, an incident or a consent; report jobs read only this.
 */
@Entity({ name: 'reporting_incidents' })
@Index('reporting_incidents_report_month_idx', ['reportMonth'])
export class ReportingIncident {
  @PrimaryColumn({ name: 'incident_id', type: 'uuid' })
  incidentId: string;

  @ManyToOne(() => CaseIncident, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'incident_id', foreignKeyConstraintName: 'reporting_incidents_incident_id_fkey' })
  incident?: CaseIncident;

  @Column({ name: 'agency_id', type: 'uuid' })
  agencyId: string;

  @Column({ name: 'report_month', type: 'varchar', length: 7 })
  reportMonth: string;

  @Column({ name: 'incident_month', type: 'varchar', length: 7 })
  incidentMonth: string;

  @Column({ name: 'gbv_type', type: 'varchar', length: 64 })
  gbvType: GbvType;

  @Column({ type: 'varchar', length: 64, array: true })
  contexts: GbvContext[];

  @Column({ name: 'report_delay_bucket', type: 'varchar', length: 16 })
  reportDelayBucket: ReportDelayBucket;

  @Column({ name: 'case_region_code', type: 'varchar', length: 32 })
  caseRegionCode: string;

  @Column({ name: 'incident_region_code', type: 'varchar', length: 32, nullable: true })
  incidentRegionCode: string | null;

  @Column({ name: 'survivor_sex', type: 'varchar', length: 16 })
  survivorSex: Sex;

  @Column({ name: 'survivor_age_band', type: 'varchar', length: 16 })
  survivorAgeBand: AgeBand;

  @Column({ name: 'nationality_status', type: 'varchar', length: 32 })
  nationalityStatus: NationalityStatus;

  @Column({ name: 'displacement_status', type: 'varchar', length: 32 })
  displacementStatus: DisplacementStatus;

  @Column({ type: 'varchar', length: 32 })
  disability: DisabilityStatus;

  @Column({ type: 'varchar', length: 32, array: true })
  vulnerabilities: Vulnerability[];

  @Column({ name: 'time_of_day', type: 'varchar', length: 16 })
  timeOfDay: TimeOfDay;

  @Column({ name: 'location_type', type: 'varchar', length: 32 })
  locationType: LocationType;

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

  @Column({ name: 'refreshed_at', type: 'timestamptz' })
  refreshedAt: Date;
}
