export * from './env.schema';
export * from './app-config';
export * from './config.module';
export * from './secrets';
export * from './secrets-file';
export * from './trust-proxy';
