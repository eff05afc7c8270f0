import { ServiceOffering } from './service-offering.entity';

/** The service directory's table: ServicesDirectoryModule registers it, the app's data source receives it. */
export const SERVICES_DIRECTORY_ENTITIES: Function[] = [ServiceOffering];
