import { Controller, Get, Req, Res } from '@nestjs/common';
import type { Response } from 'express';
import { CasesService, toCaseActor } from '@amani/domain/cases';
import { ReferralsService } from '@amani/domain/referrals';
import { ServicesDirectoryService } from '@amani/domain/services-directory';
import { Session } from '../common/decorators';
import { seeOther, sendPage } from '../common/send-page';
import type { WebRequest } from '../common/web-request';
import { CasePageLoader } from '../cases/case-page.loader';
import { actorFor } from '../common/page-helpers';
import { renderReferral } from '../referrals/referral-page.render';
import { requestIdOf } from '../common/page-helpers';
import { editPage, servicesPage } from '../views/services';
import { incidentPage, newCasePage } from '../views/case-work';
import { pageContext } from '../views/page';
import { PENDING_COOKIE, PendingFormService } from './pending-form.service';
import { resumable } from './resumable';
import type { WebSession } from './web-session.service';

/**
 * After signing in again: the form that was sent into the ended session, filled in as it was
 * typed (secrets excepted), to be checked and sent again. Each page is re-read through the
 * domain with the new session, so a form for a record the user may no longer see is not
 * shown (the same not-found page as anywhere).
 */
@Controller('resume')
export class ResumeController {
  constructor(
    private readonly pending: PendingFormService,
    private readonly loader: CasePageLoader,
    private readonly cases: CasesService,
    private readonly referrals: ReferralsService,
    private readonly directory: ServicesDirectoryService,
  ) {}

  @Get()
  async resume(@Req() req: WebRequest, @Session() session: WebSession, @Res() res: Response): Promise<void> {
    const kept = await this.pending.take(req.cookies[PENDING_COOKIE], session.userId);
    res.clearCookie(PENDING_COOKIE, { httpOnly: true, secure: true, sameSite: 'strict', path: '/' });
    const target = kept ? resumable(kept.path) : null;
    if (!kept || !target) return seeOther(res, '/');
    const ctx = pageContext(session.lang, session, pageContext(session.lang, session).t('common.formKept'));
    const caseRole = session.role === 'caseworker' || session.role === 'supervisor';
    const { values } = kept;
    switch (target.kind) {
      case 'new-case':
        if (!caseRole) return seeOther(res, '/');
        return sendPage(res, 200, newCasePage(ctx, values, {}));
      case 'incident':
        if (!caseRole) return seeOther(res, '/');
        await this.cases.get(toCaseActor(actorFor(session), requestIdOf(req)), target.caseId);
        return sendPage(res, 200, incidentPage(ctx, target.caseId, values, {}, null));
      case 'case-form':
        if (!caseRole) return seeOther(res, '/');
        return sendPage(res, 200, await this.loader.render(req, session, target.caseId, { forms: { key: target.key, values, errors: {} }, notice: ctx.notice }));
      case 'referral-form': {
        if (session.role !== 'provider') return seeOther(res, '/');
        const form = { values: { reason: '', outcome: '', note: '', ...(values as Record<string, string>) }, errors: { reason: '', outcome: '', note: '' } };
        const forms =
          target.form === 'decline' ? { decline: form } : target.form === 'complete' ? { complete: form } : { note: { values: { body: typeof values.body === 'string' ? values.body : '' }, errors: { body: '' } } };
        const html = await renderReferral(this.referrals, req, session, target.referralId, forms, ctx.notice);
        return sendPage(res, 200, html);
      }
      case 'service': {
        if (session.role !== 'supervisor') return seeOther(res, '/');
        const own = (await this.directory.list({ ...actorFor(session), requestId: requestIdOf(req) ?? null }, { page: 1, pageSize: 200 })).items;
        if (!target.serviceId) return sendPage(res, 200, servicesPage(ctx, own, values, {}));
        const s = own.find((x) => x.id === target.serviceId);
        if (!s) return seeOther(res, '/services');
        return sendPage(res, 200, editPage(ctx, s, { ...values, version: String(s.version) }, {}));
      }
    }
  }
}
