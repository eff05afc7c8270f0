import type { ComponentChildren } from 'preact';
import type { ComplainantView, Question, Questionnaire, SeaLanguage } from '@amani/domain/sea';
import { SEA_LANGUAGES } from '@amani/domain/sea';
import { InlineStyle, pageCsp, renderDocument, styleSheet } from '@amani/html';
import { PAGE_TEXTS, PageTexts } from './report-page.i18n';

/**
 * Server-rendered pages for complainants: no script, no third-party asset, no cookie. The
 * only style sheet is inline and allowed by its hash, so the CSP stays `default-src 'none'`.
 */
const SHEET = styleSheet(`
*{box-sizing:border-box}
body{margin:0;font:1.05rem/1.5 system-ui,"Segoe UI","Noto Sans","Noto Naskh Arabic",Tahoma,sans-serif;color:#1b1b1b;background:#f6f6f3}
header,main,footer{max-width:44rem;margin:0 auto;padding:0.75rem 1rem}
header{display:flex;flex-wrap:wrap;gap:0.5rem 1rem;align-items:baseline;justify-content:space-between;border-bottom:1px solid #ccc}
header strong{font-size:1.1rem}
nav a{margin-inline-end:0.75rem}
h1{font-size:1.5rem;line-height:1.25}
a{color:#0b4f8a}
.safety{background:#fff4d6;border-inline-start:4px solid #b07d00;padding:0.5rem 0.75rem}
fieldset{border:1px solid #bbb;border-radius:6px;margin:0 0 1rem;padding:0.5rem 0.9rem 0.8rem;background:#fff}
legend,label.q{font-weight:600;padding:0 0.25rem}
.help{color:#444;font-size:0.95rem;margin:0.2rem 0 0.4rem}
.opt{display:block;padding:0.3rem 0}
.opt input{margin-inline-end:0.5rem;transform:scale(1.2)}
textarea,input[type=text],select{width:100%;font:inherit;padding:0.5rem;border:1px solid #888;border-radius:4px;background:#fff}
textarea{min-height:10rem}
button{font:inherit;font-weight:600;padding:0.7rem 1.4rem;border:0;border-radius:6px;background:#0b4f8a;color:#fff;cursor:pointer}
.error{color:#a00000;font-weight:600}
.alert{background:#fde8e8;border-inline-start:4px solid #a00000;padding:0.5rem 0.75rem}
.receipt{font:700 clamp(1rem,5.2vw,1.6rem)/1.4 ui-monospace,Menlo,Consolas,monospace;background:#fff;border:2px dashed #0b4f8a;padding:0.75rem 0.25rem;text-align:center}
dl{display:grid;grid-template-columns:max-content 1fr;gap:0.25rem 1rem}
dt{font-weight:600}
.msg{background:#fff;border:1px solid #ccc;border-radius:6px;padding:0.5rem 0.75rem;margin:0 0 0.5rem;white-space:pre-wrap}
.msg.team{border-inline-start:4px solid #0b4f8a}
.msg .who{font-weight:600;display:block;white-space:normal}
footer{color:#555;font-size:0.9rem}
`);

export const STYLE_HASH = SHEET.hash;

/** The pages' CSP: nothing loads but the inline style above, forms post only here. */
export const REPORT_PAGE_CSP = pageCsp(SHEET);

export type FieldErrors = Partial<Record<Question['name'], string>>;
export type FormValues = Partial<Record<Question['name'], string>>;

export function textsFor(lang: SeaLanguage): PageTexts {
  return PAGE_TEXTS[lang];
}

function Layout(props: { lang: SeaLanguage; title: string; languagePath?: string; children: ComponentChildren }) {
  const { lang, title, languagePath } = props;
  const t = PAGE_TEXTS[lang];
  return (
    <html lang={lang} dir={lang === 'ar' ? 'rtl' : 'ltr'}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="no-referrer" />
        <meta name="robots" content="noindex, nofollow" />
        <title>{`${title} — ${t.siteName}`}</title>
        <InlineStyle sheet={SHEET} />
      </head>
      <body>
        <header>
          <strong>{t.siteName}</strong>
          {languagePath && (
            <nav aria-label="Language">
              {SEA_LANGUAGES.map((l) =>
                l === lang ? (
                  <strong lang={l}>{PAGE_TEXTS[l].languageName} </strong>
                ) : (
                  <a href={`${languagePath}?lang=${l}`} lang={l} hreflang={l}>
                    {PAGE_TEXTS[l].languageName}{' '}
                  </a>
                ),
              )}
            </nav>
          )}
        </header>
        <main>{props.children}</main>
        <footer>
          <p>{t.leaveNote}</p>
        </footer>
      </body>
    </html>
  );
}

