import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NextFunction, Request, Response } from 'express';
import pino from 'pino';
import type { AppConfig } from '@amani/config';
import { AnonymousLogPolicy, markAnonymousRequests } from './anonymous-log-policy';
import { loggerParams, logsRequests, requestIdMiddleware } from './logging';

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

describe('loggerParams above info: no per-request logger work', () => {
  it('hands nestjs-pino one root logger (no pino-http) and leaves the request id to requestIdMiddleware', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'amani-log-')), 'app.log');
    const params = loggerParams({ log: { level: 'warn', file } } as AppConfig, new AnonymousLogPolicy(() => '2026-03-01'));
    expect(params.useExisting).toBe(true);
    const { logger } = params.pinoHttp as { logger: pino.Logger };
    logger.info('not written');
    logger.warn({ context: 'Staff', password: 'hunter2' }, 'written');
    const lines = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ msg: 'written', password: '[redacted]' });
  });

  it('tells the levels that log request lines from those that do not', () => {
    expect(['trace', 'debug', 'info'].map(logsRequests)).toEqual([true, true, true]);
    expect(['warn', 'error', 'fatal', 'silent'].map(logsRequests)).toEqual([false, false, false, false]);
  });

  it('requestIdMiddleware keeps a well-formed caller id, else draws one, and echoes it', () => {
    const run = (header?: string) => {
      const headers: Record<string, string> = {};
      const req = { headers: header ? { 'x-request-id': header } : {} } as unknown as Parameters<typeof requestIdMiddleware>[0];
      const res = { setHeader: (k: string, v: string) => (headers[k] = v) } as unknown as Parameters<typeof requestIdMiddleware>[1];
      const next = jest.fn();
      requestIdMiddleware(req, res, next);
      expect(next).toHaveBeenCalled();
      return { id: req.id, header: headers['X-Request-Id'] };
    };
    expect(run('abcdef12-3456')).toEqual({ id: 'abcdef12-3456', header: 'abcdef12-3456' });
    const drawn = run('bad id with spaces');
    expect(drawn.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(drawn.header).toBe(drawn.id);
  });
});
