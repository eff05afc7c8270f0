import { receiptStart, seaOverdue, seaOverdueCutoffs, SeaDeadlineFacts } from './sea-deadlines';

const deadlines = { triageHours: 72, assistanceHours: 120, entityReferralHours: 240 };
const complaint = (over: Partial<SeaDeadlineFacts> = {}): SeaDeadlineFacts => ({ receivedOn: '2026-11-01', status: 'received', outcome: null, wantsAssistance: false, assistanceRequested: false, entityReferred: false, ...over });
const at = (iso: string) => seaOverdueCutoffs(deadlines, new Date(iso));

describe('SEA deadlines', () => {
  it('counts from the start of the receipt day in UTC, not from any time of day', () => {
    expect(receiptStart('2026-11-01').toISOString()).toBe('2026-11-01T00:00:00.000Z');
    // 72 hours after 2026-11-01T00:00Z is 2026-11-04T00:00Z: on time up to that instant, late after it.
    expect(seaOverdue(complaint(), at('2026-11-04T00:00:00Z'))).toEqual([]);
    expect(seaOverdue(complaint(), at('2026-11-04T00:00:01Z'))).toEqual(['triage']);
  });

  it('triage applies while received only', () => {
    expect(seaOverdue(complaint({ status: 'assessment' }), at('2026-11-05T00:00:00Z'))).toEqual([]);
  });

  it('assistance applies while open, triaged or not, while the victim asked for it and none was requested', () => {
    const late = at('2026-11-06T01:00:00Z');
    expect(seaOverdue(complaint({ status: 'assessment', wantsAssistance: true }), late)).toEqual(['assistance']);
    expect(seaOverdue(complaint({ status: 'referred_for_investigation', wantsAssistance: true }), late)).toEqual(['assistance']);
    expect(seaOverdue(complaint({ status: 'received', wantsAssistance: true }), late)).toEqual(['triage', 'assistance']);
    expect(seaOverdue(complaint({ status: 'withdrawn', wantsAssistance: true }), late)).toEqual([]);
    expect(seaOverdue(complaint({ status: 'assessment', wantsAssistance: true, assistanceRequested: true }), late)).toEqual([]);
    expect(seaOverdue(complaint({ status: 'assessment', wantsAssistance: false }), late)).toEqual([]);
    expect(seaOverdue(complaint({ status: 'closed', wantsAssistance: true }), late)).toEqual([]);
  });

  it('referral to the entity applies until the status or the outcome says it was referred, or it is closed; kinds come in a fixed order', () => {
    const late = at('2026-11-11T00:00:01Z');
    expect(seaOverdue(complaint({ wantsAssistance: true }), late)).toEqual(['triage', 'assistance', 'entity_referral']);
    expect(seaOverdue(complaint({ status: 'assessment', entityReferred: true }), late)).toEqual([]);
    expect(seaOverdue(complaint({ status: 'assessment', wantsAssistance: true }), late)).toEqual(['assistance', 'entity_referral']);
    expect(seaOverdue(complaint({ status: 'assessment' }), late)).toEqual(['entity_referral']);
    expect(seaOverdue(complaint({ status: 'assessment', outcome: 'referred_to_entity' }), late)).toEqual([]);
    expect(seaOverdue(complaint({ status: 'referred_for_investigation' }), late)).toEqual([]);
    expect(seaOverdue(complaint({ status: 'closed' }), late)).toEqual([]);
  });

  it('takes the configured hours', () => {
    const strict = seaOverdueCutoffs({ triageHours: 1, assistanceHours: 1, entityReferralHours: 1 }, new Date('2026-11-01T01:30:00Z'));
    expect(seaOverdue(complaint(), strict)).toEqual(['triage', 'entity_referral']);
  });
});
