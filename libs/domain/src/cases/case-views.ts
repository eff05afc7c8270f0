import type { ServiceType } from '@amani/auth';
import type { KeysetPage } from '@amani/http';
import type {
  ActionPlanStatus,
  TransferStatus,
  AttachmentMediaType,
  ApprovalKind,
  ApprovalStatus,
  GoalStatus,
  NeedArea,
  NeedLevel,
  AgeBand,
  CaseStage,
  ClosureReason,
  ConsentGiver,
  ConsentPurpose,
  DisabilityStatus,
  DisplacementStatus,
  GbvContext,
  GbvType,
  LocationType,
  NationalityStatus,
  PerpetratorAgeGroup,
  PerpetratorCount,
  PerpetratorOccupation,
  PerpetratorRelationship,
  PerpetratorSex,
  PriorIncidents,
  ReportDelayBucket,
  Sex,
  ShareableField,
  TimeOfDay,
  Vulnerability,
} from './case-codes';
import type { ClassificationAnswers, ContextAnswers } from './gbvims-classification';

/** Structured contact details, encrypted as one value. */
export interface ContactDetails {
  phone?: string | null;
  email?: string | null;
  /** How and when it is safe to contact the survivor. */
  safeContactInstructions?: string | null;
}

export interface CaregiverDetails {
  name?: string | null;
  relationship?: string | null;
  contact?: string | null;
}

export interface CaseCodedFields {
  sex: Sex;
  ageBand: AgeBand;
  nationalityStatus: NationalityStatus;
  displacementStatus: DisplacementStatus;
  disability: DisabilityStatus;
  vulnerabilities: Vulnerability[];
  regionCode: string;
}

export interface CaseIdentifyingFields {
  survivorName: string;
  aliases: string[];
  contactDetails: ContactDetails | null;
  address: string | null;
  dateOfBirth: string | null;
  caregiverDetails: CaregiverDetails | null;
  narrative: string | null;
}

/** What a list shows: coded facts only, never identifying fields. */
export interface CaseSummaryView extends CaseCodedFields {
  id: string;
  stage: CaseStage;
  closureReason: ClosureReason | null;
  assignedCaseworkerId: string | null;
  createdAt: Date;
  updatedAt: Date;
  closedAt: Date | null;
  version: number;
}

export interface CaseDetailView extends CaseSummaryView, CaseIdentifyingFields {
  survivorCode: string;
  createdById: string;
}

/** Matching cases counted up to CASE_TOTAL_CAP (totalCapped when there are more); nextCursor for the next page. */
export type CasePage = KeysetPage<CaseSummaryView>;

export interface PerpetratorView {
  count: PerpetratorCount;
  sex: PerpetratorSex;
  ageGroup: PerpetratorAgeGroup;
  relationship: PerpetratorRelationship;
  occupation: PerpetratorOccupation;
}

export interface IncidentView {
  id: string;
  caseId: string;
  gbvType: GbvType;
  contexts: GbvContext[];
  answers: ClassificationAnswers;
  contextAnswers: ContextAnswers;
  incidentDate: string;
  reportDate: string;
  incidentMonth: string;
  reportMonth: string;
  reportDelayBucket: ReportDelayBucket;
  timeOfDay: TimeOfDay;
  locationType: LocationType;
  regionCode: string | null;
  exactLocation: string | null;
  narrative: string | null;
  survivorAgeBand: AgeBand;
  perpetrator: PerpetratorView;
  priorIncidents: PriorIncidents;
  recordedById: string;
  createdAt: Date;
}

export interface NoteView {
  id: string;
  caseId: string;
  authorId: string;
  body: string;
  createdAt: Date;
}

export interface AttachmentView {
  id: string;
  caseId: string;
  mediaType: AttachmentMediaType;
  sizeBytes: number;
  /** The name the uploader's device gave the file (decrypted); downloads use a neutral name. */
  fileName: string;
  uploadedById: string;
  createdAt: Date;
}

export interface TransferView {
  id: string;
  caseId: string;
  fromAgencyId: string;
  toAgencyId: string;
  consentId: string;
  status: TransferStatus;
  reason: string;
  /** The identifying fields the survivor agreed may move; the rest stay behind and are erased. */
  movingFields: ShareableField[];
  proposedById: string;
  proposedAt: Date;
  decidedById: string | null;
  decidedAt: Date | null;
  version: number;
}

export interface ConsentView {
  id: string;
  caseId: string;
  purpose: ConsentPurpose;
  givenBy: ConsentGiver;
  serviceType: ServiceType | null;
  recipientAgencyId: string | null;
  shareableFields: ShareableField[];
  takenById: string;
  takenAt: Date;
  withdrawnAt: Date | null;
  withdrawnById: string | null;
  active: boolean;
}

export interface ActionPlanItemView {
  id: string;
  caseId: string;
  description: string;
  serviceType: ServiceType | null;
  status: ActionPlanStatus;
  needArea: NeedArea | null;
  goalStatus: GoalStatus | null;
  dueDate: string | null;
  createdById: string;
  createdAt: Date;
  updatedAt: Date;
  version: number;
}

export interface ShareView {
  caseId: string;
  userId: string;
  sharedById: string;
  createdAt: Date;
}

export type { Page } from '@amani/http';

export interface AssessmentNeedView {
  area: NeedArea;
  level: NeedLevel;
  notes: string | null;
  assessedById: string;
  updatedAt: Date;
}

export interface AssessmentView {
  caseId: string;
  needs: AssessmentNeedView[];
}

export interface SafetyPlanView {
  caseId: string;
  risks: string | null;
  safeContacts: string | null;
  safePlaces: string | null;
  agreedActions: string | null;
  inPlaceOn: string | null;
  updatedById: string;
  createdAt: Date;
  updatedAt: Date;
  version: number;
}

/** An approval as the case's own staff see it (comments decrypted). */
export interface ApprovalView {
  id: string;
  caseId: string;
  kind: ApprovalKind;
  status: ApprovalStatus;
  closureReason: ClosureReason | null;
  requestComment: string | null;
  requestedById: string;
  requestedAt: Date;
  decidedById: string | null;
  decidedAt: Date | null;
  decisionComment: string | null;
  version: number;
}

/** A supervisor's work-list entry: codes and ids only, no case content. */
export interface PendingApprovalView {
  id: string;
  caseId: string;
  kind: ApprovalKind;
  closureReason: ClosureReason | null;
  requestedById: string;
  requestedAt: Date;
  version: number;
}
