export const ROLES = [
  'admin',
  'caseworker',
  'supervisor',
  'provider',
  'protection_officer',
  'psea_focal_point',
] as const;
export type Role = (typeof ROLES)[number];

/** Roles that belong to no agency; every other role belongs to exactly one. */
export const AGENCYLESS_ROLES: readonly Role[] = ['admin', 'protection_officer'];

/** Roles that can reach identifying data and therefore must use a second factor. */
export const MFA_REQUIRED_ROLES: readonly Role[] = ['caseworker', 'supervisor', 'provider', 'psea_focal_point', 'admin'];

export const SERVICE_TYPES = [
  'legal',
  'psychosocial',
  'economic',
  'reproductive_health',
  'medical',
  'safety_shelter',
  'police_justice',
  'child_protection',
] as const;
export type ServiceType = (typeof SERVICE_TYPES)[number];

/**
 * Roles whose new accounts need a second person's approval after the invitee accepts
 * (four eyes): every role that reaches content, and admin, because a second admin is itself
 * an approver. Protection officers see only aggregates and are active on acceptance.
 */
export const APPROVAL_REQUIRED_ROLES: readonly Role[] = ['caseworker', 'supervisor', 'provider', 'psea_focal_point', 'admin'];
