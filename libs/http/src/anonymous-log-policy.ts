import { AsyncLocalStorage } from 'node:async_hooks';
import type { NextFunction, Request, Response } from 'express';

/**
 * Anonymous SEA intake (the /report pages and the complainant routes). A log line carries an
 * exact time, and on a quiet day that time would date the only complaint received (DESIGN §4).
 */
export function isAnonymousIntake(method: string | undefined, url: string | undefined): boolean {
  const path = String(url ?? '').split('?')[0].toLowerCase().replace(/\/+$/, '');
  if (path === '/report' || path.startsWith('/report/') || path === '/sea/questionnaire') return true;
  return (
    method === 'POST' &&
    [
      '/sea/complaints',
      '/sea/complaints/access',
      '/sea/complaints/messages',
      // The complainant's control (withdraw, erase contact, decline messages, change receipt).
      '/sea/complaints/withdraw',
      '/sea/complaints/erase-contact',
      '/sea/complaints/decline-messages',
      '/sea/complaints/change-receipt',
    ].includes(path)
  );
}

interface RequestContext {
  anonymous: boolean;
}

const requestContext = new AsyncLocalStorage<RequestContext>();

/**
 * Marks the rest of the request's work (guards, pipes, handlers, filters and whatever they
 * start) as serving an anonymous request or not. Mounted after the body parsers: they resume
 * on socket events, outside any context opened before them.
 */
export function markAnonymousRequests(req: Request, _res: Response, next: NextFunction): void {
  requestContext.run({ anonymous: isAnonymousIntake(req.method, req.originalUrl ?? req.url) }, next);
}

export function servingAnonymousRequest(): boolean {
  return requestContext.getStore()?.anonymous === true;
}

export interface SuppressedDay {
  day: string;
  /** `level context` → number of lines. */
  counts: Record<string, number>;
}

const utcDay = () => new Date().toISOString().slice(0, 10);

/**
 * The one logging policy for anonymous SEA requests: every line they would write (the request
 * log, a warning that Redis is down, a 500's error) is dropped and only counted, per UTC day,
 * level and logger context — never its message, fields or time. Counts of a finished day are
 * written as one line that holds the day and no time (see loggerParams); the current day's stay
 * in memory, since writing them early would bound when the requests happened.
 */
export class AnonymousLogPolicy {
  private readonly days = new Map<string, Map<string, number>>();

  constructor(private readonly today: () => string = utcDay) {}

  /** Whether a log line may be written now; while serving an anonymous request it is counted instead. */
  admit(level: string, context: string | undefined): boolean {
    if (!servingAnonymousRequest()) return true;
    this.count(level, context);
    return false;
  }

  /** pino-http's request line, decided by the request's path (its end is logged outside the request's context). */
  admitRequestLine(method: string | undefined, url: string | undefined): boolean {
    if (!isAnonymousIntake(method, url)) return true;
    this.count('info', 'request');
    return false;
  }

  count(level: string, context: string | undefined): void {
    const day = this.today();
    const key = `${level} ${/^[A-Za-z][\w.-]{0,63}$/.test(context ?? '') ? context : 'app'}`;
    const counts = this.days.get(day) ?? new Map<string, number>();
    counts.set(key, (counts.get(key) ?? 0) + 1);
    this.days.set(day, counts);
  }

  /** Today's counts so far (for tests and health checks; never logged before the day ends). */
  countedToday(): Record<string, number> {
    return Object.fromEntries(this.days.get(this.today()) ?? []);
  }

  hasFinishedDays(): boolean {
    const today = this.today();
    for (const day of this.days.keys()) if (day < today) return true;
    return false;
  }

  /** The counts of days that have ended, removed from memory. */
  takeFinishedDays(): SuppressedDay[] {
    const today = this.today();
    const out: SuppressedDay[] = [];
    for (const [day, counts] of [...this.days].sort(([a], [b]) => a.localeCompare(b))) {
      if (day >= today) continue;
      out.push({ day, counts: Object.fromEntries(counts) });
      this.days.delete(day);
    }
    return out;
  }
}

/** One per process: the process's logs are one stream. */
export const anonymousLogPolicy = new AnonymousLogPolicy();
