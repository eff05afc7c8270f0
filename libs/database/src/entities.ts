import { AuditCheckpoint, AuditEvent, AuditQueueEntry } from '../../audit/src/audit-event.entity';
import { AuthSession, RefreshToken } from '../../auth/src/sessions/session.entity';
import { User } from '../../auth/src/users/user.entity';
import { Agency } from '../../domain/src/agencies/agency.entity';
import { CaseActionPlanItem } from '../../domain/src/cases/case-action-plan-item.entity';
import { CaseConsent } from '../../domain/src/cases/case-consent.entity';
import { CaseIncident } from '../../domain/src/cases/case-incident.entity';
import { CaseKey } from '../../domain/src/cases/case-key.entity';
import { CaseNote } from '../../domain/src/cases/case-note.entity';
import { CaseShare } from '../../domain/src/cases/case-share.entity';
import { Case } from '../../domain/src/cases/case.entity';
import { ReportingIncident } from '../../domain/src/cases/reporting-incident.entity';
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
  Case,
  CaseKey,
  CaseShare,
  CaseIncident,
  CaseNote,
  CaseActionPlanItem,
  CaseConsent,
  ReportingIncident,
];
