import type { INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';
import helmet from 'helmet';
import { Logger } from 'nestjs-pino';
import type { AppConfig } from '@amani/config';
import { RequestRefused } from './common/page-errors';
import { WebPageFilter } from './common/web-page.filter';

/**
 * Whether a form post comes from the console itself: a browser's Origin (and Sec-Fetch-Site)
 * must name this origin. A post with neither header (an old browser, a script) still needs
 * the synchronizer token the guard checks.
 */
export function sameOrigin(req: Request, configured: string | null): boolean {
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none') return false;
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  const expected = configured ?? `${req.protocol}://${req.headers.host ?? ''}`;
  return origin === expected;
}

/** The console's HTTP stack, shared by main.ts and the tests. */
export function configureWeb(app: NestExpressApplication, config: AppConfig): INestApplication {
  app.useLogger(app.get(Logger));
  app.set('trust proxy', config.http.trustProxy);
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(
    helmet({
      // Each page sets its own CSP (sendPage); this one covers redirects and anything else.
      contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], formAction: ["'self'"], baseUri: ["'none'"], frameAncestors: ["'none'"] } },
      // same-origin: a browser sends Origin on the console's own posts, and no referrer leaves it.
      referrerPolicy: { policy: 'same-origin' },
      crossOriginResourcePolicy: { policy: 'same-origin' },
      strictTransportSecurity: config.isProduction,
    }),
  );
  app.use((_req: Request, res: Response, next: NextFunction) => {
    res.setHeader('Cache-Control', 'no-store');
    next();
  });
  app.useBodyParser('urlencoded', { limit: config.http.bodyLimit, extended: false });
  const filter = new WebPageFilter();
  const host = (req: Request, res: Response) => ({ switchToHttp: () => ({ getRequest: () => req, getResponse: () => res }) }) as never;
  // Body-parser failures (too large, bad encoding) never reach Nest's filters.
  app.use((err: unknown, req: Request, res: Response, next: NextFunction) => {
    if (!err) return next();
    filter.catch(err, host(req, res));
  });
  app.use((req: Request, res: Response, next: NextFunction) => {
    if (req.method !== 'GET' && req.method !== 'HEAD' && !sameOrigin(req, config.web.origin)) return filter.catch(new RequestRefused(), host(req, res));
    next();
  });
  app.useGlobalFilters(filter);
  app.enableShutdownHooks();
  return app;
}
