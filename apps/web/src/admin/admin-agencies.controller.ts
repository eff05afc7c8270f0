import { Body, Controller, Get, Param, Post, Req, Res } from '@nestjs/common';
import type { Response } from 'express';
import { AGENCY_TYPES, AgenciesService, AgencyView, SERVICE_TYPES } from '@amani/auth';
import type { AgencyType, ServiceType } from '@amani/auth';
import { LocationsService, REGION_CODE_PATTERN } from '@amani/domain/locations';
import { DomainException } from '@amani/http';
import { PageRoles, Session } from '../common/decorators';
import { PageNotFound } from '../common/page-errors';
import { actorOf, requestIdOf, UUID } from '../common/page-helpers';
import { seeOther, sendPage } from '../common/send-page';
import type { WebRequest } from '../common/web-request';
import type { WebSession } from '../session/web-session.service';
import { agenciesPage, agencyEditPage, agencyValues } from '../views/admin';
import { codeOf, FormErrors, FormValues, formValues, many, one } from '../views/forms';
import { PageContext, pageContext } from '../views/page';

/** The API's own rule for agencies' region codes (CreateAgencyDto), then the gazetteer. */
const API_REGION_CODE = /^[A-Za-z0-9_-]{1,32}$/;
const ALL_AGENCIES = 500;

/** Agencies: the administrators create them and edit their name, type, the services they offer and their regions. */
@Controller('admin/agencies')
@PageRoles('admin')
export class AdminAgenciesController {
  constructor(
    private readonly agencies: AgenciesService,
    private readonly locations: LocationsService,
  ) {}

  private async all(): Promise<AgencyView[]> {
    return (await this.agencies.list(1, ALL_AGENCIES)).items;
  }

  @Get()
  async list(@Session() session: WebSession, @Res() res: Response): Promise<void> {
    sendPage(res, 200, agenciesPage(pageContext(session.lang, session), await this.all(), {}, {}));
  }

  @Post()
  async create(@Req() req: WebRequest, @Session() session: WebSession, @Body() body: unknown, @Res() res: Response): Promise<void> {
    const ctx = pageContext(session.lang, session);
    const values = formValues(body);
    const again = async (errors: FormErrors) => sendPage(res, 400, agenciesPage(ctx, await this.all(), values, errors));
    const { fields, errors } = await this.parse(ctx, values);
    if (Object.keys(errors).length) return again(errors);
    try {
      await this.agencies.create(fields, { actor: actorOf(session), requestId: requestIdOf(req) });
    } catch (e) {
      const known = this.known(ctx, e);
      if (known) return again(known);
      throw e;
    }
    seeOther(res, '/admin/agencies');
  }

  @Get(':id')
  async edit(@Session() session: WebSession, @Param('id') id: string, @Res() res: Response): Promise<void> {
    const a = await this.one(id);
    sendPage(res, 200, agencyEditPage(pageContext(session.lang, session), a, agencyValues(a), {}));
  }

  @Post(':id')
  async update(@Req() req: WebRequest, @Session() session: WebSession, @Param('id') id: string, @Body() body: unknown, @Res() res: Response): Promise<void> {
    const ctx = pageContext(session.lang, session);
    const a = await this.one(id);
    const values = formValues(body);
    const { fields, errors } = await this.parse(ctx, values);
    if (Object.keys(errors).length) return sendPage(res, 400, agencyEditPage(ctx, a, values, errors));
    const read = new Date(one(values, 'updatedAt'));
    try {
      await this.agencies.update(id, { ...fields, updatedAt: Number.isNaN(read.getTime()) ? new Date(0) : read }, { actor: actorOf(session), requestId: requestIdOf(req) });
    } catch (e) {
      if (e instanceof DomainException && e.code === 'stale_version') {
        const now = await this.one(id);
        return sendPage(res, 409, agencyEditPage(ctx, now, agencyValues(now), { _form: ctx.t('admin.agencies.stale') }));
      }
      const known = this.known(ctx, e);
      if (known) return sendPage(res, 400, agencyEditPage(ctx, a, values, known));
      throw e;
    }
    seeOther(res, '/admin/agencies');
  }

  private async one(id: string): Promise<AgencyView> {
    if (!UUID.test(id)) throw new PageNotFound();
    return this.agencies.get(id);
  }

  /** A refusal the form can explain next to its field; null for anything else. */
  private known(ctx: PageContext, e: unknown): FormErrors | null {
    if (!(e instanceof DomainException)) return null;
    if (e.code === 'agency_name_taken') return { name: ctx.t('admin.agencies.nameTaken') };
    if ((e.status === 400 || e.status === 422) && e.errors?.length) {
      const out: FormErrors = {};
      for (const f of e.errors) out[f.field.startsWith('regionCodes') ? 'regionCodes' : f.field === 'name' ? 'name' : '_form'] = f.field.startsWith('regionCodes') ? ctx.t('admin.agencies.regionUnknown') : ctx.t('common.fieldRejected');
      return out;
    }
    return null;
  }

  private async parse(ctx: PageContext, values: FormValues): Promise<{ fields: { name: string; type: AgencyType; serviceTypes: ServiceType[]; regionCodes: string[] }; errors: FormErrors }> {
    const { t } = ctx;
    const errors: FormErrors = {};
    const name = one(values, 'name').trim();
    // eslint-disable-next-line no-control-regex
    if (!name || /[\u0000-\u001f\u007f]/.test(name)) errors.name = t('common.fieldRequired');
    else if (name.length > 200) errors.name = t('common.fieldTooLong', { max: 200 });
    const type = codeOf(AGENCY_TYPES, one(values, 'type'));
    if (!type) errors.type = t('common.fieldInvalid');
    const chosen = many(values, 'serviceTypes');
    const serviceTypes = chosen.filter((s): s is ServiceType => (SERVICE_TYPES as readonly string[]).includes(s));
    if (serviceTypes.length !== chosen.length) errors.serviceTypes = t('common.fieldInvalid');
    const regionCodes = [
      ...new Set(
        one(values, 'regionCodes')
          .toUpperCase()
          .split(/[,\s]+/)
          .filter(Boolean),
      ),
    ];
    if (regionCodes.length > 50 || regionCodes.some((r) => !API_REGION_CODE.test(r) || !REGION_CODE_PATTERN.test(r))) errors.regionCodes = t('common.fieldRegion');
    else if (regionCodes.length) {
      try {
        await this.locations.assertKnown('regionCodes', regionCodes);
      } catch (e) {
        if (!(e instanceof DomainException) || e.status >= 500) throw e;
        errors.regionCodes = t('admin.agencies.regionUnknown');
      }
    }
    return { fields: { name, type: type as AgencyType, serviceTypes, regionCodes }, errors };
  }
}
