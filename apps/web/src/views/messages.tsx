import { renderDocument } from '@amani/html';
import { translate, WebLanguage, direction } from '../i18n';
import { MessageBody, Page, PageContext } from './page';

export function messagePage(ctx: PageContext, title: string, message: string, back?: { href: string; label: string }): string {
  return renderDocument(
    <Page ctx={ctx} title={title}>
      <MessageBody title={title} message={message} back={back} />
    </Page>,
  );
}

/** Where "leave quickly" lands: no name, no menu, nothing that says what was open before. */
export function neutralPage(lang: WebLanguage): string {
  const t = translate(lang);
  return renderDocument(
    <html lang={lang} dir={direction(lang)}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="no-referrer" />
        <meta name="robots" content="noindex, nofollow" />
        <title>{t('left.title')}</title>
      </head>
      <body>
        <main>
          <h1>{t('left.title')}</h1>
          <p>{t('left.body')}</p>
        </main>
      </body>
    </html>,
  );
}
