import { Body, Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { Response } from 'express';
import { AgencyKeysService, AgencyKeyStatus } from '@amani/auth';
import { AgencyKeyRotationService } from '@amani/domain/agency-keys';
import { DomainException, StrictThrottle } from '@amani/http';
import { PageRoles, Session } from '../common/decorators';
import { PageNotFound } from '../common/page-errors';
import { actorOf, requestIdOf, UUID } from '../common/page-helpers';
import { seeOther, sendPage } from '../common/send-page';
import type { WebRequest } from '../common/web-request';
import type { WebSession } from '../session/web-session.service';
import { AgencyKeyForms, agencyKeyPage, agencyRecoveryKeyPage, removeConfirmPage, rotateConfirmPage } from '../views/agency-key';
import { formValues, one } from '../views/forms';
import { pageContext } from '../views/page';

/** What a finished post says on the page it returns to (a code in the URL, never a name). */
const DONE = { granted: 'agencyKey.granted', removed: 'agencyKey.removed', recovered: 'agencyKey.recovered' } as const;

/** Refusals of the agency-key service that the page explains in place (409), by code. */
const CONFLICTS: Record<string, string> = {
  agency_key_exists: 'agencyKey.keyExists',
  agency_key_missing: 'agencyKey.keyMissing',
  personal_key_missing: 'agencyKey.personalKeyMissing',
  not_active: 'agencyKey.notActive',
};

/**
 * The agency key in the console, over the same services as `/agency-keys*` of the API: every
 * member sees their own access; supervisors set the key up, give and remove access, rotate it
 * and use the recovery key. The agency key opens through this session's unlock (the sealed
 * `__Host-amani-keys` cookie the guard presents). Recovery keys are shown on the response that
 * made them only (no-store) and kept nowhere. A member of another agency is the usual 404; a
 * locked key (423) is the filter's "sign in again" page.
 */
@Controller('agency-key')
@PageRoles('caseworker', 'supervisor', 'provider')
export class AgencyKeyPagesController {
  constructor(
    private readonly keys: AgencyKeysService,
    private readonly rotation: AgencyKeyRotationService,
  ) {}

  @Get()
  async page(@Session() session: WebSession, @Query('done') done: unknown, @Res() res: Response): Promise<void> {
    const notice = typeof done === 'string' && done in DONE ? DONE[done as keyof typeof DONE] : undefined;
    await this.render(res, session, 200, {}, notice);
  }

  /** Creates the agency's first key, sealed to this supervisor; the recovery key is on this response only. */
  @Post()
  @PageRoles('supervisor')
  @StrictThrottle('auth')
  async setUp(@Req() req: WebRequest, @Session() session: WebSession, @Res() res: Response): Promise<void> {
    let issued;
    try {
      issued = await this.keys.setUp(actorOf(session), requestIdOf(req));
    } catch (e) {
      return this.conflictOr(res, session, e);
    }
    this.recoveryKey(res, session, 201, issued.recoveryKey, false);
  }

  /** Seals the key this session holds to a member of the agency (another agency's member: 404). */
  @Post('grants')
  @PageRoles('supervisor')
  async grant(@Req() req: WebRequest, @Session() session: WebSession, @Body() body: unknown, @Res() res: Response): Promise<void> {
    const userId = one(formValues(body), 'userId');
    this.known(userId);
    try {
      await this.keys.grantByApi(actorOf(session), userId, requestIdOf(req));
    } catch (e) {
      return this.conflictOr(res, session, e);
    }
    seeOther(res, '/agency-key?done=granted#members');
  }

  /** Removing access, step one: the confirmation page (nothing changes yet). Only members of this agency. */
  @Post('members/:userId/remove')
  @PageRoles('supervisor')
  async removeStart(@Session() session: WebSession, @Param('userId') userId: string, @Res() res: Response): Promise<void> {
    this.known(userId);
    const state = await this.keys.status(actorOf(session));
    const member = state.members?.find((m) => m.userId === userId && m.holdsKey);
    if (!member) throw new PageNotFound();
    sendPage(res, 200, removeConfirmPage(pageContext(session.lang, session), member));
  }

  /** Step two: the grant goes; the member opens nothing from their next request on. */
  @Post('members/:userId/remove/confirm')
  @PageRoles('supervisor')
  async removeConfirmed(@Req() req: WebRequest, @Session() session: WebSession, @Param('userId') userId: string, @Res() res: Response): Promise<void> {
    this.known(userId);
    await this.keys.revoke(actorOf(session), userId, requestIdOf(req));
    seeOther(res, '/agency-key?done=removed#members');
  }

  /** Rotation, step one: when to rotate and what happens (nothing changes yet). */
  @Post('rotation')
  @PageRoles('supervisor')
  async rotateStart(@Session() session: WebSession, @Res() res: Response): Promise<void> {
    sendPage(res, 200, rotateConfirmPage(pageContext(session.lang, session)));
  }

  /** Step two: a new key version for the members who hold it now, the new recovery key shown once. */
  @Post('rotation/confirm')
  @PageRoles('supervisor')
  @StrictThrottle('auth')
  async rotate(@Req() req: WebRequest, @Session() session: WebSession, @Res() res: Response): Promise<void> {
    let rotated;
    try {
      rotated = await this.rotation.rotate(actorOf(session), requestIdOf(req));
    } catch (e) {
      return this.conflictOr(res, session, e);
    }
    this.recoveryKey(res, session, 201, rotated.recoveryKey, true);
  }

  /** The recovery key re-grants the agency key to this supervisor; a wrong one is a field error (422). */
  @Post('recovery')
  @PageRoles('supervisor')
  @StrictThrottle('auth')
  async recover(@Req() req: WebRequest, @Session() session: WebSession, @Body() body: unknown, @Res() res: Response): Promise<void> {
    const t = pageContext(session.lang, session).t;
    const recoveryKey = one(formValues(body), 'recoveryKey').slice(0, 200);
    if (!recoveryKey.trim()) return this.render(res, session, 400, { recover: { recoveryKey: t('common.fieldRequired') } });
    try {
      await this.keys.recover(actorOf(session), recoveryKey, requestIdOf(req));
    } catch (e) {
      if (e instanceof DomainException && e.code === 'invalid_recovery_key') return this.render(res, session, 422, { recover: { recoveryKey: t('agencyKey.wrongRecoveryKey') } });
      return this.conflictOr(res, session, e);
    }
    seeOther(res, '/agency-key?done=recovered');
  }

  private known(id: string): void {
    if (!UUID.test(id)) throw new PageNotFound();
  }

  private async render(res: Response, session: WebSession, status: number, forms: AgencyKeyForms, notice?: string): Promise<void> {
    const state: AgencyKeyStatus = await this.keys.status(actorOf(session));
    const ctx = pageContext(session.lang, session, notice ? pageContext(session.lang, session).t(notice) : undefined);
    sendPage(res, status, agencyKeyPage(ctx, state, session.userId, forms));
  }

  /** The recovery key on this response only: never cached, never in a URL or a log. */
  private recoveryKey(res: Response, session: WebSession, status: number, recoveryKey: string, rotated: boolean): void {
    res.setHeader('Cache-Control', 'no-store');
    sendPage(res, status, agencyRecoveryKeyPage(pageContext(session.lang, session), recoveryKey, rotated));
  }

  /** A conflict with the key's state: the page again, saying what to do (409); anything else (404, 423) is the filter's. */
  private async conflictOr(res: Response, session: WebSession, e: unknown): Promise<void> {
    if (e instanceof DomainException && e.status === 409 && CONFLICTS[e.code]) {
      return this.render(res, session, 409, { error: pageContext(session.lang, session).t(CONFLICTS[e.code]) });
    }
    throw e;
  }
}
