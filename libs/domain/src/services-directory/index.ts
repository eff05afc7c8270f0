export * from './services-directory.entities';
export * from './service-codes';
export * from './service-offering.entity';
export * from './services-directory.service';
export * from './services-directory.module';
