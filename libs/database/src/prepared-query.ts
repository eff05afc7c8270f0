import { createHash } from 'node:crypto';
import type { QueryResultRow } from 'pg';
import type { EntityManager } from 'typeorm';
import { poolOf } from './pool';

const names = new Map<string, string>();

/** A statement name derived from its text: the same text always gets the same name, and no two texts share one. */
function nameOf(text: string): string {
  let name = names.get(text);
  if (!name) {
    name = `amani_${createHash('sha256').update(text).digest('base64url').slice(0, 24)}`;
    if (names.size < 10_000) names.set(text, name);
  }
  return name;
}

/**
 * Runs a hot-path statement as a named (prepared) statement: PostgreSQL parses and plans it
 * once per connection instead of on every execution, as it does for TypeORM's unnamed ones.
 * Inside a transaction it runs on that transaction's connection (an EntityManager with a
 * query runner); otherwise on the pool, whose checkout refuses to nest inside a transaction
 * (guardAgainstSecondConnection). Errors are pg's own (with their SQLSTATE `code`).
 */
export async function preparedQuery<T extends QueryResultRow>(em: EntityManager, text: string, values: unknown[]): Promise<T[]> {
  const query = { name: nameOf(text), text, values };
  const runner = em.queryRunner;
  if (runner && !runner.isReleased) {
    const client = (await runner.connect()) as { query: (q: typeof query) => Promise<{ rows: T[] }> };
    return (await client.query(query)).rows;
  }
  return (await poolOf(em.connection).query<T>(query)).rows;
}
