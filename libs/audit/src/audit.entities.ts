import { AuditCheckpoint, AuditEvent, AuditQueueEntry } from './audit-event.entity';

/** The audit chain's tables, for the app's data source. */
export const AUDIT_ENTITIES: Function[] = [AuditQueueEntry, AuditEvent, AuditCheckpoint];
