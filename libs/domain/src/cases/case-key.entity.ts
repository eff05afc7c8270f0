import { Column, CreateDateColumn, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { Case } from './case.entity';

/**
 * The case's data key (DEK), stored only wrapped by the master key (KEK) of kek_version.
 * Deleting this row crypto-shreds the case: its ciphertexts can never be read again.
 */
@Entity({ name: 'case_keys' })
export class CaseKey {
  @PrimaryColumn({ name: 'case_id', type: 'uuid' })
  caseId: string;

  @ManyToOne(() => Case, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'case_id', foreignKeyConstraintName: 'case_keys_case_id_fkey' })
  case?: Case;

  @Column({ name: 'wrapped_dek', type: 'bytea' })
  wrappedDek: Buffer;

  @Column({ name: 'kek_version', type: 'int' })
  kekVersion: number;

  /** Generation of the data key itself; part of every field's associated data. */
  @Column({ name: 'key_version', type: 'int', default: 1 })
  keyVersion: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'rewrapped_at', type: 'timestamptz', nullable: true })
  rewrappedAt: Date | null;
}
