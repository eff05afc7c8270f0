/**
 * Coded, non-identifying vocabularies of the case store (GBVIMS-aligned). Only these values
 * may appear in plain columns; every column holding one has a CHECK constraint built from
 * the same list, so free text cannot slip into a plain column even through SQL.
 */

export const CASE_STAGES = ['intake', 'assessment', 'action_plan', 'implementation', 'follow_up', 'closed'] as const;
export type CaseStage = (typeof CASE_STAGES)[number];

/**
 * Why a supervisor erased a case (or the retention job did): coded, audited, kept on the
 * de-identified row.
 */
export const ERASURE_REASONS = ['survivor_request', 'safety_risk', 'entered_in_error', 'duplicate', 'retention_expired', 'other'] as const;
export type ErasureReason = (typeof ERASURE_REASONS)[number];

export const CLOSURE_REASONS = [
  'needs_met',
  'survivor_request',
  'survivor_relocated',
  'lost_contact',
  'transferred',
  'deceased',
  'other',
] as const;
export type ClosureReason = (typeof CLOSURE_REASONS)[number];

export const SEXES = ['female', 'male', 'other', 'unknown'] as const;
export type Sex = (typeof SEXES)[number];

/** GBVIMS age bands. */
export const AGE_BANDS = ['0_11', '12_17', '18_25', '26_40', '41_60', '61_plus', 'unknown'] as const;
export type AgeBand = (typeof AGE_BANDS)[number];
export const CHILD_AGE_BANDS: readonly AgeBand[] = ['0_11', '12_17'];

export const NATIONALITY_STATUSES = ['national', 'non_national', 'stateless', 'unknown'] as const;
export type NationalityStatus = (typeof NATIONALITY_STATUSES)[number];

export const DISPLACEMENT_STATUSES = [
  'resident',
  'idp',
  'refugee',
  'returnee',
  'asylum_seeker',
  'foreign_national',
  'unknown',
] as const;
export type DisplacementStatus = (typeof DISPLACEMENT_STATUSES)[number];

export const DISABILITY_STATUSES = ['none', 'physical', 'mental', 'physical_and_mental', 'unknown'] as const;
export type DisabilityStatus = (typeof DISABILITY_STATUSES)[number];

export const VULNERABILITIES = [
  'unaccompanied_minor',
  'separated_child',
  'other_vulnerable_child',
  'female_headed_household',
  'child_headed_household',
  'older_person',
  'pregnant_or_lactating',
  'chronic_illness',
] as const;
export type Vulnerability = (typeof VULNERABILITIES)[number];

// Region codes are the gazetteer's P-codes: their format lives with it.
export { REGION_CODE_PATTERN, REGION_CODE_SQL_PATTERN } from '@amani/domain/locations';

/** GBVIMS types, in the classification tool's order of precedence. */
export const GBV_TYPES = [
  'rape',
  'sexual_assault',
  'physical_assault',
  'forced_marriage',
  'denial_of_resources_opportunities_or_services',
  'psychological_emotional_abuse',
  'non_gbv',
] as const;
export type GbvType = (typeof GBV_TYPES)[number];
export const SEXUAL_GBV_TYPES: readonly GbvType[] = ['rape', 'sexual_assault'];

export const GBV_CONTEXTS = [
  'intimate_partner_violence',
  'child_sexual_abuse',
  'early_marriage',
  'possible_sexual_exploitation',
  'possible_sexual_slavery',
  'harmful_traditional_practice',
] as const;
export type GbvContext = (typeof GBV_CONTEXTS)[number];

export const REPORT_DELAY_BUCKETS = ['0_3', '4_5', '6_14', '15_30', 'over_30'] as const;
export type ReportDelayBucket = (typeof REPORT_DELAY_BUCKETS)[number];

export const TIMES_OF_DAY = ['morning', 'afternoon', 'evening_night', 'unknown'] as const;
export type TimeOfDay = (typeof TIMES_OF_DAY)[number];

export const LOCATION_TYPES = [
  'bush_forest',
  'garden_cultivated_field',
  'school',
  'road',
  'survivor_home',
  'perpetrator_home',
  'other_residence',
  'service_facility',
  'marketplace',
  'bar_restaurant',
  'place_of_worship',
  'workplace',
  'detention_facility',
  'camp_settlement',
  'online',
  'other',
  'unknown',
] as const;
export type LocationType = (typeof LOCATION_TYPES)[number];

export const PERPETRATOR_COUNTS = ['1', '2', '3', 'more_than_3', 'unknown'] as const;
export type PerpetratorCount = (typeof PERPETRATOR_COUNTS)[number];

export const PERPETRATOR_SEXES = ['female', 'male', 'female_and_male', 'unknown'] as const;
export type PerpetratorSex = (typeof PERPETRATOR_SEXES)[number];

export const PERPETRATOR_AGE_GROUPS = ['0_11', '12_17', '18_25', '26_40', '41_60', '61_plus', 'unknown'] as const;
export type PerpetratorAgeGroup = (typeof PERPETRATOR_AGE_GROUPS)[number];

