export * from './problem';
export * from './domain.exception';
export * from './problem.filter';
export * from './validation';
export * from './logging';
export * from './configure-app';
export * from './unavailable';
export * from './client-source';
