import { createHash } from 'node:crypto';

/** prev_hash of the first event. */
export const GENESIS_HASH: Buffer = Buffer.alloc(32);

const EVENT_DOMAIN = Buffer.from('amani.audit.event.v1\0', 'utf8');
const CHECKPOINT_DOMAIN = Buffer.from('amani.audit.checkpoint.v1\0', 'utf8');

export type AuditDetailValue = string | number | boolean | null;
export type AuditDetails = Record<string, AuditDetailValue>;

/** Exactly the fields an event's hash covers. */
export interface HashableAuditEvent {
  seq: bigint | number | string;
  prevHash: Buffer;
  /** ISO 8601 in UTC with microseconds, as PostgreSQL stores it: 2025-01-02T03:04:05.123456Z. */
  occurredAt: string;
  actorId: string | null;
  actorRole: string | null;
  agencyId: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  outcome: string;
  details: unknown;
  requestId: string | null;
}

/** JSON with object keys sorted at every depth, so jsonb's key order never changes a hash. */
export function canonicalJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  switch (typeof value) {
    case 'object': {
      const obj = value as Record<string, unknown>;
      const keys = Object.keys(obj)
        .filter((k) => obj[k] !== undefined)
        .sort();
      return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(',')}}`;
    }
    case 'number':
      if (!Number.isFinite(value)) throw new Error('audit details hold a non-finite number');
      return JSON.stringify(value);
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'bigint':
    case 'function':
    case 'symbol':
    case 'undefined':
      break;
  }
  throw new Error(`audit details hold an unsupported ${typeof value}`);
}

function u64(value: bigint | number | string): Buffer {
  const n = BigInt(value);
  if (n < 0n || n >= 1n << 64n) throw new Error('sequence number out of range');
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(n);
  return b;
}

/**
 * Every variable-length field is framed as presence byte + 4-byte length + bytes, so no
 * two different events encode alike (a value cannot slide into its neighbour, and null
 * differs from the empty string).
 */
function field(value: string | Buffer | null): Buffer[] {
  if (value === null) return [Buffer.from([0])];
  const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
  const len = Buffer.alloc(4);
  len.writeUInt32BE(bytes.length);
  return [Buffer.from([1]), len, bytes];
}

/** The canonical byte encoding an event's hash is computed over. */
export function encodeAuditEvent(e: HashableAuditEvent): Buffer {
  return Buffer.concat([
    EVENT_DOMAIN,
    u64(e.seq),
    ...field(e.prevHash),
    ...field(e.occurredAt),
    ...field(e.actorId),
    ...field(e.actorRole),
    ...field(e.agencyId),
    ...field(e.action),
    ...field(e.targetType),
    ...field(e.targetId),
    ...field(e.outcome),
    ...field(canonicalJson(e.details ?? {})),
    ...field(e.requestId),
  ]);
}

export function hashAuditEvent(e: HashableAuditEvent): Buffer {
  return createHash('sha256').update(encodeAuditEvent(e)).digest();
}

/** The message an Ed25519 checkpoint signature covers. */
export function encodeCheckpoint(seq: bigint | number | string, hash: Buffer): Buffer {
  if (hash.length !== 32) throw new Error('checkpoint hash must be 32 bytes');
  return Buffer.concat([CHECKPOINT_DOMAIN, u64(seq), hash]);
}
