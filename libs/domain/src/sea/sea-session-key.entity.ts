import { Column, CreateDateColumn, Entity, JoinColumn, ManyToOne, OneToOne, PrimaryColumn } from 'typeorm';
import { AuthSession } from '@amani/auth';
import { User } from '@amani/auth';

/**
 * A focal point's private key, unlocked for one login session: encrypted under a random
 * session key that only the client holds (the X-Sea-Unlock header). A trigger deletes the
 * row when the session is revoked (logout, password reset, disabling); the retention job
 * deletes rows of expired sessions.
 */
@Entity({ name: 'sea_session_keys' })
export class SeaSessionKey {
  @PrimaryColumn({ name: 'session_id', type: 'uuid' })
  sessionId: string;

  @OneToOne(() => AuthSession, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'session_id', foreignKeyConstraintName: 'sea_session_keys_session_id_fkey' })
  session?: AuthSession;

  @Column({ name: 'user_id', type: 'uuid' })
  userId: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'sea_session_keys_user_id_fkey' })
  user?: User;

  @Column({ name: 'sealed_private_key', type: 'bytea' })
  sealedPrivateKey: Buffer;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
