import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { CaseKey } from '@amani/domain/cases';
import { Referral } from './referral.entity';

/**
 * A referral packet's own data key, wrapped by the master key. Deleting the row crypto-shreds
 * the packet (consent withdrawn, referral revoked or declined). The foreign key to the case's
 * key row cascades: erasing a case (deleting its case_keys row) destroys every packet key.
 */
@Entity({ name: 'referral_packet_keys' })
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

  @Column({ name: 'wrapped_dek', type: 'bytea' })
  wrappedDek: Buffer;

  @Column({ name: 'kek_version', type: 'int' })
  kekVersion: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}

/**
 * The referral's record key: encrypts what outlives the packet on both sides (the override
 * reason, provider notes). It too dies with the case's key.
 */
@Entity({ name: 'referral_keys' })
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

  @Column({ name: 'wrapped_dek', type: 'bytea' })
  wrappedDek: Buffer;

  @Column({ name: 'kek_version', type: 'int' })
  kekVersion: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
