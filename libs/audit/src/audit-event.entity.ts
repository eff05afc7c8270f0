import { Column, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

export type AuditOutcome = 'success' | 'failure' | 'denied' | 'error';

/** Columns shared by queued and sequenced events. Never holds identifying data: ids and codes only. */
abstract class AuditFields {
  @Column({ name: 'occurred_at', type: 'timestamptz' })
  occurredAt: Date;

  @Column({ name: 'actor_id', type: 'uuid', nullable: true })
  actorId: string | null;

  @Column({ name: 'actor_role', type: 'varchar', length: 32, nullable: true })
  actorRole: string | null;

  @Column({ name: 'agency_id', type: 'uuid', nullable: true })
  agencyId: string | null;

  @Column({ type: 'varchar', length: 64 })
  action: string;

  @Column({ name: 'target_type', type: 'varchar', length: 64, nullable: true })
  targetType: string | null;

  @Column({ name: 'target_id', type: 'varchar', length: 64, nullable: true })
  targetId: string | null;

  @Column({ type: 'varchar', length: 16 })
  outcome: AuditOutcome;

  /** Coded details only (reason codes, counts); validated by AuditService. */
  @Column({ type: 'jsonb', default: () => "'{}'" })
  details: Record<string, string | number | boolean | null>;

  @Column({ name: 'request_id', type: 'varchar', length: 64, nullable: true })
  requestId: string | null;
}

/** Writers insert here in their own transactions; the sequencer drains it into the chain. */
@Entity({ name: 'audit_queue' })
export class AuditQueueEntry extends AuditFields {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' })
  id: string;
}

/** The hash chain. The application role may INSERT and SELECT, never UPDATE or DELETE. */
@Entity({ name: 'audit_events' })
export class AuditEvent extends AuditFields {
  @PrimaryColumn({ type: 'bigint' })
  seq: string;

  @Index('audit_events_queue_id_key', { unique: true })
  @Column({ name: 'queue_id', type: 'bigint' })
  queueId: string;

  @Column({ name: 'prev_hash', type: 'bytea' })
  prevHash: Buffer;

  @Column({ type: 'bytea' })
  hash: Buffer;
}

/** Signed (seq, hash) checkpoints; the Ed25519 key lives outside the database. */
@Entity({ name: 'audit_checkpoints' })
export class AuditCheckpoint {
  @PrimaryColumn({ type: 'bigint' })
  seq: string;

  @Column({ type: 'bytea' })
  hash: Buffer;

  @Column({ name: 'public_key', type: 'bytea' })
  publicKey: Buffer;

  @Column({ type: 'bytea' })
  signature: Buffer;

  /** The audit signing key version that signed it; the verifier trusts that version's public key from the secrets. */
  @Column({ name: 'key_version', type: 'int', default: 1 })
  keyVersion: number;

  @Column({ name: 'signed_at', type: 'timestamptz' })
  signedAt: Date;
}
