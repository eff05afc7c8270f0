import { Column, CreateDateColumn, Entity, JoinColumn, ManyToOne, OneToOne, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { Agency } from '../agencies/agency.entity';
import { AuthSession } from '../sessions/session.entity';
import { User } from '../users/user.entity';

/**
 * A staff user's personal X25519 key pair: the private half only wrapped under a key derived
 * from their password (KeyCustody.wrapWithPassword). A credential reset replaces the pair, so
 * every grant sealed to the old one is dropped with it.
 */
@Entity({ name: 'user_keys' })
export class UserKey {
  @PrimaryColumn({ name: 'user_id', type: 'uuid', primaryKeyConstraintName: 'user_keys_pkey' })
  userId: string;

  @OneToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'user_keys_user_id_fkey' })
  user?: User;

  @Column({ name: 'public_key', type: 'bytea' })
  publicKey: Buffer;

  @Column({ name: 'password_salt', type: 'bytea' })
  passwordSalt: Buffer;

  @Column({ name: 'password_wrapped_key', type: 'bytea' })
  passwordWrappedKey: Buffer;

  @Column({ name: 'kdf_memory', type: 'int' })
  kdfMemory: number;

  @Column({ name: 'kdf_iterations', type: 'int' })
  kdfIterations: number;

  @Column({ name: 'pepper_version', type: 'int' })
  pepperVersion: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}

/**
 * One version of an agency's key pair. The private half is stored only in the grants (sealed
 * to members) and wrapped under the agency recovery key; the server never holds it at rest.
 * The current version is the highest one not retired; `agencies.public_key` mirrors it.
 */
@Entity({ name: 'agency_keys' })
export class AgencyKey {
  @PrimaryColumn({ name: 'agency_id', type: 'uuid', primaryKeyConstraintName: 'agency_keys_pkey' })
  agencyId: string;

  @PrimaryColumn({ type: 'int', primaryKeyConstraintName: 'agency_keys_pkey' })
  version: number;

  @ManyToOne(() => Agency, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'agency_id', foreignKeyConstraintName: 'agency_keys_agency_id_fkey' })
  agency?: Agency;

  @Column({ name: 'public_key', type: 'bytea' })
  publicKey: Buffer;

  @Column({ name: 'recovery_wrapped_key', type: 'bytea' })
  recoveryWrappedKey: Buffer;

  /**
   * After a rotation: the previous version's private key sealed to this version's public key,
   * so members who hold this version also open what is still sealed (in layers) to older ones.
   */
  @Column({ name: 'previous_sealed_key', type: 'bytea', nullable: true })
  previousSealedKey: Buffer | null;

  @Column({ name: 'created_by', type: 'uuid', nullable: true })
  createdBy: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}

/** Membership: the agency private key of one version sealed to one member's personal public key. */
@Entity({ name: 'agency_key_grants' })
export class AgencyKeyGrant {
  @PrimaryColumn({ name: 'agency_id', type: 'uuid', primaryKeyConstraintName: 'agency_key_grants_pkey' })
  agencyId: string;

  @PrimaryColumn({ type: 'int', primaryKeyConstraintName: 'agency_key_grants_pkey' })
  version: number;

  @PrimaryColumn({ name: 'user_id', type: 'uuid', primaryKeyConstraintName: 'agency_key_grants_pkey' })
  userId: string;

  @ManyToOne(() => AgencyKey, { onDelete: 'CASCADE' })
  @JoinColumn([
    { name: 'agency_id', referencedColumnName: 'agencyId', foreignKeyConstraintName: 'agency_key_grants_key_fkey' },
    { name: 'version', referencedColumnName: 'version', foreignKeyConstraintName: 'agency_key_grants_key_fkey' },
  ])
  key?: AgencyKey;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'agency_key_grants_user_id_fkey' })
  user?: User;

  @Column({ name: 'sealed_private_key', type: 'bytea' })
  sealedPrivateKey: Buffer;

  /** The member who sealed it (null: the agency's set-up or the operator path). */
  @Column({ name: 'granted_by', type: 'uuid', nullable: true })
  grantedBy: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}

/**
 * A user's personal private key, unlocked for one login session: encrypted under a random
 * session key that only the client holds. Deleted with the session, and by a trigger as soon
 * as the session is revoked (sign-out, credential reset, disabling, removal from the agency).
 */
@Entity({ name: 'session_unlocks' })
export class SessionUnlock {
  @PrimaryColumn({ name: 'session_id', type: 'uuid', primaryKeyConstraintName: 'session_unlocks_pkey' })
  sessionId: string;

  @OneToOne(() => AuthSession, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'session_id', foreignKeyConstraintName: 'session_unlocks_session_id_fkey' })
  session?: AuthSession;

  @Column({ name: 'user_id', type: 'uuid' })
  userId: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'session_unlocks_user_id_fkey' })
  user?: User;

  @Column({ name: 'sealed_private_key', type: 'bytea' })
  sealedPrivateKey: Buffer;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
