import type { EntityManager } from 'typeorm';
import { StaleVersionProblem } from './case-errors';
import { Case } from './case.entity';

/**
 * UPDATE cases ... WHERE id = $1 AND version = $2: of two concurrent writers holding the same
 * version, the second waits for the first's row lock, then matches no row and gets 409.
 */
export async function updateCaseIfVersion(em: EntityManager, caseId: string, version: number, sets: Record<string, unknown>): Promise<void> {
  const result = await em
    .createQueryBuilder()
    .update(Case)
    .set({ ...sets, version: () => 'version + 1' })
    .where('id = :caseId AND version = :version', { caseId, version })
    .execute();
  if (result.affected !== 1) throw new StaleVersionProblem();
}
