import { Controller, Get, Param, Post, Req, Res } from '@nestjs/common';
import type { Response } from 'express';
import { CasesService, CaseSummaryView, toCaseActor } from '@amani/domain/cases';
import { NotificationsService, NotificationView } from '@amani/domain/referrals';
import { renderDocument } from '@amani/html';
import { actorFor, requestIdOf, UUID } from './common/page-helpers';
import { Session } from './common/decorators';
import { PageNotFound } from './common/page-errors';
import { seeOther, sendPage } from './common/send-page';
import type { WebRequest } from './common/web-request';
import type { WebSession } from './session/web-session.service';
import { Csrf, Day, navFor, Page, pageContext, PageContext, shortRef } from './views/page';

const NOTIFIED_ROLES: readonly WebSession['role'][] = ['caseworker', 'supervisor', 'provider'];

/** Where a notification leads: its referral or case page, or nowhere (a digest). */
function notificationHref(n: NotificationView): string | null {
  if (n.referralId) return `/referrals/${n.referralId}`;
  if (n.caseId) return `/cases/${n.caseId}`;
  return null;
}

function homePage(ctx: PageContext, role: WebSession['role'], cases: CaseSummaryView[] | null, notifications: NotificationView[] | null): string {
  const { t } = ctx;
  const links = navFor(role).filter((n) => n.href !== '/');
  return renderDocument(
    <Page ctx={ctx} title={t('home.title')}>
      <h1>{t('home.title')}</h1>
      <p>{t('app.signedInAs', { role: t(`role.${role}`) })}</p>
      {cases && (
        <section aria-labelledby="my-cases">
          <h2 id="my-cases">{t('home.myCases')}</h2>
          {cases.length === 0 ? (
            <p>{t('home.noCases')}</p>
          ) : (
            <ul class="cards" id="home-cases">
              {cases.map((c) => (
                <li>
                  <a href={`/cases/${c.id}`} aria-label={t('cases.open', { ref: shortRef(c.id) })}>
                    <strong dir="ltr">{shortRef(c.id)}</strong>
                  </a>{' '}
                  <span class="tag">{t(`stage.${c.stage}`)}</span>
                  <div class="meta">
                    {t('cases.updated')} <Day value={c.updatedAt} />
                  </div>
                </li>
              ))}
            </ul>
          )}
        </section>
      )}
      {notifications && (
        <section aria-labelledby="notifications">
          <h2 id="notifications">{t('home.notifications')}</h2>
          {notifications.length === 0 ? (
            <p>{t('home.noNotifications')}</p>
          ) : (
            <ul class="cards" id="home-notifications">
              {notifications.map((n) => {
                const href = notificationHref(n);
                return (
                  <li>
                    {href ? <a href={href}>{t(`notification.${n.kind}`)}</a> : <span>{t(`notification.${n.kind}`)}</span>}
                    {n.itemCount !== null && <span class="tag"> {n.itemCount}</span>}
                    <div class="meta">
                      <Day value={n.createdAt} />
                    </div>
                    <form method="post" action={`/notifications/${n.id}/read`}>
                      <Csrf token={ctx.session!.csrf} />
                      <button type="submit" class="secondary">
                        {t('home.markRead')}
                      </button>
                    </form>
                  </li>
                );
              })}
            </ul>
          )}
        </section>
      )}
      {links.length > 0 && <p>{t('home.lead')}</p>}
      <ul>
        {links.map((n) => (
          <li>
            <a href={n.href}>{t(n.key)}</a>
          </li>
        ))}
      </ul>
    </Page>,
  );
}

/** The landing page after sign-in: the user's open cases, unread notifications, and the pages this role can use. */
@Controller()
export class HomeController {
  constructor(
    private readonly cases: CasesService,
    private readonly notifications: NotificationsService,
  ) {}

  @Get()
  async home(@Req() req: WebRequest, @Session() session: WebSession, @Res() res: Response): Promise<void> {
    const ctx = pageContext(session.lang, session);
    let cases: CaseSummaryView[] | null = null;
    if ((session.role === 'caseworker' || session.role === 'supervisor') && session.agencyId) {
      const page = await this.cases.list(toCaseActor(actorFor(session), requestIdOf(req)), { page: 1, pageSize: 20, assignedCaseworkerId: session.userId });
      cases = page.items.filter((c) => c.stage !== 'closed');
    }
    const notifications = NOTIFIED_ROLES.includes(session.role) ? (await this.notifications.listOwn(session.userId, 1, 10, true)).items : null;
    sendPage(res, 200, homePage(ctx, session.role, cases, notifications));
  }

  @Post('notifications/:id/read')
  async markRead(@Session() session: WebSession, @Param('id') id: string, @Res() res: Response): Promise<void> {
    if (!UUID.test(id)) throw new PageNotFound();
    await this.notifications.markRead(session.userId, id);
    seeOther(res, '/');
  }
}
