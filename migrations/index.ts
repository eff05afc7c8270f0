import { Init1764280000000 } from './1764280000000-init';

/** Every migration in order; a new migration is added here. */
export const ALL_MIGRATIONS = [Init1764280000000];