function QuestionField({ q, t, value, error }: { q: Question; t: PageTexts; value: string | undefined; error: string | undefined }) {
  const id = `q-${q.name}`;
  const help = q.help ? (
    <p class="help" id={`${id}-help`}>
      {q.help}
    </p>
  ) : null;
  const err = error ? (
    <p class="error" id={`${id}-error`}>
      {error}
    </p>
  ) : null;
  const describedBy = [q.help ? `${id}-help` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
  const invalid = error ? 'true' : undefined;
  const marker = <span class="help"> ({q.required ? t.required : t.optional})</span>;
  if (q.type === 'text') {
    const control =
      q.name === 'narrative' ? (
        <textarea id={id} name={q.name} maxlength={q.maxLength} rows={8} required={q.required} aria-describedby={describedBy} aria-invalid={invalid}>
          {value ?? ''}
        </textarea>
      ) : (
        <input type="text" id={id} name={q.name} maxlength={q.maxLength} autocomplete="off" value={value ?? ''} aria-describedby={describedBy} aria-invalid={invalid} />
      );
    return (
      <fieldset>
        <label class="q" for={id}>
          {q.label}
          {marker}
        </label>
        {help}
        {err}
        {control}
      </fieldset>
    );
  }
  if (q.name === 'regionCode') {
    return (
      <fieldset>
        <label class="q" for={id}>
          {q.label}
          {marker}
        </label>
        {help}
        {err}
        <select id={id} name={q.name} aria-describedby={describedBy} aria-invalid={invalid}>
          {(q.options ?? []).map((o) => (
            <option value={o.value} selected={o.value === (value ?? '')}>
              {o.label}
            </option>
          ))}
        </select>
      </fieldset>
    );
  }
  return (
    <fieldset aria-describedby={describedBy} aria-invalid={invalid}>
      <legend>
        {q.label}
        {marker}
      </legend>
      {help}
      {err}
      {(q.options ?? []).map((o, i) => (
        <label class="opt" for={`${id}-${i}`}>
          <input type="radio" id={`${id}-${i}`} name={q.name} value={o.value} checked={o.value === value} required={q.required} />
          {o.label}
        </label>
      ))}
    </fieldset>
  );
}

/** The cap in megabytes as the pages state it (one decimal below 10, never rounded up). */
export function megabytes(bytes: number): string {
  const mb = bytes / (1024 * 1024);
  return String(mb >= 10 ? Math.floor(mb) : Math.floor(mb * 10) / 10);
}

/**
 * The optional evidence field: one file, last in the form so every answer is read before it.
 * `accept` only helps the picker; the server recognises the content whatever its name.
 */
function EvidenceField({ t, maxBytes }: { t: PageTexts; maxBytes: number }) {
  return (
    <fieldset>
      <label class="q" for="evidence">
        {t.evidenceLabel}
        <span class="help"> ({t.optional})</span>
      </label>
      <p class="help" id="evidence-help">
        {t.evidenceHelp.replace('{mb}', megabytes(maxBytes))}
      </p>
      <input type="file" id="evidence" name="evidence" accept="image/jpeg,image/png,application/pdf" aria-describedby="evidence-help" />
    </fieldset>
  );
}

/** With `evidenceMaxBytes` the form takes one file too (multipart). */
export function formPage(q: Questionnaire, values: FormValues = {}, errors: FieldErrors = {}, evidenceMaxBytes?: number): string {
  const t = PAGE_TEXTS[q.lang];
  const hasErrors = Object.keys(errors).length > 0;
  return renderDocument(
    <Layout lang={q.lang} title={q.title} languagePath="/report">
      <h1>{q.title}</h1>
      <p>{q.intro}</p>
      <p class="safety">{t.safety}</p>
      {hasErrors && (
        <p class="alert" role="alert">
          {t.checkErrors}
        </p>
      )}
      <form method="post" action="/report" autocomplete="off" accept-charset="utf-8" enctype={evidenceMaxBytes ? 'multipart/form-data' : undefined}>
        <input type="hidden" name="lang" value={q.lang} />
        {q.questions.map((x) => (
          <QuestionField q={x} t={t} value={values[x.name]} error={errors[x.name]} />
        ))}
        {evidenceMaxBytes && <EvidenceField t={t} maxBytes={evidenceMaxBytes} />}
        <p>
          <button type="submit">{t.send}</button>
        </p>
      </form>
      <p>
        <a href={`/report/follow-up?lang=${q.lang}`}>{t.followUpLink}</a>
      </p>
    </Layout>,
  );
}

export function receiptPage(lang: SeaLanguage, receipt: string): string {
  const t = PAGE_TEXTS[lang];
  return renderDocument(
    <Layout lang={lang} title={t.receiptTitle}>
      <h1>{t.receiptTitle}</h1>
      <p>{t.receiptLead}</p>
      <h2>{t.receiptLabel}</h2>
      <p class="receipt" dir="ltr">
        <bdi id="receipt">{receipt}</bdi>
      </p>
      <p class="safety" role="note">
        {t.receiptKeepSafe}
      </p>
      <p>
        <a href={`/report/follow-up?lang=${lang}`}>{t.followUpLink}</a>
      </p>
    </Layout>,
  );
}

export function followUpPage(lang: SeaLanguage, error?: string): string {
  const t = PAGE_TEXTS[lang];
  return renderDocument(
    <Layout lang={lang} title={t.followUpTitle} languagePath="/report/follow-up">
      <h1>{t.followUpTitle}</h1>
      <p>{t.followUpLead}</p>
      {error && (
        <p class="alert" role="alert">
          {error}
        </p>
      )}
      <form method="post" action="/report/follow-up" autocomplete="off" accept-charset="utf-8">
        <input type="hidden" name="lang" value={lang} />
        <fieldset>
          <label class="q" for="receipt">
            {t.receiptInput}
          </label>
          <input type="text" id="receipt" name="receipt" dir="ltr" inputmode="numeric" autocomplete="off" spellcheck={false} maxlength={40} required />
        </fieldset>
        <p>
          <button type="submit">{t.check}</button>
        </p>
      </form>
      <p>
        <a href={`/report?lang=${lang}`}>{t.newReportLink}</a>
      </p>
    </Layout>,
  );
}

/** With `evidenceMaxBytes` the reply form takes one file too (multipart); `notice` confirms a control action. */
export function statusPage(lang: SeaLanguage, receipt: string, view: ComplainantView, error?: string, opts: { notice?: string; evidenceMaxBytes?: number } = {}): string {
  const { notice, evidenceMaxBytes } = opts;
  const t = PAGE_TEXTS[lang];
  return renderDocument(
    <Layout lang={lang} title={t.statusTitle}>
      <h1>{t.statusTitle}</h1>
      {notice && (
        <p class="safety" role="status" id="notice">
          {notice}
        </p>
      )}
      <dl>
        <dt>{t.statusLabel}</dt>
        <dd id="status">{t.statuses[view.status]}</dd>
        {view.outcome && <dt>{t.outcomeLabel}</dt>}
        {view.outcome && <dd id="outcome">{t.outcomes[view.outcome]}</dd>}
        <dt>{t.receivedLabel}</dt>
        <dd>
          <bdi dir="ltr">{view.receivedOn}</bdi>
        </dd>
      </dl>
      <h2>{t.messagesTitle}</h2>
      <section id="messages">
        {view.messages.length ? (
          view.messages.map((m) => (
            <div class={m.from === 'focal_point' ? 'msg team' : 'msg'}>
              <span class="who">
                {m.from === 'focal_point' ? t.fromTeam : t.fromYou} · <bdi dir="ltr">{m.sentOn}</bdi>
              </span>
              {m.body}
            </div>
          ))
        ) : (
          <p>{t.noMessages}</p>
        )}
      </section>
      {error && (
        <p class="alert" role="alert">
          {error}
        </p>
      )}
      <form method="post" action="/report/follow-up/messages" autocomplete="off" accept-charset="utf-8" enctype={evidenceMaxBytes ? 'multipart/form-data' : undefined}>
        <input type="hidden" name="lang" value={lang} />
        <input type="hidden" name="receipt" value={receipt} />
        <fieldset>
          <label class="q" for="body">
            {t.replyLabel}
          </label>
          <textarea id="body" name="body" rows={5} maxlength={5000} required />
        </fieldset>
        {evidenceMaxBytes && <EvidenceField t={t} maxBytes={evidenceMaxBytes} />}
        <p>
          <button type="submit">{t.sendMessage}</button>
        </p>
      </form>
      {view.messagesDeclined && (
        <p class="help" id="messages-declined">
          {t.messagesDeclinedNote}
        </p>
      )}
      <ControlForms lang={lang} receipt={receipt} view={view} />
    </Layout>,
  );
}

/** The complainant's control: each action is a form carrying the receipt, then a confirmation step. */
export const CONTROL_ACTIONS = ['change-receipt', 'erase-contact', 'decline-messages', 'withdraw'] as const;
export type ControlAction = (typeof CONTROL_ACTIONS)[number];

function controlTexts(t: PageTexts, action: ControlAction): { label: string; help: string } {
  switch (action) {
    case 'withdraw':
      return { label: t.withdrawLabel, help: t.withdrawHelp };
    case 'erase-contact':
      return { label: t.eraseContactLabel, help: t.eraseContactHelp };
    case 'decline-messages':
      return { label: t.declineMessagesLabel, help: t.declineMessagesHelp };
    case 'change-receipt':
      return { label: t.changeReceiptLabel, help: t.changeReceiptHelp };
  }
}

function ControlForms({ lang, receipt, view }: { lang: SeaLanguage; receipt: string; view: ComplainantView }) {
  const t = PAGE_TEXTS[lang];
  const offered = CONTROL_ACTIONS.filter((a) => (a === 'erase-contact' ? view.contactOnFile : a === 'decline-messages' ? !view.messagesDeclined : true));
  return (
    <section aria-labelledby="controls-title" id="controls">
      <h2 id="controls-title">{t.controlsTitle}</h2>
      <p>{t.controlsLead}</p>
      {offered.map((action) => {
        const { label, help } = controlTexts(t, action);
        return (
          <form method="post" action={`/report/follow-up/${action}`} autocomplete="off" accept-charset="utf-8" id={`control-${action}`}>
            <input type="hidden" name="lang" value={lang} />
            <input type="hidden" name="receipt" value={receipt} />
            <fieldset>
              <p class="help" id={`control-${action}-help`}>
                {help}
              </p>
              <button type="submit" aria-describedby={`control-${action}-help`}>
                {label}
              </button>
            </fieldset>
          </form>
        );
      })}
    </section>
  );
}

/** The second step of a control action: what it does, then "yes" (posts `confirm=yes`) or back to the status page. */
export function confirmPage(lang: SeaLanguage, receipt: string, action: ControlAction): string {
  const t = PAGE_TEXTS[lang];
  const { label, help } = controlTexts(t, action);
  return renderDocument(
    <Layout lang={lang} title={t.confirmTitle}>
      <h1>{t.confirmTitle}</h1>
      <h2>{label}</h2>
      <p class={action === 'withdraw' ? 'alert' : 'safety'} id="confirm-help">
        {help}
      </p>
      <form method="post" action={`/report/follow-up/${action}`} autocomplete="off" accept-charset="utf-8" id="confirm">
        <input type="hidden" name="lang" value={lang} />
        <input type="hidden" name="receipt" value={receipt} />
        <input type="hidden" name="confirm" value="yes" />
        <p>
          <button type="submit" aria-describedby="confirm-help">
            {t.confirmYes}
          </button>
        </p>
      </form>
      <form method="post" action="/report/follow-up" autocomplete="off" accept-charset="utf-8" id="cancel">
        <input type="hidden" name="lang" value={lang} />
        <input type="hidden" name="receipt" value={receipt} />
        <p>
          <button type="submit">{t.confirmNo}</button>
        </p>
      </form>
    </Layout>,
  );
}

/** What a withdrawn receipt shows, right after withdrawal and whenever it is entered again. */
export function withdrawnPage(lang: SeaLanguage): string {
  const t = PAGE_TEXTS[lang];
  return renderDocument(
    <Layout lang={lang} title={t.withdrawnTitle}>
      <h1>{t.withdrawnTitle}</h1>
      <dl>
        <dt>{t.statusLabel}</dt>
        <dd id="status">{t.statuses.withdrawn}</dd>
      </dl>
      <p>{t.withdrawnLead}</p>
      <p>
        <a href={`/report?lang=${lang}`}>{t.newReportLink}</a>
      </p>
    </Layout>,
  );
}

/** A replaced receipt, shown once. */
export function newReceiptPage(lang: SeaLanguage, receipt: string): string {
  const t = PAGE_TEXTS[lang];
  return renderDocument(
    <Layout lang={lang} title={t.newReceiptTitle}>
      <h1>{t.newReceiptTitle}</h1>
      <p class="safety" role="note">
        {t.newReceiptLead}
      </p>
      <h2>{t.receiptLabel}</h2>
      <p class="receipt" dir="ltr">
        <bdi id="receipt">{receipt}</bdi>
      </p>
      <p>
        <a href={`/report/follow-up?lang=${lang}`}>{t.followUpLink}</a>
      </p>
    </Layout>,
  );
}

export function messagePage(lang: SeaLanguage, title: string, message: string): string {
  const t = PAGE_TEXTS[lang];
  return renderDocument(
    <Layout lang={lang} title={title}>
      <h1>{title}</h1>
      <p class="alert" role="alert">
        {message}
      </p>
      <p>
        <a href={`/report?lang=${lang}`}>{t.newReportLink}</a> · <a href={`/report/follow-up?lang=${lang}`}>{t.followUpLink}</a>
      </p>
    </Layout>,
  );
}
