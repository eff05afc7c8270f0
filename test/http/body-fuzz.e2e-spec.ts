import fc from 'fast-check';
import { Role } from '@amani/domain';
import { MATRIX } from '../authz/authorization-matrix';
import { createTestApp, TestApp } from '../support/app';
import { concretePath, listRoutes, RouteInfo } from '../support/routes';
import { bearer, LoggedIn, sessionAs, tokensByRole } from '../support/users';

const RUNS = Number(process.env.FUZZ_RUNS ?? 40);
const ENDS_SESSION = new Set(['POST /auth/logout']);

interface OpenApi {
  paths: Record<string, Record<string, { requestBody?: { content?: Record<string, { schema?: { $ref?: string } }> } }>>;
  components?: { schemas?: Record<string, { properties?: Record<string, unknown> }> };
}

/**
 * Random JSON to every body-taking route, as a role the route admits: never a 500, and
 * every error is problem+json. Bodies mix arbitrary JSON with objects built on the route's
 * own field names (from the OpenAPI document) holding values of random types.
 */
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

  function fieldNames(route: RouteInfo): string[] {
    const openApiPath = route.path.replace(/:(\w+)/g, '{$1}');
    const op = doc.paths[openApiPath]?.[route.method.toLowerCase()];
    const ref = op?.requestBody?.content?.['application/json']?.schema?.$ref;
    const schema = ref ? doc.components?.schemas?.[ref.split('/').pop()!] : undefined;
    return Object.keys(schema?.properties ?? {});
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

  it('random bodies, every route', async () => {
    const failures: string[] = [];
    for (const route of routes) {
      const row = MATRIX[route.key];
      const role = row && 'roles' in row ? row.roles[0] : undefined;
      await fc.assert(
        fc.asyncProperty(bodies(route), async (body) => {
          let token = role ? tokens[role].accessToken : undefined;
          if (role && ENDS_SESSION.has(route.key)) token = (await sessionAs(t, { role })).accessToken;
          const method = route.method.toLowerCase() as 'post' | 'patch' | 'put';
          let req = t.http()[method](concretePath(route.path)).set('Content-Type', 'application/json');
          if (token) req = req.set(bearer(token));
          const res = await req.send(JSON.stringify(body));
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
});
