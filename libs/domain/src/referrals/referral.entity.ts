import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { User } from '@amani/auth';
import { Agency } from '@amani/auth';
import { SHAREABLE_FIELDS, ShareableField, sqlArrayWithin, sqlIn } from '@amani/domain/cases';
import { CaseConsent } from '@amani/domain/cases';
import { Case } from '@amani/domain/cases';
import { SERVICE_TYPES, ServiceType } from '@amani/auth';
import { ServiceOffering } from '@amani/domain/services-directory';
import {
  DECLINE_REASONS,
  DeclineReason,
  PACKET_DESTROY_REASONS,
  PacketDestroyReason,
  REFERRAL_STATES,
  ReferralState,
  SERVICE_OUTCOMES,
  ServiceOutcome,
} from './referral-codes';

/**
 * A referral of a case to a receiving agency for one service type. Every plain column is a
 * code, an id, a flag or a timestamp (reporting aggregates them); the two encrypted columns
 * are the packet (under the packet's own key) and the override reason (under the referral's
 * record key).
 */
@Entity({ name: 'referrals' })
@Check('referrals_state_check', sqlIn('state', REFERRAL_STATES))
@Check('referrals_service_type_check', sqlIn('service_type', SERVICE_TYPES))
@Check('referrals_decline_reason_check', sqlIn('decline_reason', DECLINE_REASONS))
@Check('referrals_declined_check', `(state = 'declined') = (decline_reason IS NOT NULL)`)
@Check('referrals_outcome_check', sqlIn('outcome', SERVICE_OUTCOMES))
@Check('referrals_completed_check', `(state = 'completed') = (outcome IS NOT NULL)`)
@Check('referrals_consent_check', `(consent_id IS NULL) = consent_override AND consent_override = (override_reason IS NOT NULL)`)
@Check('referrals_packet_fields_check', sqlArrayWithin('packet_fields', SHAREABLE_FIELDS))
@Check('referrals_packet_destroy_reason_check', sqlIn('packet_destroyed_reason', PACKET_DESTROY_REASONS))
@Check('referrals_packet_destroyed_check', `(packet_destroyed_at IS NULL) = (packet_destroyed_reason IS NULL)`)
@Check('referrals_agencies_check', 'recipient_agency_id <> referring_agency_id')
@Index('referrals_case_idx', ['caseId', 'createdAt'])
@Index('referrals_recipient_idx', ['recipientAgencyId', 'state', 'createdAt'])
@Index('referrals_consent_idx', ['consentId'])
@Index('referrals_created_at_idx', ['createdAt'])
@Index('referrals_follow_up_idx', ['followUpDueAt'], { where: `state IN ('pending','accepted') AND overdue_at IS NULL` })
export class Referral {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'case_id', type: 'uuid' })
  caseId: string;

  @ManyToOne(() => Case, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'case_id', foreignKeyConstraintName: 'referrals_case_id_fkey' })
  case?: Case;

  @Column({ name: 'referring_agency_id', type: 'uuid' })
  referringAgencyId: string;

  @ManyToOne(() => Agency, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'referring_agency_id', foreignKeyConstraintName: 'referrals_referring_agency_id_fkey' })
  referringAgency?: Agency;

  @Column({ name: 'recipient_agency_id', type: 'uuid' })
  recipientAgencyId: string;

  @ManyToOne(() => Agency, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'recipient_agency_id', foreignKeyConstraintName: 'referrals_recipient_agency_id_fkey' })
  recipientAgency?: Agency;

  @Column({ name: 'service_type', type: 'varchar', length: 32 })
  serviceType: ServiceType;

  /** The directory entry referred to, when the referrer chose one. */
  @Column({ name: 'service_id', type: 'uuid', nullable: true })
  serviceId: string | null;

  @ManyToOne(() => ServiceOffering, { onDelete: 'SET NULL', nullable: true })
  @JoinColumn({ name: 'service_id', foreignKeyConstraintName: 'referrals_service_id_fkey' })
  service?: ServiceOffering | null;

  /** The referral consent the packet was built under; null only for a supervisor's override. */
  @Column({ name: 'consent_id', type: 'uuid', nullable: true })
  consentId: string | null;

  @ManyToOne(() => CaseConsent, { nullable: true })
  @JoinColumn({ name: 'consent_id', foreignKeyConstraintName: 'referrals_consent_id_fkey' })
  consent?: CaseConsent | null;

  @Column({ name: 'consent_override', type: 'boolean', default: false })
  consentOverride: boolean;

  /** Encrypted: the supervisor's written reason for overriding the missing consent. */
  @Column({ name: 'override_reason', type: 'bytea', nullable: true })
  overrideReason: Buffer | null;

  /** The referring caseworker (or supervisor): receives the overdue notification. */
  @Column({ name: 'referred_by', type: 'uuid' })
  referredById: string;

  @ManyToOne(() => User, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'referred_by', foreignKeyConstraintName: 'referrals_referred_by_fkey' })
  referredBy?: User;

  @Column({ type: 'varchar', length: 16, default: 'pending' })
  state: ReferralState;

  @Column({ name: 'decline_reason', type: 'varchar', length: 32, nullable: true })
  declineReason: DeclineReason | null;

  @Column({ type: 'varchar', length: 32, nullable: true })
  outcome: ServiceOutcome | null;

  @Column({ name: 'follow_up_due_at', type: 'timestamptz' })
  followUpDueAt: Date;

  /** Set once, by the follow-up job, when the deadline passed with the referral still open. */
  @Column({ name: 'overdue_at', type: 'timestamptz', nullable: true })
  overdueAt: Date | null;

  @Column({ name: 'accepted_at', type: 'timestamptz', nullable: true })
  acceptedAt: Date | null;

  @Column({ name: 'declined_at', type: 'timestamptz', nullable: true })
  declinedAt: Date | null;

  @Column({ name: 'completed_at', type: 'timestamptz', nullable: true })
  completedAt: Date | null;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt: Date | null;

  /** The provider who accepted or declined. */
  @Column({ name: 'responded_by', type: 'uuid', nullable: true })
  respondedById: string | null;

  @ManyToOne(() => User, { onDelete: 'RESTRICT', nullable: true })
  @JoinColumn({ name: 'responded_by', foreignKeyConstraintName: 'referrals_responded_by_fkey' })
  respondedBy?: User | null;

  @Column({ name: 'completed_by', type: 'uuid', nullable: true })
  completedById: string | null;

  @ManyToOne(() => User, { onDelete: 'RESTRICT', nullable: true })
  @JoinColumn({ name: 'completed_by', foreignKeyConstraintName: 'referrals_completed_by_fkey' })
  completedBy?: User | null;

  @Column({ name: 'revoked_by', type: 'uuid', nullable: true })
  revokedById: string | null;

  @ManyToOne(() => User, { onDelete: 'RESTRICT', nullable: true })
  @JoinColumn({ name: 'revoked_by', foreignKeyConstraintName: 'referrals_revoked_by_fkey' })
  revokedBy?: User | null;

  /** Encrypted under the packet key: a JSON object of exactly the consented fields. */
  @Column({ type: 'bytea', nullable: true })
  packet: Buffer | null;

  /** Names (never values) of the fields in the packet. */
  @Column({ name: 'packet_fields', type: 'varchar', length: 32, array: true, default: () => "'{}'" })
  packetFields: ShareableField[];

  @Column({ name: 'packet_destroyed_at', type: 'timestamptz', nullable: true })
  packetDestroyedAt: Date | null;

  @Column({ name: 'packet_destroyed_reason', type: 'varchar', length: 32, nullable: true })
  packetDestroyedReason: PacketDestroyReason | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
