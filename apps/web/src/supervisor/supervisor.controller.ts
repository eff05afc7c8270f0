import { Body, Controller, Get, Param, Post, Req, Res } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Response } from 'express';
import { DataSource } from 'typeorm';
import { CaseApprovalsService, toCaseActor } from '@amani/domain/cases';
import { PageRoles, Session } from '../common/decorators';
import { PageNotFound } from '../common/page-errors';
import { seeOther, sendPage } from '../common/send-page';
import type { WebRequest } from '../common/web-request';
import { CasePageLoader } from '../cases/case-page.loader';
import { actorFor, UUID } from '../common/page-helpers';
import type { WebSession } from '../session/web-session.service';
import { requestIdOf } from '../common/page-helpers';
import { CaseloadRow, supervisorPage } from '../views/case-work';
import { formValues, one } from '../views/forms';
import { pageContext } from '../views/page';

/**
 * The supervisor's desk: the agency's open caseload counted by caseworker and stage (counts
 * and staff names only, no case content), and the approvals waiting for a decision.
 */
@Controller()
@PageRoles('supervisor')
export class SupervisorController {
  constructor(
    private readonly approvals: CaseApprovalsService,
    private readonly loader: CasePageLoader,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  @Get('supervisor')
  async desk(@Req() req: WebRequest, @Session() session: WebSession, @Res() res: Response): Promise<void> {
    sendPage(res, 200, await this.render(req, session, null));
  }

  private async render(req: WebRequest, session: WebSession, failed: { approvalId: string; comment: string; error: string } | null): Promise<string> {
    const actor = toCaseActor(actorFor(session), requestIdOf(req));
    // Counts of the agency's open cases (coded columns only); names from identity's own service.
    const rows: { caseworker_id: string | null; stage: string; n: string }[] = await this.dataSource.query(
      `SELECT assigned_caseworker_id AS caseworker_id, stage, count(*) AS n
         FROM cases WHERE agency_id = $1 AND stage <> 'closed'
        GROUP BY 1, 2`,
      [actor.agencyId],
    );
    const names = new Map((await this.loader.caseworkers(actor.agencyId, true)).map((w) => [w.id, w.name]));
    const caseload: CaseloadRow[] = rows
      .map((r) => ({ caseworkerId: r.caseworker_id, name: r.caseworker_id ? (names.get(r.caseworker_id) ?? null) : null, stage: r.stage, count: Number(r.n) }))
      .sort((a, b) => (a.name ?? '\uffff').localeCompare(b.name ?? '\uffff') || (a.caseworkerId ?? '').localeCompare(b.caseworkerId ?? ''));
    const pending = await this.approvals.pending(actor);
    return supervisorPage(pageContext(session.lang, session), caseload, pending, failed);
  }

  @Post('approvals/:id/decide')
  async decide(@Req() req: WebRequest, @Session() session: WebSession, @Param('id') id: string, @Body() body: unknown, @Res() res: Response): Promise<void> {
    if (!UUID.test(id)) throw new PageNotFound();
    const values = formValues(body);
    const decision = one(values, 'decision');
    const version = /^\d{1,9}$/.test(one(values, 'version')) ? Number(one(values, 'version')) : 0;
    if (decision !== 'approve' && decision !== 'return') throw new PageNotFound();
    const comment = one(values, 'comment').trim();
    const t = pageContext(session.lang, session).t;
    const error = decision === 'return' && !comment ? t('supervisor.commentNeeded') : comment.length > 2000 ? t('common.fieldTooLong', { max: 2000 }) : '';
    if (error) return sendPage(res, 400, await this.render(req, session, { approvalId: id, comment: one(values, 'comment'), error }));
    const approval = await this.approvals.decide(toCaseActor(actorFor(session), requestIdOf(req)), id, { decision, version, comment: comment || null });
    seeOther(res, `/cases/${approval.caseId}`);
  }
}
