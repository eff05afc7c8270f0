import { Body, Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { Response } from 'express';
import { SERVICE_TYPES, ServiceType } from '@amani/auth';
import {
  CONTACT_MAX,
  MESSAGE_MAX,
  parseRecoveryKey,
  SEA_CATEGORIES,
  SEA_DATE_BANDS,
  SEA_ENTITY_TYPES,
  SEA_OUTCOMES,
  SEA_STATUSES,
  SEA_VICTIM_AGE_BANDS,
  SEA_VICTIM_SEXES,
  SeaActor,
  SeaAssistanceService,
  SeaComplaintShreddedProblem,
  SeaEndorsementsService,
  SEA_INTERIM_MEASURES,
  SEA_INVESTIGATION_TEXT_MAX,
  SEA_VICTIM_ASSISTANCE_STATUSES,
  SeaInvestigationService,
  SeaKeyLockedProblem,
  SeaKeysService,
  SeaNotGrantedProblem,
  SeaWorkspaceService,
  toSeaActor,
} from '@amani/domain/sea';
import type { ConfirmedCodes, SeaStatus } from '@amani/domain/sea';
import { ServicesDirectoryService } from '@amani/domain/services-directory';
import { REGION_CODE_PATTERN } from '@amani/domain/locations';
import { isValidIsoDate } from '@amani/domain/cases';
import { StrictThrottle } from '@amani/http';
import { PageRoles, Session } from '../common/decorators';
import { PageNotFound } from '../common/page-errors';
import { pageNumber, PAGE_SIZE, requestIdOf, UUID } from '../common/page-helpers';
import { seeOther, sendPage } from '../common/send-page';
import type { WebRequest } from '../common/web-request';
import type { WebSession } from '../session/web-session.service';
import { codeOf, domainFieldErrors, FormErrors, formValues, many, one } from '../views/forms';
import { pageContext } from '../views/page';
import {
  ASSISTANCE_SUMMARY_MAX,
  AssistanceOption,
  complaintClosedPage,
  ComplaintForms,
  complaintListPage,
  complaintPage,
  entitiesPage,
  KeyForms,
  keysPage,
  recoveryKeyPage,
  SURVIVOR_NAME_MAX,
  unlockPage,
} from '../views/psea';
import { SEA_UNLOCK_COOKIE, SeaUnlockCookie } from './sea-unlock-cookie';

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;
/** One-line fields (names, contacts) take no line break either, as the API's IsPlainText. */
// eslint-disable-next-line no-control-regex
const CONTROL_ANY = /[\u0000-\u001f\u007f]/;

/** A written text as the API accepts it (IsWrittenText): not blank, no control characters, at most `max`. */
function writtenError(t: (k: string, p?: Record<string, unknown>) => string, v: string, max: number, required = true): string | undefined {
  if (!v.trim()) return required ? t('common.fieldRequired') : undefined;
  if (v.length > max) return t('common.fieldTooLong', { max });
  if (CONTROL.test(v)) return t('common.fieldRejected');
  return undefined;
}

/**
 * The PSEA focal point workspace in the console, over the same domain services as the API
 * (`/sea/complaints*`, `/sea/keys*`, `/sea/focal-points*`). The key is unlocked per session:
 * the session half lives sealed in an HttpOnly cookie (SeaUnlockCookie). Only ids travel in
 * URLs; narrative, messages and notes appear in page bodies only, never in titles.
 */
@Controller('psea')
@PageRoles('psea_focal_point')
export class PseaPagesController {
  constructor(
    private readonly workspace: SeaWorkspaceService,
    private readonly assistance: SeaAssistanceService,
    private readonly keys: SeaKeysService,
    private readonly endorsements: SeaEndorsementsService,
    private readonly directory: ServicesDirectoryService,
    private readonly unlockCookie: SeaUnlockCookie,
    private readonly investigation: SeaInvestigationService,
  ) {}

  @Get()
  async list(@Req() req: WebRequest, @Session() session: WebSession, @Query('status') status: unknown, @Query('page') page: unknown, @Res() res: Response): Promise<void> {
    const actor = this.actor(req, session);
    const chosen = typeof status === 'string' ? codeOf(SEA_STATUSES, status) : undefined;
    const complaints = await this.workspace.list(actor, { page: pageNumber(page), pageSize: PAGE_SIZE, status: chosen });
    const key = await this.keys.status(actor, this.unlock(req, session));
    sendPage(res, 200, complaintListPage(pageContext(session.lang, session), complaints, chosen ?? '', key));
  }

  @Get('unlock')
  unlockForm(@Session() session: WebSession, @Res() res: Response): void {
    sendPage(res, 200, unlockPage(pageContext(session.lang, session)));
  }

  /** The passphrase opens the key for this session; only the sealed session key goes back, in the cookie. */
  @Post('unlock')
  @StrictThrottle('auth')
  async unlockSubmit(@Req() req: WebRequest, @Session() session: WebSession, @Body() body: Record<string, unknown>, @Res() res: Response): Promise<void> {
    const ctx = pageContext(session.lang, session);
    const password = typeof body.password === 'string' ? body.password.slice(0, 1024) : '';
    if (!password) return sendPage(res, 400, unlockPage(ctx, ctx.t('common.fieldRequired')));
    let token: string;
    try {
      token = await this.keys.unlock(this.actor(req, session), password);
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (code === 'wrong_password') return sendPage(res, 422, unlockPage(ctx, ctx.t('psea.wrongPassphrase')));
      if (code === 'key_needs_recovery') return sendPage(res, 422, unlockPage(ctx, ctx.t('psea.needsRecovery')));
      if (code === 'sea_keys_missing') return seeOther(res, '/psea/keys');
      throw e;
    }
    this.unlockCookie.set(res, token, session.sessionId, session.userId);
    seeOther(res, '/psea');
  }

  @Get('complaints/:id')
  async complaint(@Req() req: WebRequest, @Session() session: WebSession, @Param('id') id: string, @Res() res: Response): Promise<void> {
    await this.renderComplaint(req, session, id, {}, res, 200);
  }

  @Post('complaints/:id/messages')
  async reply(@Req() req: WebRequest, @Session() session: WebSession, @Param('id') id: string, @Body() body: unknown, @Res() res: Response): Promise<void> {
    this.known(id);
    const values = formValues(body);
    const t = pageContext(session.lang, session).t;
    const error = writtenError(t, one(values, 'body'), MESSAGE_MAX);
    if (error) return this.renderComplaint(req, session, id, { reply: { values, errors: { body: error } } }, res, 400);
    await this.guarded(res, session, () => this.workspace.reply(this.actor(req, session), id, this.unlock(req, session), one(values, 'body')), () => seeOther(res, `/psea/complaints/${id}#thread`));
  }

  @Post('complaints/:id/notes')
  async note(@Req() req: WebRequest, @Session() session: WebSession, @Param('id') id: string, @Body() body: unknown, @Res() res: Response): Promise<void> {
    this.known(id);
    const values = formValues(body);
    const t = pageContext(session.lang, session).t;
    const error = writtenError(t, one(values, 'body'), MESSAGE_MAX);
    if (error) return this.renderComplaint(req, session, id, { note: { values, errors: { body: error } } }, res, 400);
    await this.guarded(res, session, () => this.workspace.addNote(this.actor(req, session), id, this.unlock(req, session), one(values, 'body')), () => seeOther(res, `/psea/complaints/${id}#notes-section`));
  }

  @Post('complaints/:id/status')
  async status(@Req() req: WebRequest, @Session() session: WebSession, @Param('id') id: string, @Body() body: unknown, @Res() res: Response): Promise<void> {
    this.known(id);
    const values = formValues(body);
    const t = pageContext(session.lang, session).t;
    const errors: FormErrors = {};
    const to = codeOf(SEA_STATUSES, one(values, 'to'));
    if (!to) errors.to = t('common.fieldInvalid');
    const outcomeRaw = one(values, 'outcome');
    const outcome = outcomeRaw ? codeOf(SEA_OUTCOMES, outcomeRaw) : undefined;
    if (outcomeRaw && !outcome) errors.outcome = t('common.fieldInvalid');
    // The coded fields come with the form only when the complaint is still `received` (triage).
    let coded: ConfirmedCodes | undefined;
    if (one(values, 'category')) {
      const pick = <T extends string>(name: string, allowed: readonly T[]): T | undefined => {
        const v = codeOf(allowed, one(values, name));
        if (!v) errors[name] = t('common.fieldInvalid');
        return v;
      };
      const region = one(values, 'regionCode').trim().toUpperCase();
      if (region && !REGION_CODE_PATTERN.test(region)) errors.regionCode = t('common.fieldRegion');
      const c = {
        category: pick('category', SEA_CATEGORIES),
        entityType: pick('entityType', SEA_ENTITY_TYPES),
        victimSex: pick('victimSex', SEA_VICTIM_SEXES),
        victimAgeBand: pick('victimAgeBand', SEA_VICTIM_AGE_BANDS),
        dateBand: pick('dateBand', SEA_DATE_BANDS),
        regionCode: region || null,
      };
      if (Object.values(c).every((v) => v !== undefined)) coded = c as ConfirmedCodes;
    }
    if (Object.keys(errors).length) return this.renderComplaint(req, session, id, { status: { values, errors } }, res, 400);
    try {
      await this.workspace.changeStatus(this.actor(req, session), id, to as SeaStatus, outcome, coded);
    } catch (e) {
      const fields = domainFieldErrors(e, t, ['to', 'coded', 'outcome']);
      if (fields) return this.renderComplaint(req, session, id, { status: { values, errors: fields } }, res, 422);
      return this.closedOr(res, session, e);
    }
    seeOther(res, `/psea/complaints/${id}`);
  }

  @Post('complaints/:id/outcome')
  async outcome(@Req() req: WebRequest, @Session() session: WebSession, @Param('id') id: string, @Body() body: unknown, @Res() res: Response): Promise<void> {
    this.known(id);
    const values = formValues(body);
    const t = pageContext(session.lang, session).t;
    const outcome = codeOf(SEA_OUTCOMES, one(values, 'outcome'));
    if (!outcome) return this.renderComplaint(req, session, id, { outcome: { values, errors: { outcome: t('common.fieldInvalid') } } }, res, 400);
    await this.guarded(res, session, () => this.workspace.setOutcome(this.actor(req, session), id, outcome), () => seeOther(res, `/psea/complaints/${id}`));
  }

  /** With the victim's consent: asks a GBV agency to assist, sharing only the fields typed here (never the narrative). */
  @Post('complaints/:id/assistance')
  async refer(@Req() req: WebRequest, @Session() session: WebSession, @Param('id') id: string, @Body() body: unknown, @Res() res: Response): Promise<void> {
    this.known(id);
    const values = formValues(body);
    const t = pageContext(session.lang, session).t;
    const errors: FormErrors = {};
    const [agencyId, type] = one(values, 'service').split(':');
    const serviceType: ServiceType | undefined = codeOf(SERVICE_TYPES, type ?? '');
    if (!agencyId || !UUID.test(agencyId) || !serviceType) errors.service = t('common.fieldInvalid');
    const survivorName = one(values, 'survivorName').trim();
    const contact = one(values, 'contact').trim();
    const summary = one(values, 'summary').trim();
    const nameError = writtenError(t, survivorName, SURVIVOR_NAME_MAX);
    if (nameError) errors.survivorName = nameError;
    const contactError = writtenError(t, contact, CONTACT_MAX, false);
    if (contactError) errors.contact = contactError;
    const summaryError = writtenError(t, summary, ASSISTANCE_SUMMARY_MAX, false);
    if (summaryError) errors.summary = summaryError;
    if (one(values, 'consent') !== 'yes') errors.consent = t('psea.consentRequired');
    if (Object.keys(errors).length) return this.renderComplaint(req, session, id, { assistance: { values, errors } }, res, 400);
    try {
      await this.assistance.create(this.actor(req, session), id, { agencyId, serviceType: serviceType!, survivorName, contact: contact || null, summary: summary || null });
    } catch (e) {
      const fields = domainFieldErrors(e, t, ['agencyId', 'serviceType', 'survivorName', 'contact', 'summary']);
      if (fields) {
        const mapped: FormErrors = {};
        for (const [k, v] of Object.entries(fields)) mapped[k === 'agencyId' || k === 'serviceType' ? 'service' : k] = v;
        return this.renderComplaint(req, session, id, { assistance: { values, errors: mapped } }, res, 422);
      }
      return this.closedOr(res, session, e);
    }
    seeOther(res, `/psea/complaints/${id}#assistance-section`);
  }

  /** The referral to the entity concerned: coded facts; the note is sealed under the complaint key (the session's unlock). */
  @Post('complaints/:id/entity-referral')
  async entityReferral(@Req() req: WebRequest, @Session() session: WebSession, @Param('id') id: string, @Body() body: unknown, @Res() res: Response): Promise<void> {
    this.known(id);
    const values = formValues(body);
    const t = pageContext(session.lang, session).t;
    const errors: FormErrors = {};
    const entityId = one(values, 'entityId');
    if (!UUID.test(entityId)) errors.entityId = t('common.fieldRequired');
    const referredOn = one(values, 'referredOn').trim();
    if (!isValidIsoDate(referredOn)) errors.referredOn = t('common.fieldInvalid');
    const acknowledgedOn = one(values, 'acknowledgedOn').trim();
    if (acknowledgedOn && !isValidIsoDate(acknowledgedOn)) errors.acknowledgedOn = t('common.fieldInvalid');
    const measures = many(values, 'interimMeasures');
    const interimMeasures = measures.map((m) => codeOf(SEA_INTERIM_MEASURES, m));
    if (interimMeasures.some((m) => m === undefined)) errors.interimMeasures = t('common.fieldInvalid');
    const note = one(values, 'interimNote');
    const noteError = writtenError(t, note, SEA_INVESTIGATION_TEXT_MAX, false);
    if (noteError) errors.interimNote = noteError;
    if (Object.keys(errors).length) return this.renderComplaint(req, session, id, { entityReferral: { values, errors } }, res, 400);
    try {
      await this.investigation.recordEntityReferral(this.actor(req, session), id, this.unlock(req, session), {
        entityId,
        referredOn,
        acknowledgedOn: acknowledgedOn || null,
        interimMeasures: interimMeasures as (typeof SEA_INTERIM_MEASURES)[number][],
        // The form shows the stored note: what comes back is the whole note (blank erases it).
        interimNote: note.trim() ? note : null,
      });
    } catch (e) {
      const fields = domainFieldErrors(e, t, ['entityId', 'referredOn', 'acknowledgedOn']);
      if (fields) return this.renderComplaint(req, session, id, { entityReferral: { values, errors: fields } }, res, 422);
      const code = (e as { code?: string }).code;
      if (code === 'complaint_not_assessed') return this.renderComplaint(req, session, id, { entityReferral: { values, errors: { _form: t('pseaFollow.assessFirst') } } }, res, 409);
      return this.closedOr(res, session, e);
    }
    seeOther(res, `/psea/complaints/${id}#entity-referral`);
  }

  @Post('complaints/:id/victims')
  async addVictim(@Req() req: WebRequest, @Session() session: WebSession, @Param('id') id: string, @Body() body: unknown, @Res() res: Response): Promise<void> {
    this.known(id);
    const values = formValues(body);
    const t = pageContext(session.lang, session).t;
    const errors: FormErrors = {};
    const sex = codeOf(SEA_VICTIM_SEXES, one(values, 'sex'));
    if (!sex) errors.sex = t('common.fieldRequired');
    const ageBand = codeOf(SEA_VICTIM_AGE_BANDS, one(values, 'ageBand'));
    if (!ageBand) errors.ageBand = t('common.fieldRequired');
    const assistanceStatus = codeOf(SEA_VICTIM_ASSISTANCE_STATUSES, one(values, 'assistanceStatus') || 'not_assessed');
    if (!assistanceStatus) errors.assistanceStatus = t('common.fieldInvalid');
    const description = one(values, 'description');
    const descriptionError = writtenError(t, description, SEA_INVESTIGATION_TEXT_MAX, false);
    if (descriptionError) errors.description = descriptionError;
    if (Object.keys(errors).length) return this.renderComplaint(req, session, id, { victim: { values, errors } }, res, 400);
    try {
      await this.investigation.addVictim(this.actor(req, session), id, this.unlock(req, session), {
        sex: sex!,
        ageBand: ageBand!,
        assistanceStatus: assistanceStatus!,
        ...(description.trim() ? { description } : {}),
      });
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (code === 'too_many_victims') return this.renderComplaint(req, session, id, { victim: { values, errors: { _form: t('pseaFollow.tooManyVictims') } } }, res, 409);
      return this.closedOr(res, session, e);
    }
    seeOther(res, `/psea/complaints/${id}#victims-section`);
  }

  @Post('complaints/:id/victims/:victimId')
  async updateVictim(
    @Req() req: WebRequest,
    @Session() session: WebSession,
    @Param('id') id: string,
    @Param('victimId') victimId: string,
    @Body() body: unknown,
    @Res() res: Response,
  ): Promise<void> {
    this.known(id);
    this.known(victimId);
    const assistanceStatus = codeOf(SEA_VICTIM_ASSISTANCE_STATUSES, one(formValues(body), 'assistanceStatus'));
    if (!assistanceStatus) return this.renderComplaint(req, session, id, {}, res, 400);
    try {
      await this.investigation.updateVictim(this.actor(req, session), id, victimId, this.unlock(req, session), { assistanceStatus });
    } catch (e) {
      if ((e as { status?: number }).status === 404) throw new PageNotFound();
      return this.closedOr(res, session, e);
    }
    seeOther(res, `/psea/complaints/${id}#victims-section`);
  }

  @Get('entities')
  async entities(@Req() req: WebRequest, @Session() session: WebSession, @Res() res: Response): Promise<void> {
    const items = await this.investigation.listEntities(this.actor(req, session), true);
    sendPage(res, 200, entitiesPage(pageContext(session.lang, session), items));
  }

  @Post('entities')
  async addEntity(@Req() req: WebRequest, @Session() session: WebSession, @Body() body: unknown, @Res() res: Response): Promise<void> {
    const values = formValues(body);
    const ctx = pageContext(session.lang, session);
    const t = ctx.t;
    const errors: FormErrors = {};
    const name = one(values, 'name').trim();
    const nameError = writtenError(t, name, 200) ?? (CONTROL_ANY.test(name) ? t('common.fieldRejected') : undefined);
    if (nameError) errors.name = nameError;
    const entityType = codeOf(SEA_ENTITY_TYPES, one(values, 'entityType'));
    if (!entityType) errors.entityType = t('common.fieldRequired');
    const pseaContact = one(values, 'pseaContact').trim();
    const contactError = writtenError(t, pseaContact, 300) ?? (CONTROL_ANY.test(pseaContact) ? t('common.fieldRejected') : undefined);
    if (contactError) errors.pseaContact = contactError;
    const actor = this.actor(req, session);
    if (Object.keys(errors).length) return sendPage(res, 400, entitiesPage(ctx, await this.investigation.listEntities(actor, true), { values, errors }));
    try {
      await this.investigation.createEntity(actor, { name, entityType: entityType!, pseaContact });
    } catch (e) {
      if ((e as { code?: string }).code === 'entity_name_taken') {
        return sendPage(res, 409, entitiesPage(ctx, await this.investigation.listEntities(actor, true), { values, errors: { name: t('pseaFollow.nameTaken') } }));
      }
      throw e;
    }
    seeOther(res, '/psea/entities');
  }

  @Post('entities/:entityId/active')
  async entityActive(@Req() req: WebRequest, @Session() session: WebSession, @Param('entityId') entityId: string, @Body() body: unknown, @Res() res: Response): Promise<void> {
    this.known(entityId);
    const active = one(formValues(body), 'active') === 'yes';
    try {
      await this.investigation.updateEntity(this.actor(req, session), entityId, { active });
    } catch (e) {
      if ((e as { status?: number }).status === 404) throw new PageNotFound();
      throw e;
    }
    seeOther(res, '/psea/entities');
  }

  @Get('keys')
  async keysPage(@Req() req: WebRequest, @Session() session: WebSession, @Res() res: Response): Promise<void> {
    sendPage(res, 200, await this.renderKeys(req, session, {}));
  }

  /** Creates the key pair: the recovery key is shown on this response only; the session is unlocked. */
  @Post('keys')
  @StrictThrottle('auth')
  async setup(@Req() req: WebRequest, @Session() session: WebSession, @Body() body: Record<string, unknown>, @Res() res: Response): Promise<void> {
    const t = pageContext(session.lang, session).t;
    const password = typeof body.password === 'string' ? body.password.slice(0, 1024) : '';
    if (!password) return sendPage(res, 400, await this.renderKeys(req, session, { setup: { password: t('common.fieldRequired') } }));
    let issued;
    try {
      issued = await this.keys.setup(this.actor(req, session), password, false);
    } catch (e) {
      const errors = this.passwordErrors(e, t);
      if (errors) return sendPage(res, errors.status, await this.renderKeys(req, session, { setup: errors.fields }));
      throw e;
    }
    this.unlockCookie.set(res, issued.unlockToken, session.sessionId, session.userId);
    sendPage(res, 201, recoveryKeyPage(pageContext(session.lang, session), issued.recoveryKey));
  }

  @Post('keys/recover')
  @StrictThrottle('auth')
  async recover(@Req() req: WebRequest, @Session() session: WebSession, @Body() body: Record<string, unknown>, @Res() res: Response): Promise<void> {
    const t = pageContext(session.lang, session).t;
    const password = typeof body.password === 'string' ? body.password.slice(0, 1024) : '';
    const recoveryKey = typeof body.recoveryKey === 'string' ? body.recoveryKey.slice(0, 200) : '';
    const errors: FormErrors = {};
    if (!password) errors.password = t('common.fieldRequired');
    if (!recoveryKey.trim()) errors.recoveryKey = t('common.fieldRequired');
    if (Object.keys(errors).length) return sendPage(res, 400, await this.renderKeys(req, session, { recover: errors }));
    let issued;
    try {
      issued = await this.keys.recover(this.actor(req, session), parseRecoveryKey(recoveryKey), password);
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (code === 'invalid_recovery_key') return sendPage(res, 422, await this.renderKeys(req, session, { recover: { recoveryKey: t('psea.wrongRecoveryKey') } }));
      const known = this.passwordErrors(e, t);
      if (known) return sendPage(res, known.status, await this.renderKeys(req, session, { recover: known.fields }));
      throw e;
    }
    this.unlockCookie.set(res, issued.unlockToken, session.sessionId, session.userId);
    sendPage(res, 200, recoveryKeyPage(pageContext(session.lang, session), issued.recoveryKey));
  }

  /** Vouches for a colleague's current key with the caller's (unlocked, endorsed) signing key. */
  @Post('focal-points/:userId/endorsement')
  async endorse(@Req() req: WebRequest, @Session() session: WebSession, @Param('userId') userId: string, @Res() res: Response): Promise<void> {
    this.known(userId);
    await this.guarded(res, session, () => this.endorsements.endorse(this.actor(req, session), this.unlock(req, session), userId), () => seeOther(res, '/psea/keys#team'));
  }

  /** Re-seals every complaint key the caller holds that the colleague lacks. */
  @Post('focal-points/:userId/grants')
  async grant(@Req() req: WebRequest, @Session() session: WebSession, @Param('userId') userId: string, @Res() res: Response): Promise<void> {
    this.known(userId);
    await this.guarded(res, session, () => this.keys.grant(this.actor(req, session), this.unlock(req, session), userId), () => seeOther(res, '/psea/keys#team'));
  }

  private actor(req: WebRequest, session: WebSession): SeaActor {
    return toSeaActor({ id: session.userId, role: session.role, agencyId: session.agencyId, sessionId: session.sessionId }, requestIdOf(req));
  }

  /** The session key, opened from the sealed cookie for this auth session and user only. */
  private unlock(req: WebRequest, session: WebSession): string | undefined {
    return this.unlockCookie.open(req.cookies[SEA_UNLOCK_COOKIE], session.sessionId, session.userId);
  }

  private known(id: string): void {
    if (!UUID.test(id)) throw new PageNotFound();
  }

  private async renderComplaint(req: WebRequest, session: WebSession, id: string, forms: ComplaintForms, res: Response, status: number): Promise<void> {
    this.known(id);
    const ctx = pageContext(session.lang, session);
    let detail;
    try {
      detail = await this.workspace.get(this.actor(req, session), id, this.unlock(req, session));
    } catch (e) {
      return this.closedOr(res, session, e);
    }
    const entities = (await this.investigation.listEntities(this.actor(req, session), false)).map((e) => ({ id: e.id, name: e.name }));
    sendPage(res, status, complaintPage(ctx, detail, await this.services(), forms, entities));
  }

  /** Runs a write; a locked key, a missing grant or a shredded complaint become their pages, anything else the filter's. */
  private async guarded(res: Response, session: WebSession, write: () => Promise<unknown>, done: () => void): Promise<void> {
    try {
      await write();
    } catch (e) {
      return this.closedOr(res, session, e);
    }
    done();
  }

  private closedOr(res: Response, session: WebSession, e: unknown): void {
    const ctx = pageContext(session.lang, session);
    if (e instanceof SeaKeyLockedProblem) return sendPage(res, 423, complaintClosedPage(ctx, 'locked'));
    if (e instanceof SeaNotGrantedProblem) return sendPage(res, 403, complaintClosedPage(ctx, 'no_access'));
    if (e instanceof SeaComplaintShreddedProblem) return sendPage(res, 410, complaintClosedPage(ctx, 'shredded'));
    throw e;
  }

  /** Receiving services from the directory, one per agency and type (the domain re-checks the agency offers it). */
  private async services(): Promise<AssistanceOption[]> {
    const page = await this.directory.search({ page: 1, pageSize: 200 });
    const seen = new Set<string>();
    const out: AssistanceOption[] = [];
    for (const s of page.items) {
      const k = `${s.agencyId}:${s.serviceType}`;
      if (seen.has(k)) continue;
      seen.add(k);
      out.push({ agencyId: s.agencyId, agencyName: s.agencyName, serviceType: s.serviceType });
    }
    return out.sort((a, b) => a.agencyName.localeCompare(b.agencyName) || a.serviceType.localeCompare(b.serviceType));
  }

  private async renderKeys(req: WebRequest, session: WebSession, forms: KeyForms): Promise<string> {
    const actor = this.actor(req, session);
    const [state, team] = [await this.keys.status(actor, this.unlock(req, session)), await this.keys.focalPoints(actor)];
    return keysPage(pageContext(session.lang, session), state, team, session.userId, forms);
  }

  /** Password refusals of set-up and recovery as field messages: wrong password, weak passphrase, key already there or missing. */
  private passwordErrors(e: unknown, t: (k: string) => string): { status: number; fields: FormErrors } | null {
    const code = (e as { code?: string; status?: number }).code;
    const status = (e as { status?: number }).status ?? 500;
    if (code === 'wrong_password') return { status: 422, fields: { password: t('psea.wrongPassphrase') } };
    if (code === 'sea_keys_exist' || code === 'sea_keys_missing') return { status: 409, fields: { _form: t(`psea.${code === 'sea_keys_exist' ? 'keysExist' : 'keysMissing'}`) } };
    if (status === 400) return { status: 400, fields: { password: t('psea.weakPassphrase') } };
    return null;
  }
}

