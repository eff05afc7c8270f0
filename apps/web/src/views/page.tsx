import type { ComponentChildren } from 'preact';
import type { Role } from '@amani/auth';
import { InlineStyle, pageCsp, styleSheet, Translate } from '@amani/html';
import { direction, translate, WEB_LANGUAGES, WebLanguage, CATALOGUES } from '../i18n';
import type { WebSession } from '../session/web-session.service';

/** Mobile first (360 px), no script, one hashed inline sheet; logical properties so Arabic mirrors. */
const SHEET = styleSheet(`
*{box-sizing:border-box}
body{margin:0;font:1rem/1.5 system-ui,"Segoe UI","Noto Sans","Noto Naskh Arabic",Tahoma,sans-serif;color:#1b1b1b;background:#f4f4f1}
.skip{position:absolute;inset-inline-start:-999px}
.skip:focus{inset-inline-start:0.5rem;top:0.5rem;background:#fff;padding:0.5rem;z-index:1}
header{background:#123a5c;color:#fff;padding:0.5rem 0.75rem}
header .bar{display:flex;flex-wrap:wrap;gap:0.5rem;align-items:center;justify-content:space-between;max-width:60rem;margin:0 auto}
header .name{font-weight:700}
header a{color:#fff}
nav ul{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:0.25rem 1rem}
.leave,header a.leave{background:#fff4d6;color:#5c3d00;border:2px solid #b07d00;font-weight:700;padding:0.45rem 0.8rem;border-radius:6px;text-decoration:none}
main{max-width:60rem;margin:0 auto;padding:0.75rem}
footer{max-width:60rem;margin:0 auto;padding:0.75rem;color:#555;font-size:0.9rem}
h1{font-size:1.4rem;line-height:1.25;margin:0.5rem 0 0.75rem}
h2{font-size:1.15rem}
a{color:#0b4f8a}
form.inline{display:inline}
label{display:block;font-weight:600;margin:0.6rem 0 0.2rem}
input[type=text],input[type=email],input[type=password],select,textarea{width:100%;max-width:30rem;font:inherit;padding:0.5rem;border:1px solid #767676;border-radius:4px;background:#fff}
button{font:inherit;font-weight:600;padding:0.6rem 1.1rem;border:0;border-radius:6px;background:#0b4f8a;color:#fff;cursor:pointer;margin:0.5rem 0}
button.secondary{background:#fff;color:#0b4f8a;border:2px solid #0b4f8a}
button.danger{background:#a00000;color:#fff}
button:focus,a:focus,input:focus,select:focus,textarea:focus{outline:3px solid #f0a000;outline-offset:2px}
.help{color:#444;font-size:0.95rem;margin:0.1rem 0 0.3rem}
.error{color:#a00000;font-weight:600;margin:0.2rem 0}
.alert{background:#fde8e8;border-inline-start:4px solid #a00000;padding:0.5rem 0.75rem}
.note{background:#e8f1fb;border-inline-start:4px solid #0b4f8a;padding:0.5rem 0.75rem}
.filters{display:grid;grid-template-columns:repeat(auto-fill,minmax(9rem,1fr));gap:0 0.75rem;background:#fff;border:1px solid #ccc;border-radius:6px;padding:0.25rem 0.75rem 0.5rem;margin:0 0 1rem}
.filters legend{font-weight:700}
ul.cards{list-style:none;margin:0;padding:0}
ul.cards li{background:#fff;border:1px solid #ccc;border-radius:6px;padding:0.5rem 0.75rem;margin:0 0 0.5rem}
ul.cards .meta{color:#444;font-size:0.95rem}
.tag{display:inline-block;background:#e6e6e0;border-radius:4px;padding:0 0.4rem;font-size:0.9rem}
.tag.overdue{background:#fde8e8;color:#8a0000;font-weight:700}
dl{display:grid;grid-template-columns:minmax(7rem,max-content) 1fr;gap:0.25rem 1rem;background:#fff;border:1px solid #ccc;border-radius:6px;padding:0.5rem 0.75rem}
dt{font-weight:600}
dd{margin:0}
.pager{display:flex;gap:1rem;flex-wrap:wrap;align-items:center}
.qr{background:#fff;padding:0.5rem;display:inline-block;border:1px solid #ccc}
fieldset.choices{border:1px solid #ccc;border-radius:6px;background:#fff;margin:0.6rem 0;padding:0.25rem 0.75rem 0.5rem;max-width:30rem}
fieldset.choices legend{font-weight:600}
.choice{display:flex;gap:0.5rem;align-items:center}
.choice label{display:inline;font-weight:400;margin:0.2rem 0}
.choice input{width:1.25rem;height:1.25rem;flex:none}
section{margin:0 0 1rem}
h3{font-size:1.05rem;margin:0.75rem 0 0.25rem}
table{border-collapse:collapse;background:#fff}
th,td{border:1px solid #ccc;padding:0.25rem 0.5rem;text-align:start}
input[type=date],input[type=number]{font:inherit;padding:0.5rem;border:1px solid #767676;border-radius:4px;background:#fff;max-width:100%}
table.figures{border-collapse:collapse;background:#fff;margin:0.5rem 0;font-variant-numeric:tabular-nums}
table.figures th,table.figures td{border:1px solid #999;padding:0.25rem 0.5rem;text-align:end}
table.figures th[scope=row],table.figures thead th{text-align:start;background:#eef0f2;overflow-wrap:anywhere;min-width:4.5rem}
table.figures caption{text-align:start;font-weight:600;padding:0.25rem 0}
table.figures .total{font-weight:700}
.scroll{overflow-x:auto;max-width:100%}
.hidden-cell{color:#6b3f00;background:#fff4d6}
.up{color:#0b5a1e}
.down{color:#8a0000}
figure{margin:0.5rem 0;background:#fff;border:1px solid #ccc;border-radius:6px;padding:0.5rem;overflow-x:auto}
figure svg{max-width:100%;height:auto}
@media (max-width:30rem){dl.stack{grid-template-columns:1fr}dl.stack dd{margin-bottom:0.4rem}}
.secret{font:700 1.1rem ui-monospace,Menlo,Consolas,monospace;word-break:break-all;background:#fff;padding:0.5rem;border:2px dashed #0b4f8a}
.slip{border:2px solid #0b4f8a;border-radius:6px;padding:0.5rem 1rem;margin-bottom:1rem;background:#fff}
@media print{body *{visibility:hidden}.slip,.slip *{visibility:visible}.slip{position:absolute;top:0;left:0;right:0}.no-print{display:none}}
.written{overflow-wrap:anywhere}
`);

