import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import pino from 'pino';
import type { Params } from 'nestjs-pino';
import type { AppConfig } from '@amani/config';
import { AnonymousLogPolicy, anonymousLogPolicy } from './anonymous-log-policy';

const REQUEST_ID = /^[A-Za-z0-9-]{8,64}$/;

/** Keys whose values are secret or identifying; censored wherever they appear in a log object. */
export const REDACTED_KEYS = [
  'password', 'newPassword', 'currentPassword', 'token', 'accessToken', 'refreshToken', 'mfaToken',
  'code', 'secret', 'otpauthUrl', 'authorization', 'cookie', 'receipt', 'receiptCode',
  'name', 'email', 'phone', 'address', 'narrative', 'note', 'notes', 'message', 'contact', 'dateOfBirth',
];

function redactPaths(): string[] {
  const paths = ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]'];
  for (const k of REDACTED_KEYS) {
    if (k === 'message') continue; // pino's own message key
    paths.push(k, `*.${k}`, `*.*.${k}`);
  }
  return paths;
}

/** The request's id: a well-formed X-Request-Id from the caller, else a fresh one; echoed in the response. */
export function assignRequestId(req: IncomingMessage, res: ServerResponse): string {
  const incoming = req.headers['x-request-id'];
  const id = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
  res.setHeader('X-Request-Id', id);
  return id;
}

/**
 * Whether request lines are logged at this level: pino-http logs a finished request at `info`
 * (`error` for a 5xx, which ProblemFilter logs itself with its correlation id).
 */
export function logsRequests(level: string): boolean {
  const value = pino.levels.values[level];
  return value === undefined || value <= pino.levels.values.info;
}

/**
 * Above `info` no request line is ever written, yet pino-http would still build two child
 * loggers per request (serialising the request into their bindings) and hook the response.
 * This middleware does the one thing that must still happen, the request id (see configureApp).
 */
export function requestIdMiddleware(req: IncomingMessage & { id?: unknown }, res: ServerResponse, next: () => void): void {
  req.id = assignRequestId(req, res);
  next();
}

/**
 * Structured JSON logs. Requests are logged by id, method, path and status only:
 * never bodies, query strings, client addresses or user agents. Every line, whoever writes
 * it, passes the anonymous-intake policy first (anonymous-log-policy.ts).
 */
export function loggerParams(config: AppConfig, policy: AnonymousLogPolicy = anonymousLogPolicy): Params {
  const destination = config.log.file
    ? pino.destination({ dest: config.log.file, append: true, sync: true, mkdir: true })
    : pino.destination({ dest: 1, sync: false });
  // The day-level counts of suppressed lines: no time field, only the day they stand for.
  const summary = pino({ level: config.log.level, base: null, timestamp: false }, destination);
  const writeFinishedDays = () => {
    for (const d of policy.takeFinishedDays()) {
      summary.info({ event: 'anonymous_intake.logs_suppressed', day: d.day, counts: d.counts }, 'log lines of anonymous SEA requests, counted for the day');
    }
  };
  const options: pino.LoggerOptions = {
    level: config.log.level,
    hooks: {
      logMethod(this: pino.Logger, args: unknown[], method: pino.LogFn, level: number) {
        const first = args[0] as { context?: unknown } | undefined;
        const context = typeof first === 'object' && first !== null && typeof first.context === 'string' ? first.context : undefined;
        if (!policy.admit(this.levels.labels[level] ?? String(level), context)) return;
        if (policy.hasFinishedDays()) writeFinishedDays();
        method.apply(this, args as Parameters<pino.LogFn>);
      },
    },
    redact: { paths: redactPaths(), censor: '[redacted]' },
  };
  if (!logsRequests(config.log.level)) {
    // No pino-http: one root logger for every line (nestjs-pino's per-request store then holds
    // no logger and falls back to it); requestIdMiddleware gives each request its id.
    return {
      pinoHttp: { logger: pino({ ...options, serializers: { err: (err: Error) => ({ type: err?.name }) } }, destination) },
      useExisting: true,
      forRoutes: ['*path'],
    };
  }
  return {
    pinoHttp: [
      {
        ...options,
        genReqId: assignRequestId,
        serializers: {
          req: (req: { id: string; method: string; url: string }) => ({
            id: req.id,
            method: req.method,
            path: String(req.url).split('?')[0],
          }),
          res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
          err: (err: Error) => ({ type: err?.name }),
        },
        customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : 'info'),
        quietReqLogger: true,
        // Middleware mounted by path sees a shortened req.url; originalUrl is the request's own.
        autoLogging: { ignore: (req: IncomingMessage & { originalUrl?: string }) => !policy.admitRequestLine(req.method, req.originalUrl ?? req.url) },
      },
      destination,
    ],
    // Route paths with ids are fine: ids are random and carry no data.
    forRoutes: ['*path'],
  };
}
