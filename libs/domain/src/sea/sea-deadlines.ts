import type { SeaOutcome, SeaStatus } from './sea-codes';

/**
 * Deadlines of a complaint, in hours from its receipt (`config.sea.deadlines`). A complaint
 * carries its receipt date only, never a time, so each deadline counts from the start of that
 * day in UTC: a complaint received on 2026-11-01 with a 72-hour triage deadline is overdue
 * from 2026-11-04T00:00Z on.
 */
export interface SeaDeadlines {
  /** Until it leaves `received` (assessed, codes confirmed). */
  triageHours: number;
  /** Until the victim of an open complaint who asked for assistance is referred to an agency (triaged or not). */
  assistanceHours: number;
  /** Until the referral to the entity concerned is recorded (or status or outcome says so), or closed. */
  entityReferralHours: number;
}

export const SEA_OVERDUE_KINDS = ['triage', 'assistance', 'entity_referral'] as const;
export type SeaOverdueKind = (typeof SEA_OVERDUE_KINDS)[number];

/** The latest receipt instant (start of the receipt day, UTC) still within each deadline: anything received before it is late. */
export interface SeaOverdueCutoffs {
  triage: Date;
  assistance: Date;
  entityReferral: Date;
}

/** What the deadlines look at: coded state only. */
export interface SeaDeadlineFacts {
  receivedOn: string;
  status: SeaStatus;
  outcome: SeaOutcome | null;
  wantsAssistance: boolean;
  /** Whether an assistance request was ever addressed to an agency for this complaint. */
  assistanceRequested: boolean;
  /** Whether the referral to the entity concerned is recorded (sea_entity_referrals). */
  entityReferred: boolean;
}

const HOUR_MS = 3_600_000;

export function seaOverdueCutoffs(deadlines: SeaDeadlines, now: Date): SeaOverdueCutoffs {
  const back = (hours: number) => new Date(now.getTime() - hours * HOUR_MS);
  return { triage: back(deadlines.triageHours), assistance: back(deadlines.assistanceHours), entityReferral: back(deadlines.entityReferralHours) };
}

/** The start of a `YYYY-MM-DD` receipt day in UTC. */
export function receiptStart(receivedOn: string): Date {
  return new Date(`${receivedOn}T00:00:00.000Z`);
}

/**
 * The deadlines a complaint has missed, in a fixed order (as `config.sea.deadlines` defines
 * them): triage while still `received`; assistance while the complaint is open (triaged or
 * not), the victim asked for it and no request was addressed to an agency yet; referral to the entity
 * while `received` or in `assessment`, no referral is recorded and no outcome says it was referred. The repository
 * orders its list with the same rules (overdue first) from the same cutoffs.
 */
export function seaOverdue(c: SeaDeadlineFacts, cutoffs: SeaOverdueCutoffs): SeaOverdueKind[] {
  const start = receiptStart(c.receivedOn).getTime();
  const late = (cutoff: Date) => start < cutoff.getTime();
  const out: SeaOverdueKind[] = [];
  if (c.status === 'received' && late(cutoffs.triage)) out.push('triage');
  // The victim's help does not wait for triage: an untriaged complaint counts too.
  const open = c.status === 'received' || c.status === 'assessment' || c.status === 'referred_for_investigation';
  if (open && c.wantsAssistance && !c.assistanceRequested && late(cutoffs.assistance)) out.push('assistance');
  if ((c.status === 'received' || c.status === 'assessment') && c.outcome !== 'referred_to_entity' && !c.entityReferred && late(cutoffs.entityReferral)) out.push('entity_referral');
  return out;
}
