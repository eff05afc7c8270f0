// The domain's contexts are imported by their own barrels (`@amani/domain/cases`, `@amani/domain/referrals`, …).
// Identity (users, agencies, roles, sessions) lives below the domain, in `@amani/auth`.
import { CASES_ENTITIES } from '@amani/domain/cases';
import { KEYS_ENTITIES } from '@amani/domain/keys';
import { LOCATIONS_ENTITIES } from '@amani/domain/locations';
import { REFERRALS_ENTITIES } from '@amani/domain/referrals';
import { REPORTING_ENTITIES } from '@amani/domain/reporting';
import { SEA_ENTITIES } from '@amani/domain/sea';
import { SERVICES_DIRECTORY_ENTITIES } from '@amani/domain/services-directory';

/** Every domain context's tables, for the apps to hand to their data source. */
export const DOMAIN_ENTITIES: Function[] = [
  ...LOCATIONS_ENTITIES,
  ...CASES_ENTITIES,
  ...SERVICES_DIRECTORY_ENTITIES,
  ...REFERRALS_ENTITIES,
  ...SEA_ENTITIES,
  ...REPORTING_ENTITIES,
  ...KEYS_ENTITIES,
];
