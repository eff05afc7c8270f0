import { Injectable } from '@nestjs/common';
import { EntityManager, SelectQueryBuilder } from 'typeorm';
import { preparedQuery } from '@amani/database';
import type { CaseActor } from './case-actor';
import { CaseShreddedError, RecordNotVisibleError } from './case-errors';
import { CASE_COLUMNS, caseFromRow, CaseRow } from './case-row';
import { CaseShare } from './case-share.entity';
import type { StoredCaseKey } from './case-vault';
import { Case } from './case.entity';

/**
 * Need-to-know scope (DESIGN §1): a supervisor sees every case of their agency; a caseworker
 * sees the cases assigned to them and those explicitly shared with them. Anything else is
 * reported as missing.
 */
@Injectable()
export class CaseScope {
  /** Loads a case the actor may see, or throws RecordNotVisibleError (not found / out of scope), or CaseShreddedError once erased. */
  async load(em: EntityManager, actor: CaseActor, caseId: string): Promise<Case> {
    const c = await em.findOne(Case, { where: { id: caseId } });
    if (!c) throw new RecordNotVisibleError('not_found');
    if (!(await this.canSee(em, actor, c))) throw new RecordNotVisibleError('out_of_scope');
    // Erased: gone for those who could see it (410), missing for everyone else (404, above).
    if (c.erasedAt !== null) throw new CaseShreddedError();
    return c;
  }

  /**
   * load() and the case's wrapped key in one statement (the read path): the share is looked up
   * in the same statement for an actor who is not a supervisor. `key` is null once the case
   * was shredded; the caller decides what that means.
   */
  async loadWithKey(em: EntityManager, actor: CaseActor, caseId: string): Promise<{ case: Case; key: StoredCaseKey | null }> {
    const rows = await preparedQuery<CaseRow & { wrapped_dek: Buffer | null; kek_version: number | null; agency_key_version: number | null; agency_key_base_version: number | null; key_version: number | null; shared: boolean }>(
      em,
      `SELECT ${CASE_COLUMNS}, k.wrapped_dek, k.kek_version, k.agency_key_version, k.agency_key_base_version, k.key_version,
              ($2::uuid IS NOT NULL AND EXISTS (SELECT 1 FROM case_shares s WHERE s.case_id = c.id AND s.user_id = $2)) AS shared
         FROM cases c LEFT JOIN case_keys k ON k.case_id = c.id
        WHERE c.id = $1`,
      [caseId, actor.role === 'supervisor' ? null : actor.id],
    );
    const row = rows[0];
    if (!row) throw new RecordNotVisibleError('not_found');
    const c = caseFromRow(row);
    const visible = c.agencyId === actor.agencyId && (actor.role === 'supervisor' || c.assignedCaseworkerId === actor.id || row.shared);
    if (!visible) throw new RecordNotVisibleError('out_of_scope');
    if (c.erasedAt !== null) throw new CaseShreddedError();
    const key = row.wrapped_dek === null ? null : { wrappedDek: row.wrapped_dek, kekVersion: row.kek_version, agencyKeyVersion: row.agency_key_version, agencyKeyBaseVersion: row.agency_key_base_version, keyVersion: row.key_version! };
    return { case: c, key };
  }

  async canSee(em: EntityManager, actor: CaseActor, c: Pick<Case, 'id' | 'agencyId' | 'assignedCaseworkerId'>): Promise<boolean> {
    if (c.agencyId !== actor.agencyId) return false;
    if (actor.role === 'supervisor') return true;
    if (c.assignedCaseworkerId === actor.id) return true;
    return em.exists(CaseShare, { where: { caseId: c.id, userId: actor.id } });
  }

  /** Restricts a query on cases (aliased `alias`) to the actor's scope. */
  restrict<T extends object>(qb: SelectQueryBuilder<T>, actor: CaseActor, alias = 'c'): SelectQueryBuilder<T> {
    qb.andWhere(`${alias}.agency_id = :scopeAgencyId`, { scopeAgencyId: actor.agencyId });
    if (actor.role !== 'supervisor') {
      qb.andWhere(
        `(${alias}.assigned_caseworker_id = :scopeUserId OR EXISTS (SELECT 1 FROM case_shares s WHERE s.case_id = ${alias}.id AND s.user_id = :scopeUserId))`,
        { scopeUserId: actor.id },
      );
    }
    return qb;
  }
}
