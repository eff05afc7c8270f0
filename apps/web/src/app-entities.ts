import { AUDIT_ENTITIES } from '@amani/audit';
import { AUTH_ENTITIES } from '@amani/auth';
import { DOMAIN_ENTITIES } from '@amani/domain';
import { JOBS_ENTITIES } from '@amani/jobs';

/** The tables this app's data source maps: identity, audit, outbox and the domain contexts. */
export const APP_ENTITIES: Function[] = [...AUTH_ENTITIES, ...AUDIT_ENTITIES, ...JOBS_ENTITIES, ...DOMAIN_ENTITIES];
