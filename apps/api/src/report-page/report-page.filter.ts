import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { correlationIdOf, sendProblem, toProblem } from '@amani/http';
import { followUpPage, messagePage, textsFor, withdrawnPage } from './report-page.views';
import { pageLanguage, sendPage } from './report-page.response';

/**
 * Errors on the complainant pages come back as pages in the complainant's language (a JSON
 * problem would strand someone without JavaScript). Requests that are not the pages' own
 * forms get the usual problem+json.
 */
@Catch()
export class ReportPageFilter implements ExceptionFilter {
  private readonly logger = new Logger('ReportPage');

  catch(exception: unknown, host: ArgumentsHost): void {
    const req = host.switchToHttp().getRequest<Request>();
    const res = host.switchToHttp().getResponse<Response>();
    const problem = toProblem(exception, correlationIdOf(req));
    if (problem.status >= 500 && problem.status !== 503) {
      const err = exception instanceof Error ? exception : undefined;
      this.logger.error({ err: { type: err?.name }, correlationId: problem.correlationId }, 'unhandled error');
    }
    if (res.headersSent) return;
    const isForm = req.method === 'GET' || req.is('application/x-www-form-urlencoded');
    if (!isForm || problem.status === 415) return sendProblem(res, problem);

    const body = (req.body ?? {}) as Record<string, unknown>;
    const lang = pageLanguage(req.method === 'GET' ? req.query.lang : body.lang);
    const t = textsFor(lang);
    if (problem.code === 'complaint_withdrawn') return sendPage(res, problem.status, withdrawnPage(lang));
    if (problem.code === 'receipt_not_recognised' || problem.code === 'validation_failed') {
      return sendPage(res, problem.status, followUpPage(lang, t.unknownReceipt));
    }
    const message = problem.status === 429 ? t.tooMany : problem.status === 503 ? t.unavailable : t.failed;
    sendPage(res, problem.status, messagePage(lang, t.siteName, message));
  }
}
