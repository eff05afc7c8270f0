import { Body, Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { Response } from 'express';
import { AgenciesService, InvitationsService } from '@amani/auth';
import { DomainException } from '@amani/http';
import { PageRoles, Session } from '../common/decorators';
import { PageNotFound } from '../common/page-errors';
import { actorOf, requestIdOf, UUID } from '../common/page-helpers';
import { seeOther, sendPage } from '../common/send-page';
import type { WebRequest } from '../common/web-request';
import type { WebSession } from '../session/web-session.service';
import { approvalsPage } from '../views/admin';
import { formValues, one } from '../views/forms';
import { pageContext } from '../views/page';

/** What the page says after a decision or a refusal: a code in the URL, never a name. */
const NOTICES = {
  approved: 'admin.approvals.approved',
  refused: 'admin.approvals.refused',
  mfa: 'admin.approvals.mfaMissing',
  not_approver: 'admin.approvals.notApprover',
  not_waiting: 'admin.approvals.notWaiting',
} as const;
type Notice = keyof typeof NOTICES;

/**
 * Four eyes on new accounts, decided by the rules the API enforces (InvitationsService):
 * another admin for admins and for an agency without a supervisor, the agency's supervisor
 * otherwise, a focal point for focal points; never whoever invited the account. The list
 * shows only the accounts this user may decide.
 */
@Controller('account-approvals')
@PageRoles('admin', 'supervisor', 'psea_focal_point')
export class ApprovalsController {
  constructor(
    private readonly invitations: InvitationsService,
    private readonly agencies: AgenciesService,
  ) {}

  @Get()
  async list(@Session() session: WebSession, @Query('done') done: unknown, @Res() res: Response): Promise<void> {
    const pending = await this.invitations.pending(actorOf(session));
    const names = new Map<string, string>();
    for (const id of new Set(pending.map((u) => u.agencyId).filter((a): a is string => !!a))) names.set(id, (await this.agencies.get(id)).name);
    const key = typeof done === 'string' && done in NOTICES ? NOTICES[done as Notice] : undefined;
    const ctx = pageContext(session.lang, session);
    sendPage(res, 200, approvalsPage(key ? { ...ctx, notice: ctx.t(key) } : ctx, pending, names));
  }

  @Post(':id')
  async decide(@Req() req: WebRequest, @Session() session: WebSession, @Param('id') id: string, @Body() body: unknown, @Res() res: Response): Promise<void> {
    if (!UUID.test(id)) throw new PageNotFound();
    const decision = one(formValues(body), 'decision');
    if (decision !== 'approve' && decision !== 'refuse') throw new PageNotFound();
    let done: Notice = decision === 'approve' ? 'approved' : 'refused';
    try {
      await this.invitations.decide(id, decision, actorOf(session), requestIdOf(req));
    } catch (e) {
      // Not visible to this approver: the same "not found" as an id that does not exist.
      if (!(e instanceof DomainException) || e.status === 404 || e.status >= 500) throw e;
      if (e.code === 'mfa_not_enrolled') done = 'mfa';
      else if (e.code === 'not_awaiting_approval') done = 'not_waiting';
      else if (e.code === 'approver_is_inviter' || e.code === 'not_an_eligible_approver') done = 'not_approver';
      else throw e;
    }
    seeOther(res, `/account-approvals?done=${done}`);
  }
}
