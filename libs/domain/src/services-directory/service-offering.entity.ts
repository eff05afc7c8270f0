import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { User } from '@amani/auth';
import { Agency } from '@amani/auth';
import { sqlIn } from '@amani/domain/cases';
import { SERVICE_TYPES, ServiceType } from '@amani/auth';
import { SERVICE_LANGUAGES_SQL, SERVICE_REGIONS_SQL } from './service-codes';

/**
 * One entry of the service directory: a service an agency offers, where, in which languages
 * and whether it takes referrals now. It describes the organisation, never a survivor, so its
 * descriptive columns are plain text (published to every staff member who refers).
 */
@Entity({ name: 'services' })
@Check('services_service_type_check', sqlIn('service_type', SERVICE_TYPES))
@Check('services_region_codes_check', SERVICE_REGIONS_SQL)
@Check('services_languages_check', SERVICE_LANGUAGES_SQL)
@Check('services_capacity_check', 'capacity IS NULL OR capacity >= 0')
@Index('services_agency_idx', ['agencyId', 'serviceType'])
@Index('services_type_idx', ['serviceType', 'acceptingReferrals'])
export class ServiceOffering {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'agency_id', type: 'uuid' })
  agencyId: string;

  @ManyToOne(() => Agency, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'agency_id', foreignKeyConstraintName: 'services_agency_id_fkey' })
  agency?: Agency;

  @Column({ name: 'service_type', type: 'varchar', length: 32 })
  serviceType: ServiceType;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  @Column({ name: 'region_codes', type: 'varchar', length: 32, array: true })
  regionCodes: string[];

  @Column({ type: 'varchar', length: 3, array: true })
  languages: string[];

  @Column({ name: 'opening_hours', type: 'varchar', length: 200, nullable: true })
  openingHours: string | null;

  /** How a referring agency reaches the service (desk phone, referral e-mail): never a survivor's. */
  @Column({ name: 'contact_channel', type: 'varchar', length: 200, nullable: true })
  contactChannel: string | null;

  /** New referrals the service can take per week; null when not stated. */
  @Column({ type: 'int', nullable: true })
  capacity: number | null;

  @Column({ name: 'accepting_referrals', type: 'boolean', default: true })
  acceptingReferrals: boolean;

  @Column({ name: 'created_by', type: 'uuid' })
  createdById: string;

  @ManyToOne(() => User, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'created_by', foreignKeyConstraintName: 'services_created_by_fkey' })
  createdBy?: User;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;

  /** Optimistic concurrency for PATCH: a stale version gets 409. */
  @Column({ type: 'int', default: 1 })
  version: number;
}
