export * from './blind-index.service';
export * from './crypto-error';
export * from './crypto.module';
export * from './envelope.service';
export * from './key-provider';
export * from './normalise';
export { runCryptoSelfTest } from './self-test';
export * from './sodium.provider';