export const PERPETRATOR_RELATIONSHIPS = [
  'intimate_partner',
  'primary_caregiver',
  'family_other',
  'supervisor_employer',
  'schoolmate',
  'teacher_school_official',
  'service_provider',
  'cotenant_housemate',
  'family_friend_neighbour',
  'other_displaced_person',
  'other_community_member',
  'no_relation',
  'other',
  'unknown',
] as const;
export type PerpetratorRelationship = (typeof PERPETRATOR_RELATIONSHIPS)[number];

export const PERPETRATOR_OCCUPATIONS = [
  'unemployed',
  'farmer',
  'trader_business_owner',
  'labourer',
  'student',
  'teacher',
  'religious_leader',
  'community_leader',
  'health_worker',
  'humanitarian_worker',
  'government_employee',
  'police',
  'armed_forces',
  'non_state_armed_group',
  'peacekeeper',
  'other',
  'unknown',
] as const;
export type PerpetratorOccupation = (typeof PERPETRATOR_OCCUPATIONS)[number];

export const PRIOR_INCIDENTS = ['yes', 'no', 'unknown'] as const;
export type PriorIncidents = (typeof PRIOR_INCIDENTS)[number];

export const CONSENT_PURPOSES = ['services', 'referral', 'statistics', 'transfer'] as const;
export type ConsentPurpose = (typeof CONSENT_PURPOSES)[number];

export const CONSENT_GIVERS = ['survivor', 'caregiver'] as const;
export type ConsentGiver = (typeof CONSENT_GIVERS)[number];

/**
 * Names of the case facts a referral consent may list as shareable. The referral feature
 * sends a receiving agency only the fields listed in the survivor's active referral consent.
 */
export const SHAREABLE_FIELDS = [
  'survivorName',
  'aliases',
  'contactDetails',
  'address',
  'dateOfBirth',
  'caregiverDetails',
  'narrative',
  'sex',
  'ageBand',
  'nationalityStatus',
  'displacementStatus',
  'disability',
  'vulnerabilities',
  'regionCode',
  'incidentTypes',
  'incidentNarratives',
] as const;
export type ShareableField = (typeof SHAREABLE_FIELDS)[number];

export const ACTION_PLAN_STATUSES = ['planned', 'in_progress', 'done', 'cancelled'] as const;
export type ActionPlanStatus = (typeof ACTION_PLAN_STATUSES)[number];

/** Areas a survivor assessment covers (inter-agency GBV case management guidelines). */
export const NEED_AREAS = ['safety', 'health', 'psychosocial', 'legal_justice', 'economic', 'shelter', 'other'] as const;
export type NeedArea = (typeof NEED_AREAS)[number];

/** How pressing a need is; plain so that needs can be counted. */
export const NEED_LEVELS = ['none', 'low', 'medium', 'high', 'urgent'] as const;
export type NeedLevel = (typeof NEED_LEVELS)[number];

/** Whether an action-plan goal was met, reviewed at follow-up. */
export const GOAL_STATUSES = ['met', 'partly_met', 'not_met'] as const;
export type GoalStatus = (typeof GOAL_STATUSES)[number];

/** Steps a supervisor approves. */
export const APPROVAL_KINDS = ['assessment', 'action_plan', 'closure'] as const;
export type ApprovalKind = (typeof APPROVAL_KINDS)[number];

export const APPROVAL_STATUSES = ['pending', 'approved', 'returned'] as const;
export type ApprovalStatus = (typeof APPROVAL_STATUSES)[number];

export const APPROVAL_DECISIONS = ['approve', 'return'] as const;
export type ApprovalDecision = (typeof APPROVAL_DECISIONS)[number];

/** Why a supervisor reopened a closed case. */
export const REOPEN_REASONS = ['survivor_returned', 'new_incident', 'needs_not_met', 'closed_in_error', 'other'] as const;
export type ReopenReason = (typeof REOPEN_REASONS)[number];

/** Months as 'YYYY-MM'. */
export const MONTH_SQL_PATTERN = '^[0-9]{4}-(0[1-9]|1[0-2])$';

/** SQL for a CHECK constraint: the column holds one of the values (or NULL). */
export function sqlIn(column: string, values: readonly string[]): string {
  return `${column} IN (${values.map((v) => `'${v}'`).join(',')})`;
}

/** SQL for a CHECK constraint: every element of the array column is one of the values. */
export function sqlArrayWithin(column: string, values: readonly string[]): string {
  return `${column} <@ ARRAY[${values.map((v) => `'${v}'`).join(',')}]::varchar[]`;
}

/** Attachment types accepted (one list for every context's attachments). */
export { ATTACHMENT_MEDIA_TYPES } from '@amani/domain/attachments';
export type { AttachmentMediaType } from '@amani/domain/attachments';

/** A transfer of a case to another agency: proposed, then accepted or declined by the receiving supervisor. */
export const TRANSFER_STATUSES = ['pending', 'accepted', 'declined', 'cancelled'] as const;
export type TransferStatus = (typeof TRANSFER_STATUSES)[number];
