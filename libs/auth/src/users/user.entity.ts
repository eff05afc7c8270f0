import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
  VersionColumn,
} from 'typeorm';
import { Role } from '@amani/auth';
import { Agency } from '@amani/auth';

/**
 * `invited`: an invitation is outstanding (no password yet, or credentials were reset).
 * `awaiting_approval`: the invitee set their own password; a second person must approve
 * before the account reaches anything but its own profile. `refused`: the approver said no.
 */
export const USER_STATUSES = ['invited', 'awaiting_approval', 'active', 'refused'] as const;
export type UserStatus = (typeof USER_STATUSES)[number];

@Entity({ name: 'users' })
@Check('users_role_check', `role IN ('admin','caseworker','supervisor','provider','protection_officer','psea_focal_point')`)
@Check('users_status_check', `status IN ('invited','awaiting_approval','active','refused')`)
@Check('users_agency_check', `role IN ('admin','protection_officer') OR agency_id IS NOT NULL`)
export class User {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** Staff login, stored lower-cased. */
  @Index('users_email_key', { unique: true })
  @Column({ type: 'varchar', length: 320 })
  email: string;

  @Column({ name: 'display_name', type: 'varchar', length: 200 })
  displayName: string;

  /** `$amani-hmac-v<n>` + Argon2id of HMAC-SHA256(pepper n, password); null until the invitee chooses one. */
  @Column({ name: 'password_hash', type: 'varchar', length: 255, nullable: true })
  passwordHash: string | null;

  @Column({ type: 'varchar', length: 20, default: 'active' })
  status: UserStatus;

  /** SHA-256 of the outstanding invitation token (32 random bytes); the token itself is never stored. */
  @Index('users_invitation_token_hash_key', { unique: true, where: 'invitation_token_hash IS NOT NULL' })
  @Column({ name: 'invitation_token_hash', type: 'bytea', nullable: true })
  invitationTokenHash: Buffer | null;

  @Column({ name: 'invitation_expires_at', type: 'timestamptz', nullable: true })
  invitationExpiresAt: Date | null;

  /** Who issued the last invitation (or credential reset): never an eligible approver. */
  @Column({ name: 'invited_by', type: 'uuid', nullable: true })
  invitedBy: string | null;

  @ManyToOne(() => User, { onDelete: 'SET NULL', nullable: true })
  @JoinColumn({ name: 'invited_by', foreignKeyConstraintName: 'users_invited_by_fkey' })
  inviter?: User | null;

  /** Who approved (or refused) the account after its last invitation. */
  @Column({ name: 'approved_by', type: 'uuid', nullable: true })
  approvedBy: string | null;

  @ManyToOne(() => User, { onDelete: 'SET NULL', nullable: true })
  @JoinColumn({ name: 'approved_by', foreignKeyConstraintName: 'users_approved_by_fkey' })
  approver?: User | null;

  @Column({ name: 'approved_at', type: 'timestamptz', nullable: true })
  approvedAt: Date | null;

  @Column({ type: 'varchar', length: 32 })
  role: Role;

  @Column({ name: 'agency_id', type: 'uuid', nullable: true })
  agencyId: string | null;

  @ManyToOne(() => Agency, { onDelete: 'RESTRICT', nullable: true })
  @JoinColumn({ name: 'agency_id', foreignKeyConstraintName: 'users_agency_id_fkey' })
  agency?: Agency | null;

  @Column({ name: 'disabled_at', type: 'timestamptz', nullable: true })
  disabledAt: Date | null;

  /** TOTP secret, encrypted under a KEK-derived system key (never plain). */
  @Column({ name: 'mfa_secret', type: 'bytea', nullable: true })
  mfaSecret: Buffer | null;

  @Column({ name: 'mfa_enabled_at', type: 'timestamptz', nullable: true })
  mfaEnabledAt: Date | null;

  /** Last accepted TOTP time step: a code is never accepted twice. */
  @Column({ name: 'mfa_last_step', type: 'bigint', nullable: true })
  mfaLastStep: string | null;

  @Column({ name: 'failed_logins', type: 'int', default: 0 })
  failedLogins: number;

  @Column({ name: 'locked_until', type: 'timestamptz', nullable: true })
  lockedUntil: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;

  @VersionColumn({ type: 'int', default: 1 })
  version: number;
}
