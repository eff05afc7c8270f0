import { Check, Column, CreateDateColumn, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { Case } from './case.entity';

/**
 * The case's data key (DEK): sealed to the owning agency's key of agency_key_version (only a
 * signed-in member opens it), or — for cases from before agency keys, until
 * `keys:migrate-agency` moves them — wrapped by the master key of kek_version. Exactly one
 * of the two versions is set. Deleting this row crypto-shreds the case.
 */
@Entity({ name: 'case_keys' })
@Check(
  'case_keys_custody_check',
  '(kek_version IS NULL) <> (agency_key_version IS NULL) AND (agency_key_version IS NULL) = (agency_key_base_version IS NULL) AND agency_key_base_version <= agency_key_version',
)
export class CaseKey {
  @PrimaryColumn({ name: 'case_id', type: 'uuid' })
  caseId: string;

  @ManyToOne(() => Case, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'case_id', foreignKeyConstraintName: 'case_keys_case_id_fkey' })
  case?: Case;

  @Column({ name: 'wrapped_dek', type: 'bytea' })
  wrappedDek: Buffer;

  @Column({ name: 'kek_version', type: 'int', nullable: true })
  kekVersion: number | null;

  /** The agency key version of the outermost seal. */
  @Column({ name: 'agency_key_version', type: 'int', nullable: true })
  agencyKeyVersion: number | null;

  /**
   * The version the data key was first sealed to. A group-key rotation re-seals the sealed key
   * under each newer version in turn (layers, base innermost), needing only public keys.
   */
  @Column({ name: 'agency_key_base_version', type: 'int', nullable: true })
  agencyKeyBaseVersion: number | null;

  /** Generation of the data key itself; part of every field's associated data. */
  @Column({ name: 'key_version', type: 'int', default: 1 })
  keyVersion: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'rewrapped_at', type: 'timestamptz', nullable: true })
  rewrappedAt: Date | null;
}
