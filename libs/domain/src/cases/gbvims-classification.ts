import {
  AgeBand,
  CHILD_AGE_BANDS,
  GbvContext,
  GbvType,
  PerpetratorRelationship,
  ReportDelayBucket,
  SEXUAL_GBV_TYPES,
} from './case-codes';

/** The six questions of the GBVIMS classification tool, asked in this order. */
export interface ClassificationAnswers {
  penetration: boolean;
  sexualContactWithoutPenetration: boolean;
  physicalAssault: boolean;
  forcedMarriage: boolean;
  denialOfResources: boolean;
  psychologicalAbuse: boolean;
}

/** Explicit intake answers behind the contexts that cannot be derived from other facts. */
export interface ContextAnswers {
  /** Money, goods, benefits or services were exchanged in relation to the incident. */
  moneyGoodsBenefitsExchanged: boolean;
  /** The survivor was abducted or held captive (forced conscription, trafficking, other). */
  abductedOrHeld: boolean;
  /** The incident was a harmful traditional practice. */
  harmfulTraditionalPractice: boolean;
}

const PRECEDENCE: readonly [keyof ClassificationAnswers, GbvType][] = [
  ['penetration', 'rape'],
  ['sexualContactWithoutPenetration', 'sexual_assault'],
  ['physicalAssault', 'physical_assault'],
  ['forcedMarriage', 'forced_marriage'],
  ['denialOfResources', 'denial_of_resources_opportunities_or_services'],
  ['psychologicalAbuse', 'psychological_emotional_abuse'],
];

/** GBVIMS classification tool: the first "yes", in the tool's order, decides the type. */
export function classifyIncident(answers: ClassificationAnswers): GbvType {
  for (const [question, type] of PRECEDENCE) {
    if (answers[question] === true) return type;
  }
  return 'non_gbv';
}

export interface ContextFacts {
  gbvType: GbvType;
  perpetratorRelationship: PerpetratorRelationship;
  /** Survivor's age band at the time of the incident. */
  survivorAgeBand: AgeBand;
  answers: ContextAnswers;
}

/**
 * GBVIMS contexts, in the order of GBV_CONTEXTS. A non-GBV incident has none. "Possible"
 * sexual exploitation and slavery follow GBVIMS: they qualify rape and sexual assault only.
 * An unknown age band is not treated as a child.
 */
export function deriveContexts(facts: ContextFacts): GbvContext[] {
  if (facts.gbvType === 'non_gbv') return [];
  const sexual = SEXUAL_GBV_TYPES.includes(facts.gbvType);
  const child = CHILD_AGE_BANDS.includes(facts.survivorAgeBand);
  const contexts: GbvContext[] = [];
  if (facts.perpetratorRelationship === 'intimate_partner') contexts.push('intimate_partner_violence');
  if (sexual && child) contexts.push('child_sexual_abuse');
  if (facts.gbvType === 'forced_marriage' && child) contexts.push('early_marriage');
  if (sexual && facts.answers.moneyGoodsBenefitsExchanged) contexts.push('possible_sexual_exploitation');
  if (sexual && facts.answers.abductedOrHeld) contexts.push('possible_sexual_slavery');
  if (facts.answers.harmfulTraditionalPractice) contexts.push('harmful_traditional_practice');
  return contexts;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Days since 1970-01-01 of a calendar date 'YYYY-MM-DD'; throws on an impossible date. */
export function epochDay(isoDate: string): number {
  const m = ISO_DATE.exec(isoDate);
  if (!m) throw new RangeError('date must be YYYY-MM-DD');
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const ms = Date.UTC(y, mo - 1, d);
  const back = new Date(ms);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) {
    throw new RangeError('date does not exist');
  }
  return ms / 86_400_000;
}

export function isValidIsoDate(value: string): boolean {
  try {
    epochDay(value);
    return true;
  } catch {
    return false;
  }
}

/** 'YYYY-MM' of a calendar date. */
export function monthOf(isoDate: string): string {
  epochDay(isoDate);
  return isoDate.slice(0, 7);
}

/** Whole calendar days from the incident to its report; negative when reported "before" it. */
export function reportDelayDays(incidentDate: string, reportDate: string): number {
  return epochDay(reportDate) - epochDay(incidentDate);
}

/** GBVIMS report-delay buckets: 0–3, 4–5, 6–14, 15–30, over 30 days. */
export function reportDelayBucket(days: number): ReportDelayBucket {
  if (!Number.isInteger(days) || days < 0) throw new RangeError('report delay must be a whole number of days, not negative');
  if (days <= 3) return '0_3';
  if (days <= 5) return '4_5';
  if (days <= 14) return '6_14';
  if (days <= 30) return '15_30';
  return 'over_30';
}
