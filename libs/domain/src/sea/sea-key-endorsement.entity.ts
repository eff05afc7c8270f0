import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { User } from '@amani/auth';

/**
 * One endorsement of one focal point key, append-only: a signature over (user id, X25519
 * public key, Ed25519 signing public key) by the endorser's signing key — or, for the very
 * first focal point, by the deployment's bootstrap key (parent null). Intake seals a
 * complaint only to keys whose endorsement chain verifies back to the bootstrap key.
 * Rows stay when the endorsed key is replaced, so endorsements it made stay verifiable.
 */
@Entity({ name: 'sea_key_endorsements' })
export class SeaKeyEndorsement {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'sea_key_endorsements_pkey' })
  id: string;

  @Index('sea_key_endorsements_user_id_idx')
  @Column({ name: 'user_id', type: 'uuid' })
  userId: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'sea_key_endorsements_user_id_fkey' })
  user?: User;

  @Column({ name: 'public_key', type: 'bytea' })
  publicKey: Buffer;

  @Column({ name: 'signing_public_key', type: 'bytea' })
  signingPublicKey: Buffer;

  /** The endorsing focal point; null for the bootstrap endorsement. */
  @Column({ name: 'endorser_id', type: 'uuid', nullable: true })
  endorserId: string | null;

  @ManyToOne(() => User, { onDelete: 'SET NULL', nullable: true })
  @JoinColumn({ name: 'endorser_id', foreignKeyConstraintName: 'sea_key_endorsements_endorser_id_fkey' })
  endorser?: User | null;

  /** The endorser's own endorsement at signing time (whose signing key made `signature`); null = bootstrap. */
  @Column({ name: 'parent_id', type: 'uuid', nullable: true })
  parentId: string | null;

  @ManyToOne(() => SeaKeyEndorsement, { onDelete: 'RESTRICT', nullable: true })
  @JoinColumn({ name: 'parent_id', foreignKeyConstraintName: 'sea_key_endorsements_parent_id_fkey' })
  parent?: SeaKeyEndorsement | null;

  /** Ed25519 detached signature (crypto_sign_detached). */
  @Column({ type: 'bytea' })
  signature: Buffer;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
