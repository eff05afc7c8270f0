import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource, DataSourceOptions } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@amani/config';
import { appDataSourceOptions } from './data-source-options';
import { poolOf } from './pool';
import { PoolMonitor } from './pool-monitor';
import { guardAgainstSecondConnection, TransactionHost } from './transaction-host';

/** Opens the application's data source with the pool guarded against nested checkouts. */
export async function openAppDataSource(options: DataSourceOptions): Promise<DataSource> {
  const dataSource = await new DataSource(options).initialize();
  guardAgainstSecondConnection(poolOf(dataSource));
  return dataSource;
}

@Global()
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => appDataSourceOptions(config),
      dataSourceFactory: (options) => openAppDataSource(options!),
    }),
  ],
  providers: [TransactionHost, PoolMonitor],
  exports: [TransactionHost, PoolMonitor],
})
export class DatabaseModule {}
