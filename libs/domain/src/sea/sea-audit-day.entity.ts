import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Anonymous intake is audited per day, not per request: a per-request event would carry an
 * exact time, and on a quiet day that time would date the only complaint received. One row
 * per summarised day makes the daily summary idempotent.
 */
@Entity({ name: 'sea_audit_days' })
export class SeaAuditDay {
  @PrimaryColumn({ type: 'date' })
  day: string;

  @Column({ type: 'int' })
  submitted: number;

  @Column({ name: 'complainant_messages', type: 'int' })
  complainantMessages: number;

  /** Receipt follow-ups counted in Redis; null when Redis could not tell. */
  @Column({ type: 'int', nullable: true })
  accesses: number | null;
}
