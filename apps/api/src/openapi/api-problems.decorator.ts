import { SetMetadata } from '@nestjs/common';

export const API_PROBLEMS_KEY = 'amani:api-problems';

/** Problem statuses the document cannot derive from the route's shape. */
export type DeclaredProblem = 401 | 404 | 409 | 410 | 422 | 423;

/**
 * Statuses an operation answers beyond the ones derived from its shape (see openapi.ts):
 * 409 for stale versions and state conflicts, 410 for crypto-shredded records, 422 for
 * business rules, 423 for a locked complaint key, 401/404 on public routes that check a
 * credential or receipt themselves. Class- and method-level declarations add up.
 */
export const ApiProblems = (...statuses: DeclaredProblem[]) => SetMetadata(API_PROBLEMS_KEY, statuses);
