import type { CaseActor } from '@amani/domain/cases';
import type { Role } from '@amani/auth';
import { ReferralForbiddenProblem } from './referral-errors';

/** Who acts on a referral: the referring side (caseworker, supervisor) or the receiving provider. */
export interface ReferralActor {
  id: string;
  role: 'caseworker' | 'supervisor' | 'provider';
  agencyId: string;
  requestId?: string | null;
}

/** Defence in depth behind the roles guard: only agency-bound referral roles get this far. */
export function toReferralActor(user: { id: string; role: Role; agencyId: string | null }, requestId?: string | null): ReferralActor {
  if ((user.role !== 'caseworker' && user.role !== 'supervisor' && user.role !== 'provider') || !user.agencyId) {
    throw new ReferralForbiddenProblem('forbidden', 'Your role may not use this route.');
  }
  return { id: user.id, role: user.role, agencyId: user.agencyId, requestId: requestId ?? null };
}

export function isReferrer(actor: ReferralActor): actor is ReferralActor & CaseActor {
  return actor.role === 'caseworker' || actor.role === 'supervisor';
}
