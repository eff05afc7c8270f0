import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { User } from '@amani/auth';
import { Agency } from '@amani/auth';
import { SERVICE_TYPES, ServiceType } from '@amani/auth';
import {
  CONSENT_GIVERS,
  CONSENT_PURPOSES,
  ConsentGiver,
  ConsentPurpose,
  SHAREABLE_FIELDS,
  ShareableField,
  sqlArrayWithin,
  sqlIn,
} from './case-codes';
import { Case } from './case.entity';

/**
 * Informed consent for one purpose, recorded with who took it and when. Never updated except
 * to record its withdrawal; a changed consent is a withdrawal plus a new consent.
 */
@Entity({ name: 'case_consents' })
@Check('case_consents_purpose_check', sqlIn('purpose', CONSENT_PURPOSES))
@Check('case_consents_given_by_check', sqlIn('given_by', CONSENT_GIVERS))
@Check('case_consents_service_type_check', sqlIn('service_type', SERVICE_TYPES))
@Check('case_consents_shareable_fields_check', sqlArrayWithin('shareable_fields', SHAREABLE_FIELDS))
@Check(
  'case_consents_referral_check',
  `(purpose IN ('referral','transfer')) = (service_type IS NOT NULL OR recipient_agency_id IS NOT NULL) AND (purpose IN ('referral','transfer') OR shareable_fields = '{}') AND (purpose <> 'transfer' OR (recipient_agency_id IS NOT NULL AND service_type IS NULL))`,
)
@Check('case_consents_withdrawal_check', `(withdrawn_at IS NULL) = (withdrawn_by IS NULL)`)
@Index('case_consents_case_idx', ['caseId', 'takenAt'])
@Index('case_consents_active_key', ['caseId', 'purpose'], { unique: true, where: `withdrawn_at IS NULL AND purpose <> 'referral'` })
export class CaseConsent {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'case_id', type: 'uuid' })
  caseId: string;

  @ManyToOne(() => Case, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'case_id', foreignKeyConstraintName: 'case_consents_case_id_fkey' })
  case?: Case;

  @Column({ name: 'agency_id', type: 'uuid' })
  agencyId: string;

  @Column({ type: 'varchar', length: 16 })
  purpose: ConsentPurpose;

  /** Survivor, or the caregiver of a child survivor. */
  @Column({ name: 'given_by', type: 'varchar', length: 16 })
  givenBy: ConsentGiver;

  /** Referral consent: the service type the survivor may be referred to. */
  @Column({ name: 'service_type', type: 'varchar', length: 32, nullable: true })
  serviceType: ServiceType | null;

  /** Referral consent: the receiving agency, when the survivor named one. */
  @Column({ name: 'recipient_agency_id', type: 'uuid', nullable: true })
  recipientAgencyId: string | null;

  @ManyToOne(() => Agency, { onDelete: 'RESTRICT', nullable: true })
  @JoinColumn({ name: 'recipient_agency_id', foreignKeyConstraintName: 'case_consents_recipient_agency_id_fkey' })
  recipientAgency?: Agency | null;

  /** Referral consent: the case fields that may be shared with the receiving agency. */
  @Column({ name: 'shareable_fields', type: 'varchar', length: 32, array: true, default: () => "'{}'" })
  shareableFields: ShareableField[];

  @Column({ name: 'taken_by', type: 'uuid' })
  takenById: string;

  @ManyToOne(() => User, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'taken_by', foreignKeyConstraintName: 'case_consents_taken_by_fkey' })
  takenBy?: User;

  @Column({ name: 'taken_at', type: 'timestamptz' })
  takenAt: Date;

  @Column({ name: 'withdrawn_at', type: 'timestamptz', nullable: true })
  withdrawnAt: Date | null;

  @Column({ name: 'withdrawn_by', type: 'uuid', nullable: true })
  withdrawnById: string | null;

  @ManyToOne(() => User, { onDelete: 'RESTRICT', nullable: true })
  @JoinColumn({ name: 'withdrawn_by', foreignKeyConstraintName: 'case_consents_withdrawn_by_fkey' })
  withdrawnBy?: User | null;
}
