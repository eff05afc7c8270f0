import { Injectable } from '@nestjs/common';
import { UsersService } from '@amani/auth';
import {
  CaseActionPlanService,
  CaseApprovalsService,
  CaseConsentsService,
  CaseIncidentsService,
  CaseNotesService,
  CasesService,
  toCaseActor,
} from '@amani/domain/cases';
import { ReferralsService } from '@amani/domain/referrals';
import type { WebRequest } from '../common/web-request';
import type { WebSession } from '../session/web-session.service';
import { actorFor, requestIdOf, UUID } from '../common/page-helpers';
import { CaseSections } from '../views/case-work';
import { casePage } from '../views/cases';
import { pageContext } from '../views/page';
import { PageNotFound } from '../common/page-errors';


/**
 * Everything the case page shows, each part read through its domain service (so each read is
 * scoped and audited as through the API). The case itself is read first: another agency's id
 * fails there, before anything else is touched, with the same not-found as a random id.
 */
@Injectable()
export class CasePageLoader {
  constructor(
    private readonly cases: CasesService,
    private readonly incidents: CaseIncidentsService,
    private readonly consents: CaseConsentsService,
    private readonly notes: CaseNotesService,
    private readonly plan: CaseActionPlanService,
    private readonly approvals: CaseApprovalsService,
    private readonly referrals: ReferralsService,
    private readonly users: UsersService,
  ) {}

  async render(req: WebRequest, session: WebSession, id: string, opts: { identifying?: boolean; forms?: CaseSections['forms']; notice?: string } = {}): Promise<string> {
    if (!UUID.test(id)) throw new PageNotFound();
    const actor = toCaseActor(actorFor(session), requestIdOf(req));
    const detail = await this.cases.get(actor, id);
    const [referrals, incidents, consents, notes, actionPlan, serviceRecord, approvals] = [
      await this.referrals.listForCase(actor, id, { page: 1, pageSize: 50 }),
      await this.incidents.list(actor, id),
      await this.consents.list(actor, id),
      await this.notes.list(actor, id, 1, 50),
      await this.plan.list(actor, id),
      await this.referrals.serviceRecord(actor, id),
      await this.approvals.list(actor, id),
    ];
    const caseworkers = session.role === 'supervisor' ? await this.caseworkers(session.agencyId!) : [];
    const sections: CaseSections = {
      incidents,
      consents,
      notes: notes.items,
      actionPlan,
      serviceRecord,
      approvals,
      caseworkers,
      forms: opts.forms ?? null,
    };
    return casePage(pageContext(session.lang, session, opts.notice), detail, session.userId, referrals.items, opts.identifying ?? false, sections);
  }

  /** The agency's active caseworkers (staff names, not case content), for reassignment; through identity's own service. */
  async caseworkers(agencyId: string, includeInactive = false): Promise<{ id: string; name: string }[]> {
    const page = await this.users.list({ agencyId, role: 'caseworker', page: 1, pageSize: 500 });
    return page.items
      .filter((u) => includeInactive || (u.status === 'active' && !u.disabled))
      .map((u) => ({ id: u.id, name: u.displayName }))
      .sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
  }
}
