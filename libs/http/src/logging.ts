import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import pino from 'pino';
import type { Params } from 'nestjs-pino';
import type { AppConfig } from '@amani/config';

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

/**
 * Anonymous SEA intake (the /report pages and the complainant routes) leaves no request line
 * at all: a line carries an exact time, and on a quiet day that time would date the only
 * complaint received (DESIGN §4).
 */
export function isAnonymousIntake(method: string | undefined, url: string | undefined): boolean {
  const path = String(url ?? '').split('?')[0].toLowerCase().replace(/\/+$/, '');
  if (path === '/report' || path.startsWith('/report/') || path === '/sea/questionnaire') return true;
  return method === 'POST' && ['/sea/complaints', '/sea/complaints/access', '/sea/complaints/messages'].includes(path);
}

/**
 * Structured JSON logs. Requests are logged by id, method, path and status only:
 * never bodies, query strings, client addresses or user agents.
 */
export function loggerParams(config: AppConfig): Params {
  const destination = config.log.file
    ? pino.destination({ dest: config.log.file, append: true, sync: true, mkdir: true })
    : pino.destination({ dest: 1, sync: false });
  return {
    pinoHttp: [
      {
        level: config.log.level,
        redact: { paths: redactPaths(), censor: '[redacted]' },
        genReqId: (req: IncomingMessage, res: ServerResponse) => {
          const incoming = req.headers['x-request-id'];
          const id = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
          res.setHeader('X-Request-Id', id);
          return id;
        },
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
        autoLogging: { ignore: (req: IncomingMessage & { originalUrl?: string }) => isAnonymousIntake(req.method, req.originalUrl ?? req.url) },
      },
      destination,
    ],
    // Route paths with ids are fine: ids are random and carry no data.
    forRoutes: ['*path'],
  };
}
