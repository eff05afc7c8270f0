// The keys context: what the server still holds under its own keys, and their rotation.
export * from './master-key-version.entity';
export * from './master-key-targets';
export * from './master-key-rotation.service';
export * from './master-key-rewrap.job';
export * from './blind-index-reindex.service';
export * from './master-key-custody.guard';
export * from './keys.module';
export * from './keys.entities';
