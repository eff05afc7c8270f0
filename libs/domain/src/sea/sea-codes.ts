import { AGE_BANDS, AgeBand, SEXES, Sex } from '@amani/domain/cases';

/**
 * Coded, non-identifying vocabularies of SEA complaints. Only these values sit in plain
 * columns (CHECK-constrained to the same lists), so the quarterly SEA statistics can count
 * them; everything a complainant writes is encrypted.
 */

export const SEA_CATEGORIES = ['sexual_exploitation', 'sexual_abuse', 'unknown'] as const;
export type SeaCategory = (typeof SEA_CATEGORIES)[number];

/** Entity of the alleged perpetrator (UN SEA data categories). */
export const SEA_ENTITY_TYPES = ['peacekeeping', 'un_agency_fund_programme', 'implementing_partner', 'non_un_force', 'other', 'unknown'] as const;
export type SeaEntityType = (typeof SEA_ENTITY_TYPES)[number];

/** When the incident happened, relative to the complaint: a band, never a date. */
export const SEA_DATE_BANDS = ['last_month', 'one_to_six_months', 'six_to_twelve_months', 'over_a_year', 'unknown'] as const;
export type SeaDateBand = (typeof SEA_DATE_BANDS)[number];

export const SEA_VICTIM_SEXES = SEXES;
export type SeaVictimSex = Sex;
export const SEA_VICTIM_AGE_BANDS = AGE_BANDS;
export type SeaVictimAgeBand = AgeBand;

/**
 * `withdrawn`: the complainant withdrew the complaint with their receipt; its content is
 * shredded at once and the coded row stays only if it was assessed (see SeaComplainantControlService).
 */
export const SEA_STATUSES = ['received', 'assessment', 'referred_for_investigation', 'closed', 'withdrawn'] as const;
export type SeaStatus = (typeof SEA_STATUSES)[number];

export const SEA_OUTCOMES = [
  'under_investigation',
  'substantiated',
  'unsubstantiated',
  'insufficient_information',
  'referred_to_entity',
  'withdrawn',
] as const;
export type SeaOutcome = (typeof SEA_OUTCOMES)[number];

export const SEA_LANGUAGES = ['en', 'fr', 'ar', 'es'] as const;
export type SeaLanguage = (typeof SEA_LANGUAGES)[number];

/**
 * How a complaint reached the team: `web` when the complainant submitted it themselves
 * (/report or the API), otherwise the channel a focal point took it from (assisted intake).
 */
export const SEA_CHANNELS = ['web', 'hotline', 'paper', 'community_focal_point', 'in_person'] as const;
export type SeaChannel = (typeof SEA_CHANNELS)[number];
/** Channels a focal point may record when entering a complaint for someone. */
export const SEA_ASSISTED_CHANNELS = ['hotline', 'paper', 'community_focal_point', 'in_person'] as const satisfies readonly SeaChannel[];
export type SeaAssistedChannel = (typeof SEA_ASSISTED_CHANNELS)[number];

export const SEA_MESSAGE_AUTHORS = ['complainant', 'focal_point'] as const;
export type SeaMessageAuthor = (typeof SEA_MESSAGE_AUTHORS)[number];

export const SEA_ASSISTANCE_STATUSES = ['pending', 'accepted'] as const;
export type SeaAssistanceStatus = (typeof SEA_ASSISTANCE_STATUSES)[number];

/** received → assessment → referred_for_investigation | closed; an investigation ends closed. */
const TRANSITIONS: Record<SeaStatus, readonly SeaStatus[]> = {
  received: ['assessment'],
  assessment: ['referred_for_investigation', 'closed'],
  referred_for_investigation: ['closed'],
  closed: [],
  withdrawn: [],
};

export function seaTransitionAllowed(from: SeaStatus, to: SeaStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

/** Days a withdrawn receipt still answers "withdrawn" (its tag and verifier, nothing else) before the retention job deletes it. */
export const SEA_WITHDRAWN_RECEIPT_DAYS = 365;

/** `2025-Q4` for a `YYYY-MM-DD` date. */
export function quarterOf(isoDate: string): string {
  const [year, month] = isoDate.split('-').map(Number);
  return `${year}-Q${Math.floor((month - 1) / 3) + 1}`;
}

/** Today's date in UTC as `YYYY-MM-DD`: the finest time the SEA tables hold about a complainant. */
export function utcToday(now: Date = new Date()): string {
  return now.toISOString().slice(0, 10);
}

/**
 * Interim measures the entity concerned reports having taken while it investigates (UN SEA
 * allegation data: measures against the alleged perpetrator and to protect the victim).
 */
export const SEA_INTERIM_MEASURES = [
  'administrative_leave',
  'suspension',
  'reassignment',
  'restricted_duties',
  'no_contact_measure',
  'victim_relocation',
  'other',
] as const;
export type SeaInterimMeasure = (typeof SEA_INTERIM_MEASURES)[number];

/**
 * Where a victim of a complaint stands with assistance, whatever the investigation finds:
 * not yet assessed, assistance not wanted or not needed, referred (waiting for the agency),
 * receiving it, or unreachable.
 */
export const SEA_VICTIM_ASSISTANCE_STATUSES = ['not_assessed', 'not_needed', 'declined', 'referred', 'receiving', 'unreachable'] as const;
export type SeaVictimAssistanceStatus = (typeof SEA_VICTIM_ASSISTANCE_STATUSES)[number];

/** A victim counts as referred to assistance once referred, and while receiving it. */
export const SEA_VICTIM_REFERRED: readonly SeaVictimAssistanceStatus[] = ['referred', 'receiving'];

/** Longest free text focal points write about an entity referral or a victim (sealed). */
export const SEA_INVESTIGATION_TEXT_MAX = 2000;
