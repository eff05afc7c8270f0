import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { User } from '@amani/auth';
import { Agency } from '@amani/auth';
import { sqlIn } from '@amani/domain/cases';
import { Case } from '@amani/domain/cases';
import { SERVICE_TYPES, ServiceType } from '@amani/auth';
import { SEA_ASSISTANCE_STATUSES, SeaAssistanceStatus } from './sea-codes';
import { SeaComplaint } from './sea-complaint.entity';

/**
 * Victim assistance: with the victim's consent, a focal point hands what the victim agreed
 * to share (never the complaint narrative) to a GBV agency. Until a caseworker or supervisor
 * of that agency accepts it (opening an intake case), the shared fields wait here
 * envelope-encrypted under the master key, like case data; accepting moves them into the
 * case store and shreds them here.
 */
@Entity({ name: 'sea_assistance_requests' })
@Check('sea_assistance_requests_service_type_check', sqlIn('service_type', SERVICE_TYPES))
@Check('sea_assistance_requests_status_check', sqlIn('status', SEA_ASSISTANCE_STATUSES))
@Check(
  'sea_assistance_requests_payload_check',
  `(status = 'pending') = (payload IS NOT NULL AND wrapped_key IS NOT NULL AND kek_version IS NOT NULL) AND (status = 'accepted') = (accepted_by IS NOT NULL AND accepted_on IS NOT NULL)`,
)
@Index('sea_assistance_requests_agency_status_idx', ['agencyId', 'status'])
export class SeaAssistanceRequest {
  @PrimaryColumn({ type: 'uuid' })
  id: string;

  @Index('sea_assistance_requests_complaint_idx')
  @Column({ name: 'complaint_id', type: 'uuid' })
  complaintId: string;

  @ManyToOne(() => SeaComplaint, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'complaint_id', foreignKeyConstraintName: 'sea_assistance_requests_complaint_id_fkey' })
  complaint?: SeaComplaint;

  @Column({ name: 'agency_id', type: 'uuid' })
  agencyId: string;

  @ManyToOne(() => Agency, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'agency_id', foreignKeyConstraintName: 'sea_assistance_requests_agency_id_fkey' })
  agency?: Agency;

  @Column({ name: 'service_type', type: 'varchar', length: 32 })
  serviceType: ServiceType;

  @Column({ type: 'varchar', length: 16, default: 'pending' })
  status: SeaAssistanceStatus;

  @Column({ name: 'requested_by', type: 'uuid' })
  requestedBy: string;

  @ManyToOne(() => User, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'requested_by', foreignKeyConstraintName: 'sea_assistance_requests_requested_by_fkey' })
  requester?: User;

  @Column({ name: 'requested_on', type: 'date' })
  requestedOn: string;

  @Column({ name: 'accepted_by', type: 'uuid', nullable: true })
  acceptedBy: string | null;

  @ManyToOne(() => User, { onDelete: 'RESTRICT', nullable: true })
  @JoinColumn({ name: 'accepted_by', foreignKeyConstraintName: 'sea_assistance_requests_accepted_by_fkey' })
  accepter?: User | null;

  @Column({ name: 'accepted_on', type: 'date', nullable: true })
  acceptedOn: string | null;

  /** The intake case opened at the agency. The case does not point back at the complaint. */
  @Column({ name: 'case_id', type: 'uuid', nullable: true })
  caseId: string | null;

  @ManyToOne(() => Case, { onDelete: 'SET NULL', nullable: true })
  @JoinColumn({ name: 'case_id', foreignKeyConstraintName: 'sea_assistance_requests_case_id_fkey' })
  case?: Case | null;

  /** JSON of the shared fields, under a data key wrapped by the master key. */
  @Column({ type: 'bytea', nullable: true })
  payload: Buffer | null;

  @Column({ name: 'wrapped_key', type: 'bytea', nullable: true })
  wrappedKey: Buffer | null;

  @Column({ name: 'kek_version', type: 'int', nullable: true })
  kekVersion: number | null;
}
