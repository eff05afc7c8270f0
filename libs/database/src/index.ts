export * from './database.module';
export * from './data-source-options';
export * from './db-admin';
export * from './db-drop';
export * from './pool';
export * from './prepared-query';
export * from './pool-monitor';
export * from './transaction-host';
