import { AGE_BANDS, GBV_TYPES, GbvType, PERPETRATOR_RELATIONSHIPS } from './case-codes';
import {
  classifyIncident,
  ClassificationAnswers,
  ContextAnswers,
  deriveContexts,
  epochDay,
  monthOf,
  reportDelayBucket,
  reportDelayDays,
} from './gbvims-classification';

const QUESTIONS: (keyof ClassificationAnswers)[] = [
  'penetration',
  'sexualContactWithoutPenetration',
  'physicalAssault',
  'forcedMarriage',
  'denialOfResources',
  'psychologicalAbuse',
];
const NO: ClassificationAnswers = {
  penetration: false,
  sexualContactWithoutPenetration: false,
  physicalAssault: false,
  forcedMarriage: false,
  denialOfResources: false,
  psychologicalAbuse: false,
};
const NO_CONTEXT: ContextAnswers = { moneyGoodsBenefitsExchanged: false, abductedOrHeld: false, harmfulTraditionalPractice: false };

function answersFromMask(mask: number): ClassificationAnswers {
  const a = { ...NO };
  QUESTIONS.forEach((q, i) => {
    a[q] = (mask & (1 << i)) !== 0;
  });
  return a;
}

describe('classifyIncident (GBVIMS classification tool)', () => {
  it('answers non_gbv when every answer is no', () => {
    expect(classifyIncident(NO)).toBe('non_gbv');
  });

  it.each(QUESTIONS.map((q, i) => [q, GBV_TYPES[i]] as const))('a lone yes to %s gives %s', (question, type) => {
    expect(classifyIncident({ ...NO, [question]: true })).toBe(type);
  });

  // Every one of the 64 combinations: the first yes in the tool's order wins.
  it.each(Array.from({ length: 64 }, (_, mask) => [mask]))('combination %i: the first yes wins', (mask) => {
    const answers = answersFromMask(mask);
    const first = QUESTIONS.findIndex((q) => answers[q]);
    expect(classifyIncident(answers)).toBe(first === -1 ? 'non_gbv' : GBV_TYPES[first]);
  });

  it.each([
    ['penetration over sexual contact', { penetration: true, sexualContactWithoutPenetration: true }, 'rape'],
    ['sexual contact over physical assault', { sexualContactWithoutPenetration: true, physicalAssault: true }, 'sexual_assault'],
    ['physical assault over forced marriage', { physicalAssault: true, forcedMarriage: true }, 'physical_assault'],
    ['forced marriage over denial of resources', { forcedMarriage: true, denialOfResources: true }, 'forced_marriage'],
    [
      'denial of resources over psychological abuse',
      { denialOfResources: true, psychologicalAbuse: true },
      'denial_of_resources_opportunities_or_services',
    ],
    ['rape over all others', { ...answersFromMask(63) }, 'rape'],
  ] as const)('precedence: %s', (_name, partial, expected) => {
    expect(classifyIncident({ ...NO, ...partial })).toBe(expected);
  });
});

