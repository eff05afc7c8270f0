export * from './retention-rule';
