import { CaseActionPlanItem } from './case-action-plan-item.entity';
import { CaseApproval } from './case-approval.entity';
import { CaseAssessmentNeed } from './case-assessment-need.entity';
import { CaseAttachment, CaseAttachmentChunk } from './case-attachment.entity';
import { CaseConsent } from './case-consent.entity';
import { CaseIncident } from './case-incident.entity';
import { CaseKey } from './case-key.entity';
import { CaseNote } from './case-note.entity';
import { CaseSafetyPlan } from './case-safety-plan.entity';
import { CaseShare } from './case-share.entity';
import { CaseTransfer } from './case-transfer.entity';
import { Case } from './case.entity';
import { ReportingIncident } from './reporting-incident.entity';

/** The case store's tables: CasesModule registers them, the app's data source receives them. */
export const CASES_ENTITIES: Function[] = [
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
];
