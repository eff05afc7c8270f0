import { nextReferralState, REFERRAL_STATES, REFERRAL_TRANSITIONS, ReferralAction } from './referral-codes';

describe('referral lifecycle', () => {
  const allowed: [string, ReferralAction, string][] = [
    ['pending', 'accept', 'accepted'],
    ['pending', 'decline', 'declined'],
    ['pending', 'revoke', 'revoked'],
    ['accepted', 'complete', 'completed'],
    ['accepted', 'revoke', 'revoked'],
  ];

  it.each(allowed)('%s --%s--> %s', (from, action, to) => {
    expect(nextReferralState(from as never, action)).toBe(to);
  });

  it('refuses every other step, and nothing leaves a final state', () => {
    const ok = new Set(allowed.map(([from, action]) => `${from}:${action}`));
    for (const from of REFERRAL_STATES) {
      for (const action of Object.keys(REFERRAL_TRANSITIONS) as ReferralAction[]) {
        if (!ok.has(`${from}:${action}`)) expect([from, action, nextReferralState(from, action)]).toEqual([from, action, null]);
      }
    }
    for (const final of ['declined', 'completed', 'revoked'] as const) {
      for (const action of Object.keys(REFERRAL_TRANSITIONS) as ReferralAction[]) expect(nextReferralState(final, action)).toBeNull();
    }
  });

  it('a referral cannot be completed before it is accepted, nor accepted twice', () => {
    expect(nextReferralState('pending', 'complete')).toBeNull();
    expect(nextReferralState('accepted', 'accept')).toBeNull();
    expect(nextReferralState('accepted', 'decline')).toBeNull();
  });
});
