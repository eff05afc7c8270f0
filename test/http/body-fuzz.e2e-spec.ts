import fc from 'fast-check';
import { Role } from '@amani/auth';
import { MATRIX } from '../authz/authorization-matrix';
import { createTestApp, TestApp } from '../support/app';
import { concretePath, listRoutes, RouteInfo } from '../support/routes';
import { bearer, LoggedIn, sessionAs, tokensByRole } from '../support/users';

const RUNS = Number(process.env.FUZZ_RUNS ?? 40);
const ENDS_SESSION = new Set(['POST /auth/logout']);

interface OpenApi {
  paths: Record<string, Record<string, { requestBody?: { content?: Record<string, { schema?: { $ref?: string } }> } }>>;
  components?: { schemas?: Record<string, { properties?: Record<string, { nullable?: boolean }> }> };
}

/** A value of every JSON type but null, plus one too big for any field: the wrong type for every field but one. */
const WRONG_TYPES: unknown[] = [-1.5, '', true, [null], { a: 1 }, 'a'.repeat(5000)];
/** Keys that would reach Object.prototype if a handler merged the body into an object. */
const PROTO_KEYS = ['__proto__', 'constructor', 'prototype'];

/**
 * Random JSON to every body-taking route, as a role the route admits: never a 500, and
 * every error is problem+json. Bodies mix arbitrary JSON with objects built on the route's
 * own field names (from the OpenAPI document) holding values of random types.
 */
// Every body-taking route times its runs: over a minute when another suite shares the two cores.
jest.setTimeout(240_000);

