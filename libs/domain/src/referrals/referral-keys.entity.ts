import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { CaseKey } from '@amani/domain/cases';
import { Referral } from './referral.entity';

/**
 * A referral packet's own data key, sealed to the receiving and the referring agency's keys
 * (only their signed-in members open it; the server alone cannot). Deleting the row crypto-shreds
 * the packet (consent withdrawn, referral revoked or declined). The foreign key to the case's
 * key row cascades: erasing a case (deleting its case_keys row) destroys every packet key.
 */
/** Master-wrapped (legacy) or sealed to both agencies, never a mix. */
const custody = `(wrapped_dek IS NOT NULL AND kek_version IS NOT NULL AND recipient_sealed_dek IS NULL AND referrer_sealed_dek IS NULL)
        OR (wrapped_dek IS NULL AND kek_version IS NULL AND recipient_sealed_dek IS NOT NULL AND recipient_key_version IS NOT NULL
            AND referrer_sealed_dek IS NOT NULL AND referrer_key_version IS NOT NULL
            AND recipient_base_version IS NOT NULL AND referrer_base_version IS NOT NULL)`;

@Entity({ name: 'referral_packet_keys' })
@Check('referral_packet_keys_custody_check', custody)
@Index('referral_packet_keys_case_idx', ['caseId'])
export class ReferralPacketKey {
  @PrimaryColumn({ name: 'referral_id', type: 'uuid' })
  referralId: string;

  @ManyToOne(() => Referral, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'referral_id', foreignKeyConstraintName: 'referral_packet_keys_referral_id_fkey' })
  referral?: Referral;

  @Column({ name: 'case_id', type: 'uuid' })
  caseId: string;

  @ManyToOne(() => CaseKey, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'case_id', foreignKeyConstraintName: 'referral_packet_keys_case_id_fkey' })
  caseKey?: CaseKey;

  /** Legacy: wrapped by the master key (until `keys:migrate-agency`); null once sealed to the agencies. */
  @Column({ name: 'wrapped_dek', type: 'bytea', nullable: true })
  wrappedDek: Buffer | null;

  @Column({ name: 'kek_version', type: 'int', nullable: true })
  kekVersion: number | null;

  /** Sealed to the receiving agency's key of recipient_key_version. */
  @Column({ name: 'recipient_sealed_dek', type: 'bytea', nullable: true })
  recipientSealedDek: Buffer | null;

  @Column({ name: 'recipient_key_version', type: 'int', nullable: true })
  recipientKeyVersion: number | null;

  /** The receiving agency's key version the key was first sealed to (rotations add layers over it). */
  @Column({ name: 'recipient_base_version', type: 'int', nullable: true })
  recipientBaseVersion: number | null;

  /** Sealed to the referring agency's key of referrer_key_version. */
  @Column({ name: 'referrer_sealed_dek', type: 'bytea', nullable: true })
  referrerSealedDek: Buffer | null;

  @Column({ name: 'referrer_key_version', type: 'int', nullable: true })
  referrerKeyVersion: number | null;

  @Column({ name: 'referrer_base_version', type: 'int', nullable: true })
  referrerBaseVersion: number | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}

/**
 * The referral's record key: encrypts what outlives the packet on both sides (the override
 * reason, provider notes). It too dies with the case's key.
 */
@Entity({ name: 'referral_keys' })
@Check('referral_keys_custody_check', custody)
@Index('referral_keys_case_idx', ['caseId'])
export class ReferralKey {
  @PrimaryColumn({ name: 'referral_id', type: 'uuid' })
  referralId: string;

  @ManyToOne(() => Referral, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'referral_id', foreignKeyConstraintName: 'referral_keys_referral_id_fkey' })
  referral?: Referral;

  @Column({ name: 'case_id', type: 'uuid' })
  caseId: string;

  @ManyToOne(() => CaseKey, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'case_id', foreignKeyConstraintName: 'referral_keys_case_id_fkey' })
  caseKey?: CaseKey;

  /** Legacy: wrapped by the master key (until `keys:migrate-agency`); null once sealed to the agencies. */
  @Column({ name: 'wrapped_dek', type: 'bytea', nullable: true })
  wrappedDek: Buffer | null;

  @Column({ name: 'kek_version', type: 'int', nullable: true })
  kekVersion: number | null;

  /** Sealed to the receiving agency's key of recipient_key_version. */
  @Column({ name: 'recipient_sealed_dek', type: 'bytea', nullable: true })
  recipientSealedDek: Buffer | null;

  @Column({ name: 'recipient_key_version', type: 'int', nullable: true })
  recipientKeyVersion: number | null;

  /** The receiving agency's key version the key was first sealed to (rotations add layers over it). */
  @Column({ name: 'recipient_base_version', type: 'int', nullable: true })
  recipientBaseVersion: number | null;

  /** Sealed to the referring agency's key of referrer_key_version. */
  @Column({ name: 'referrer_sealed_dek', type: 'bytea', nullable: true })
  referrerSealedDek: Buffer | null;

  @Column({ name: 'referrer_key_version', type: 'int', nullable: true })
  referrerKeyVersion: number | null;

  @Column({ name: 'referrer_base_version', type: 'int', nullable: true })
  referrerBaseVersion: number | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
