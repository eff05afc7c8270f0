import { AuditCheckpoint, AuditEvent, AuditQueueEntry } from '../../audit/src/audit-event.entity';
import { AuthSession, RefreshToken } from '../../auth/src/sessions/session.entity';
import { User } from '../../auth/src/users/user.entity';
import { Agency } from '../../domain/src/agencies/agency.entity';
import { OutboxMessage } from '../../jobs/src/outbox/outbox.entity';

/**
 * Every TypeORM entity, so the migration data source and the schema check see the same
 * set as the application. A feature adds its entities here.
 */
export const ALL_ENTITIES: Function[] = [
  Agency,
  User,
  AuthSession,
  RefreshToken,
  AuditQueueEntry,
  AuditEvent,
  AuditCheckpoint,
  OutboxMessage,
];
