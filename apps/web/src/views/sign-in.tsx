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
      <p>
        <a href={`/invitation?lang=${ctx.lang}`}>{t('signIn.invited')}</a>
      </p>
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

export interface InvitationErrors {
  token?: string;
  password?: string;
  confirm?: string;
  form?: string;
}

/**
 * First sign-in from an invitation: the code received from the administrator and a new
 * password, twice. A form, not a link: the code would otherwise sit in the browser's history.
 * Nothing typed here comes back in the page (all three are secrets).
 */
export function invitationPage(ctx: PageContext, opts: { csrf: string; errors: InvitationErrors }): string {
  const { t } = ctx;
  const { errors } = opts;
  const described = (id: string, help: boolean) => [help ? `${id}-help` : '', errors[id.replace('inv-', '') as keyof InvitationErrors] ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
  return renderDocument(
    <Page ctx={ctx} title={t('invitation.title')} languagePath="/invitation">
      <h1>{t('invitation.title')}</h1>
      {(errors.form || errors.token || errors.password || errors.confirm) && (
        <p class="alert" role="alert" id="invitation-error">
          {errors.form ?? t('common.checkErrors')}
        </p>
      )}
      <p>{t('invitation.lead')}</p>
      <form method="post" action="/invitation" autocomplete="off">
        <Csrf token={opts.csrf} />
        <input type="hidden" name="lang" value={ctx.lang} />
        <label for="inv-token">{t('invitation.token')}</label>
        <p class="help" id="inv-token-help">
          {t('invitation.tokenHelp')}
        </p>
        <FieldError id="inv-token-error" message={errors.token} />
        <input type="password" id="inv-token" name="token" dir="ltr" autocomplete="off" required maxlength={200} aria-describedby={described('inv-token', true)} aria-invalid={errors.token ? 'true' : undefined} />
        <label for="inv-password">{t('invitation.password')}</label>
        <p class="help" id="inv-password-help">
          {t('invitation.passwordHelp')}
        </p>
        <FieldError id="inv-password-error" message={errors.password} />
        <input type="password" id="inv-password" name="password" dir="ltr" autocomplete="new-password" required maxlength={1024} aria-describedby={described('inv-password', true)} aria-invalid={errors.password ? 'true' : undefined} />
        <label for="inv-confirm">{t('invitation.confirm')}</label>
        <FieldError id="inv-confirm-error" message={errors.confirm} />
        <input type="password" id="inv-confirm" name="confirm" dir="ltr" autocomplete="new-password" required maxlength={1024} aria-describedby={described('inv-confirm', false)} aria-invalid={errors.confirm ? 'true' : undefined} />
        <p>
          <button type="submit">{t('invitation.submit')}</button>
        </p>
      </form>
      <p>
        <a href={`/sign-in?lang=${ctx.lang}`}>{t('invitation.haveAccount')}</a>
      </p>
    </Page>,
  );
}

/** Four eyes: the account exists and has its second factor, but a second person has not approved it yet. */
export function awaitingApprovalPage(ctx: PageContext): string {
  const { t } = ctx;
  return renderDocument(
    <Page ctx={ctx} title={t('invitation.awaitingTitle')}>
      <h1>{t('invitation.awaitingTitle')}</h1>
      <p class="note" role="status" id="awaiting">
        {t('invitation.awaiting')}
      </p>
      <form method="post" action="/sign-out">
        <Csrf token={ctx.session!.csrf} />
        <button type="submit">{t('app.signOut')}</button>
      </form>
    </Page>,
  );
}
