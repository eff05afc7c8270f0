import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { correlationIdOf, toProblem } from '@amani/http';
import { webLanguage } from '../i18n';
import { messagePage } from '../views/messages';
import { pageContext } from '../views/page';
import { PageForbidden, PageNotFound, RedirectTo, RequestRefused } from './page-errors';
import { seeOther, sendPage } from './send-page';
import type { WebRequest } from './web-request';

/**
 * Every error in the console becomes a page in the user's language. A record that does not
 * exist and one of another agency both end here as the same 404 page; nothing from the
 * error reaches the page or the log beyond its type and a correlation id.
 */
@Catch()
export class WebPageFilter implements ExceptionFilter {
  private readonly logger = new Logger('WebConsole');

  catch(exception: unknown, host: ArgumentsHost): void {
    const req = host.switchToHttp().getRequest<WebRequest>();
    const res = host.switchToHttp().getResponse<Response>();
    if (res.headersSent) return;
    if (exception instanceof RedirectTo) return seeOther(res, exception.location);

    const session = req.webSession ?? null;
    const lang = session?.lang ?? webLanguage(req.query?.lang) ?? 'en';
    const ctx = pageContext(lang, session);
    const { t } = ctx;
    const home = { href: '/', label: t('app.home') };
    if (exception instanceof RequestRefused) return sendPage(res, 403, messagePage(ctx, t('common.refusedTitle'), t('common.refused'), home));
    if (exception instanceof PageForbidden) return sendPage(res, 403, messagePage(ctx, t('common.forbiddenTitle'), t('common.forbidden'), home));
    if (exception instanceof PageNotFound) return sendPage(res, 404, messagePage(ctx, t('common.notFoundTitle'), t('common.notFound'), home));

    const problem = toProblem(exception, correlationIdOf(req));
    if (problem.status === 401) return seeOther(res, '/sign-in?expired=1');
    if (problem.status === 404) return sendPage(res, 404, messagePage(ctx, t('common.notFoundTitle'), t('common.notFound'), home));
    if (problem.status === 403) return sendPage(res, 403, messagePage(ctx, t('common.forbiddenTitle'), t('common.forbidden'), home));
    // An erased record (a case crypto-shredded, to its own agency): say so; other agencies got the 404 above.
    if (problem.status === 410) return sendPage(res, 410, messagePage(ctx, t('common.erasedTitle'), t('common.erased'), home));
    if (problem.status === 429 || problem.status === 503) {
      if (problem.status === 503) res.setHeader('Retry-After', '5');
      return sendPage(res, problem.status, messagePage(ctx, t('common.errorTitle'), t('common.unavailable'), home));
    }
    if (problem.status >= 500) {
      const err = exception instanceof Error ? exception : undefined;
      this.logger.error({ err: { type: err?.name }, correlationId: problem.correlationId }, 'unhandled error');
      return sendPage(res, 500, messagePage(ctx, t('common.errorTitle'), t('common.error'), home));
    }
    // Other client mistakes (a conflict with the record's state, a malformed form): the page says so in general terms.
    return sendPage(res, problem.status, messagePage(ctx, t('common.refusedTitle'), t('common.refused'), home));
  }
}
