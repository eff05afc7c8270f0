import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { ThrottlerException } from '@nestjs/throttler';
import type { Request, Response } from 'express';
import { DomainException } from './domain.exception';
import { FieldProblem, Problem, PROBLEM_CONTENT_TYPE, problemType, titleFor } from './problem';
import { isDependencyUnavailable, RETRY_AFTER_SECONDS, ServiceUnavailableProblem } from './unavailable';

const CODES: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  422: 'unprocessable',
  429: 'rate_limited',
  503: 'unavailable',
};

const CLIENT_ABORTS = new Set(['Request aborted', 'Request closed']);

/** Builds the problem for any thrown value. Unknown errors become a bare 500. */
export function toProblem(exception: unknown, correlationId: string | undefined): Problem {
  if (!(exception instanceof DomainException) && isDependencyUnavailable(exception)) {
    exception = new ServiceUnavailableProblem();
  }
  if (exception instanceof DomainException) {
    return {
      type: problemType(exception.code),
      title: titleFor(exception.status),
      status: exception.status,
      code: exception.code,
      detail: exception.message,
      ...(exception.errors?.length ? { errors: exception.errors } : {}),
      correlationId,
    };
  }
  if (exception instanceof ThrottlerException) {
    return base(429, 'Too many requests; try again later.', correlationId);
  }
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    if (status >= 500 && status !== 503) return base(500, undefined, correlationId);
    // Nest's built-in exceptions carry fixed messages; they never hold user input except
    // the unknown-route message, which we replace.
    const detail = status === 404 ? 'The resource does not exist.' : safeDetail(exception);
    return base(status, detail, correlationId);
  }
  // multer's own words when the client hangs up mid-upload: the client's doing, not a fault.
  if (exception instanceof Error && CLIENT_ABORTS.has(exception.message)) {
    return { ...base(400, 'The request ended before its body was complete.', correlationId), code: 'request_aborted', type: problemType('request_aborted') };
  }
  const bodyParser = exception as { type?: string; status?: number; statusCode?: number };
  if (bodyParser && typeof bodyParser.type === 'string') {
    switch (bodyParser.type) {
      case 'entity.too.large':
        return base(413, 'The request body is too large.', correlationId);
      case 'entity.parse.failed':
        return { ...base(400, 'The request body is not valid JSON.', correlationId), code: 'malformed_json', type: problemType('malformed_json'), errors: [{ field: 'body', message: 'is not valid JSON' }] };
      case 'encoding.unsupported':
      case 'charset.unsupported':
        return base(415, 'The request encoding is not supported.', correlationId);
      default:
        if ((bodyParser.status ?? 500) < 500) return base(bodyParser.status ?? 400, 'The request body could not be read.', correlationId);
    }
  }
  return base(500, undefined, correlationId);
}

function base(status: number, detail: string | undefined, correlationId: string | undefined): Problem {
  const code = CODES[status] ?? 'internal_error';
  return {
    type: problemType(code),
    title: titleFor(status),
    status,
    code,
    ...(detail ? { detail } : status === 500 ? { detail: 'An internal error occurred; quote the correlation id.' } : {}),
    correlationId,
  };
}

function safeDetail(e: HttpException): string | undefined {
  const res = e.getResponse();
  if (typeof res === 'object' && res && 'message' in res && typeof res.message === 'string') {
    return res.message.slice(0, 200);
  }
  return undefined;
}

export function correlationIdOf(req: Request): string | undefined {
  const id = (req as Request & { id?: unknown }).id;
  return typeof id === 'string' ? id : undefined;
}

export function sendProblem(res: Response, problem: Problem): void {
  if (res.headersSent) return;
  if (problem.status === 503) res.setHeader('Retry-After', String(RETRY_AFTER_SECONDS));
  res.status(problem.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem));
}

@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('Problem');

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const req = ctx.getRequest<Request>();
    const res = ctx.getResponse<Response>();
    const problem = toProblem(exception, correlationIdOf(req));
    if (problem.status === 503) {
      this.logger.warn({ event: 'dependency.unavailable', err: { type: exception instanceof Error ? exception.name : 'unknown' }, correlationId: problem.correlationId }, 'dependency unavailable');
    } else if (problem.status >= 500) {
      // Log the error class and stack frames only; messages may quote data (e.g. driver errors).
      const err = exception instanceof Error ? exception : undefined;
      this.logger.error({ err: { type: err?.name, stack: err?.stack?.split('\n').slice(1, 8).join('\n') }, correlationId: problem.correlationId }, 'unhandled error');
    }
    sendProblem(res, problem);
  }
}

export type { FieldProblem };
