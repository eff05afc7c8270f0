import { Column, CreateDateColumn, Entity, JoinColumn, OneToOne, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { User } from '@amani/auth';

/**
 * A focal point's X25519 key pair. The private key exists here only wrapped: under
 * Argon2id(password) and under the recovery key. Neither secret is stored anywhere.
 */
@Entity({ name: 'sea_focal_point_keys' })
export class SeaFocalPointKey {
  @PrimaryColumn({ name: 'user_id', type: 'uuid' })
  userId: string;

  @OneToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'sea_focal_point_keys_user_id_fkey' })
  user?: User;

  @Column({ name: 'public_key', type: 'bytea' })
  publicKey: Buffer;

  /**
   * Ed25519 public key derived from the private key (SeaCrypto.signingKeyPair): what this
   * focal point signs endorsements of colleagues' keys with. Null for a key made before
   * endorsements, until its owner's next login fills it in.
   */
  @Column({ name: 'signing_public_key', type: 'bytea', nullable: true })
  signingPublicKey: Buffer | null;

  @Column({ name: 'password_salt', type: 'bytea' })
  passwordSalt: Buffer;

  @Column({ name: 'password_wrapped_key', type: 'bytea' })
  passwordWrappedKey: Buffer;

  /** Argon2id memory cost (KiB) and passes used for password_wrapped_key. */
  @Column({ name: 'kdf_memory', type: 'int' })
  kdfMemory: number;

  @Column({ name: 'kdf_iterations', type: 'int' })
  kdfIterations: number;

  @Column({ name: 'recovery_wrapped_key', type: 'bytea' })
  recoveryWrappedKey: Buffer;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
