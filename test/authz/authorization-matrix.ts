import { Role, ROLES } from '@amani/domain';

/**
 * The committed table of who may reach which route. The matrix test walks every route the
 * Nest router registers and fails when one has no row here (or a row names a route that no
 * longer exists). A new route is not done until it has its row.
 *
 *  - 'public':  anyone, including anonymous callers.
 *  - a role list: those roles pass the role checks (the answer may still be 400/404/409…);
 *    every other role gets 403, anonymous callers 401.
 *  - mfaPending: a session that has given its password but not yet its second factor may use it.
 */
export type Row = { public: true } | { roles: readonly Role[]; mfaPending?: boolean };

const STAFF = ROLES;
const CASE_ROLES = ['caseworker', 'supervisor'] as const;
const pub = { public: true } as const;
const only = (...roles: Role[]): Row => ({ roles });

export const MATRIX: Record<string, Row> = {
  // OpenAPI document and browsable docs (no data).
  'GET /docs': pub,
  'GET /docs-json': pub,
  'GET /docs-yaml': pub,
  'GET /docs/': pub,
  'GET /docs/index.html': pub,
  'GET /docs/swagger-ui-init.js': pub,
  'GET /docs/docs/swagger-ui-init.js': pub,
  'GET /docs/LICENSE': pub,
  // Health.
  'GET /health/live': pub,
  'GET /health/ready': pub,
  // Authentication.
  'POST /auth/login': pub,
  'POST /auth/refresh': pub,
  'POST /auth/logout': { roles: STAFF, mfaPending: true },
  'POST /auth/mfa/enrol': { roles: STAFF, mfaPending: true },
  'POST /auth/mfa/verify': { roles: STAFF, mfaPending: true },
  'GET /me': { roles: STAFF, mfaPending: true },
  // Administration: agencies, users, audit (admin never sees case content).
  'POST /agencies': only('admin'),
  'GET /agencies': only('admin'),
  'GET /agencies/:id': only('admin'),
  'POST /users': only('admin'),
  'GET /users': only('admin'),
  'GET /users/:id': only('admin'),
  'PATCH /users/:id': only('admin'),
  'POST /users/:id/disable': only('admin'),
  'POST /users/:id/enable': only('admin'),
  'GET /audit/verify': only('admin'),
  'POST /audit/checkpoints': only('admin'),
  // Case store: caseworkers and supervisors of the owning agency only.
  'POST /cases': only(...CASE_ROLES),
  'GET /cases': only(...CASE_ROLES),
  'POST /cases/lookup': only(...CASE_ROLES),
  'POST /cases/lookup-phone': only(...CASE_ROLES),
  'GET /cases/:id': only(...CASE_ROLES),
  'PATCH /cases/:id': only(...CASE_ROLES),
  'POST /cases/:id/stage': only(...CASE_ROLES),
  'POST /cases/:id/assign': only('supervisor'),
  'GET /cases/:id/shares': only(...CASE_ROLES),
  'POST /cases/:id/shares': only(...CASE_ROLES),
  'DELETE /cases/:id/shares/:userId': only(...CASE_ROLES),
  'POST /cases/:id/incidents': only(...CASE_ROLES),
  'GET /cases/:id/incidents': only(...CASE_ROLES),
  'POST /cases/:id/notes': only(...CASE_ROLES),
  'GET /cases/:id/notes': only(...CASE_ROLES),
  'POST /cases/:id/consents': only(...CASE_ROLES),
  'GET /cases/:id/consents': only(...CASE_ROLES),
  'POST /cases/:id/consents/:consentId/withdraw': only(...CASE_ROLES),
  'POST /cases/:id/action-plan': only(...CASE_ROLES),
  'GET /cases/:id/action-plan': only(...CASE_ROLES),
  'PATCH /cases/:id/action-plan/:itemId': only(...CASE_ROLES),
};
