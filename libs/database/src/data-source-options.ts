import type { DataSourceOptions, MixedList } from 'typeorm';
import type { AppConfig } from '@amani/config';

/**
 * What an app hands to its data source: the entities of the contexts it loads (each context
 * exports its list, e.g. `CASES_ENTITIES`) and, for the schema owner, the migrations. The
 * database library itself knows no context.
 */
export interface SchemaParts {
  entities: Function[];
  migrations?: MixedList<Function | string>;
}

/**
 * Session settings sent at connection start (the application role may set them itself):
 * `client_connection_check_interval` (PostgreSQL 14+) cancels a running statement within a
 * second of its client going away; the keepalive settings detect a silent peer in ~25 s.
 */
export const SESSION_OPTIONS = [
  '-c client_connection_check_interval=1000',
  '-c tcp_keepalives_idle=10',
  '-c tcp_keepalives_interval=5',
  '-c tcp_keepalives_count=3',
].join(' ');

/** Options for the application's connection: the restricted app role, no migrations, no synchronize. */
export function appDataSourceOptions(config: AppConfig, schema: Pick<SchemaParts, 'entities'>): DataSourceOptions {
  return {
    type: 'postgres',
    url: config.database.url,
    entities: schema.entities,
    synchronize: false,
    uuidExtension: 'pgcrypto',
    installExtensions: false,
    migrationsRun: false,
    logging: false,
    poolSize: config.database.poolSize,
    extra: {
      application_name: 'amani',
      // Waiting for a connection ends in a 503, never a hang; a statement or a transaction left
      // idle cannot hold a connection (and its locks) for ever.
      connectionTimeoutMillis: config.database.acquireTimeoutMs,
      statement_timeout: config.database.statementTimeoutMs,
      idle_in_transaction_session_timeout: config.database.idleInTransactionTimeoutMs,
      // A backend dies with its client: PostgreSQL checks during a running statement whether
      // the client is still there (a process killed with -9 leaves no orphan query behind),
      // and TCP keepalives on both ends find a peer that vanished without closing (host lost).
      keepAlive: true,
      keepAliveInitialDelayMillis: 10_000,
      options: SESSION_OPTIONS,
    },
  };
}

/** Options for the schema owner: runs migrations and nothing else. */
export function ownerDataSourceOptions(config: Pick<AppConfig, 'database'>, schema: SchemaParts): DataSourceOptions {
  return {
    type: 'postgres',
    url: config.database.ownerUrl,
    entities: schema.entities,
    migrations: schema.migrations ?? [],
    migrationsTableName: 'schema_migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    uuidExtension: 'pgcrypto',
    installExtensions: false,
    logging: false,
    poolSize: 2,
    extra: { application_name: 'amani-migrate' },
  };
}
