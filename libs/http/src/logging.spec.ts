import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NextFunction, Request, Response } from 'express';
import pino from 'pino';
import type { AppConfig } from '@amani/config';
import { AnonymousLogPolicy, markAnonymousRequests } from './anonymous-log-policy';
import { loggerParams } from './logging';

describe('loggerParams: every line passes the anonymous-intake policy', () => {
  it('drops lines written while serving an anonymous request, then writes the finished day as one timeless line', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'amani-log-')), 'app.log');
    let day = '2026-03-01';
    const policy = new AnonymousLogPolicy(() => day);
    const params = loggerParams({ log: { level: 'info', file } } as AppConfig, policy);
    const [options, destination] = params.pinoHttp as [pino.LoggerOptions, pino.DestinationStream];
    const logger = pino(options, destination);
    const anonymous = (fn: () => void) => markAnonymousRequests({ method: 'POST', originalUrl: '/sea/complaints' } as Request, {} as Response, fn as NextFunction);

    logger.info({ context: 'Staff' }, 'a staff line');
    anonymous(() => logger.warn({ context: 'AmaniThrottlerGuard' }, 'rate-limit storage unavailable'));
    anonymous(() => logger.child({ req: 1 }).error({ context: 'Problem' }, 'unhandled error'));
    day = '2026-03-02';
    logger.info({ context: 'Staff' }, 'the next day');

    const lines = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => l.msg)).toEqual(['a staff line', 'log lines of anonymous SEA requests, counted for the day', 'the next day']);
    expect(lines[1]).toEqual({
      level: 30,
      event: 'anonymous_intake.logs_suppressed',
      day: '2026-03-01',
      counts: { 'warn AmaniThrottlerGuard': 1, 'error Problem': 1 },
      msg: 'log lines of anonymous SEA requests, counted for the day',
    });
    expect(lines[0].time).toEqual(expect.any(Number));
  });
});
