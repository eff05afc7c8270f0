import { INestApplication } from '@nestjs/common';
import { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';
import helmet from 'helmet';
import { Logger } from 'nestjs-pino';
import type { AppConfig } from '@amani/config';
import { markAnonymousRequests } from './anonymous-log-policy';
import { correlationIdOf, ProblemFilter, sendProblem, toProblem } from './problem.filter';
import { logsRequests, requestIdMiddleware } from './logging';
import { createValidationPipe } from './validation';

/**
 * Everything an API instance needs beyond its module graph, shared by main.ts and the e2e
 * tests so that tests exercise the real stack. The OpenAPI document is served by the API
 * app's setupOpenApi (it reads the auth guards' metadata, which this library cannot import).
 */
export function configureApp(app: NestExpressApplication, config: AppConfig): INestApplication {
  app.useLogger(app.get(Logger));
  // Registered before the module middleware (they are added at init): the request id must exist first.
  if (!logsRequests(config.log.level)) app.use(requestIdMiddleware);
  app.set('trust proxy', config.http.trustProxy);
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(
    helmet({
      referrerPolicy: { policy: 'no-referrer' },
      crossOriginResourcePolicy: { policy: 'same-origin' },
    }),
  );
  app.use((_req: Request, res: Response, next: NextFunction) => {
    res.setHeader('Cache-Control', 'no-store');
    next();
  });
  app.useBodyParser('json', { limit: config.http.bodyLimit });
  app.useBodyParser('urlencoded', { limit: config.http.bodyLimit, extended: false });
  app.use(markAnonymousRequests);
  // Body-parser failures never reach Nest's filters; answer them in the same format.
  app.use((err: unknown, req: Request, res: Response, next: NextFunction) => {
    if (!err) return next();
    sendProblem(res, toProblem(err, correlationIdOf(req)));
  });
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new ProblemFilter());
  app.enableShutdownHooks();
  return app;
}
