import { Controller, Get, Res } from '@nestjs/common';
import type { Response } from 'express';
import { renderDocument } from '@amani/html';
import { Session } from './common/decorators';
import { sendPage } from './common/send-page';
import type { WebSession } from './session/web-session.service';
import { navFor, Page, pageContext } from './views/page';

/** The landing page after sign-in: the pages this role can use. */
@Controller()
export class HomeController {
  @Get()
  home(@Session() session: WebSession, @Res() res: Response): void {
    const ctx = pageContext(session.lang, session);
    const { t } = ctx;
    const links = navFor(session.role).filter((n) => n.href !== '/');
    sendPage(
      res,
      200,
      renderDocument(
        <Page ctx={ctx} title={t('home.title')}>
          <h1>{t('home.title')}</h1>
          <p>{t('app.signedInAs', { role: t(`role.${session.role}`) })}</p>
          {links.length > 0 && <p>{t('home.lead')}</p>}
          <ul>
            {links.map((n) => (
              <li>
                <a href={n.href}>{t(n.key)}</a>
              </li>
            ))}
          </ul>
        </Page>,
      ),
    );
  }
}
