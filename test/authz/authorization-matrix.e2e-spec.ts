import { Role, ROLES } from '@amani/auth';
import { createTestApp, TestApp } from '../support/app';
import { concretePath, listRoutes, RouteInfo } from '../support/routes';
import { InvitationsService } from '@amani/auth';
import { rememberSecret } from '../support/canary';
import { bearer, createAgency, enrolMfaDirectly, LoggedIn, login, createUser, strongPassword, tokensByRole } from '../support/users';
import { MATRIX } from './authorization-matrix';

type Subject = Role | 'anonymous' | 'mfa_pending' | 'awaiting_approval';

/** Routes that end the caller's session get a throw-away session per request. */
const ENDS_SESSION = new Set(['POST /auth/logout']);

describe('authorisation matrix: every route × every role', () => {
  let t: TestApp;
  let routes: RouteInfo[];
  let tokens: Record<Role, LoggedIn>;
  let pendingToken: string;
  let awaitingToken: string;

  /** A caseworker who accepted their invitation and enrolled TOTP, not yet approved: a full session. */
  async function awaitingSession(): Promise<string> {
    const invitations = t.app.get(InvitationsService);
    const agency = await createAgency(t);
    const email = `awaiting-${Math.random().toString(36).slice(2)}@example.org`;
    const invited = await invitations.invite({ email, displayName: 'Awaiting', role: 'caseworker', agencyId: agency.id }, { actor: null, via: 'test' });
    rememberSecret(invited.invitationToken);
    const password = strongPassword();
    rememberSecret(password);
    const accepted = await invitations.accept(invited.invitationToken, password);
    expect(accepted.status).toBe('awaiting_approval');
    const totpSecret = await enrolMfaDirectly(t, accepted.userId);
    return (await login(t, { email, password, totpSecret })).accessToken;
  }

  beforeAll(async () => {
    t = await createTestApp();
    routes = listRoutes(t.app);
    tokens = await tokensByRole(t);
    const u = await createUser(t, { role: 'caseworker' });
    const res = await t.http().post('/auth/login').send({ email: u.email, password: u.password });
    expect(res.body.mfa).toBe('enrol');
    pendingToken = res.body.accessToken;
    awaitingToken = await awaitingSession();
  });
  afterAll(() => t?.close());

  it('has a row for every registered route, and no row for a route that does not exist', () => {
    const registered = new Set(routes.map((r) => r.key));
    const missing = [...registered].filter((k) => !(k in MATRIX));
    const stale = Object.keys(MATRIX).filter((k) => !registered.has(k));
    expect({ missing, stale }).toEqual({ missing: [], stale: [] });
  });

  const subjects: Subject[] = ['anonymous', 'mfa_pending', 'awaiting_approval', ...ROLES];

  it('answers every subject as the table says', async () => {
    const failures: string[] = [];
    for (const route of routes) {
      const row = MATRIX[route.key];
      if (!row) continue;
      for (const subject of subjects) {
        const token = await tokenFor(subject, route);
        const res = await send(route, token);
        const expected = expectation(row, subject);
        const ok =
          expected === 'allow' ? ![401, 403].includes(res.status) && res.status < 500
          : expected === 'unauthenticated' ? res.status === 401
          : res.status === 403 || (subject === 'mfa_pending' && res.status === 401);
        if (expected === 'forbidden' && subject === 'awaiting_approval' && res.body?.code !== 'awaiting_approval') {
          failures.push(`${route.key} as ${subject}: expected code awaiting_approval, got ${String(res.body?.code)}`);
        }
        if (!ok) failures.push(`${route.key} as ${subject}: expected ${expected}, got ${res.status}`);
        if (res.status >= 400 && res.status !== 404 && !String(res.headers['content-type']).includes('json')) {
          failures.push(`${route.key} as ${subject}: error without a JSON body`);
        }
      }
    }
    expect(failures).toEqual([]);
    // Every route × ten subjects over HTTP: minutes on a loaded CI machine, not seconds.
  }, 240_000);

  function expectation(row: (typeof MATRIX)[string], subject: Subject): 'allow' | 'forbidden' | 'unauthenticated' {
    if ('public' in row) return 'allow';
    if (subject === 'anonymous') return 'unauthenticated';
    if (subject === 'mfa_pending') return row.mfaPending ? 'allow' : 'forbidden';
    if (subject === 'awaiting_approval') return row.awaitingApproval ? 'allow' : 'forbidden';
    return row.roles.includes(subject) ? 'allow' : 'forbidden';
  }

  async function tokenFor(subject: Subject, route: RouteInfo): Promise<string | undefined> {
    if (subject === 'anonymous') return undefined;
    if (subject === 'mfa_pending') {
      if (!ENDS_SESSION.has(route.key)) return pendingToken;
      const u = await createUser(t, { role: 'caseworker' });
      return (await t.http().post('/auth/login').send({ email: u.email, password: u.password })).body.accessToken;
    }
    if (subject === 'awaiting_approval') return ENDS_SESSION.has(route.key) ? awaitingSession() : awaitingToken;
    if (ENDS_SESSION.has(route.key)) {
      const u = await createUser(t, { role: subject, agencyId: tokens[subject].user.agencyId, mfa: true });
      return (await login(t, u)).accessToken;
    }
    return tokens[subject].accessToken;
  }

  function send(route: RouteInfo, token?: string) {
    const path = concretePath(route.path);
    const method = route.method.toLowerCase() as 'get' | 'post' | 'patch' | 'put' | 'delete';
    let req = t.http()[method](path);
    if (token) req = req.set(bearer(token));
    return ['post', 'patch', 'put'].includes(method) ? req.send({}) : req;
  }
});
