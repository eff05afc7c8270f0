import { Init1764280000000 } from './1764280000000-init';
import { Cases1764290000000 } from './1764290000000-cases';

/** Every migration in order; a new migration is added here. */
export const ALL_MIGRATIONS = [Init1764280000000, Cases1764290000000];
