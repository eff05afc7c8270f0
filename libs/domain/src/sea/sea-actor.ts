import type { Role } from '@amani/auth';
import { CaseForbiddenProblem } from '@amani/domain/cases';

/** A PSEA focal point acting in the workspace, with the login session holding their unlocked key. */
export interface SeaActor {
  id: string;
  role: 'psea_focal_point';
  agencyId: string | null;
  sessionId: string;
  requestId: string | null;
}

/** Defence in depth behind the roles guard: only focal points reach complaints. */
export function toSeaActor(user: { id: string; role: Role; agencyId: string | null; sessionId: string }, requestId?: string | null): SeaActor {
  if (user.role !== 'psea_focal_point') throw new CaseForbiddenProblem('forbidden', 'Your role may not use this route.');
  return { id: user.id, role: user.role, agencyId: user.agencyId, sessionId: user.sessionId, requestId: requestId ?? null };
}
