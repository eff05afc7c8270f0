export * from './agency-key-errors';
export * from './agency-keys.entities';
export * from './agency-keys.service';
export * from './key-custody';
export * from './keyring';
export * from './keyring.module';
