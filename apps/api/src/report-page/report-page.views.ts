import { createHash } from 'node:crypto';
import type { ComplainantView, Question, Questionnaire, SeaLanguage } from '@amani/domain/sea';
import { SEA_LANGUAGES } from '@amani/domain/sea';
import { PAGE_TEXTS, PageTexts } from './report-page.i18n';

/**
 * Server-rendered pages for complainants: no script, no third-party asset, no cookie. The
 * only style sheet is inline and allowed by its hash, so the CSP stays `default-src 'none'`.
 */
const CSS = `
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
`;

export const STYLE_HASH = `sha256-${createHash('sha256').update(CSS).digest('base64')}`;

/** The pages' CSP: nothing loads but the inline style above, forms post only here. */
export const REPORT_PAGE_CSP = `default-src 'none'; style-src '${STYLE_HASH}'; img-src 'none'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'`;

export type FieldErrors = Partial<Record<Question['name'], string>>;
export type FormValues = Partial<Record<Question['name'], string>>;

export function esc(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

export function textsFor(lang: SeaLanguage): PageTexts {
  return PAGE_TEXTS[lang];
}

function layout(lang: SeaLanguage, title: string, body: string, languagePath?: string): string {
  const t = PAGE_TEXTS[lang];
  const languages = languagePath
    ? `<nav aria-label="Language">${SEA_LANGUAGES.map((l) =>
        l === lang
          ? `<strong lang="${l}">${esc(PAGE_TEXTS[l].languageName)}</strong>`
          : `<a href="${languagePath}?lang=${l}" lang="${l}" hreflang="${l}">${esc(PAGE_TEXTS[l].languageName)}</a>`,
      ).join(' ')}</nav>`
    : '';
  return `<!doctype html>
<html lang="${lang}" dir="${lang === 'ar' ? 'rtl' : 'ltr'}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta name="robots" content="noindex, nofollow">
<title>${esc(title)} — ${esc(t.siteName)}</title>
<style>${CSS}</style>
</head>
<body>
<header><strong>${esc(t.siteName)}</strong>${languages}</header>
<main>
${body}
</main>
<footer><p>${esc(t.leaveNote)}</p></footer>
</body>
</html>`;
}

function question(q: Question, t: PageTexts, value: string | undefined, error: string | undefined): string {
  const id = `q-${q.name}`;
  const help = q.help ? `<p class="help" id="${id}-help">${esc(q.help)}</p>` : '';
  const err = error ? `<p class="error" id="${id}-error">${esc(error)}</p>` : '';
  const describedBy = [q.help ? `${id}-help` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ');
  const aria = `${describedBy ? ` aria-describedby="${describedBy}"` : ''}${error ? ' aria-invalid="true"' : ''}`;
  const marker = `<span class="help"> (${esc(q.required ? t.required : t.optional)})</span>`;
  if (q.type === 'text') {
    const control =
      q.name === 'narrative'
        ? `<textarea id="${id}" name="${q.name}" maxlength="${q.maxLength}" rows="8"${q.required ? ' required' : ''}${aria}>${esc(value ?? '')}</textarea>`
        : `<input type="text" id="${id}" name="${q.name}" maxlength="${q.maxLength}" autocomplete="off" value="${esc(value ?? '')}"${aria}>`;
    return `<fieldset><label class="q" for="${id}">${esc(q.label)}${marker}</label>${help}${err}${control}</fieldset>`;
  }
  if (q.name === 'regionCode') {
    const options = (q.options ?? [])
      .map((o) => `<option value="${esc(o.value)}"${o.value === (value ?? '') ? ' selected' : ''}>${esc(o.label)}</option>`)
      .join('');
    return `<fieldset><label class="q" for="${id}">${esc(q.label)}${marker}</label>${help}${err}<select id="${id}" name="${q.name}"${aria}>${options}</select></fieldset>`;
  }
  const options = (q.options ?? [])
    .map(
      (o, i) =>
        `<label class="opt" for="${id}-${i}"><input type="radio" id="${id}-${i}" name="${q.name}" value="${esc(o.value)}"${o.value === value ? ' checked' : ''}${q.required ? ' required' : ''}>${esc(o.label)}</label>`,
    )
    .join('');
  return `<fieldset${aria}><legend>${esc(q.label)}${marker}</legend>${help}${err}${options}</fieldset>`;
}

export function formPage(q: Questionnaire, values: FormValues = {}, errors: FieldErrors = {}): string {
  const t = PAGE_TEXTS[q.lang];
  const hasErrors = Object.keys(errors).length > 0;
  const body = `<h1>${esc(q.title)}</h1>
<p>${esc(q.intro)}</p>
<p class="safety">${esc(t.safety)}</p>
${hasErrors ? `<p class="alert" role="alert">${esc(t.checkErrors)}</p>` : ''}
<form method="post" action="/report" autocomplete="off" accept-charset="utf-8">
<input type="hidden" name="lang" value="${q.lang}">
${q.questions.map((x) => question(x, t, values[x.name], errors[x.name])).join('\n')}
<p><button type="submit">${esc(t.send)}</button></p>
</form>
<p><a href="/report/follow-up?lang=${q.lang}">${esc(t.followUpLink)}</a></p>`;
  return layout(q.lang, q.title, body, '/report');
}

export function receiptPage(lang: SeaLanguage, receipt: string): string {
  const t = PAGE_TEXTS[lang];
  const body = `<h1>${esc(t.receiptTitle)}</h1>
<p>${esc(t.receiptLead)}</p>
<h2>${esc(t.receiptLabel)}</h2>
<p class="receipt" dir="ltr"><bdi id="receipt">${esc(receipt)}</bdi></p>
<p class="safety" role="note">${esc(t.receiptKeepSafe)}</p>
<p><a href="/report/follow-up?lang=${lang}">${esc(t.followUpLink)}</a></p>`;
  return layout(lang, t.receiptTitle, body);
}

export function followUpPage(lang: SeaLanguage, error?: string): string {
  const t = PAGE_TEXTS[lang];
  const body = `<h1>${esc(t.followUpTitle)}</h1>
<p>${esc(t.followUpLead)}</p>
${error ? `<p class="alert" role="alert">${esc(error)}</p>` : ''}
<form method="post" action="/report/follow-up" autocomplete="off" accept-charset="utf-8">
<input type="hidden" name="lang" value="${lang}">
<fieldset><label class="q" for="receipt">${esc(t.receiptInput)}</label>
<input type="text" id="receipt" name="receipt" dir="ltr" inputmode="numeric" autocomplete="off" spellcheck="false" maxlength="40" required></fieldset>
<p><button type="submit">${esc(t.check)}</button></p>
</form>
<p><a href="/report?lang=${lang}">${esc(t.newReportLink)}</a></p>`;
  return layout(lang, t.followUpTitle, body, '/report/follow-up');
}

export function statusPage(lang: SeaLanguage, receipt: string, view: ComplainantView, error?: string): string {
  const t = PAGE_TEXTS[lang];
  const messages = view.messages.length
    ? view.messages
        .map(
          (m) =>
            `<div class="msg${m.from === 'focal_point' ? ' team' : ''}"><span class="who">${esc(m.from === 'focal_point' ? t.fromTeam : t.fromYou)} · <bdi dir="ltr">${esc(m.sentOn)}</bdi></span>${esc(m.body)}</div>`,
        )
        .join('\n')
    : `<p>${esc(t.noMessages)}</p>`;
  const body = `<h1>${esc(t.statusTitle)}</h1>
<dl>
<dt>${esc(t.statusLabel)}</dt><dd id="status">${esc(t.statuses[view.status])}</dd>
${view.outcome ? `<dt>${esc(t.outcomeLabel)}</dt><dd id="outcome">${esc(t.outcomes[view.outcome])}</dd>` : ''}
<dt>${esc(t.receivedLabel)}</dt><dd><bdi dir="ltr">${esc(view.receivedOn)}</bdi></dd>
</dl>
<h2>${esc(t.messagesTitle)}</h2>
<section id="messages">${messages}</section>
${error ? `<p class="alert" role="alert">${esc(error)}</p>` : ''}
<form method="post" action="/report/follow-up/messages" autocomplete="off" accept-charset="utf-8">
<input type="hidden" name="lang" value="${lang}">
<input type="hidden" name="receipt" value="${esc(receipt)}">
<fieldset><label class="q" for="body">${esc(t.replyLabel)}</label>
<textarea id="body" name="body" rows="5" maxlength="5000" required></textarea></fieldset>
<p><button type="submit">${esc(t.sendMessage)}</button></p>
</form>`;
  return layout(lang, t.statusTitle, body);
}

export function messagePage(lang: SeaLanguage, title: string, message: string): string {
  const t = PAGE_TEXTS[lang];
  const body = `<h1>${esc(title)}</h1>
<p class="alert" role="alert">${esc(message)}</p>
<p><a href="/report?lang=${lang}">${esc(t.newReportLink)}</a> · <a href="/report/follow-up?lang=${lang}">${esc(t.followUpLink)}</a></p>`;
  return layout(lang, title, body);
}
