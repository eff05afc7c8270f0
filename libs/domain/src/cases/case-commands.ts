import type { ServiceType } from '@amani/auth';
import type {
  ActionPlanStatus,
  ApprovalDecision,
  ApprovalKind,
  GoalStatus,
  NeedArea,
  NeedLevel,
  ReopenReason,
  AgeBand,
  CaseStage,
  ClosureReason,
  ConsentGiver,
  ConsentPurpose,
  GbvType,
  LocationType,
  PriorIncidents,
  ShareableField,
  Sex,
  TimeOfDay,
  DisplacementStatus,
  NationalityStatus,
} from './case-codes';
import type { CaregiverDetails, CaseCodedFields, ContactDetails, PerpetratorView } from './case-views';
import type { ClassificationAnswers, ContextAnswers } from './gbvims-classification';

export interface CreateCaseCommand extends CaseCodedFields {
  survivorName: string;
  aliases?: string[] | null;
  contactDetails?: ContactDetails | null;
  address?: string | null;
  dateOfBirth?: string | null;
  caregiverDetails?: CaregiverDetails | null;
  narrative?: string | null;
  /** Supervisor only; a caseworker's new case is assigned to them. */
  assignedCaseworkerId?: string | null;
}

/** Absent = unchanged; null = cleared. */
export interface UpdateCaseCommand extends Partial<CaseCodedFields> {
  version: number;
  survivorName?: string;
  aliases?: string[] | null;
  contactDetails?: ContactDetails | null;
  address?: string | null;
  dateOfBirth?: string | null;
  caregiverDetails?: CaregiverDetails | null;
  narrative?: string | null;
}

export interface ChangeStageCommand {
  to: CaseStage;
  version: number;
  closureReason?: ClosureReason | null;
}

export interface AssignCaseCommand {
  caseworkerId: string;
  version: number;
}

export interface CaseListQuery {
  page: number;
  pageSize: number;
  stage?: CaseStage;
  sex?: Sex;
  ageBand?: AgeBand;
  regionCode?: string;
  displacementStatus?: DisplacementStatus;
  nationalityStatus?: NationalityStatus;
  assignedCaseworkerId?: string;
  gbvType?: GbvType;
  /** A page's nextCursor: the page after it (keyset on created_at, id). Not combined with page > 1. */
  cursor?: string;
}

export interface CreateIncidentCommand {
  incidentDate: string;
  /** Defaults to today (UTC). */
  reportDate?: string | null;
  answers: ClassificationAnswers;
  contextAnswers: ContextAnswers;
  timeOfDay: TimeOfDay;
  locationType: LocationType;
  regionCode?: string | null;
  exactLocation?: string | null;
  narrative?: string | null;
  /** Survivor's age band at the incident; defaults to the case's. */
  survivorAgeBand?: AgeBand | null;
  perpetrator: PerpetratorView;
  priorIncidents: PriorIncidents;
}

export interface CreateConsentCommand {
  purpose: ConsentPurpose;
  givenBy: ConsentGiver;
  serviceType?: ServiceType | null;
  recipientAgencyId?: string | null;
  shareableFields?: ShareableField[] | null;
}

export interface CreateActionPlanItemCommand {
  description: string;
  serviceType?: ServiceType | null;
  needArea?: NeedArea | null;
  dueDate?: string | null;
}

export interface UpdateActionPlanItemCommand {
  version: number;
  description?: string;
  serviceType?: ServiceType | null;
  status?: ActionPlanStatus;
  needArea?: NeedArea | null;
  goalStatus?: GoalStatus | null;
  dueDate?: string | null;
}

/** Needs per area; each area given replaces that area's earlier assessment. */
export interface RecordAssessmentCommand {
  needs: { area: NeedArea; level: NeedLevel; notes?: string | null }[];
}

/** A whole safety plan; `version` is required once the case has one. Null clears a field. */
export interface SaveSafetyPlanCommand {
  version?: number;
  risks?: string | null;
  safeContacts?: string | null;
  safePlaces?: string | null;
  agreedActions?: string | null;
  inPlaceOn?: string | null;
}

export interface RequestApprovalCommand {
  kind: ApprovalKind;
  comment?: string | null;
  /** Required for a closure request. */
  closureReason?: ClosureReason | null;
}

export interface DecideApprovalCommand {
  version: number;
  decision: ApprovalDecision;
  comment?: string | null;
}

export interface ReopenCaseCommand {
  version: number;
  reason: ReopenReason;
}
