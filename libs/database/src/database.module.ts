import { DynamicModule, Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { Pool, PoolClient } from 'pg';
import { DataSource, DataSourceOptions } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@amani/config';
import { appDataSourceOptions, SchemaParts } from './data-source-options';
import { poolOf } from './pool';
import { PoolMonitor } from './pool-monitor';
import { guardAgainstSecondConnection, TransactionHost } from './transaction-host';

/** Opens the application's data source with the pool guarded against nested checkouts. */
export async function openAppDataSource(options: DataSourceOptions): Promise<DataSource> {
  const dataSource = await new DataSource(options).initialize();
  const pool = poolOf(dataSource);
  guardAgainstSecondConnection(pool);
  neverCrashOnClientError(pool);
  return dataSource;
}

/**
 * A PostgreSQL restart sends FATAL 57P01 to every session. A checked-out client that is between
 * statements has no listener of the pool's, and TypeORM's comes and goes with its query runner:
 * an 'error' event landing in that gap killed the whole API process (seen in the resilience
 * suite). Every client gets a listener for its whole life; the error itself still reaches
 * whoever uses the client next (the client is no longer queryable, the pool drops it).
 */
function neverCrashOnClientError(pool: Pool): void {
  const ignore = () => undefined;
  const attach = (client: PoolClient) => {
    if (!client.listeners('error').includes(ignore)) client.on('error', ignore);
  };
  pool.on('connect', attach);
  for (const client of (pool as unknown as { _clients?: PoolClient[] })._clients ?? []) attach(client);
}

/**
 * The application's data source. The app gives it the entities of the contexts it loads;
 * each context module also registers its own with `TypeOrmModule.forFeature`.
 */
@Global()
@Module({})
export class DatabaseModule {
  static forRoot(schema: Pick<SchemaParts, 'entities'>): DynamicModule {
    return {
      module: DatabaseModule,
      global: true,
      imports: [
        TypeOrmModule.forRootAsync({
          inject: [APP_CONFIG],
          useFactory: (config: AppConfig) => appDataSourceOptions(config, schema),
          dataSourceFactory: (options) => openAppDataSource(options!),
        }),
      ],
      providers: [TransactionHost, PoolMonitor],
      exports: [TransactionHost, PoolMonitor],
    };
  }
}
