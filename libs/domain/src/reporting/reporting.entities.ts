import { Report } from './report.entity';

/** Report tables, for the app's data source. */
export const REPORTING_ENTITIES: Function[] = [Report];
