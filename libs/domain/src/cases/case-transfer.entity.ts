import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, VersionColumn } from 'typeorm';
import { User, Agency } from '@amani/auth';
import { sqlIn, TRANSFER_STATUSES, TransferStatus } from './case-codes';
import { CaseConsent } from './case-consent.entity';
import { Case } from './case.entity';

/**
 * A proposal to move a case to another agency, under a transfer consent naming that agency and
 * the identifying fields that may move. The reason is encrypted under the case key (re-sealed
 * for the receiving agency when the case moves). Agencies, status and times are plain.
 */
@Entity({ name: 'case_transfers' })
@Check('case_transfers_status_check', sqlIn('status', TRANSFER_STATUSES))
@Check('case_transfers_decision_check', `(status = 'pending') = (decided_by IS NULL AND decided_at IS NULL)`)
@Check('case_transfers_agencies_check', `from_agency_id <> to_agency_id`)
@Index('case_transfers_pending_key', ['caseId'], { unique: true, where: `status = 'pending'` })
@Index('case_transfers_to_status_idx', ['toAgencyId', 'status', 'proposedAt'])
export class CaseTransfer {
  @PrimaryColumn({ type: 'uuid' })
  id: string;

  @Column({ name: 'case_id', type: 'uuid' })
  caseId: string;

  @ManyToOne(() => Case, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'case_id', foreignKeyConstraintName: 'case_transfers_case_id_fkey' })
  case?: Case;

  @Column({ name: 'from_agency_id', type: 'uuid' })
  fromAgencyId: string;

  @ManyToOne(() => Agency, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'from_agency_id', foreignKeyConstraintName: 'case_transfers_from_agency_id_fkey' })
  fromAgency?: Agency;

  @Column({ name: 'to_agency_id', type: 'uuid' })
  toAgencyId: string;

  @ManyToOne(() => Agency, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'to_agency_id', foreignKeyConstraintName: 'case_transfers_to_agency_id_fkey' })
  toAgency?: Agency;

  @Column({ name: 'consent_id', type: 'uuid' })
  consentId: string;

  @ManyToOne(() => CaseConsent, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'consent_id', foreignKeyConstraintName: 'case_transfers_consent_id_fkey' })
  consent?: CaseConsent;

  @Column({ type: 'varchar', length: 16, default: 'pending' })
  status: TransferStatus;

  @Column({ type: 'bytea' })
  reason: Buffer;

  /**
   * While pending: the case's data key sealed by the proposer to the receiving agency's key of
   * recipient_key_version, so the receiving supervisor can read the reason and, on acceptance,
   * re-seal the case to their agency. Destroyed once the transfer is decided.
   */
  @Column({ name: 'sealed_case_key', type: 'bytea', nullable: true })
  sealedCaseKey: Buffer | null;

  @Column({ name: 'recipient_key_version', type: 'int', nullable: true })
  recipientKeyVersion: number | null;

  @Column({ name: 'proposed_by', type: 'uuid' })
  proposedBy: string;

  @ManyToOne(() => User, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'proposed_by', foreignKeyConstraintName: 'case_transfers_proposed_by_fkey' })
  proposer?: User;

  @Column({ name: 'proposed_at', type: 'timestamptz', default: () => 'now()' })
  proposedAt: Date;

  @Column({ name: 'decided_by', type: 'uuid', nullable: true })
  decidedBy: string | null;

  @ManyToOne(() => User, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'decided_by', foreignKeyConstraintName: 'case_transfers_decided_by_fkey' })
  decider?: User;

  @Column({ name: 'decided_at', type: 'timestamptz', nullable: true })
  decidedAt: Date | null;

  @VersionColumn()
  version: number;
}
