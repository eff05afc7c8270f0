import { createTestApp, TestApp } from '../support/app';

/**
 * Strict limits on login and unauthenticated routes, counted in Redis so that they hold
 * across API processes: two app instances share one budget. A fresh Redis prefix per test
 * keeps these counters away from the other suites.
 */
describe('rate limiting', () => {
  const apps: TestApp[] = [];
  afterAll(async () => {
    for (const a of apps) await a.close();
  });

  async function twoApps(env: Record<string, string>) {
    const shared = { REDIS_PREFIX: `${process.env.REDIS_PREFIX}_rl${apps.length}`, ...env };
    const a = await createTestApp(shared);
    const b = await createTestApp(shared);
    apps.push(a, b);
    return [a, b];
  }

  it('limits login attempts across two API processes, with a problem+json 429', async () => {
    const [a, b] = await twoApps({ THROTTLE_AUTH_LIMIT: '4' });
    const body = { email: 'nobody@example.org', password: 'not the password at all' };
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await (i % 2 ? b : a).http().post('/auth/login').send(body)).status);
    expect(statuses.slice(0, 4)).toEqual([401, 401, 401, 401]);
    expect(statuses.slice(4)).toEqual([429, 429]);
    const res = await a.http().post('/auth/login').send(body);
    expect(res.status).toBe(429);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(Object.keys(res.headers).some((h) => h.startsWith('retry-after'))).toBe(true);
  });

  it('applies the default limit to authenticated routes too', async () => {
    const [a] = await twoApps({ THROTTLE_LIMIT: '3' });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await a.http().get('/me')).status);
    expect(statuses).toEqual([401, 401, 401, 429]);
  });

  it('keeps no client address in Redis (the tracker is a keyed hash)', async () => {
    const [a] = await twoApps({ THROTTLE_AUTH_LIMIT: '100' });
    await a.http().post('/auth/login').set('X-Forwarded-For', '203.0.113.77').send({ email: 'x@example.org', password: 'y'.repeat(12) });
    const { redisDump } = await import('../support/canary');
    const dump = await redisDump();
    expect(dump).not.toContain('127.0.0.1');
    expect(dump).not.toContain('203.0.113.77');
    expect(dump).not.toContain('::1');
  });
});
