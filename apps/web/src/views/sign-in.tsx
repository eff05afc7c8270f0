import QRCode from 'qrcode';
import { renderDocument } from '@amani/html';
import { Csrf, FieldError, Page, PageContext } from './page';

export function signInPage(ctx: PageContext, opts: { csrf: string; email?: string; error?: string; notice?: string }): string {
  const { t } = ctx;
  return renderDocument(
    <Page ctx={ctx} title={t('signIn.title')} languagePath="/sign-in">
      <h1>{t('signIn.title')}</h1>
      {opts.notice && (
        <p class="note" role="status">
          {opts.notice}
        </p>
      )}
      {opts.error && (
        <p class="alert" role="alert" id="sign-in-error">
          {opts.error}
        </p>
      )}
      <p>{t('signIn.lead')}</p>
      <form method="post" action="/sign-in" autocomplete="off">
        <Csrf token={opts.csrf} />
        <input type="hidden" name="lang" value={ctx.lang} />
        <label for="email">{t('signIn.email')}</label>
        <input type="email" id="email" name="email" dir="ltr" autocomplete="username" spellcheck={false} required maxlength={254} value={opts.email ?? ''} />
        <label for="password">{t('signIn.password')}</label>
        <input type="password" id="password" name="password" dir="ltr" autocomplete="current-password" required maxlength={1024} />
        <p>
          <button type="submit">{t('signIn.submit')}</button>
        </p>
      </form>
    </Page>,
  );
}

export function codePage(ctx: PageContext, opts: { error?: string }): string {
  const { t } = ctx;
  return renderDocument(
    <Page ctx={ctx} title={t('signIn.codeTitle')}>
      <h1>{t('signIn.codeTitle')}</h1>
      <CodeForm ctx={ctx} error={opts.error} />
    </Page>,
  );
}

function CodeForm({ ctx, error }: { ctx: PageContext; error?: string }) {
  const { t } = ctx;
  return (
    <form method="post" action="/sign-in/code" autocomplete="off">
      <Csrf token={ctx.session!.csrf} />
      <p id="code-help">{t('signIn.codeLead')}</p>
      <label for="code">{t('signIn.code')}</label>
      <FieldError id="code-error" message={error} />
      <input
        type="text"
        id="code"
        name="code"
        dir="ltr"
        inputmode="numeric"
        autocomplete="one-time-code"
        pattern="[0-9]{6}"
        maxlength={6}
        required
        aria-describedby={error ? 'code-help code-error' : 'code-help'}
        aria-invalid={error ? 'true' : undefined}
      />
      <p>
        <button type="submit">{t('signIn.verify')}</button>
      </p>
    </form>
  );
}

/** First sign-in of a role that needs a second factor: a button that creates the key (a POST, so it is never in a URL). */
export function enrolStartPage(ctx: PageContext, opts: { error?: string }): string {
  const { t } = ctx;
  return renderDocument(
    <Page ctx={ctx} title={t('signIn.enrolTitle')}>
      <h1>{t('signIn.enrolTitle')}</h1>
      {opts.error && (
        <p class="alert" role="alert">
          {opts.error}
        </p>
      )}
      <p>{t('signIn.enrolLead')}</p>
      <form method="post" action="/sign-in/enrol">
        <Csrf token={ctx.session!.csrf} />
        <button type="submit">{t('signIn.enrolStart')}</button>
      </form>
    </Page>,
  );
}

/** The QR code as inline SVG drawn from the code's modules: no image request, nothing for the CSP to allow. */
function QrSvg({ text, label }: { text: string; label: string }) {
  const qr = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const size = qr.modules.size;
  const margin = 4;
  let d = '';
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) if (qr.modules.get(y, x)) d += `M${x + margin} ${y + margin}h1v1h-1z`;
  }
  const full = size + 2 * margin;
  return (
    <svg xmlns="http://www.w3.org/2000/svg" viewBox={`0 0 ${full} ${full}`} width="220" height="220" role="img" aria-label={label} shape-rendering="crispEdges">
      <rect width={full} height={full} fill="#fff" />
      <path d={d} fill="#000" />
    </svg>
  );
}

export function enrolPage(ctx: PageContext, enrolment: { secret: string; otpauthUrl: string }): string {
  const { t } = ctx;
  return renderDocument(
    <Page ctx={ctx} title={t('signIn.enrolTitle')}>
      <h1>{t('signIn.enrolTitle')}</h1>
      <p>{t('signIn.enrolLead')}</p>
      <div class="qr">
        <QrSvg text={enrolment.otpauthUrl} label={t('signIn.enrolTitle')} />
      </div>
      <p>{t('signIn.enrolSecret')}</p>
      <p class="secret" dir="ltr" id="totp-secret">
        {enrolment.secret.replace(/(.{4})/g, '$1 ').trim()}
      </p>
      <CodeForm ctx={ctx} />
    </Page>,
  );
}
