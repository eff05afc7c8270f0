import type { NextFunction, Request, Response } from 'express';
import { AnonymousLogPolicy, markAnonymousRequests, servingAnonymousRequest } from './anonymous-log-policy';

const within = <T>(method: string, url: string, fn: () => T): T => {
  let out: T | undefined;
  markAnonymousRequests({ method, originalUrl: url, url } as Request, {} as Response, (() => (out = fn())) as NextFunction);
  return out as T;
};

describe('the anonymous-intake log policy', () => {
  it('marks the complainant routes, and work they start, as anonymous; staff routes are not', async () => {
    expect(within('POST', '/sea/complaints', servingAnonymousRequest)).toBe(true);
    expect(within('POST', '/report/follow-up?lang=fr', servingAnonymousRequest)).toBe(true);
    expect(within('GET', '/sea/complaints', servingAnonymousRequest)).toBe(false);
    expect(servingAnonymousRequest()).toBe(false);
    // Continuations of the request keep the mark.
    const later = await within('POST', '/sea/complaints/access', () => new Promise<boolean>((r) => setTimeout(() => r(servingAnonymousRequest()), 5)));
    expect(later).toBe(true);
  });

  it('admits lines outside anonymous requests and counts the others by day, level and context only', () => {
    let day = '2026-03-01';
    const policy = new AnonymousLogPolicy(() => day);
    expect(policy.admit('warn', 'AmaniThrottlerGuard')).toBe(true);
    expect(within('POST', '/sea/complaints', () => policy.admit('warn', 'AmaniThrottlerGuard'))).toBe(false);
    expect(within('POST', '/report', () => policy.admit('error', 'Problem'))).toBe(false);
    // A context that is not a plain logger name is never kept.
    expect(within('POST', '/report', () => policy.admit('error', 'Amina Haroun 12:30'))).toBe(false);
    expect(policy.admitRequestLine('POST', '/sea/complaints/messages')).toBe(false);
    expect(policy.admitRequestLine('GET', '/me')).toBe(true);
    expect(policy.countedToday()).toEqual({ 'warn AmaniThrottlerGuard': 1, 'error Problem': 1, 'error app': 1, 'info request': 1 });
    // Nothing is handed out before the day ends.
    expect(policy.hasFinishedDays()).toBe(false);
    expect(policy.takeFinishedDays()).toEqual([]);
    day = '2026-03-02';
    expect(policy.hasFinishedDays()).toBe(true);
    expect(policy.takeFinishedDays()).toEqual([{ day: '2026-03-01', counts: { 'warn AmaniThrottlerGuard': 1, 'error Problem': 1, 'error app': 1, 'info request': 1 } }]);
    expect(policy.takeFinishedDays()).toEqual([]);
  });
});
