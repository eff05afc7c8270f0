import type { HashableAuditEvent } from './audit-hash';

/**
 * The audited columns as raw SQL, with occurred_at rendered by PostgreSQL itself to full
 * microsecond precision (a JS Date would drop the microseconds an edit could hide in).
 */
export const AUDIT_FIELD_COLUMNS = `
  to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS occurred_at,
  actor_id, actor_role, agency_id, action, target_type, target_id, outcome, details, request_id`;

export interface RawAuditFields {
  occurred_at: string;
  actor_id: string | null;
  actor_role: string | null;
  agency_id: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  outcome: string;
  details: unknown;
  request_id: string | null;
}

export function toHashable(row: RawAuditFields, seq: bigint | string, prevHash: Buffer): HashableAuditEvent {
  return {
    seq,
    prevHash,
    occurredAt: row.occurred_at,
    actorId: row.actor_id,
    actorRole: row.actor_role,
    agencyId: row.agency_id,
    action: row.action,
    targetType: row.target_type,
    targetId: row.target_id,
    outcome: row.outcome,
    details: row.details,
    requestId: row.request_id,
  };
}
