import type { CaseActor } from '@amani/domain/cases';
import type { CaseConsentsService } from '@amani/domain/cases';
import type { ShareableField } from '@amani/domain/cases';
import type { ServiceType } from '@amani/auth';
import { SERVICE_TYPES } from '@amani/auth';
import type { DirectoryActor, ServicesDirectoryService } from '@amani/domain/services-directory';
import type { ReferralActor } from '@amani/domain/referrals';
import { DECLINE_REASONS, REFERRAL_STATES, ReferralState, SERVICE_OUTCOMES } from '@amani/domain/referrals';
import type { ReferralsService } from '@amani/domain/referrals';

export interface DemoServiceAgency {
  agencyId: string;
  serviceTypes: readonly ServiceType[];
  regionCodes: readonly string[];
}

const DEMO_LANGUAGES = [['en', 'so'], ['en', 'ar'], ['fr', 'sw'], ['en']] as const;

/**
 * Development seed: one directory entry per service type each demo agency offers (so every
 * type is in the directory), through the real service. Returns the number created.
 */
export async function seedDemoServices(directory: ServicesDirectoryService, admin: DirectoryActor, agencies: readonly DemoServiceAgency[]): Promise<number> {
  const covered = new Set(agencies.flatMap((a) => a.serviceTypes));
  if (SERVICE_TYPES.some((s) => !covered.has(s))) throw new Error('demo agencies do not offer every service type');
  let created = 0;
  for (const [i, a] of agencies.entries()) {
    for (const [j, serviceType] of a.serviceTypes.entries()) {
      await directory.create(admin, {
        agencyId: a.agencyId,
        serviceType,
        name: `Demo ${serviceType.replace(/_/g, ' ')} service`,
        regionCodes: [...a.regionCodes],
        languages: [...DEMO_LANGUAGES[(i + j) % DEMO_LANGUAGES.length]],
        openingHours: 'Mon-Fri 08:00-16:00',
        contactChannel: 'referrals desk (demo)',
        capacity: 5 + 5 * j,
        acceptingReferrals: j % 4 !== 3,
      });
      created++;
    }
  }
  return created;
}

export interface DemoReferralRoute {
  /** A caseworker or supervisor of the referring agency, in scope of every case given. */
  referrer: CaseActor;
  /** A supervisor of the referring agency, for a consent override (none: no override). */
  supervisor: CaseActor | null;
  /** A provider of the receiving agency. */
  provider: ReferralActor;
  recipientAgencyId: string;
  /** Service types the receiving agency lists as open in the directory. */
  serviceTypes: readonly ServiceType[];
  caseIds: readonly string[];
}

const DEMO_SHARED_FIELDS: ShareableField[] = ['sex', 'ageBand', 'regionCode', 'survivorName', 'contactDetails', 'incidentTypes'];
const WEEK_MS = 7 * 86_400_000;

/**
 * Development seed: referrals in every lifecycle state (plus a consent override and a packet
 * destroyed by consent withdrawal), each under a referral consent recorded first, through the
 * real services: packets are encrypted, transitions audited. Returns the count per state.
 */
export async function seedDemoReferrals(
  services: { referrals: ReferralsService; consents: CaseConsentsService },
  route: DemoReferralRoute,
): Promise<Record<ReferralState, number>> {
  const counts = Object.fromEntries(REFERRAL_STATES.map((s) => [s, 0])) as Record<ReferralState, number>;
  const plan: ReferralState[] = ['pending', 'accepted', 'declined', 'completed', 'revoked', 'completed', 'pending', 'accepted'];
  const cases = [...route.caseIds];
  for (const [n, state] of plan.entries()) {
    const caseId = cases.shift();
    if (!caseId) break;
    const serviceType = route.serviceTypes[n % route.serviceTypes.length];
    const consent = await services.consents.create(route.referrer, caseId, {
      purpose: 'referral',
      givenBy: 'survivor',
      serviceType,
      recipientAgencyId: route.recipientAgencyId,
      shareableFields: DEMO_SHARED_FIELDS,
    });
    const referral = await services.referrals.create(route.referrer, caseId, {
      recipientAgencyId: route.recipientAgencyId,
      serviceType,
      followUpDueAt: new Date(Date.now() + (1 + (n % 3)) * WEEK_MS),
      consentId: consent.id,
    });
    if (state === 'accepted' || state === 'completed') await services.referrals.accept(route.provider, referral.id);
    if (state === 'declined') await services.referrals.decline(route.provider, referral.id, { reason: DECLINE_REASONS[n % DECLINE_REASONS.length] });
    if (state === 'completed') {
      await services.referrals.complete(route.provider, referral.id, { outcome: SERVICE_OUTCOMES[1 + (n % (SERVICE_OUTCOMES.length - 1))] });
    }
    if (state === 'revoked') await services.referrals.revoke(route.referrer, referral.id);
    counts[state]++;
  }
  const overrideCase = route.supervisor ? cases.shift() : undefined;
  if (route.supervisor && overrideCase) {
    await services.referrals.create(route.supervisor, overrideCase, {
      recipientAgencyId: route.recipientAgencyId,
      serviceType: route.serviceTypes[0],
      followUpDueAt: new Date(Date.now() + WEEK_MS),
      overrideReason: 'Demo override: synthetic case, no real person.',
    });
    counts.pending++;
  }
  const withdrawnCase = cases.shift();
  if (withdrawnCase) {
    const serviceType = route.serviceTypes[route.serviceTypes.length - 1];
    const consent = await services.consents.create(route.referrer, withdrawnCase, {
      purpose: 'referral',
      givenBy: 'survivor',
      serviceType,
      recipientAgencyId: route.recipientAgencyId,
      shareableFields: ['sex', 'ageBand'],
    });
    await services.referrals.create(route.referrer, withdrawnCase, {
      recipientAgencyId: route.recipientAgencyId,
      serviceType,
      followUpDueAt: new Date(Date.now() + WEEK_MS),
      consentId: consent.id,
    });
    await services.consents.withdraw(route.referrer, withdrawnCase, consent.id);
    counts.pending++;
  }
  return counts;
}
