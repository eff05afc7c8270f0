export * from './services-directory.entities';
// Referrals map a relation to the offering.
export { ServiceOffering } from './service-offering.entity';
export * from './service-codes';
export * from './services-directory.service';
export * from './services-directory.module';
