// The domain's contexts are imported by their own barrels (`@amani/domain/cases`, `@amani/domain/referrals`, …).
// Identity (users, agencies, roles, sessions) lives below the domain, in `@amani/auth`.
import { CASES_ENTITIES } from './cases/cases.entities';
import { REFERRALS_ENTITIES } from './referrals/referrals.entities';
import { REPORTING_ENTITIES } from './reporting/reporting.entities';
import { SEA_ENTITIES } from './sea/sea.entities';
import { SERVICES_DIRECTORY_ENTITIES } from './services-directory/services-directory.entities';

/** Every domain context's tables, for the apps to hand to their data source. */
export const DOMAIN_ENTITIES: Function[] = [
  ...CASES_ENTITIES,
  ...SERVICES_DIRECTORY_ENTITIES,
  ...REFERRALS_ENTITIES,
  ...SEA_ENTITIES,
  ...REPORTING_ENTITIES,
];
