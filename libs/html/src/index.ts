export * from './csp';
export * from './i18n';
export * from './inline-style';
export * from './render';
