import { Injectable } from '@nestjs/common';
import { EntityManager, SelectQueryBuilder } from 'typeorm';
import type { CaseActor } from './case-actor';
import { RecordNotVisibleError } from './case-errors';
import { CaseShare } from './case-share.entity';
import { Case } from './case.entity';

/**
 * Need-to-know scope (DESIGN §1): a supervisor sees every case of their agency; a caseworker
 * sees the cases assigned to them and those explicitly shared with them. Anything else is
 * reported as missing.
 */
@Injectable()
export class CaseScope {
  /** Loads a case the actor may see, or throws RecordNotVisibleError (not found / out of scope). */
  async load(em: EntityManager, actor: CaseActor, caseId: string): Promise<Case> {
    const c = await em.findOne(Case, { where: { id: caseId } });
    if (!c) throw new RecordNotVisibleError('not_found');
    if (!(await this.canSee(em, actor, c))) throw new RecordNotVisibleError('out_of_scope');
    return c;
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
