import { Body, Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { Response } from 'express';
import { DECLINE_REASONS, NOTE_MAX_LENGTH, PacketGoneProblem, ReferralPacketView, ReferralsService, SERVICE_OUTCOMES, toReferralActor } from '@amani/domain/referrals';
import type { DeclineReason, ServiceOutcome } from '@amani/domain/referrals';
import { PageRoles, Session } from '../common/decorators';
import { PageNotFound } from '../common/page-errors';
import { seeOther, sendPage } from '../common/send-page';
import type { WebRequest } from '../common/web-request';
import { actorFor, pageNumber, PAGE_SIZE, requestIdOf, UUID } from '../common/page-helpers';
import type { WebSession } from '../session/web-session.service';
import { CompleteForm, DeclineForm, inboxPage, referralPage, ReferralForms } from '../views/referrals';
import { pageContext } from '../views/page';

type Form = Record<string, unknown>;

/**
 * Referrals: the receiving provider's inbox, and one referral page for either side (the
 * domain decides what each side sees). Accept and decline are form posts answered with a
 * redirect to the referral's page.
 */
@Controller('referrals')
export class ReferralPagesController {
  constructor(private readonly referrals: ReferralsService) {}

  @Get('incoming')
  @PageRoles('provider')
  async inbox(@Req() req: WebRequest, @Session() session: WebSession, @Query('page') page: unknown, @Res() res: Response): Promise<void> {
    const result = await this.referrals.incoming(toReferralActor(actorFor(session), requestIdOf(req)), { page: pageNumber(page), pageSize: PAGE_SIZE });
    sendPage(res, 200, inboxPage(pageContext(session.lang, session), result));
  }

  @Get(':id')
  @PageRoles('provider', 'caseworker', 'supervisor')
  async view(@Req() req: WebRequest, @Session() session: WebSession, @Param('id') id: string, @Res() res: Response): Promise<void> {
    sendPage(res, 200, await this.render(req, session, id, {}));
  }

  @Post(':id/accept')
  @PageRoles('provider')
  async accept(@Req() req: WebRequest, @Session() session: WebSession, @Param('id') id: string, @Res() res: Response): Promise<void> {
    if (!UUID.test(id)) throw new PageNotFound();
    await this.referrals.accept(toReferralActor(actorFor(session), requestIdOf(req)), id);
    seeOther(res, `/referrals/${id}`);
  }

  @Post(':id/decline')
  @PageRoles('provider')
  async decline(@Req() req: WebRequest, @Session() session: WebSession, @Param('id') id: string, @Body() body: Form, @Res() res: Response): Promise<void> {
    if (!UUID.test(id)) throw new PageNotFound();
    const t = pageContext(session.lang, session).t;
    const form: DeclineForm = { reason: typeof body.reason === 'string' ? body.reason : '', note: typeof body.note === 'string' ? body.note : '' };
    const errors: DeclineForm = { reason: '', note: '' };
    if (!(DECLINE_REASONS as readonly string[]).includes(form.reason)) errors.reason = form.reason ? t('common.fieldInvalid') : t('common.fieldRequired');
    if (form.note.length > NOTE_MAX_LENGTH) errors.note = t('common.fieldInvalid');
    if (errors.reason || errors.note) return sendPage(res, 400, await this.render(req, session, id, { decline: { values: form, errors } }));
    await this.referrals.decline(toReferralActor(actorFor(session), requestIdOf(req)), id, { reason: form.reason as DeclineReason, note: form.note.trim() || null });
    seeOther(res, `/referrals/${id}`);
  }

  @Post(':id/complete')
  @PageRoles('provider')
  async complete(@Req() req: WebRequest, @Session() session: WebSession, @Param('id') id: string, @Body() body: Form, @Res() res: Response): Promise<void> {
    if (!UUID.test(id)) throw new PageNotFound();
    const t = pageContext(session.lang, session).t;
    const form: CompleteForm = { outcome: typeof body.outcome === 'string' ? body.outcome : '', note: typeof body.note === 'string' ? body.note : '' };
    const errors: CompleteForm = { outcome: '', note: '' };
    if (!(SERVICE_OUTCOMES as readonly string[]).includes(form.outcome)) errors.outcome = form.outcome ? t('common.fieldInvalid') : t('common.fieldRequired');
    if (form.note.length > NOTE_MAX_LENGTH) errors.note = t('common.fieldInvalid');
    if (errors.outcome || errors.note) return sendPage(res, 400, await this.render(req, session, id, { complete: { values: form, errors } }));
    await this.referrals.complete(toReferralActor(actorFor(session), requestIdOf(req)), id, { outcome: form.outcome as ServiceOutcome, note: form.note.trim() || null });
    seeOther(res, `/referrals/${id}`);
  }

  private async render(req: WebRequest, session: WebSession, id: string, opts: ReferralForms): Promise<string> {
    if (!UUID.test(id)) throw new PageNotFound();
    const actor = toReferralActor(actorFor(session), requestIdOf(req));
    const referral = await this.referrals.get(actor, id);
    let packet: ReferralPacketView | null = null;
    // The packet is read (and audited) only where the receiving provider can act on it.
    if (session.role === 'provider' && referral.packetAvailable && (referral.state === 'pending' || referral.state === 'accepted')) {
      try {
        packet = await this.referrals.readPacket(actor, id);
      } catch (e) {
        if (!(e instanceof PacketGoneProblem)) throw e;
      }
    }
    return referralPage(pageContext(session.lang, session), referral, packet, session.role === 'provider', opts);
  }
}