export const CONSOLE_CSP = pageCsp(SHEET);

export interface PageContext {
  lang: WebLanguage;
  t: Translate;
  session: Pick<WebSession, 'role' | 'csrf' | 'stage'> | null;
  /** A message above the page's content (e.g. "your form is back"). */
  notice?: string;
}

export function pageContext(lang: WebLanguage, session: WebSession | null | undefined, notice?: string): PageContext {
  return { lang, t: translate(lang), session: session ?? null, notice };
}

const NAV: Record<Role, { href: string; key: string }[]> = {
  caseworker: [
    { href: '/', key: 'app.home' },
    { href: '/cases', key: 'app.cases' },
    { href: '/sea-assistance', key: 'pseaNav.assistance' },
  ],
  supervisor: [
    { href: '/', key: 'app.home' },
    { href: '/cases', key: 'app.cases' },
    { href: '/supervisor', key: 'app.supervisor' },
    { href: '/services', key: 'app.services' },
    { href: '/reports', key: 'app.reports' },
    { href: '/sea-assistance', key: 'pseaNav.assistance' },
    { href: '/account-approvals', key: 'admin.nav.approvals' },
  ],
  provider: [
    { href: '/', key: 'app.home' },
    { href: '/referrals/incoming', key: 'app.incoming' },
  ],
  admin: [
    { href: '/', key: 'app.home' },
    { href: '/admin/users', key: 'admin.nav.users' },
    { href: '/account-approvals', key: 'admin.nav.approvals' },
    { href: '/admin/agencies', key: 'admin.nav.agencies' },
    { href: '/admin/audit', key: 'admin.nav.audit' },
  ],
  protection_officer: [
    { href: '/', key: 'app.home' },
    { href: '/reports', key: 'app.reports' },
  ],
  psea_focal_point: [
    { href: '/', key: 'app.home' },
    { href: '/sea/intake', key: 'seaIntake.nav' },
    { href: '/psea', key: 'pseaNav.list' },
    { href: '/psea/keys', key: 'pseaNav.keys' },
    { href: '/psea/entities', key: 'pseaFollow.directory' },
    { href: '/account-approvals', key: 'admin.nav.approvals' },
  ],
};

