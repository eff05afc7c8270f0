import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { anonymousLogPolicy } from '@amani/http';
import { createTestApp, TestApp } from '../support/app';
import { DisposableRedis } from '../support/redis-server';
import { rememberSecret } from '../support/canary';
import { bearer } from '../support/users';
import { complaintBody, focalPoint, FocalPoint } from './sea-fixtures';

/** A port of this suite's own range that nothing listens on, so the shared Redis is never the one stopped. */
async function freePortIn(from: number, to: number): Promise<number> {
  for (let i = 0; i < 50; i++) {
    const port = from + Math.floor(Math.random() * (to - from));
    const free = await new Promise<boolean>((resolve) => {
      const srv = createServer();
      srv.once('error', () => resolve(false));
      srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
    });
    if (free) return port;
  }
  throw new Error('no free port');
}

/** An ISO time of day, an epoch in ms or s, or pino's time field: anything finer than a day. */
const FINER_THAN_DAY = /"time"|T\d{2}:\d{2}|\b\d{2}:\d{2}(:\d{2})?\b|\b1\d{9}(\d{3})?\b/;

/**
 * With Redis down, every anonymous route runs its error paths (the throttler and the SEA
 * counters fail open and would warn). None of that may reach the logs with a time: the lines
 * are dropped and counted for the day.
 */
describe('SEA: anonymous requests log nothing finer than the day, even while Redis is down', () => {
  let redis: DisposableRedis;
  let t: TestApp;
  let fp: FocalPoint;
  const logFile = join(process.env.AMANI_TEST_RUN_DIR!, `anonymous-logs-${randomBytes(4).toString('hex')}.log`);
  const logSize = () => (existsSync(logFile) ? statSync(logFile).size : 0);
  const logSince = (offset: number) => (existsSync(logFile) ? readFileSync(logFile).subarray(offset).toString('utf8') : '');

  beforeAll(async () => {
    redis = new DisposableRedis(await freePortIn(43000, 43999));
    await redis.start();
    t = await createTestApp({ REDIS_URL: redis.url, LOG_FILE: logFile, TRUST_PROXY: 'loopback' });
    fp = await focalPoint(t);
  });
  afterAll(async () => {
    // Back up first: the queues' connections wait for Redis to close cleanly.
    await redis?.start();
    await t?.close();
    await redis?.stop();
  });

  it('drops every line of the anonymous requests to a day count; staff requests still log', async () => {
    const before = anonymousLogPolicy.countedToday();
    await redis.stop();
    const offset = logSize();
    const written: string[] = [];
    const stdout = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => (written.push(String(chunk)), true));
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => (written.push(String(chunk)), true));
    try {
      const anon = { 'X-Forwarded-For': '198.51.100.44' };
      expect((await t.http().get('/sea/questionnaire').set(anon)).status).toBe(200);
      const submitted = await t.http().post('/sea/complaints').set(anon).send(complaintBody());
      expect(submitted.status).toBe(201);
      const receipt = submitted.body.receipt as string;
      expect((await t.http().post('/sea/complaints/access').set(anon).send({ receipt })).status).toBe(200);
      expect((await t.http().post('/sea/complaints/access').set(anon).send({ receipt: '1111-2222-3333-4444-5555' })).status).toBe(404);
      expect((await t.http().post('/sea/complaints/messages').set(anon).send({ receipt, body: 'a follow-up' })).status).toBe(201);
      expect((await t.http().post('/sea/complaints').set(anon).send({ ...complaintBody(), category: null })).status).toBe(400);
      expect((await t.http().get('/report').set(anon)).status).toBe(200);
      expect((await t.http().post('/report/follow-up').set(anon).type('form').send({ lang: 'en', receipt })).status).toBe(200);
      // The complainant's control: JSON routes and the page forms (confirmation step and action).
      const changed = await t.http().post('/sea/complaints/change-receipt').set(anon).send({ receipt });
      expect(changed.status).toBe(200);
      const next = changed.body.receipt as string;
      rememberSecret(next);
      expect((await t.http().post('/sea/complaints/decline-messages').set(anon).send({ receipt: next })).status).toBe(200);
      expect((await t.http().post('/sea/complaints/erase-contact').set(anon).send({ receipt: next })).status).toBe(200);
      expect((await t.http().post('/report/follow-up/withdraw').set(anon).type('form').send({ lang: 'en', receipt: next })).status).toBe(200);
      expect((await t.http().post('/report/follow-up/withdraw').set(anon).type('form').send({ lang: 'en', receipt: next, confirm: 'yes' })).status).toBe(200);
      expect((await t.http().post('/sea/complaints/withdraw').set(anon).send({ receipt: next })).status).toBe(410);
      await new Promise((r) => setTimeout(r, 300));
    } finally {
      stdout.mockRestore();
      stderr.mockRestore();
    }
    const lines = [...logSince(offset).split('\n'), ...written.join('').split('\n')].filter((l) => l.trim());
    expect(lines.filter((l) => FINER_THAN_DAY.test(l))).toEqual([]);

    // The lines existed and were reduced to counts: Redis being down made the throttler and the
    // SEA counters warn, and each request would have had its request line.
    const after = anonymousLogPolicy.countedToday();
    const grew = (key: string) => (after[key] ?? 0) - (before[key] ?? 0);
    expect(grew('warn AmaniThrottlerGuard')).toBeGreaterThanOrEqual(8);
    expect(grew('warn SeaIntakeThrottle')).toBeGreaterThanOrEqual(3);
    expect(grew('info request')).toBeGreaterThanOrEqual(8);
    expect(Object.keys(after).every((k) => /^\w+ [\w.-]+$/.test(k))).toBe(true);

    // A staff request is not anonymous: its request line is written as usual, with its time
    // (its general rate limit is counted in memory, so Redis being down costs it no warning).
    const staffOffset = logSize();
    expect((await t.http().get('/sea/complaints').set(bearer(fp.accessToken))).status).toBe(200);
    await new Promise((r) => setTimeout(r, 200));
    expect(logSince(staffOffset)).toMatch(/"time":\d+.*"path":"\/sea\/complaints".*request completed/);
  });
});
