import { ValidationProblem } from '@amani/http';
import type { LocationsService } from '../locations.service';

/**
 * A gazetteer for unit tests: with no codes given it accepts every code (a deployment that
 * has imported none); with codes, it refuses others as LocationsService does.
 */
export function fakeLocations(known?: readonly string[]): LocationsService {
  return {
    async assertKnown(field: string, codes: readonly (string | null | undefined)[] | string | null | undefined): Promise<void> {
      if (!known) return;
      const list = (Array.isArray(codes) ? codes : [codes]).filter((c): c is string => typeof c === 'string' && c.length > 0);
      if (list.some((c) => !known.includes(c))) throw new ValidationProblem([{ field, message: 'is not a location code of this deployment (see GET /locations)' }]);
    },
  } as LocationsService;
}