export function navFor(role: Role): { href: string; key: string }[] {
  return NAV[role];
}

export function Csrf({ token }: { token: string }) {
  return <input type="hidden" name="_csrf" value={token} />;
}

/** Every console page: skip link, the "leave quickly" control first, menu, language. */
export function Page(props: { ctx: PageContext; title: string; children: ComponentChildren; languagePath?: string; refreshSeconds?: number }) {
  const { ctx, title } = props;
  const { t, lang, session } = ctx;
  const full = session?.stage === 'full';
  return (
    <html lang={lang} dir={direction(lang)}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="same-origin" />
        <meta name="robots" content="noindex, nofollow" />
        {/* A page waiting for background work reloads itself: no script needed. */}
        {props.refreshSeconds ? <meta http-equiv="refresh" content={String(props.refreshSeconds)} /> : null}
        <title>{`${title} — ${t('app.name')}`}</title>
        <InlineStyle sheet={SHEET} />
      </head>
      <body>
        <a class="skip" href="#main">
          {t('app.skip')}
        </a>
        <header>
          <div class="bar">
            <span class="name">{t('app.name')}</span>
            {!session && (
              <a class="leave" href={`/bye?lang=${lang}`}>
                {t('app.leave')}
              </a>
            )}
            {session && (
              <form class="inline" method="post" action="/leave">
                <Csrf token={session.csrf} />
                <button type="submit" class="leave" title={t('app.leaveHint')}>
                  {t('app.leave')}
                </button>
              </form>
            )}
          </div>
          {session && full && (
            <div class="bar">
              <nav aria-label={t('app.menu')}>
                <ul>
                  {navFor(session.role).map((n) => (
                    <li>
                      <a href={n.href}>{t(n.key)}</a>
                    </li>
                  ))}
                </ul>
              </nav>
              <form class="inline" method="post" action="/sign-out">
                <Csrf token={session.csrf} />
                <button type="submit" class="secondary">
                  {t('app.signOut')}
                </button>
              </form>
            </div>
          )}
        </header>
        <main id="main">
          {ctx.notice && (
            <p class="note" role="status" id="page-notice">
              {ctx.notice}
            </p>
          )}
          {props.children}
        </main>
        <footer>
          {session && full ? (
            <form method="post" action="/language">
              <Csrf token={session.csrf} />
              <label for="ui-language">{t('app.language')}</label>
              <select id="ui-language" name="lang">
                {WEB_LANGUAGES.map((l) => (
                  <option value={l} lang={l} selected={l === lang}>
                    {CATALOGUES[l].languageName as string}
                  </option>
                ))}
              </select>{' '}
              <button type="submit" class="secondary">
                {t('app.change')}
              </button>
            </form>
          ) : (
            props.languagePath && (
              <nav aria-label={t('app.language')}>
                <ul>
                  {WEB_LANGUAGES.map((l) => (
                    <li>
                      {l === lang ? (
                        <strong lang={l}>{CATALOGUES[l].languageName as string}</strong>
                      ) : (
                        <a href={`${props.languagePath}?lang=${l}`} lang={l} hreflang={l}>
                          {CATALOGUES[l].languageName as string}
                        </a>
                      )}
                    </li>
                  ))}
                </ul>
              </nav>
            )
          )}
          <p>{t('app.sharedDevice')}</p>
        </footer>
      </body>
    </html>
  );
}

export function FieldError({ id, message }: { id: string; message?: string }) {
  return message ? (
    <p class="error" id={id}>
      {message}
    </p>
  ) : null;
}

export function MessageBody({ title, message, back }: { title: string; message: string; back?: { href: string; label: string } }) {
  return (
    <>
      <h1>{title}</h1>
      <p class="alert" role="alert">
        {message}
      </p>
      {back && (
        <p>
          <a href={back.href}>{back.label}</a>
        </p>
      )}
    </>
  );
}

/** Dates as ISO day, wrapped for bidirectional text. */
export function Day({ value }: { value: Date | null }) {
  return value ? <bdi dir="ltr">{value.toISOString().slice(0, 10)}</bdi> : null;
}

/** A short, non-identifying reference for a record: the first block of its id. */
export function shortRef(id: string): string {
  return id.slice(0, 8).toUpperCase();
}
