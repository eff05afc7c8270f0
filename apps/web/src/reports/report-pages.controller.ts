import { Body, Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { Response } from 'express';
import { DomainException } from '@amani/http';
import { ReportsService, ReportTrend } from '@amani/domain/reporting';
import { actorFor, pageNumber, PAGE_SIZE, requestIdOf, UUID } from '../common/page-helpers';
import { PageRoles, Session } from '../common/decorators';
import { PageNotFound } from '../common/page-errors';
import { seeOther, sendPage } from '../common/send-page';
import type { WebRequest } from '../common/web-request';
import type { WebSession } from '../session/web-session.service';
import { pageContext } from '../views/page';
import { comparePage, reportPage, reportsListPage, RequestForm, requestableTemplates } from '../views/reports';

type Form = Record<string, unknown>;
const text = (v: unknown) => (typeof v === 'string' ? v.trim().slice(0, 16) : '');

/**
 * Statistics for protection officers (inter-agency) and supervisors (their agency): the
 * reports built by the worker with disclosure control, requested here and read as tables,
 * charts and downloads. Nothing here computes a figure from case data.
 */
@Controller('reports')
@PageRoles('protection_officer', 'supervisor')
export class ReportPagesController {
  constructor(private readonly reports: ReportsService) {}

  @Get()
  async list(@Req() req: WebRequest, @Session() session: WebSession, @Query('page') page: unknown, @Res() res: Response): Promise<void> {
    sendPage(res, 200, await this.listPage(session, pageNumber(page), { values: { template: '', period: '' }, errors: { template: '', period: '' } }));
  }

  @Post()
  async request(@Req() req: WebRequest, @Session() session: WebSession, @Body() body: Form, @Res() res: Response): Promise<void> {
    const t = pageContext(session.lang, session).t;
    const values: RequestForm = { template: text(body.template), period: text(body.period).toUpperCase() };
    const errors: RequestForm = { template: '', period: '' };
    if (!requestableTemplates(session.role).includes(values.template)) errors.template = values.template ? t('common.fieldInvalid') : t('common.fieldRequired');
    if (!values.period) errors.period = t('common.fieldRequired');
    if (!errors.template && !errors.period) {
      try {
        const { report } = await this.reports.request(actorFor(session), values, requestIdOf(req));
        return seeOther(res, `/reports/${report.id}`);
      } catch (e) {
        // The domain names the field (period shape, or a period that has not ended).
        if (!(e instanceof DomainException) || !e.errors?.length || e.status >= 500) throw e;
        for (const f of e.errors) {
          if (f.field === 'period') errors.period = f.message.includes('ended') ? t('reports.periodNotEnded') : t('reports.periodInvalid');
          else errors.template = t('common.fieldInvalid');
        }
      }
    }
    sendPage(res, 400, await this.listPage(session, 1, { values, errors }));
  }

  @Get('compare')
  async compare(@Req() req: WebRequest, @Session() session: WebSession, @Query('a') a: unknown, @Query('b') b: unknown, @Res() res: Response): Promise<void> {
    if (typeof a !== 'string' || typeof b !== 'string' || !UUID.test(a) || !UUID.test(b)) throw new PageNotFound();
    const actor = actorFor(session);
    const [va, vb] = [await this.reports.get(actor, a, requestIdOf(req)), await this.reports.get(actor, b, requestIdOf(req))];
    // Only two built reports of one template compare: anything else has nothing to show.
    if (!va.result || !vb.result || va.template !== vb.template) throw new PageNotFound();
    sendPage(res, 200, comparePage(pageContext(session.lang, session), va, vb));
  }

  @Get(':id')
  async view(@Req() req: WebRequest, @Session() session: WebSession, @Param('id') id: string, @Res() res: Response): Promise<void> {
    if (!UUID.test(id)) throw new PageNotFound();
    const actor = actorFor(session);
    const view = await this.reports.get(actor, id, requestIdOf(req));
    let trend: ReportTrend | null = null;
    if (view.result) trend = await this.reports.trend(actor, id, 12, requestIdOf(req));
    sendPage(res, 200, reportPage(pageContext(session.lang, session), view, trend));
  }

  @Get(':id/csv')
  async csv(@Req() req: WebRequest, @Session() session: WebSession, @Param('id') id: string, @Res() res: Response): Promise<void> {
    if (!UUID.test(id)) throw new PageNotFound();
    const file = await this.reports.exportCsv(actorFor(session), id, requestIdOf(req));
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="${file.filename}"`);
    res.send(file.body);
  }

  @Get(':id/svg')
  async svg(@Req() req: WebRequest, @Session() session: WebSession, @Param('id') id: string, @Res() res: Response): Promise<void> {
    if (!UUID.test(id)) throw new PageNotFound();
    const file = await this.reports.chartSvg(actorFor(session), id, requestIdOf(req));
    res.setHeader('Content-Type', 'image/svg+xml; charset=utf-8');
    // An SVG opened on its own must not run anything.
    res.setHeader('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; sandbox");
    res.setHeader('Content-Disposition', `attachment; filename="${file.filename}"`);
    res.send(file.body);
  }

  private async listPage(session: WebSession, page: number, form: { values: RequestForm; errors: RequestForm }): Promise<string> {
    const result = await this.reports.list(actorFor(session), page, PAGE_SIZE);
    return reportsListPage(pageContext(session.lang, session), result, form, session.role === 'supervisor' ? 'agency' : 'inter_agency');
  }
}
