import { actorParam } from '@amani/auth';
import { toCaseActor } from '@amani/domain/cases';
import { toReferralActor } from '@amani/domain/referrals';
import { toSeaActor } from '@amani/domain/sea';
import type { DirectoryActor } from '@amani/domain/services-directory';

/** The caller as a case actor (an agency's caseworker or supervisor); any other role gets 403. */
export const CaseAuth = actorParam(toCaseActor);

/** The caller as a referral actor (caseworker, supervisor or provider of an agency); any other role gets 403. */
export const ReferralAuth = actorParam(toReferralActor);

/** The caller as a PSEA focal point with the session holding their key; any other role gets 403. */
export const SeaAuth = actorParam(toSeaActor);

/** The caller as a service-directory actor (the service checks who may manage which entries). */
export const DirectoryAuth = actorParam((user, requestId): DirectoryActor => ({ id: user.id, role: user.role, agencyId: user.agencyId, requestId }));