describe('fuzz: random bodies never cause a 500', () => {
  let t: TestApp;
  let tokens: Record<Role, LoggedIn>;
  let doc: OpenApi;
  let routes: RouteInfo[];

  beforeAll(async () => {
    t = await createTestApp();
    tokens = await tokensByRole(t);
    doc = (await t.http().get('/docs-json')).body as OpenApi;
    routes = listRoutes(t.app).filter((r) => ['POST', 'PATCH', 'PUT'].includes(r.method));
  });
  afterAll(() => t?.close());

  function bodySchema(route: RouteInfo) {
    const openApiPath = route.path.replace(/:(\w+)/g, '{$1}');
    const op = doc.paths[openApiPath]?.[route.method.toLowerCase()];
    const ref = op?.requestBody?.content?.['application/json']?.schema?.$ref;
    return ref ? doc.components?.schemas?.[ref.split('/').pop()!] : undefined;
  }

  function fieldNames(route: RouteInfo): string[] {
    return Object.keys(bodySchema(route)?.properties ?? {});
  }

  async function send(route: RouteInfo, body: string) {
    const row = MATRIX[route.key];
    const role = row && 'roles' in row ? row.roles[0] : undefined;
    let token = role ? tokens[role].accessToken : undefined;
    if (role && ENDS_SESSION.has(route.key)) token = (await sessionAs(t, { role })).accessToken;
    const method = route.method.toLowerCase() as 'post' | 'patch' | 'put';
    let req = t.http()[method](concretePath(route.path)).set('Content-Type', 'application/json');
    if (token) req = req.set(bearer(token));
    return req.send(body);
  }

  function bodies(route: RouteInfo) {
    const names = fieldNames(route);
    const known = names.length
      ? fc.dictionary(fc.constantFrom(...names), fc.jsonValue({ maxDepth: 2 }), { maxKeys: names.length })
      : fc.constant({});
    return fc.oneof(fc.jsonValue({ maxDepth: 3 }), known, fc.dictionary(fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 2 })));
  }

  it('covers every body-taking route', () => {
    expect(routes.length).toBeGreaterThan(10);
  });

  it('covers the SEA assisted intake and complainant-control bodies', () => {
    const keys = routes.map((r) => r.key);
    for (const key of [
      'POST /sea/complaints/assisted',
      'POST /sea/complaints/withdraw',
      'POST /sea/complaints/erase-contact',
      'POST /sea/complaints/decline-messages',
      'POST /sea/complaints/change-receipt',
    ]) {
      expect(keys).toContain(key);
      expect(fieldNames(routes.find((r) => r.key === key)!)).toContain(key.endsWith('assisted') ? 'channel' : 'receipt');
    }
  });

  it('random bodies, every route', async () => {
    const failures: string[] = [];
    for (const route of routes) {
      await fc.assert(
        fc.asyncProperty(bodies(route), async (body) => {
          const res = await send(route, JSON.stringify(body));
          if (res.status >= 500) failures.push(`${route.key}: ${res.status} for ${JSON.stringify(body).slice(0, 200)}`);
          if (res.status >= 400 && !String(res.headers['content-type']).startsWith('application/problem+json')) {
            failures.push(`${route.key}: ${res.status} not problem+json`);
          }
          return res.status < 500;
        }),
        { numRuns: RUNS },
      ).catch(() => undefined);
    }
    expect(failures).toEqual([]);
  });

  it('null, wrong types and prototype keys in every field of every route: never a 5xx; null only where the contract says nullable', async () => {
    const failures: string[] = [];
    const check = async (route: RouteInfo, body: string, expectField?: string) => {
      const res = await send(route, body);
      const what = `${route.key} ${body.slice(0, 120)}`;
      if (res.status >= 500) failures.push(`${what}: ${res.status}`);
      if (res.status >= 400 && !String(res.headers['content-type']).startsWith('application/problem+json')) failures.push(`${what}: not problem+json`);
      if (expectField) {
        const named = ((res.body?.errors ?? []) as { field: string; message: string }[]).some((e) => e.field === expectField);
        if (res.status !== 400 || !named) failures.push(`${what}: ${res.status}, null not refused by name`);
      }
    };
    for (const route of routes) {
      const props = bodySchema(route)?.properties ?? {};
      const names = Object.keys(props);
      const cases: [string, string?][] = [];
      for (const name of names) {
        cases.push([JSON.stringify({ [name]: null }), props[name].nullable ? undefined : name]);
        for (const wrong of WRONG_TYPES) cases.push([JSON.stringify({ [name]: wrong })]);
      }
      if (names.length) cases.push([JSON.stringify(Object.fromEntries(names.map((n) => [n, null])))]);
      for (const key of PROTO_KEYS) {
        // Written by hand: JSON.stringify would drop a __proto__ set through an object literal.
        cases.push([`{"${key}": {"isAdmin": true, "role": "admin"}}`], [`{"${key}": null}`]);
        if (names.length) cases.push([`{"${names[0]}": {"${key}": {"polluted": true}}}`]);
      }
      // A few at a time: the route's cases are independent of each other.
      for (let i = 0; i < cases.length; i += 6) await Promise.all(cases.slice(i, i + 6).map(([body, field]) => check(route, body, field)));
    }
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(failures).toEqual([]);
  }, 300_000);

  /** Routes that take files (multipart/form-data): the complainant forms and case attachments. */
  const MULTIPART = ['POST /report', 'POST /report/follow-up/messages', 'POST /cases/:id/attachments'];

  it('garbage multipart to every file-taking route: a 4xx problem+json, never a 5xx', async () => {
    const multipartRoutes = routes.filter((r) => MULTIPART.includes(r.key));
    expect(multipartRoutes.map((r) => r.key).sort()).toEqual([...MULTIPART].sort());
    const failures: string[] = [];
    const sendMultipart = (route: RouteInfo, contentType: string, body: Buffer) => {
      const row = MATRIX[route.key];
      const role = row && 'roles' in row ? row.roles[0] : undefined;
      let req = t.http().post(concretePath(route.path)).set('Content-Type', contentType);
      if (role) req = req.set(bearer(tokens[role].accessToken));
      return req.send(body);
    };
    const fixed: [string, Buffer][] = [
      ['multipart/form-data', Buffer.from('no boundary at all')],
      ['multipart/form-data; boundary=B', Buffer.from('--B\r\nContent-Disposition: form-data; name="lang"\r\n\r\nen\r\n--B')],
      ['multipart/form-data; boundary=B', Buffer.from('--B\r\nContent-Disposition: form-data; name="other"; filename="x.pdf"\r\n\r\n%PDF-1.4\r\n--B--\r\n')],
      ['multipart/form-data; boundary=B', Buffer.from('--B\r\nContent-Disposition: form-data; filename="x.pdf"\r\n\r\n%PDF-1.4\r\n--B--\r\n')],
    ];
    // Random bytes after an opened part, with no CR so the part's header never ends: always malformed.
    const garbage = fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.concat([Buffer.from('--B\r\n'), Buffer.from(b.map((x) => (x === 0x0d ? 0x20 : x)))]));
    for (const route of multipartRoutes) {
      const check = async (contentType: string, body: Buffer) => {
        const res = await sendMultipart(route, contentType, body);
        const what = `${route.key} ${body.toString('latin1').slice(0, 80)}`;
        if (res.status < 400 || res.status >= 500) failures.push(`${what}: ${res.status}`);
        else if (!String(res.headers['content-type']).startsWith('application/problem+json')) failures.push(`${what}: ${res.status} not problem+json`);
        return res.status < 500;
      };
      for (const [contentType, body] of fixed) await check(contentType, body);
      await fc.assert(fc.asyncProperty(garbage, (body) => check('multipart/form-data; boundary=B', body)), { numRuns: RUNS }).catch(() => undefined);
    }
    expect(failures).toEqual([]);
  });
});

