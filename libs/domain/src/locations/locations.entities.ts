import { Location } from './location.entity';

/** The gazetteer's table: LocationsModule registers it, the app's data source receives it. */
export const LOCATIONS_ENTITIES: Function[] = [Location];
