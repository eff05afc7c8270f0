import type { DataSourceOptions } from 'typeorm';
import type { AppConfig } from '@amani/config';
import { ALL_ENTITIES } from './entities';
import { ALL_MIGRATIONS } from '../../../migrations';

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
export function appDataSourceOptions(config: AppConfig): DataSourceOptions {
  return {
    type: 'postgres',
    url: config.database.url,
    entities: ALL_ENTITIES,
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
export function ownerDataSourceOptions(config: Pick<AppConfig, 'database'>): DataSourceOptions {
  return {
    type: 'postgres',
    url: config.database.ownerUrl,
    entities: ALL_ENTITIES,
    migrations: ALL_MIGRATIONS,
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
