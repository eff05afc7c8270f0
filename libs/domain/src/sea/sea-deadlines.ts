import type { SeaStatus } from './sea-codes';

/**
 * Deadlines of a complaint, in hours from its receipt (`config.sea.deadlines`). A complaint
 * carries its receipt date only, never a time, so each deadline counts from the start of that
 * day in UTC: a complaint received on 2026-11-01 with a 72-hour triage deadline is overdue
 * from 2026-11-04T00:00Z on.
 */
export interface SeaDeadlines {
  /** Until it leaves `received` (assessed, codes confirmed). */
  triageHours: number;
  /** Until a victim who asked for assistance is referred to an agency. */
  assistanceHours: number;
  /** Until the complaint is referred for investigation (or closed). */
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
  wantsAssistance: boolean;
  /** Whether an assistance request was ever addressed to an agency for this complaint. */
  assistanceRequested: boolean;
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
 * The deadlines a complaint has missed, in a fixed order: triage while still `received`;
 * referral for investigation while `received` or in `assessment`; assistance while the
 * victim asked for it, none was requested yet and the complaint is open. The repository
 * orders its list with the same rules (overdue first) from the same cutoffs.
 */
export function seaOverdue(c: SeaDeadlineFacts, cutoffs: SeaOverdueCutoffs): SeaOverdueKind[] {
  const start = receiptStart(c.receivedOn).getTime();
  const late = (cutoff: Date) => start < cutoff.getTime();
  const out: SeaOverdueKind[] = [];
  if (c.status === 'received' && late(cutoffs.triage)) out.push('triage');
  if (c.wantsAssistance && !c.assistanceRequested && c.status !== 'closed' && late(cutoffs.assistance)) out.push('assistance');
  if ((c.status === 'received' || c.status === 'assessment') && late(cutoffs.entityReferral)) out.push('entity_referral');
  return out;
}
