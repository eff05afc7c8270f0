import { AuditCheckpoint, AuditEvent, AuditQueueEntry } from '../../audit/src/audit-event.entity';
import { AuthSession, RefreshToken } from '../../auth/src/sessions/session.entity';
import { User } from '../../auth/src/users/user.entity';
import { Agency } from '../../auth/src/agencies/agency.entity';
import { CaseActionPlanItem } from '../../domain/src/cases/case-action-plan-item.entity';
import { CaseAttachment, CaseAttachmentChunk } from '../../domain/src/cases/case-attachment.entity';
import { CaseTransfer } from '../../domain/src/cases/case-transfer.entity';
import { CaseApproval } from '../../domain/src/cases/case-approval.entity';
import { CaseAssessmentNeed } from '../../domain/src/cases/case-assessment-need.entity';
import { CaseSafetyPlan } from '../../domain/src/cases/case-safety-plan.entity';
import { CaseConsent } from '../../domain/src/cases/case-consent.entity';
import { CaseIncident } from '../../domain/src/cases/case-incident.entity';
import { CaseKey } from '../../domain/src/cases/case-key.entity';
import { CaseNote } from '../../domain/src/cases/case-note.entity';
import { CaseShare } from '../../domain/src/cases/case-share.entity';
import { Case } from '../../domain/src/cases/case.entity';
import { ReportingIncident } from '../../domain/src/cases/reporting-incident.entity';
import { Report } from '../../domain/src/reporting/report.entity';
import { SeaAssistanceRequest } from '../../domain/src/sea/sea-assistance-request.entity';
import { SeaAuditDay } from '../../domain/src/sea/sea-audit-day.entity';
import { SeaComplaintGrant } from '../../domain/src/sea/sea-complaint-grant.entity';
import { SeaComplaintMessage } from '../../domain/src/sea/sea-complaint-message.entity';
import { SeaComplaintNote } from '../../domain/src/sea/sea-complaint-note.entity';
import { SeaComplaint } from '../../domain/src/sea/sea-complaint.entity';
import { SeaFocalPointKey } from '../../domain/src/sea/sea-focal-point-key.entity';
import { SeaKeyEndorsement } from '../../domain/src/sea/sea-key-endorsement.entity';
import { SeaSessionKey } from '../../domain/src/sea/sea-session-key.entity';
import { CaseServiceRecord } from '../../domain/src/referrals/case-service-record.entity';
import { Notification } from '../../domain/src/referrals/notification.entity';
import { ReferralKey, ReferralPacketKey } from '../../domain/src/referrals/referral-keys.entity';
import { ReferralNote } from '../../domain/src/referrals/referral-note.entity';
import { Referral } from '../../domain/src/referrals/referral.entity';
import { ServiceOffering } from '../../domain/src/services-directory/service-offering.entity';
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
  CaseAssessmentNeed,
  CaseSafetyPlan,
  CaseApproval,
  CaseAttachment,
  CaseAttachmentChunk,
  CaseTransfer,
  CaseConsent,
  ReportingIncident,
  Report,
  ServiceOffering,
  Referral,
  ReferralPacketKey,
  ReferralKey,
  ReferralNote,
  CaseServiceRecord,
  Notification,
  SeaComplaint,
  SeaComplaintGrant,
  SeaComplaintMessage,
  SeaComplaintNote,
  SeaFocalPointKey,
  SeaKeyEndorsement,
  SeaSessionKey,
  SeaAssistanceRequest,
  SeaAuditDay,
];
