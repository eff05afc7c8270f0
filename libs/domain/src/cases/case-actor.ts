import type { Role } from '@amani/auth';
import { CaseForbiddenProblem } from './case-errors';

/** Who is acting on the case store: a caseworker or supervisor of one agency. */
export interface CaseActor {
  id: string;
  role: 'caseworker' | 'supervisor';
  agencyId: string;
  requestId?: string | null;
}

export const CASE_ROLES = ['caseworker', 'supervisor'] as const satisfies readonly Role[];

/**
 * Defence in depth behind the roles guard: only agency-bound caseworkers and supervisors
 * reach case content.
 */
export function toCaseActor(user: { id: string; role: Role; agencyId: string | null }, requestId?: string | null): CaseActor {
  if ((user.role !== 'caseworker' && user.role !== 'supervisor') || !user.agencyId) {
    throw new CaseForbiddenProblem('forbidden', 'Your role may not use this route.');
  }
  return { id: user.id, role: user.role, agencyId: user.agencyId, requestId: requestId ?? null };
}
