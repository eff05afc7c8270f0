import { Controller, Get, Post, Query, Req, Res } from '@nestjs/common';
import type { Response } from 'express';
import { AUDIT_ACTION_PREFIX, AuditBrowser, AuditSequencer, AuditService, AuditVerifier } from '@amani/audit';
import { PageRoles, Session } from '../common/decorators';
import { requestIdOf, UUID } from '../common/page-helpers';
import { sendPage } from '../common/send-page';
import type { WebRequest } from '../common/web-request';
import type { WebSession } from '../session/web-session.service';
import { auditEventsPage, auditStatePage, EventFilterValues } from '../views/admin';
import { FormErrors } from '../views/forms';
import { pageContext } from '../views/page';

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const EVENTS_PER_PAGE = 50;

function day(v: string): Date | null {
  if (!DAY.test(v)) return null;
  const d = new Date(`${v}T00:00:00Z`);
  return Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== v ? null : d;
}

const str = (v: unknown, max: number) => (typeof v === 'string' ? v.trim().slice(0, max) : '');

/**
 * The audit chain for administrators: its state (head, last signed checkpoint, last
 * verification), a verification on demand (audited, as through the API), and the events
 * themselves as who / what / which record / when: never their details.
 */
@Controller('admin/audit')
@PageRoles('admin')
export class AdminAuditController {
  constructor(
    private readonly browser: AuditBrowser,
    private readonly verifier: AuditVerifier,
    private readonly sequencer: AuditSequencer,
    private readonly audit: AuditService,
  ) {}

  @Get()
  async state(@Session() session: WebSession, @Res() res: Response): Promise<void> {
    sendPage(res, 200, auditStatePage(pageContext(session.lang, session), await this.browser.state(), null));
  }

  /**
   * Verifies now. The result is shown in the answer to the post (a reload verifies again,
   * which is harmless) and recorded in the chain, where the state page reads it afterwards.
   */
  @Post('verify')
  async verify(@Req() req: WebRequest, @Session() session: WebSession, @Res() res: Response): Promise<void> {
    await this.sequencer.flush();
    const result = await this.verifier.verify();
    await this.audit.record({
      action: 'audit.verify',
      outcome: result.ok ? 'success' : 'failure',
      actorId: session.userId,
      actorRole: session.role,
      agencyId: session.agencyId,
      details: result.ok ? { length: result.length } : { firstBrokenSeq: result.firstBrokenSeq, reason: result.reason },
      requestId: requestIdOf(req) ?? null,
    });
    await this.sequencer.flush();
    sendPage(res, 200, auditStatePage(pageContext(session.lang, session), await this.browser.state(), result));
  }

  @Get('events')
  async events(@Session() session: WebSession, @Query() query: Record<string, unknown>, @Res() res: Response): Promise<void> {
    const ctx = pageContext(session.lang, session);
    const { t } = ctx;
    const filter: EventFilterValues = { action: str(query.action, 64), actor: str(query.actor, 36).toLowerCase(), from: str(query.from, 10), to: str(query.to, 10) };
    const errors: FormErrors = {};
    if (filter.action && !AUDIT_ACTION_PREFIX.test(filter.action)) errors.action = t('admin.events.actionInvalid');
    if (filter.actor && !UUID.test(filter.actor)) errors.actor = t('admin.events.actorInvalid');
    const from = filter.from ? day(filter.from) : null;
    const to = filter.to ? day(filter.to) : null;
    if (filter.from && !from) errors.from = t('common.fieldDate');
    if (filter.to && !to) errors.to = t('common.fieldDate');
    const before = str(query.before, 19);
    const beforeSeq = /^\d{1,19}$/.test(before) ? before : undefined;
    const page = await this.browser.list({
      action: errors.action ? undefined : filter.action || undefined,
      actorId: errors.actor ? undefined : filter.actor || undefined,
      from: from ?? undefined,
      to: to ? new Date(to.getTime() + 86_400_000) : undefined,
      beforeSeq,
      limit: EVENTS_PER_PAGE,
    });
    sendPage(res, Object.keys(errors).length ? 400 : 200, auditEventsPage(ctx, page.items, filter, errors, page.nextBeforeSeq, beforeSeq !== undefined));
  }
}
