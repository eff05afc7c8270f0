import type { Pool } from 'pg';
import type { DataSource } from 'typeorm';

/** The pg pool behind a PostgreSQL data source. */
export function poolOf(dataSource: DataSource): Pool {
  const pool = (dataSource.driver as unknown as { master?: Pool }).master;
  if (!pool) throw new Error('the data source has no pg pool (not initialised, or not PostgreSQL)');
  return pool;
}
