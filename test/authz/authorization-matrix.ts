import { Role, ROLES } from '@amani/auth';

/**
 * The committed table of who may reach which route. The matrix test walks every route the
 * Nest router registers and fails when one has no row here (or a row names a route that no
 * longer exists). A new route is not done until it has its row.
 *
 *  - 'public':  anyone, including anonymous callers.
 *  - a role list: those roles pass the role checks (the answer may still be 400/404/409…);
 *    every other role gets 403, anonymous callers 401.
 *  - mfaPending: a session that has given its password but not yet its second factor may use it.
 *  - awaitingApproval: an account that accepted its invitation but is not yet approved by a
 *    second person may use it (every other route answers it 403 awaiting_approval).
 */
export type Row = { public: true } | { roles: readonly Role[]; mfaPending?: boolean; awaitingApproval?: boolean };

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
  'POST /auth/invitations/accept': pub,
  'POST /auth/logout': { roles: STAFF, mfaPending: true, awaitingApproval: true },
  'POST /auth/mfa/enrol': { roles: STAFF, mfaPending: true, awaitingApproval: true },
  'POST /auth/mfa/verify': { roles: STAFF, mfaPending: true, awaitingApproval: true },
  'GET /me': { roles: STAFF, mfaPending: true, awaitingApproval: true },
  // Administration: agencies, users, audit (admin never sees case content).
  'POST /agencies': only('admin'),
  'GET /agencies': only('admin'),
  'GET /agencies/:id': only('admin'),
  // Agency key group: members read their state; supervisors set up, grant, remove, recover.
  'GET /agency-keys': only('caseworker', 'supervisor', 'provider'),
  'POST /agency-keys': only('supervisor'),
  'POST /agency-keys/grants': only('supervisor'),
  'DELETE /agency-keys/grants/:userId': only('supervisor'),
  'POST /agency-keys/recovery': only('supervisor'),
  'POST /agency-keys/rotation': only('supervisor'),
  // The gazetteer: reference data every staff role may read.
  'GET /locations': { roles: STAFF },
  'POST /users': only('admin'),
  'GET /users': only('admin'),
  'GET /users/:id': only('admin'),
  'PATCH /users/:id': only('admin'),
  'POST /users/:id/disable': only('admin'),
  'POST /users/:id/enable': only('admin'),
  'POST /users/:id/reset-credentials': only('admin'),
  // Four-eyes activation: the approver the invitee's role needs (the service answers 404
  // outside the caller's scope and 403 to the inviter or an ineligible approver).
  'GET /users/pending': only('admin', 'supervisor', 'psea_focal_point'),
  'POST /users/:id/approval': only('admin', 'supervisor', 'psea_focal_point'),
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
  'DELETE /cases/:id': only('supervisor'),
  'GET /cases/:id/shares': only(...CASE_ROLES),
  'POST /cases/:id/shares': only(...CASE_ROLES),
  'DELETE /cases/:id/shares/:userId': only(...CASE_ROLES),
  'POST /cases/:id/incidents': only(...CASE_ROLES),
  'GET /cases/:id/incidents': only(...CASE_ROLES),
  'POST /cases/:id/notes': only(...CASE_ROLES),
  'GET /cases/:id/notes': only(...CASE_ROLES),
  'POST /cases/:id/transfers': only(...CASE_ROLES),
  'GET /cases/:id/transfers': only(...CASE_ROLES),
  'GET /transfers': only('supervisor'),
  'POST /transfers/:id/decision': only('supervisor'),
  'POST /cases/:id/attachments': only(...CASE_ROLES),
  'GET /cases/:id/attachments': only(...CASE_ROLES),
  'GET /cases/:id/attachments/:attachmentId': only(...CASE_ROLES),
  'DELETE /cases/:id/attachments/:attachmentId': only(...CASE_ROLES),
  'POST /cases/:id/consents': only(...CASE_ROLES),
  'GET /cases/:id/consents': only(...CASE_ROLES),
  'POST /cases/:id/consents/:consentId/withdraw': only(...CASE_ROLES),
  'POST /cases/:id/action-plan': only(...CASE_ROLES),
  'GET /cases/:id/action-plan': only(...CASE_ROLES),
  'PATCH /cases/:id/action-plan/:itemId': only(...CASE_ROLES),
  'GET /cases/:id/assessment': only(...CASE_ROLES),
  'PUT /cases/:id/assessment': only(...CASE_ROLES),
  'GET /cases/:id/safety-plan': only(...CASE_ROLES),
  'PUT /cases/:id/safety-plan': only(...CASE_ROLES),
  'POST /cases/:id/approvals': only(...CASE_ROLES),
  'GET /cases/:id/approvals': only(...CASE_ROLES),
  'POST /cases/:id/reopen': only('supervisor'),
  // The supervisor's approval work list and decisions (another agency's request is a 404).
  'GET /approvals': only('supervisor'),
  'POST /approvals/:id/decision': only('supervisor'),
  // De-identified reports: protection officers (inter-agency), supervisors (their own agency).
  'POST /reports': only('protection_officer', 'supervisor'),
  'GET /reports': only('protection_officer', 'supervisor'),
  'GET /reports/:id': only('protection_officer', 'supervisor'),
  'GET /reports/:id/export.csv': only('protection_officer', 'supervisor'),
  'GET /reports/:id/chart.svg': only('protection_officer', 'supervisor'),
  // Service directory (organisations' services, no survivor data): supervisors and admins
  // manage; every staff role that refers may search; protection officers work on aggregates only.
  'GET /services': only('supervisor', 'admin'),
  'POST /services': only('supervisor', 'admin'),
  'PATCH /services/:id': only('supervisor', 'admin'),
  'GET /services/search': only('caseworker', 'supervisor', 'provider', 'psea_focal_point', 'admin'),
  // Referrals: the referring side within its case scope; the receiving provider for referrals
  // addressed to their agency (anything else is a 404 in the service, not a 403 here).
  'POST /cases/:id/referrals': only(...CASE_ROLES),
  'GET /cases/:id/referrals': only(...CASE_ROLES),
  'GET /cases/:id/service-record': only(...CASE_ROLES),
  'GET /referrals/incoming': only('provider'),
  'GET /referrals/:id': only(...CASE_ROLES, 'provider'),
  'GET /referrals/:id/packet': only(...CASE_ROLES, 'provider'),
  'POST /referrals/:id/accept': only('provider'),
  'POST /referrals/:id/decline': only('provider'),
  'POST /referrals/:id/complete': only('provider'),
  'POST /referrals/:id/revoke': only(...CASE_ROLES),
  'POST /referrals/:id/notes': only('provider'),
  // Own notifications (ids only).
  'GET /notifications': { roles: STAFF },
  'POST /notifications/read-all': { roles: STAFF },
  'POST /notifications/:id/read': { roles: STAFF },
  // SEA complaints. Complainants are anonymous (public, strictly throttled); only PSEA focal
  // points reach complaints (admin, caseworker, supervisor, provider, protection officer: 403).
  'GET /sea/questionnaire': pub,
  'POST /sea/complaints': pub,
  'POST /sea/complaints/access': pub,
  'POST /sea/complaints/messages': pub,
  'GET /sea/complaints': only('psea_focal_point'),
  'GET /sea/complaints/:id': only('psea_focal_point'),
  'POST /sea/complaints/:id/messages': only('psea_focal_point'),
  'POST /sea/complaints/:id/notes': only('psea_focal_point'),
  'POST /sea/complaints/:id/status': only('psea_focal_point'),
  'POST /sea/complaints/:id/outcome': only('psea_focal_point'),
  'POST /sea/complaints/:id/assistance': only('psea_focal_point'),
  'GET /sea/keys': only('psea_focal_point'),
  'POST /sea/keys': only('psea_focal_point'),
  'POST /sea/keys/recover': only('psea_focal_point'),
  'GET /sea/focal-points': only('psea_focal_point'),
  'POST /sea/focal-points/:userId/grants': only('psea_focal_point'),
  'POST /sea/focal-points/:userId/endorsement': only('psea_focal_point'),
  // After triage: the directory of entities concerned, the referral to one, the victims.
  'GET /sea/entities': only('psea_focal_point'),
  'POST /sea/entities': only('psea_focal_point'),
  'PATCH /sea/entities/:id': only('psea_focal_point'),
  'PUT /sea/complaints/:id/entity-referral': only('psea_focal_point'),
  'POST /sea/complaints/:id/victims': only('psea_focal_point'),
  'PATCH /sea/complaints/:id/victims/:victimId': only('psea_focal_point'),
  // Victim assistance, receiving side: the agency's caseworkers and supervisors see requests
  // addressed to their agency (another agency's request is a 404), never the complaint.
  'GET /sea/assistance-requests': only(...CASE_ROLES),
  'POST /sea/assistance-requests/:id/accept': only(...CASE_ROLES),
  // Complainant web pages (HTML, no JavaScript, no cookies).
  'GET /report': pub,
  'POST /report': pub,
  'GET /report/follow-up': pub,
  'POST /report/follow-up': pub,
  'POST /report/follow-up/messages': pub,
  // The complainant's control with the receipt alone (withdraw, erase contact, decline
  // messages, change receipt): anonymous like the follow-up, behind the same receipt budgets.
  'POST /sea/complaints/withdraw': pub,
  'POST /sea/complaints/erase-contact': pub,
  'POST /sea/complaints/decline-messages': pub,
  'POST /sea/complaints/change-receipt': pub,
  'POST /report/follow-up/withdraw': pub,
  'POST /report/follow-up/erase-contact': pub,
  'POST /report/follow-up/decline-messages': pub,
  'POST /report/follow-up/change-receipt': pub,
  // Assisted intake (hotline, paper, community focal point, in person): focal points only;
  // every other role 403 (no intake-only role: see libs/domain/src/sea/README.md).
  'POST /sea/complaints/assisted': only('psea_focal_point'),
  // SEA evidence (issue 16): complainants' attachments, for PSEA focal points only; a
  // colleague without the complaint's grant gets 403, an attachment of another complaint 404.
  'GET /sea/complaints/:id/attachments': only('psea_focal_point'),
  'GET /sea/complaints/:id/attachments/:attachmentId': only('psea_focal_point'),
};
