import { Body, Controller, Get, Param, Post, Req, Res } from '@nestjs/common';
import type { Response } from 'express';
import { SERVICE_TYPES } from '@amani/auth';
import type { ServiceType } from '@amani/auth';
import { ServicesDirectoryService } from '@amani/domain/services-directory';
import type { ServiceView } from '@amani/domain/services-directory';
import { REGION_CODE_PATTERN } from '@amani/domain/cases';
import { PageRoles, Session } from '../common/decorators';
import { PageNotFound } from '../common/page-errors';
import { seeOther, sendPage } from '../common/send-page';
import type { WebRequest } from '../common/web-request';
import { actorFor, requestIdOf, UUID } from '../common/page-helpers';
import type { WebSession } from '../session/web-session.service';
import { codeOf, domainFieldErrors, FormErrors, FormValues, formValues, one } from '../views/forms';
import { PageContext, pageContext } from '../views/page';
import { asValues, editPage, servicesPage } from '../views/services';

const LIST = (v: string) =>
  v
    .split(/[,\s]+/)
    .map((x) => x.trim())
    .filter(Boolean);

/** The supervisor's own agency's entries in the service directory: add, edit, open or close to referrals. */
@Controller('services')
@PageRoles('supervisor')
export class ServicePagesController {
  constructor(private readonly directory: ServicesDirectoryService) {}

  private actor(req: WebRequest, session: WebSession) {
    return { ...actorFor(session), requestId: requestIdOf(req) ?? null };
  }

  private async own(req: WebRequest, session: WebSession): Promise<ServiceView[]> {
    return (await this.directory.list(this.actor(req, session), { page: 1, pageSize: 200 })).items;
  }

  private async one(req: WebRequest, session: WebSession, id: string): Promise<ServiceView> {
    if (!UUID.test(id)) throw new PageNotFound();
    const s = (await this.own(req, session)).find((x) => x.id === id);
    if (!s) throw new PageNotFound();
    return s;
  }

  @Get()
  async list(@Req() req: WebRequest, @Session() session: WebSession, @Res() res: Response): Promise<void> {
    sendPage(res, 200, servicesPage(pageContext(session.lang, session), await this.own(req, session), {}, {}));
  }

  @Post()
  async create(@Req() req: WebRequest, @Session() session: WebSession, @Body() body: unknown, @Res() res: Response): Promise<void> {
    const ctx = pageContext(session.lang, session);
    const values = formValues(body);
    const { fields, errors } = this.parse(ctx, values);
    const again = async (errs: FormErrors) => sendPage(res, 400, servicesPage(ctx, await this.own(req, session), values, errs));
    if (Object.keys(errors).length) return again(errors);
    try {
      await this.directory.create(this.actor(req, session), fields);
    } catch (e) {
      const f = domainFieldErrors(e, ctx.t, Object.keys(values));
      if (f) return again(f);
      throw e;
    }
    seeOther(res, '/services');
  }

  @Get(':id')
  async edit(@Req() req: WebRequest, @Session() session: WebSession, @Param('id') id: string, @Res() res: Response): Promise<void> {
    const s = await this.one(req, session, id);
    sendPage(res, 200, editPage(pageContext(session.lang, session), s, asValues(s), {}));
  }

  @Post(':id')
  async update(@Req() req: WebRequest, @Session() session: WebSession, @Param('id') id: string, @Body() body: unknown, @Res() res: Response): Promise<void> {
    const ctx = pageContext(session.lang, session);
    const s = await this.one(req, session, id);
    const values = formValues(body);
    const { fields, errors } = this.parse(ctx, values);
    if (Object.keys(errors).length) return sendPage(res, 400, editPage(ctx, s, values, errors));
    await this.directory.update(this.actor(req, session), id, { ...fields, version: Number(one(values, 'version')) || 0 });
    seeOther(res, '/services');
  }

  @Post(':id/open')
  async open(@Req() req: WebRequest, @Session() session: WebSession, @Param('id') id: string, @Body() body: unknown, @Res() res: Response): Promise<void> {
    await this.setAccepting(req, session, id, body, true);
    seeOther(res, '/services');
  }

  @Post(':id/close')
  async close(@Req() req: WebRequest, @Session() session: WebSession, @Param('id') id: string, @Body() body: unknown, @Res() res: Response): Promise<void> {
    await this.setAccepting(req, session, id, body, false);
    seeOther(res, '/services');
  }

  private async setAccepting(req: WebRequest, session: WebSession, id: string, body: unknown, accepting: boolean): Promise<void> {
    await this.one(req, session, id);
    const version = Number(one(formValues(body), 'version')) || 0;
    await this.directory.update(this.actor(req, session), id, { acceptingReferrals: accepting, version });
  }

  private parse(ctx: PageContext, values: FormValues) {
    const { t } = ctx;
    const errors: FormErrors = {};
    const name = one(values, 'name').trim();
    if (!name) errors.name = t('common.fieldRequired');
    else if (name.length > 200) errors.name = t('common.fieldTooLong', { max: 200 });
    const serviceType = codeOf(SERVICE_TYPES, one(values, 'serviceType'));
    if (!serviceType) errors.serviceType = t('common.fieldInvalid');
    const regionCodes = LIST(one(values, 'regionCodes').toUpperCase());
    if (regionCodes.length === 0 || regionCodes.length > 50 || regionCodes.some((r) => !REGION_CODE_PATTERN.test(r))) errors.regionCodes = t('common.fieldRegion');
    const languages = LIST(one(values, 'languages').toLowerCase());
    if (languages.length === 0 || languages.length > 20 || languages.some((l) => !/^[a-z]{2,3}(-[a-z0-9]{2,8})?$/.test(l))) errors.languages = t('common.fieldInvalid');
    const openingHours = one(values, 'openingHours').trim().slice(0, 200) || null;
    const contactChannel = one(values, 'contactChannel').trim().slice(0, 200) || null;
    return { fields: { name, serviceType: serviceType as ServiceType, regionCodes, languages, openingHours, contactChannel }, errors };
  }
}
