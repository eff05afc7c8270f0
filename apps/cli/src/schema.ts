import { AUDIT_ENTITIES } from '@amani/audit';
import { AUTH_ENTITIES } from '@amani/auth';
import type { SchemaParts } from '@amani/database';
import { DOMAIN_ENTITIES } from '@amani/domain';
import { JOBS_ENTITIES } from '@amani/jobs';
import { ALL_MIGRATIONS } from '@amani/migrations';

/**
 * The whole schema, for the schema owner: every context's entities and every migration. The
 * migration data source (TypeORM CLI), `db:prepare` and the schema drift test use this list.
 */
export const SCHEMA: SchemaParts = {
  entities: [...AUTH_ENTITIES, ...AUDIT_ENTITIES, ...JOBS_ENTITIES, ...DOMAIN_ENTITIES],
  migrations: ALL_MIGRATIONS,
};

