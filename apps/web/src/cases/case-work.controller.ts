import { Body, Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { Response } from 'express';
import { SERVICE_TYPES } from '@amani/auth';
import {
  ACTION_PLAN_STATUSES,
  AGE_BANDS,
  CaseActionPlanService,
  CaseApprovalsService,
  CaseConsentsService,
  CaseIncidentsService,
  CaseNotesService,
  CasesService,
  classifyIncident,
  CLOSURE_REASONS,
  CONSENT_GIVERS,
  deriveContexts,
  DISABILITY_STATUSES,
  DISPLACEMENT_STATUSES,
  isValidIsoDate,
  LOCATION_TYPES,
  NATIONALITY_STATUSES,
  NEED_AREAS,
  PERPETRATOR_AGE_GROUPS,
  PERPETRATOR_COUNTS,
  PERPETRATOR_OCCUPATIONS,
  PERPETRATOR_RELATIONSHIPS,
  PERPETRATOR_SEXES,
  PRIOR_INCIDENTS,
  REGION_CODE_PATTERN,
  SEXES,
  SHAREABLE_FIELDS,
  STAGE_TRANSITIONS,
  TIMES_OF_DAY,
  toCaseActor,
  VULNERABILITIES,
} from '@amani/domain/cases';
import type { CaseActor, ClassificationAnswers, ContextAnswers, CreateCaseCommand, CreateIncidentCommand, ShareableField, Vulnerability } from '@amani/domain/cases';
import { ReferralsService } from '@amani/domain/referrals';
import { ServicesDirectoryService } from '@amani/domain/services-directory';
import type { Translate } from '@amani/html';
import { PageRoles, Session } from '../common/decorators';
import { PageNotFound } from '../common/page-errors';
import { seeOther, sendPage } from '../common/send-page';
import type { WebRequest } from '../common/web-request';
import type { WebSession } from '../session/web-session.service';
import { requestIdOf } from '../common/page-helpers';
import { CLASSIFICATION_QUESTIONS, CONSOLE_CONSENT_PURPOSES, CONSOLE_ERASURE_REASONS, CONTEXT_QUESTIONS, DirectoryFilters, eraseConfirmPage, incidentPage, newCasePage, referPage } from '../views/case-work';
import { codeOf, domainFieldErrors, FormErrors, FormValues, formValues, many, one } from '../views/forms';
import { pageContext } from '../views/page';
import { actorFor, UUID } from '../common/page-helpers';
import { CasePageLoader } from './case-page.loader';

const TEXT_SHORT = 200;
const TEXT_MEDIUM = 2000;
const TEXT_LONG = 20000;
const DAY_MS = 86_400_000;

/** A required code: the message says "choose" when empty or unknown. */
function required<T extends string>(t: Translate, errors: FormErrors, values: FormValues, name: string, allowed: readonly T[]): T {
  const v = codeOf(allowed, one(values, name));
  if (!v) errors[name] = t('common.fieldInvalid');
  return v as T;
}
function text(t: Translate, errors: FormErrors, values: FormValues, name: string, max: number, need = false): string | null {
  const v = one(values, name).trim();
  if (!v) {
    if (need) errors[name] = t('common.fieldRequired');
    return null;
  }
  if (v.length > max) errors[name] = t('common.fieldTooLong', { max });
  return v;
}
function date(t: Translate, errors: FormErrors, values: FormValues, name: string, need = false): string | null {
  const v = one(values, name).trim();
  if (!v) {
    if (need) errors[name] = t('common.fieldRequired');
    return null;
  }
  if (!isValidIsoDate(v)) errors[name] = t('common.fieldDate');
  return v;
}
function version(values: FormValues): number {
  const v = one(values, 'version');
  return /^\d{1,9}$/.test(v) ? Number(v) : 0;
}

/**
 * The caseworker's and supervisor's work on a case, as forms: new case, incidents (GBVIMS
 * classification shown before saving), consents, stage, closure, assignment, action plan,
 * notes and referring out. Every post answers with a redirect to the case page (post /
 * redirect / get, ids only in URLs) or, when a field is wrong, the page again with the
 * message next to the field and what was typed.
 */
@Controller('cases')
@PageRoles('caseworker', 'supervisor')
export class CaseWorkController {
  constructor(
    private readonly cases: CasesService,
    private readonly incidents: CaseIncidentsService,
    private readonly consents: CaseConsentsService,
    private readonly notes: CaseNotesService,
    private readonly plan: CaseActionPlanService,
    private readonly approvals: CaseApprovalsService,
    private readonly referrals: ReferralsService,
    private readonly directory: ServicesDirectoryService,
    private readonly loader: CasePageLoader,
  ) {}

  private actor(req: WebRequest, session: WebSession): CaseActor {
    return toCaseActor(actorFor(session), requestIdOf(req));
  }

  @Get('new')
  newCase(@Session() session: WebSession, @Res() res: Response): void {
    sendPage(res, 200, newCasePage(pageContext(session.lang, session), {}, {}));
  }

  @Post()
  async create(@Req() req: WebRequest, @Session() session: WebSession, @Body() body: unknown, @Res() res: Response): Promise<void> {
    const t = pageContext(session.lang, session).t;
    const values = formValues(body);
    const errors: FormErrors = {};
    const regionCode = one(values, 'regionCode').trim().toUpperCase();
    if (!REGION_CODE_PATTERN.test(regionCode)) errors.regionCode = regionCode ? t('common.fieldRegion') : t('common.fieldRequired');
    const vulnerabilities = many(values, 'vulnerabilities');
    if (vulnerabilities.some((v) => !codeOf(VULNERABILITIES, v))) errors.vulnerabilities = t('common.fieldInvalid');
    const phone = text(t, errors, values, 'phone', 32);
    const safe = text(t, errors, values, 'safeContact', TEXT_MEDIUM);
    const cmd: CreateCaseCommand = {
      sex: required(t, errors, values, 'sex', SEXES),
      ageBand: required(t, errors, values, 'ageBand', AGE_BANDS),
      nationalityStatus: required(t, errors, values, 'nationalityStatus', NATIONALITY_STATUSES),
      displacementStatus: required(t, errors, values, 'displacementStatus', DISPLACEMENT_STATUSES),
      disability: required(t, errors, values, 'disability', DISABILITY_STATUSES),
      vulnerabilities: vulnerabilities as Vulnerability[],
      regionCode,
      survivorName: text(t, errors, values, 'survivorName', TEXT_SHORT, true) ?? '',
      contactDetails: phone || safe ? { phone, safeContactInstructions: safe } : null,
      dateOfBirth: date(t, errors, values, 'dateOfBirth'),
      address: text(t, errors, values, 'address', TEXT_SHORT),
      narrative: text(t, errors, values, 'narrative', TEXT_LONG),
    };
    const again = (errs: FormErrors) => sendPage(res, 400, newCasePage(pageContext(session.lang, session), values, errs));
    if (Object.keys(errors).length) return again(errors);
    try {
      const created = await this.cases.create(this.actor(req, session), cmd);
      seeOther(res, `/cases/${created.id}`);
    } catch (e) {
      const fields = domainFieldErrors(e, t, Object.keys(values));
      if (fields) return again(fields);
      throw e;
    }
  }

  @Get(':id/incidents/new')
  async newIncident(@Req() req: WebRequest, @Session() session: WebSession, @Param('id') id: string, @Res() res: Response): Promise<void> {
    await this.visible(req, session, id);
    sendPage(res, 200, incidentPage(pageContext(session.lang, session), id, {}, {}, null));
  }

  /** Two steps in one form: "preview" shows the computed GBVIMS type; "save" records the incident. */
  @Post(':id/incidents')
  async incident(@Req() req: WebRequest, @Session() session: WebSession, @Param('id') id: string, @Body() body: unknown, @Res() res: Response): Promise<void> {
    const ctx = pageContext(session.lang, session);
    const { t } = ctx;
    const detail = await this.visible(req, session, id);
    const values = formValues(body);
    const errors: FormErrors = {};
    const yes = (name: string): boolean => {
      const v = one(values, name);
      if (v !== 'yes' && v !== 'no') errors[name] = t('common.fieldYesNo');
      return v === 'yes';
    };
    const answers = Object.fromEntries(CLASSIFICATION_QUESTIONS.map((q) => [q, yes(q)])) as unknown as ClassificationAnswers;
    const contextAnswers = Object.fromEntries(CONTEXT_QUESTIONS.map((q) => [q, yes(q)])) as unknown as ContextAnswers;
    const cmd: CreateIncidentCommand = {
      incidentDate: date(t, errors, values, 'incidentDate', true) ?? '',
      reportDate: date(t, errors, values, 'reportDate'),
      answers,
      contextAnswers,
      timeOfDay: required(t, errors, values, 'timeOfDay', TIMES_OF_DAY),
      locationType: required(t, errors, values, 'locationType', LOCATION_TYPES),
      priorIncidents: required(t, errors, values, 'priorIncidents', PRIOR_INCIDENTS),
      perpetrator: {
        count: required(t, errors, values, 'perpCount', PERPETRATOR_COUNTS),
        sex: required(t, errors, values, 'perpSex', PERPETRATOR_SEXES),
        ageGroup: required(t, errors, values, 'perpAge', PERPETRATOR_AGE_GROUPS),
        relationship: required(t, errors, values, 'perpRelationship', PERPETRATOR_RELATIONSHIPS),
        occupation: required(t, errors, values, 'perpOccupation', PERPETRATOR_OCCUPATIONS),
      },
      narrative: text(t, errors, values, 'narrative', TEXT_LONG),
    };
    if (Object.keys(errors).length) return sendPage(res, 400, incidentPage(ctx, id, values, errors, null));
    const gbvType = classifyIncident(answers);
    const preview = { gbvType, contexts: deriveContexts({ gbvType, perpetratorRelationship: cmd.perpetrator.relationship, survivorAgeBand: detail.ageBand, answers: contextAnswers }) };
    if (one(values, 'step') !== 'save') return sendPage(res, 200, incidentPage(ctx, id, values, {}, preview));
    try {
      await this.incidents.create(this.actor(req, session), id, cmd);
    } catch (e) {
      const fields = domainFieldErrors(e, t, ['incidentDate', 'reportDate', 'narrative']);
      if (fields) return sendPage(res, 400, incidentPage(ctx, id, values, fields, preview));
      throw e;
    }
    seeOther(res, `/cases/${id}#incidents`);
  }

  @Post(':id/consents')
  async consent(@Req() req: WebRequest, @Session() session: WebSession, @Param('id') id: string, @Body() body: unknown, @Res() res: Response): Promise<void> {
    const t = pageContext(session.lang, session).t;
    const values = formValues(body);
    const errors: FormErrors = {};
    const purpose = required(t, errors, values, 'purpose', CONSOLE_CONSENT_PURPOSES);
    const givenBy = required(t, errors, values, 'givenBy', CONSENT_GIVERS);
    const referral = purpose === 'referral';
    const serviceType = one(values, 'serviceType') ? codeOf(SERVICE_TYPES, one(values, 'serviceType')) : null;
    if (serviceType === undefined) errors.serviceType = t('common.fieldInvalid');
    else if (referral && !serviceType) errors.serviceType = t('work.serviceTypeNeeded');
    const fields = many(values, 'shareableFields');
    if (fields.some((f) => !codeOf(SHAREABLE_FIELDS, f))) errors.shareableFields = t('common.fieldInvalid');
    else if (referral && fields.length === 0) errors.shareableFields = t('work.fieldsNeeded');
    await this.attempt(req, session, id, res, 'consent', values, errors, async (actor) => {
      // Only a referral consent names a service and what may be shared (transfers are not part of the console yet).
      await this.consents.create(actor, id, referral ? { purpose, givenBy, serviceType, shareableFields: fields as ShareableField[] } : { purpose, givenBy });
    });
  }

  @Post(':id/consents/:consentId/withdraw')
  async withdraw(@Req() req: WebRequest, @Session() session: WebSession, @Param('id') id: string, @Param('consentId') consentId: string, @Res() res: Response): Promise<void> {
    if (!UUID.test(id) || !UUID.test(consentId)) throw new PageNotFound();
    await this.consents.withdraw(this.actor(req, session), id, consentId);
    seeOther(res, `/cases/${id}#consents`);
  }

  /** Only the transitions the stage machine allows from here are offered; closing goes through its own form. */
  @Post(':id/stage')
  async stage(@Req() req: WebRequest, @Session() session: WebSession, @Param('id') id: string, @Body() body: unknown, @Res() res: Response): Promise<void> {
    const t = pageContext(session.lang, session).t;
    const values = formValues(body);
    const errors: FormErrors = {};
    const detail = await this.visible(req, session, id);
    const to = codeOf(STAGE_TRANSITIONS[detail.stage], one(values, 'to'));
    if (!to || to === 'closed') errors.to = t('common.fieldInvalid');
    await this.attempt(req, session, id, res, 'stage', values, errors, async (actor) => {
      await this.cases.changeStage(actor, id, { to: to!, version: version(values) });
    });
  }

  /** A caseworker asks for closure (a supervisor approves it); a supervisor closes directly. */
  @Post(':id/closure')
  async closure(@Req() req: WebRequest, @Session() session: WebSession, @Param('id') id: string, @Body() body: unknown, @Res() res: Response): Promise<void> {
    const t = pageContext(session.lang, session).t;
    const values = formValues(body);
    const errors: FormErrors = {};
    const closureReason = required(t, errors, values, 'closureReason', CLOSURE_REASONS);
    await this.attempt(req, session, id, res, 'closure', values, errors, async (actor) => {
      if (actor.role === 'supervisor') await this.cases.changeStage(actor, id, { to: 'closed', version: version(values), closureReason });
      else await this.approvals.request(actor, id, { kind: 'closure', closureReason });
    });
  }

  @Post(':id/assign')
  @PageRoles('supervisor')
  async assign(@Req() req: WebRequest, @Session() session: WebSession, @Param('id') id: string, @Body() body: unknown, @Res() res: Response): Promise<void> {
    const t = pageContext(session.lang, session).t;
    const values = formValues(body);
    const errors: FormErrors = {};
    const caseworkerId = one(values, 'caseworkerId');
    if (!UUID.test(caseworkerId)) errors.caseworkerId = t('common.fieldInvalid');
    await this.attempt(req, session, id, res, 'assign', values, errors, async (actor) => {
      await this.cases.assign(actor, id, { caseworkerId, version: version(values) });
    });
  }

  /**
   * Erasure, step one (supervisors): the reason is checked and the confirmation page shown;
   * nothing is erased yet. The case is read first, so another agency's id is the usual 404.
   */
  @Post(':id/erase')
  @PageRoles('supervisor')
  async erase(@Req() req: WebRequest, @Session() session: WebSession, @Param('id') id: string, @Body() body: unknown, @Res() res: Response): Promise<void> {
    const ctx = pageContext(session.lang, session);
    const values = formValues(body);
    const errors: FormErrors = {};
    await this.visible(req, session, id);
    const reason = required(ctx.t, errors, values, 'reason', CONSOLE_ERASURE_REASONS);
    if (Object.keys(errors).length) return sendPage(res, 400, await this.loader.render(req, session, id, { forms: { key: 'erase', values, errors } }));
    sendPage(res, 200, eraseConfirmPage(ctx, id, reason));
  }

  /** Erasure, step two: the case store crypto-shreds the case; its page then answers 410 ("erased"). */
  @Post(':id/erase/confirm')
  @PageRoles('supervisor')
  async eraseConfirmed(@Req() req: WebRequest, @Session() session: WebSession, @Param('id') id: string, @Body() body: unknown, @Res() res: Response): Promise<void> {
    const t = pageContext(session.lang, session).t;
    const values = formValues(body);
    const errors: FormErrors = {};
    const reason = required(t, errors, values, 'reason', CONSOLE_ERASURE_REASONS);
    await this.attempt(req, session, id, res, 'erase', values, errors, async (actor) => {
      await this.cases.erase(actor, id, reason);
    });
  }

  @Post(':id/action-plan')
  async actionPlan(@Req() req: WebRequest, @Session() session: WebSession, @Param('id') id: string, @Body() body: unknown, @Res() res: Response): Promise<void> {
    const t = pageContext(session.lang, session).t;
    const values = formValues(body);
    const errors: FormErrors = {};
    const description = text(t, errors, values, 'description', TEXT_MEDIUM, true);
    const needArea = one(values, 'needArea') ? codeOf(NEED_AREAS, one(values, 'needArea')) : null;
    if (needArea === undefined) errors.needArea = t('common.fieldInvalid');
    const serviceType = one(values, 'serviceType') ? codeOf(SERVICE_TYPES, one(values, 'serviceType')) : null;
    if (serviceType === undefined) errors.serviceType = t('common.fieldInvalid');
    const dueDate = date(t, errors, values, 'dueDate');
    await this.attempt(req, session, id, res, 'plan', values, errors, async (actor) => {
      await this.plan.create(actor, id, { description: description!, needArea: needArea ?? null, serviceType: serviceType ?? null, dueDate });
    });
  }

  @Post(':id/action-plan/:itemId')
  async actionItem(@Req() req: WebRequest, @Session() session: WebSession, @Param('id') id: string, @Param('itemId') itemId: string, @Body() body: unknown, @Res() res: Response): Promise<void> {
    if (!UUID.test(itemId)) throw new PageNotFound();
    const t = pageContext(session.lang, session).t;
    const values = formValues(body);
    const errors: FormErrors = {};
    const status = required(t, errors, values, 'status', ACTION_PLAN_STATUSES);
    await this.attempt(req, session, id, res, 'plan', {}, errors.status ? { _form: errors.status } : {}, async (actor) => {
      await this.plan.update(actor, id, itemId, { version: version(values), status });
    });
  }

  @Post(':id/notes')
  async note(@Req() req: WebRequest, @Session() session: WebSession, @Param('id') id: string, @Body() body: unknown, @Res() res: Response): Promise<void> {
    const t = pageContext(session.lang, session).t;
    const values = formValues(body);
    const errors: FormErrors = {};
    const text_ = text(t, errors, values, 'body', TEXT_LONG, true);
    await this.attempt(req, session, id, res, 'note', values, errors, async (actor) => {
      await this.notes.create(actor, id, text_!);
    });
  }

  @Get(':id/refer')
  async refer(@Req() req: WebRequest, @Session() session: WebSession, @Param('id') id: string, @Query() query: Record<string, unknown>, @Res() res: Response): Promise<void> {
    await this.renderRefer(req, session, id, query, {}, res, 200);
  }

  @Post(':id/referrals')
  async sendReferral(@Req() req: WebRequest, @Session() session: WebSession, @Param('id') id: string, @Body() body: unknown, @Res() res: Response): Promise<void> {
    const t = pageContext(session.lang, session).t;
    const values = formValues(body);
    const actor = this.actor(req, session);
    await this.visible(req, session, id);
    const serviceId = one(values, 'serviceId');
    const days = Number(one(values, 'followUpDays'));
    const errors: FormErrors = {};
    const service = UUID.test(serviceId) ? await this.findService(serviceId) : null;
    if (!service) errors.serviceId = t('common.fieldInvalid');
    if (![3, 7, 14, 30].includes(days)) errors.followUpDays = t('common.fieldInvalid');
    if (Object.keys(errors).length) return this.renderRefer(req, session, id, {}, errors, res, 400);
    try {
      const created = await this.referrals.create(actor, id, {
        recipientAgencyId: service!.agencyId,
        serviceType: service!.serviceType,
        serviceId: service!.id,
        followUpDueAt: new Date(Date.now() + days * DAY_MS),
      });
      seeOther(res, `/referrals/${created.id}`);
    } catch (e) {
      const fields = domainFieldErrors(e, t, []);
      if (fields) return this.renderRefer(req, session, id, { type: service!.serviceType }, { _form: t('refer.refused') }, res, 422);
      throw e;
    }
  }

  private async findService(id: string) {
    const page = await this.directory.search({ page: 1, pageSize: 500 });
    return page.items.find((s) => s.id === id) ?? null;
  }

  private async renderRefer(req: WebRequest, session: WebSession, id: string, query: Record<string, unknown>, errors: FormErrors, res: Response, status: number): Promise<void> {
    const ctx = pageContext(session.lang, session);
    const actor = this.actor(req, session);
    await this.visible(req, session, id);
    const str = (v: unknown, max: number) => (typeof v === 'string' ? v.trim().slice(0, max) : '');
    const filters: DirectoryFilters = { type: str(query.type, 40), region: str(query.region, 32).toUpperCase(), language: str(query.language, 12).toLowerCase(), open: query.open === '1' ? '1' : '' };
    const type = filters.type ? codeOf(SERVICE_TYPES, filters.type) : undefined;
    if (filters.type && !type) errors.type = ctx.t('common.fieldInvalid');
    if (filters.region && !REGION_CODE_PATTERN.test(filters.region)) errors.region = ctx.t('common.fieldRegion');
    if (filters.language && !/^[a-z]{2,3}(-[a-z0-9]{2,8})?$/.test(filters.language)) errors.language = ctx.t('common.fieldInvalid');
    const services =
      errors.type || errors.region || errors.language
        ? null
        : await this.directory.search({
            type: type,
            region: filters.region || undefined,
            language: filters.language || undefined,
            acceptingOnly: filters.open === '1',
            page: 1,
            pageSize: 50,
          });
    const consents = await this.consents.list(actor, id);
    sendPage(res, Object.keys(errors).length && status === 200 ? 400 : status, referPage(ctx, id, filters, services, consents, errors, session.agencyId!));
  }

  /** The case as this user may see it; another agency's case is not found, exactly like a random id. */
  private async visible(req: WebRequest, session: WebSession, id: string) {
    if (!UUID.test(id)) throw new PageNotFound();
    return this.cases.get(this.actor(req, session), id);
  }

  /**
   * Runs one form's write: with field errors the case page comes back with the form as typed
   * and the messages next to the fields; a domain refusal naming fields does the same.
   */
  private async attempt(
    req: WebRequest,
    session: WebSession,
    id: string,
    res: Response,
    key: string,
    values: FormValues,
    errors: FormErrors,
    write: (actor: CaseActor) => Promise<void>,
  ): Promise<void> {
    if (!UUID.test(id)) throw new PageNotFound();
    const again = (errs: FormErrors, status: number) => this.loader.render(req, session, id, { forms: { key, values, errors: errs } }).then((html) => sendPage(res, status, html));
    if (Object.keys(errors).length) return again(errors, 400);
    try {
      await write(this.actor(req, session));
    } catch (e) {
      const fields = domainFieldErrors(e, pageContext(session.lang, session).t, Object.keys(values));
      if (fields) return again(fields, 422);
      throw e;
    }
    seeOther(res, `/cases/${id}`);
  }
}
