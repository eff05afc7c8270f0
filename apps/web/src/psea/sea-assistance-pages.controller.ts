import { Controller, Get, Param, Post, Req, Res } from '@nestjs/common';
import type { Response } from 'express';
import { toCaseActor } from '@amani/domain/cases';
import { SeaAssistanceService } from '@amani/domain/sea';
import { PageRoles, Session } from '../common/decorators';
import { PageNotFound } from '../common/page-errors';
import { actorFor, requestIdOf, UUID } from '../common/page-helpers';
import { seeOther, sendPage } from '../common/send-page';
import type { WebRequest } from '../common/web-request';
import type { WebSession } from '../session/web-session.service';
import { pageContext } from '../views/page';
import { assistanceInboxPage } from '../views/psea';

/**
 * The receiving GBV agency's side of SEA victim assistance (the API's `/sea/assistance-requests`):
 * pending requests addressed to the caller's agency, shown with coded facts only; accepting
 * opens the intake case (with the shared fields) as the caller and leads to it. The
 * complaint itself is never reachable from here.
 */
@Controller('sea-assistance')
@PageRoles('caseworker', 'supervisor')
export class SeaAssistancePagesController {
  constructor(private readonly assistance: SeaAssistanceService) {}

  @Get()
  async inbox(@Req() req: WebRequest, @Session() session: WebSession, @Res() res: Response): Promise<void> {
    const items = await this.assistance.listIncoming(toCaseActor(actorFor(session), requestIdOf(req)));
    sendPage(res, 200, assistanceInboxPage(pageContext(session.lang, session), items));
  }

  @Post(':id/accept')
  async accept(@Req() req: WebRequest, @Session() session: WebSession, @Param('id') id: string, @Res() res: Response): Promise<void> {
    if (!UUID.test(id)) throw new PageNotFound();
    const accepted = await this.assistance.accept(toCaseActor(actorFor(session), requestIdOf(req)), id);
    seeOther(res, `/cases/${accepted.caseId}`);
  }
}
