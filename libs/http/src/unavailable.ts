import { DomainException } from './domain.exception';

/** Seconds a client is told to wait before retrying when a dependency is down. */
export const RETRY_AFTER_SECONDS = 5;

/** A dependency (the database) cannot be reached right now; the request may be retried. */
export class ServiceUnavailableProblem extends DomainException {
  constructor() {
    super(503, 'service_unavailable', 'The service is temporarily unavailable; try again shortly.');
  }
}

// SQLSTATE classes and codes that mean "the database is not there", not "your request is wrong":
// 08 connection exception, 57P01-57P05 shutdown / cannot connect now / idle timeouts,
// 53300 too many connections, 57014 statement cancelled by its timeout.
const UNAVAILABLE_SQLSTATES = /^(08...|57P0[1-5]|53300|57014)$/;
const UNAVAILABLE_ERRNOS = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
const UNAVAILABLE_MESSAGES = [
  'timeout exceeded when trying to connect',
  'Connection terminated',
  'Client has encountered a connection error',
  'Client was closed and is not queryable',
  'Cannot use a pool after calling end',
];
// TypeORM releases a query runner as soon as its connection emits an error (the server went
// away mid-transaction); the transaction's next statement then fails with this, not a pg error.
const UNAVAILABLE_NAMES = new Set(['QueryRunnerAlreadyReleasedError']);

/**
 * True when an error (or the driver error it wraps) says the database cannot be reached, is
 * shutting down or has no connection to give: the answer is 503 with Retry-After, never the
 * 401 or 500 a client would act on by discarding its tokens or giving up.
 */
export function isDependencyUnavailable(e: unknown): boolean {
  for (let cur: unknown = e, depth = 0; cur && typeof cur === 'object' && depth < 4; depth++) {
    const err = cur as { name?: unknown; code?: unknown; message?: unknown; driverError?: unknown; cause?: unknown };
    if (typeof err.name === 'string' && UNAVAILABLE_NAMES.has(err.name)) return true;
    if (typeof err.code === 'string' && (UNAVAILABLE_SQLSTATES.test(err.code) || UNAVAILABLE_ERRNOS.has(err.code))) return true;
    if (typeof err.message === 'string' && UNAVAILABLE_MESSAGES.some((m) => (err.message as string).startsWith(m))) return true;
    cur = err.driverError ?? err.cause;
  }
  return false;
}