describe('deriveContexts', () => {
  const base = {
    gbvType: 'physical_assault' as GbvType,
    perpetratorRelationship: 'no_relation' as const,
    survivorAgeBand: '26_40' as const,
    answers: NO_CONTEXT,
  };

  it('gives none when nothing applies', () => {
    expect(deriveContexts(base)).toEqual([]);
  });

  it('intimate partner violence comes from the relationship alone, for any GBV type', () => {
    for (const gbvType of GBV_TYPES.filter((t) => t !== 'non_gbv')) {
      expect(deriveContexts({ ...base, gbvType, perpetratorRelationship: 'intimate_partner' })).toContain(
        'intimate_partner_violence',
      );
    }
    for (const rel of PERPETRATOR_RELATIONSHIPS.filter((r) => r !== 'intimate_partner')) {
      expect(deriveContexts({ ...base, perpetratorRelationship: rel })).not.toContain('intimate_partner_violence');
    }
  });

  it('child sexual abuse: a sexual type and a survivor under 18', () => {
    for (const gbvType of GBV_TYPES) {
      for (const survivorAgeBand of AGE_BANDS) {
        const expected =
          (gbvType === 'rape' || gbvType === 'sexual_assault') && (survivorAgeBand === '0_11' || survivorAgeBand === '12_17');
        expect(deriveContexts({ ...base, gbvType, survivorAgeBand }).includes('child_sexual_abuse')).toBe(expected);
      }
    }
  });

  it('early marriage: forced marriage and a survivor under 18', () => {
    for (const gbvType of GBV_TYPES) {
      for (const survivorAgeBand of AGE_BANDS) {
        const expected = gbvType === 'forced_marriage' && (survivorAgeBand === '0_11' || survivorAgeBand === '12_17');
        expect(deriveContexts({ ...base, gbvType, survivorAgeBand }).includes('early_marriage')).toBe(expected);
      }
    }
  });

  it('possible sexual exploitation: an explicit exchange, on a sexual type only', () => {
    const answers = { ...NO_CONTEXT, moneyGoodsBenefitsExchanged: true };
    expect(deriveContexts({ ...base, gbvType: 'rape', answers })).toEqual(['possible_sexual_exploitation']);
    expect(deriveContexts({ ...base, gbvType: 'sexual_assault', answers })).toEqual(['possible_sexual_exploitation']);
    expect(deriveContexts({ ...base, gbvType: 'physical_assault', answers })).toEqual([]);
    expect(deriveContexts({ ...base, gbvType: 'rape' })).toEqual([]);
  });

  it('possible sexual slavery: abduction or captivity, on a sexual type only', () => {
    const answers = { ...NO_CONTEXT, abductedOrHeld: true };
    expect(deriveContexts({ ...base, gbvType: 'rape', answers })).toEqual(['possible_sexual_slavery']);
    expect(deriveContexts({ ...base, gbvType: 'sexual_assault', answers })).toEqual(['possible_sexual_slavery']);
    expect(deriveContexts({ ...base, gbvType: 'forced_marriage', answers })).toEqual([]);
  });

  it('harmful traditional practice: the explicit answer, for any GBV type', () => {
    const answers = { ...NO_CONTEXT, harmfulTraditionalPractice: true };
    expect(deriveContexts({ ...base, gbvType: 'physical_assault', answers })).toEqual(['harmful_traditional_practice']);
    expect(deriveContexts({ ...base, gbvType: 'forced_marriage', answers })).toEqual(['harmful_traditional_practice']);
    expect(deriveContexts(base)).toEqual([]);
  });

  it('a non-GBV incident has no context whatever the answers', () => {
    expect(
      deriveContexts({
        gbvType: 'non_gbv',
        perpetratorRelationship: 'intimate_partner',
        survivorAgeBand: '12_17',
        answers: { moneyGoodsBenefitsExchanged: true, abductedOrHeld: true, harmfulTraditionalPractice: true },
      }),
    ).toEqual([]);
  });

  it('combines contexts in a fixed order', () => {
    expect(
      deriveContexts({
        gbvType: 'rape',
        perpetratorRelationship: 'intimate_partner',
        survivorAgeBand: '12_17',
        answers: { moneyGoodsBenefitsExchanged: true, abductedOrHeld: true, harmfulTraditionalPractice: true },
      }),
    ).toEqual([
      'intimate_partner_violence',
      'child_sexual_abuse',
      'possible_sexual_exploitation',
      'possible_sexual_slavery',
      'harmful_traditional_practice',
    ]);
    expect(
      deriveContexts({ ...base, gbvType: 'forced_marriage', perpetratorRelationship: 'intimate_partner', survivorAgeBand: '0_11' }),
    ).toEqual(['intimate_partner_violence', 'early_marriage']);
  });
});

describe('report delay', () => {
  it.each([
    [0, '0_3'],
    [3, '0_3'],
    [4, '4_5'],
    [5, '4_5'],
    [6, '6_14'],
    [14, '6_14'],
    [15, '15_30'],
    [30, '15_30'],
    [31, 'over_30'],
    [3650, 'over_30'],
  ] as const)('%i days is bucket %s', (days, bucket) => {
    expect(reportDelayBucket(days)).toBe(bucket);
  });

  it('buckets do not overlap and leave no gap', () => {
    const order = ['0_3', '4_5', '6_14', '15_30', 'over_30'];
    let last = 0;
    for (let d = 0; d <= 400; d++) {
      const i = order.indexOf(reportDelayBucket(d));
      expect(i === last || i === last + 1).toBe(true);
      last = i;
    }
  });

  it.each([-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])('rejects %p days', (days) => {
    expect(() => reportDelayBucket(days)).toThrow(RangeError);
  });

  it('counts calendar days across months, leap days and years', () => {
    expect(reportDelayDays('2024-02-28', '2024-03-01')).toBe(2);
    expect(reportDelayDays('2023-02-28', '2023-03-01')).toBe(1);
    expect(reportDelayDays('2024-12-31', '2025-01-01')).toBe(1);
    expect(reportDelayDays('2025-01-10', '2025-01-10')).toBe(0);
    expect(reportDelayDays('2025-01-10', '2025-01-09')).toBe(-1);
  });

  it('the edges from an incident date', () => {
    const bucketAfter = (days: number) => {
      const report = new Date(Date.UTC(2025, 0, 1) + days * 86_400_000).toISOString().slice(0, 10);
      return reportDelayBucket(reportDelayDays('2025-01-01', report));
    };
    expect([0, 3, 4, 5, 6, 14, 15, 30, 31].map(bucketAfter)).toEqual([
      '0_3', '0_3', '4_5', '4_5', '6_14', '6_14', '15_30', '15_30', 'over_30',
    ]);
  });

  it.each(['2025-02-29', '2025-13-01', '2025-00-10', '2025-1-1', '20250101', ''])('rejects the date %p', (date) => {
    expect(() => epochDay(date)).toThrow(RangeError);
  });

  it('gives the month of a date', () => {
    expect(monthOf('2024-02-29')).toBe('2024-02');
  });
});
