import type { DataSourceOptions } from 'typeorm';
import type { AppConfig } from '@amani/config';
import { ALL_ENTITIES } from './entities';
import { ALL_MIGRATIONS } from '../../../migrations';

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
