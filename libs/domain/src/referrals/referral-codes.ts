/**
 * Coded vocabularies of referrals. Every plain column of the referrals tables holds one of
 * these (CHECK-constrained), so reporting can count them and no free text can sit there.
 */

export const REFERRAL_STATES = ['pending', 'accepted', 'declined', 'completed', 'revoked'] as const;
export type ReferralState = (typeof REFERRAL_STATES)[number];

/** States in which a referral still awaits the receiving agency (and can become overdue). */
export const OPEN_REFERRAL_STATES: readonly ReferralState[] = ['pending', 'accepted'];

/** GBVIMS service outcomes; they also make up the case's service record. */
export const SERVICE_OUTCOMES = [
  'referred',
  'provided_by_own_agency',
  'already_received_elsewhere',
  'not_applicable',
  'declined_by_survivor',
  'service_unavailable',
] as const;
export type ServiceOutcome = (typeof SERVICE_OUTCOMES)[number];

/** Why a receiving agency declined (coded; any explanation goes into an encrypted note). */
export const DECLINE_REASONS = [
  'no_capacity',
  'service_not_offered',
  'outside_service_area',
  'survivor_not_eligible',
  'unable_to_contact_survivor',
  'other',
] as const;
export type DeclineReason = (typeof DECLINE_REASONS)[number];

/** Why a packet's key was destroyed. */
export const PACKET_DESTROY_REASONS = ['consent_withdrawn', 'revoked', 'declined', 'case_erased'] as const;
export type PacketDestroyReason = (typeof PACKET_DESTROY_REASONS)[number];

/**
 * What a notification is about. Each missed deadline notifies the person responsible; the
 * `_escalated` kind goes to the supervisors when it is still open after the grace period.
 */
export const NOTIFICATION_KINDS = [
  'referral_overdue',
  'referral_overdue_escalated',
  'referral_unanswered',
  'referral_unanswered_escalated',
  'action_item_overdue',
  'action_item_overdue_escalated',
  'approval_waiting',
  'daily_digest',
  /** The SEA focal points' daily count of new and overdue complaints (counts only, no complaint named). */
  'sea_digest',
  /** A case will be erased by the retention job: to its assigned caseworker and its agency's supervisors (names the case, nothing of it). */
  'case_retention_warning',
  /** SEA complaints will be shredded by the retention job: to the focal points, a count only. */
  'sea_retention_warning',
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

/** The kind of record a notification's target id names (a digest names no record). */
export const NOTIFICATION_TARGETS = ['referral', 'case_action_plan_item', 'case_approval', 'digest', 'case'] as const;
export type NotificationTarget = (typeof NOTIFICATION_TARGETS)[number];

export type ReferralAction = 'accept' | 'decline' | 'complete' | 'revoke';

/**
 * The lifecycle: pending → accepted | declined; accepted → completed; pending or accepted →
 * revoked (by the referring agency). Declined, completed and revoked are final.
 */
export const REFERRAL_TRANSITIONS: Readonly<Record<ReferralAction, { from: readonly ReferralState[]; to: ReferralState }>> = {
  accept: { from: ['pending'], to: 'accepted' },
  decline: { from: ['pending'], to: 'declined' },
  complete: { from: ['accepted'], to: 'completed' },
  revoke: { from: ['pending', 'accepted'], to: 'revoked' },
};

/** Which side of a referral may take each step. */
export const ACTION_SIDE: Readonly<Record<ReferralAction, 'recipient' | 'referrer'>> = {
  accept: 'recipient',
  decline: 'recipient',
  complete: 'recipient',
  revoke: 'referrer',
};

/** The state an action leads to from `from`, or null when the lifecycle does not allow it. */
export function nextReferralState(from: ReferralState, action: ReferralAction): ReferralState | null {
  const t = REFERRAL_TRANSITIONS[action];
  return t.from.includes(from) ? t.to : null;
}

/** Provider notes stay short: they travel back to the referrer, encrypted. */
export const NOTE_MAX_LENGTH = 1000;
export const OVERRIDE_REASON_MAX_LENGTH = 2000;
/** Follow-up deadlines lie between one hour and one year ahead. */
export const FOLLOW_UP_MIN_MS = 3_600_000;
export const FOLLOW_UP_MAX_MS = 366 * 86_400_000;
