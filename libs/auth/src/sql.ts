/**
 * Rows of an `UPDATE/DELETE ... RETURNING` run through TypeORM's query(): the postgres
 * driver answers those with [rows, rowCount] and everything else with rows.
 */
export function returnedRows<T = Record<string, unknown>>(result: unknown): T[] {
  if (!Array.isArray(result)) return [];
  if (result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') return result[0] as T[];
  return result as T[];
}
