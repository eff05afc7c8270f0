import type { Role } from './roles';

export type SessionStage = 'mfa_pending' | 'full';

/** The authenticated caller, as loaded from the database on every request. */
export interface AuthUser {
  id: string;
  role: Role;
  agencyId: string | null;
  sessionId: string;
}

/** Claims of an access token. The guard trusts only sub and sid; the rest is re-read from the database. */
export interface AccessClaims {
  sub: string;
  sid: string;
  role: Role;
  agency: string | null;
  stage: SessionStage;
}

export const JWT_ISSUER = 'amani';
export const JWT_AUDIENCE = 'amani-api';

/** Request properties set by the authentication guard. */
export interface AuthenticatedRequest {
  user?: AuthUser;
  authStage?: SessionStage;
  /** The account's status, re-read with the session: only `active` reaches content. */
  accountStatus?: 'active' | 'awaiting_approval';
  id?: unknown;
  method: string;
  route?: { path?: string };
  headers: Record<string, string | string[] | undefined>;
}
