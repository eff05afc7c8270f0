import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { ServiceType } from '@amani/auth';

export const AGENCY_TYPES = ['un_agency', 'international_ngo', 'national_ngo', 'government', 'community_based', 'coordination_body'] as const;
export type AgencyType = (typeof AGENCY_TYPES)[number];

@Entity({ name: 'agencies' })
export class Agency {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'varchar', length: 200, unique: true })
  name: string;

  @Column({ type: 'varchar', length: 32 })
  type: AgencyType;

  @Column({ name: 'service_types', type: 'varchar', length: 32, array: true, default: () => "'{}'" })
  serviceTypes: ServiceType[];

  @Column({ name: 'region_codes', type: 'varchar', length: 32, array: true, default: () => "'{}'" })
  regionCodes: string[];

  /** X25519 public key for referral packets (raw 32 bytes); set by the agency's key ceremony. */
  @Column({ name: 'public_key', type: 'bytea', nullable: true })
  publicKey: Buffer | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
