import { Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import { AuditService } from '@amani/audit';
import type { Response } from 'express';
import { AGE_BANDS, CASE_STAGES, CasesService, GBV_TYPES, REGION_CODE_PATTERN, SEXES, toCaseActor } from '@amani/domain/cases';
import type { CaseListQuery } from '@amani/domain/cases';
import { PageRoles, Session } from '../common/decorators';
import { PageNotFound } from '../common/page-errors';
import { sendPage } from '../common/send-page';
import { actorFor, pageNumber, PAGE_SIZE, requestIdOf, UUID } from '../common/page-helpers';
import type { WebRequest } from '../common/web-request';
import type { WebSession } from '../session/web-session.service';
import { caseListPage, casePage, CaseFilters, FilterErrors } from '../views/cases';
import { ReferralsService } from '@amani/domain/referrals';
import { pageContext } from '../views/page';


const oneOf = <T extends string>(values: readonly T[], v: unknown): T | undefined => (typeof v === 'string' && (values as readonly string[]).includes(v) ? (v as T) : undefined);


/** Cases of the caseworker's or supervisor's agency (the domain's scope decides which). */
@Controller('cases')
@PageRoles('caseworker', 'supervisor')
export class CasePagesController {
  constructor(
    private readonly cases: CasesService,
    private readonly referrals: ReferralsService,
    private readonly audit: AuditService,
  ) {}

  @Get()
  async list(@Req() req: WebRequest, @Session() session: WebSession, @Query() query: Record<string, unknown>, @Res() res: Response): Promise<void> {
    const ctx = pageContext(session.lang, session);
    const filters: CaseFilters = {
      stage: typeof query.stage === 'string' ? query.stage : '',
      sex: typeof query.sex === 'string' ? query.sex : '',
      ageBand: typeof query.ageBand === 'string' ? query.ageBand : '',
      gbvType: typeof query.gbvType === 'string' ? query.gbvType : '',
      region: typeof query.region === 'string' ? query.region.trim().toUpperCase().slice(0, 32) : '',
    };
    const errors: FilterErrors = {};
    const q: CaseListQuery = { page: pageNumber(query.page), pageSize: PAGE_SIZE };
    const pick = <K extends keyof FilterErrors, T extends string>(name: K, values: readonly T[]): T | undefined => {
      if (!filters[name]) return undefined;
      const v = oneOf(values, filters[name]);
      if (!v) errors[name] = ctx.t('common.fieldInvalid');
      return v;
    };
    q.stage = pick('stage', CASE_STAGES);
    q.sex = pick('sex', SEXES);
    q.ageBand = pick('ageBand', AGE_BANDS);
    q.gbvType = pick('gbvType', GBV_TYPES);
    if (filters.region) {
      if (REGION_CODE_PATTERN.test(filters.region)) q.regionCode = filters.region;
      else errors.region = ctx.t('common.fieldInvalid');
    }
    if (Object.keys(errors).length > 0) return sendPage(res, 400, caseListPage(ctx, filters, null, errors));
    const page = await this.cases.list(toCaseActor(actorFor(session), requestIdOf(req)), q);
    sendPage(res, 200, caseListPage(ctx, filters, page, {}));
  }

  @Get(':id')
  async view(@Req() req: WebRequest, @Session() session: WebSession, @Param('id') id: string, @Res() res: Response): Promise<void> {
    sendPage(res, 200, await this.render(req, session, id, false));
  }

  /**
   * The identifying details: a deliberate step (a form post, so they never sit in a URL or
   * the history), recorded in the audit log on its own, answered with no-store like every page.
   */
  @Post(':id/identifying')
  async identifying(@Req() req: WebRequest, @Session() session: WebSession, @Param('id') id: string, @Res() res: Response): Promise<void> {
    const html = await this.render(req, session, id, true);
    await this.audit.record({
      action: 'case.identifying.view',
      outcome: 'success',
      actorId: session.userId,
      actorRole: session.role,
      agencyId: session.agencyId,
      targetType: 'case',
      targetId: id,
      details: { via: 'console' },
      requestId: requestIdOf(req) ?? null,
    });
    sendPage(res, 200, html);
  }

  private async render(req: WebRequest, session: WebSession, id: string, identifying: boolean): Promise<string> {
    if (!UUID.test(id)) throw new PageNotFound();
    const actor = toCaseActor(actorFor(session), requestIdOf(req));
    const detail = await this.cases.get(actor, id);
    const referrals = await this.referrals.listForCase(actor, id, { page: 1, pageSize: 50 });
    return casePage(pageContext(session.lang, session), detail, session.userId, referrals.items, identifying);
  }
}
