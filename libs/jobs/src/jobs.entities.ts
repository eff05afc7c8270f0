import { OutboxMessage } from './outbox/outbox.entity';

/** The outbox table, for the app's data source. */
export const JOBS_ENTITIES: Function[] = [OutboxMessage];
