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

  async function oneApp(env: Record<string, string>) {
    const a = await createTestApp({ REDIS_PREFIX: `${process.env.REDIS_PREFIX}_rl${apps.length}`, ...env });
    apps.push(a);
    return a;
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

  describe('telling clients apart behind proxies (TRUST_PROXY)', () => {
    const login = (app: TestApp, xff?: string) => {
      const req = app.http().post('/auth/login');
      return (xff ? req.set('X-Forwarded-For', xff) : req).send({ email: 'nobody@example.org', password: 'not the password at all' });
    };
    const statusesOf = async (app: TestApp, xffs: string[]) => {
      const out: number[] = [];
      for (const xff of xffs) out.push((await login(app, xff)).status);
      return out;
    };
    const rotating = (n: number) => Array.from({ length: n }, (_, i) => `203.0.113.${i + 1}`);

    it('TRUST_PROXY=1: a client rotating its own X-Forwarded-For behind the one proxy is still one source', async () => {
      const a = await oneApp({ TRUST_PROXY: '1', THROTTLE_AUTH_LIMIT: '10' });
      // The proxy (the real peer, 127.0.0.1) appends the address it saw: 198.51.100.20. Whatever
      // the client put before it is not believed with one hop trusted.
      const statuses = await statusesOf(a, rotating(50).map((spoof) => `${spoof}, 198.51.100.20`));
      expect(statuses.slice(0, 10)).toEqual(Array(10).fill(401));
      expect(statuses.slice(10)).toEqual(Array(40).fill(429));
      // Another client behind the same proxy has its own budget.
      expect((await login(a, '198.51.100.21')).status).toBe(401);
    });

    it('not trusted (the default): X-Forwarded-For is ignored, every request is the peer', async () => {
      const a = await oneApp({ THROTTLE_AUTH_LIMIT: '10' });
      const statuses = await statusesOf(a, rotating(50));
      expect(statuses.slice(0, 10)).toEqual(Array(10).fill(401));
      expect(statuses.slice(10)).toEqual(Array(40).fill(429));
    });

    it('a trusted proxy CIDR: distinct forwarded clients are limited separately, and a spoofed prefix changes nothing', async () => {
      const a = await oneApp({ TRUST_PROXY: '127.0.0.1/32', THROTTLE_AUTH_LIMIT: '3' });
      expect(await statusesOf(a, ['198.51.100.7', '198.51.100.7', '198.51.100.7', '198.51.100.7'])).toEqual([401, 401, 401, 429]);
      // A different forwarded client, through the same trusted proxy, is not caught by the first one's limit.
      expect(await statusesOf(a, ['198.51.100.8', '198.51.100.9', '198.51.100.10'])).toEqual([401, 401, 401]);
      // The first client prefixing made-up hops: the right-most untrusted address is still its own.
      expect(await statusesOf(a, rotating(5).map((spoof) => `${spoof}, 198.51.100.7`))).toEqual(Array(5).fill(429));
      // A chain through a second, untrusted hop is keyed on that hop, not on what it claims.
      expect(await statusesOf(a, ['192.0.2.50, 198.51.100.99', '192.0.2.51, 198.51.100.99', '192.0.2.52, 198.51.100.99', '192.0.2.53, 198.51.100.99'])).toEqual([401, 401, 401, 429]);
    });
  });
});
