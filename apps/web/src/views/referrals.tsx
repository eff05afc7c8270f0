import type { ReferralDetailView, ReferralPacketView, ReferralPage, ReferralView } from '@amani/domain/referrals';
import { DECLINE_REASONS, NOTE_MAX_LENGTH, SERVICE_OUTCOMES } from '@amani/domain/referrals';
import { renderDocument, Translate } from '@amani/html';
import { Csrf, Day, FieldError, Page, PageContext } from './page';

export interface DeclineForm {
  reason: string;
  note: string;
}
export interface CompleteForm {
  outcome: string;
  note: string;
}
/** A form posted back with errors: what was typed, and the message per field. */
export interface ReferralForms {
  decline?: { values: DeclineForm; errors: DeclineForm };
  complete?: { values: CompleteForm; errors: CompleteForm };
  note?: { values: { body: string }; errors: { body: string } };
}

function InboxList({ ctx, id, items }: { ctx: PageContext; id: string; items: ReferralView[] }) {
  const { t } = ctx;
  return (
    <ul class="cards" id={id}>
      {items.map((r) => (
        <li>
          <a href={`/referrals/${r.id}`}>{t('referrals.view', { date: r.createdAt.toISOString().slice(0, 10) })}</a> <span class="tag">{t(`referralState.${r.state}`)}</span>
          {r.overdue && <span class="tag overdue"> {t('referrals.overdue')}</span>}
          <div class="meta">
            {t(`serviceType.${r.serviceType}`)} · {t('referrals.due')} <Day value={r.followUpDueAt} />
          </div>
        </li>
      ))}
    </ul>
  );
}

/** The provider's inbox: waiting for an answer, then accepted, overdue first in each; then every referral, page by page. */
export function inboxPage(ctx: PageContext, pending: ReferralView[], accepted: ReferralView[], page: ReferralPage): string {
  const { t } = ctx;
  const pages = Math.max(1, Math.ceil(page.total / page.pageSize));
  return renderDocument(
    <Page ctx={ctx} title={t('referrals.inboxTitle')}>
      <h1>{t('referrals.inboxTitle')}</h1>
      <h2 id="inbox-pending-title">{t('referrals.waiting')}</h2>
      {pending.length === 0 ? <p>{t('referrals.noneWaiting')}</p> : <InboxList ctx={ctx} id="inbox-pending" items={pending} />}
      <h2 id="inbox-accepted-title">{t('referrals.toComplete')}</h2>
      {accepted.length === 0 ? <p>{t('referrals.noneToComplete')}</p> : <InboxList ctx={ctx} id="inbox-accepted" items={accepted} />}
      <h2>{t('referrals.all')}</h2>
      <p role="status">{t('referrals.count', { count: page.total })}</p>
      {page.items.length === 0 ? <p>{t('referrals.empty')}</p> : <InboxList ctx={ctx} id="referrals" items={page.items} />}
      <nav class="pager" aria-label={t('common.pageOf', { page: page.page, pages })}>
        {page.page > 1 && <a href={`/referrals/incoming?page=${page.page - 1}`}>{t('common.previous')}</a>}
        <span>{t('common.pageOf', { page: page.page, pages })}</span>
        {page.page < pages && <a href={`/referrals/incoming?page=${page.page + 1}`}>{t('common.next')}</a>}
      </nav>
    </Page>,
  );
}

const CODED: Record<string, string> = { sex: 'sex', ageBand: 'ageBand' };

function fieldValue(t: Translate, name: string, value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (name === 'incidentTypes' && Array.isArray(value)) return value.map((v) => t(`gbvType.${String(v)}`)).join(', ');
  if (CODED[name] && typeof value === 'string') return t(`${CODED[name]}.${value}`);
  if (Array.isArray(value)) return value.map(String).join(', ');
  if (typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== null && v !== undefined && v !== '')
      .map(([, v]) => (typeof v === 'string' ? v : JSON.stringify(v)))
      .join(' · ');
  }
  return typeof value === 'string' ? value : JSON.stringify(value);
}

export function referralPage(ctx: PageContext, r: ReferralDetailView, packet: ReferralPacketView | null, isRecipient: boolean, forms: ReferralForms = {}): string {
  const { t } = ctx;
  const { decline, complete } = forms;
  const session = ctx.session!;
  const fields = packet ? Object.entries(packet.fields) : [];
  return renderDocument(
    <Page ctx={ctx} title={t('referrals.title')}>
      {isRecipient && (
        <p>
          <a href="/referrals/incoming">{t('common.back')}</a>
        </p>
      )}
      <h1>{t('referrals.title')}</h1>
      <dl id="referral-summary">
        <dt>{t('referrals.service')}</dt>
        <dd>{t(`serviceType.${r.serviceType}`)}</dd>
        <dt>{t('referrals.status')}</dt>
        <dd id="referral-state">
          {t(`referralState.${r.state}`)}
          {r.overdue && <span class="tag overdue"> {t('referrals.overdue')}</span>}
        </dd>
        {r.declineReason && <dt>{t('referrals.declineReason')}</dt>}
        {r.declineReason && <dd>{t(`declineReason.${r.declineReason}`)}</dd>}
        {r.outcome && <dt>{t('referrals.outcome')}</dt>}
        {r.outcome && <dd id="referral-outcome">{t(`serviceOutcome.${r.outcome}`)}</dd>}
        <dt>{t('referrals.received')}</dt>
        <dd>
          <Day value={r.createdAt} />
        </dd>
        <dt>{t('referrals.due')}</dt>
        <dd>
          <Day value={r.followUpDueAt} />
        </dd>
      </dl>
      {!isRecipient && r.caseId && (
        <p>
          <a href={`/cases/${r.caseId}`}>{t('referrals.backToCase')}</a>
        </p>
      )}
      {!isRecipient && (r.state === 'pending' || r.state === 'accepted') && (
        <form method="post" action={`/referrals/${r.id}/revoke`}>
          <Csrf token={session.csrf} />
          <p class="help" id="revoke-help">
            {t('referrals.revokeHelp')}
          </p>
          <button type="submit" class="secondary" id="revoke" aria-describedby="revoke-help">
            {t('referrals.revoke')}
          </button>
        </form>
      )}
      {isRecipient && (
        <>
          {(packet || r.state === 'pending' || r.state === 'accepted') && <h2>{t('referrals.packet')}</h2>}
          {packet ? (
            fields.length ? (
              <dl id="packet">
                {fields.map(([name, value]) => (
                  <>
                    <dt>{t(`field.${name}`)}</dt>
                    <dd>{fieldValue(t, name, value)}</dd>
                  </>
                ))}
              </dl>
            ) : (
              <p>{t('referrals.noFields')}</p>
            )
          ) : (
            (r.state === 'pending' || r.state === 'accepted') && <p class="note">{t('referrals.packetGone')}</p>
          )}
          {r.state === 'accepted' && (
            <form method="post" action={`/referrals/${r.id}/complete`}>
              <Csrf token={session.csrf} />
              <h2>{t('referrals.complete')}</h2>
              {complete && (
                <p class="alert" role="alert">
                  {t('common.checkErrors')}
                </p>
              )}
              <label for="complete-outcome">{t('referrals.outcome')}</label>
              <FieldError id="complete-outcome-error" message={complete?.errors.outcome} />
              <select id="complete-outcome" name="outcome" required aria-invalid={complete?.errors.outcome ? 'true' : undefined} aria-describedby={complete?.errors.outcome ? 'complete-outcome-error' : undefined}>
                <option value="">—</option>
                {SERVICE_OUTCOMES.map((o) => (
                  <option value={o} selected={complete?.values.outcome === o}>
                    {t(`serviceOutcome.${o}`)}
                  </option>
                ))}
              </select>
              <label for="complete-note">{t('referrals.completeNote')}</label>
              <FieldError id="complete-note-error" message={complete?.errors.note} />
              <textarea id="complete-note" name="note" rows={3} maxlength={NOTE_MAX_LENGTH} aria-invalid={complete?.errors.note ? 'true' : undefined} aria-describedby={complete?.errors.note ? 'complete-note-error' : undefined}>
                {complete?.values.note ?? ''}
              </textarea>
              <button type="submit" id="complete">
                {t('referrals.complete')}
              </button>
            </form>
          )}
          {r.state === 'pending' && (
            <>
              <form method="post" action={`/referrals/${r.id}/accept`}>
                <Csrf token={session.csrf} />
                <button type="submit" id="accept">
                  {t('referrals.accept')}
                </button>
              </form>
              <form method="post" action={`/referrals/${r.id}/decline`}>
                <Csrf token={session.csrf} />
                <h2>{t('referrals.decline')}</h2>
                {decline && (
                  <p class="alert" role="alert">
                    {t('common.checkErrors')}
                  </p>
                )}
                <label for="decline-reason">{t('referrals.declineReason')}</label>
                <FieldError id="decline-reason-error" message={decline?.errors.reason} />
                <select id="decline-reason" name="reason" required aria-invalid={decline?.errors.reason ? 'true' : undefined} aria-describedby={decline?.errors.reason ? 'decline-reason-error' : undefined}>
                  <option value="">—</option>
                  {DECLINE_REASONS.map((d) => (
                    <option value={d} selected={decline?.values.reason === d}>
                      {t(`declineReason.${d}`)}
                    </option>
                  ))}
                </select>
                <label for="decline-note">{t('referrals.declineNote')}</label>
                <FieldError id="decline-note-error" message={decline?.errors.note} />
                <textarea id="decline-note" name="note" rows={3} maxlength={NOTE_MAX_LENGTH} aria-invalid={decline?.errors.note ? 'true' : undefined} aria-describedby={decline?.errors.note ? 'decline-note-error' : undefined}>
                  {decline?.values.note ?? ''}
                </textarea>
                <button type="submit" class="secondary" id="decline">
                  {t('referrals.decline')}
                </button>
              </form>
            </>
          )}
        </>
      )}
      <h2 id="notes-title">{t('referrals.notes')}</h2>
      {r.notes.length === 0 ? (
        <p>{t('referrals.noNotes')}</p>
      ) : (
        <ul class="cards" id="referral-notes" aria-labelledby="notes-title">
          {r.notes.map((n) => (
            <li>
              <p>{n.body}</p>
              <div class="meta">
                <Day value={n.createdAt} />
              </div>
            </li>
          ))}
        </ul>
      )}
      {isRecipient && r.state !== 'declined' && r.state !== 'revoked' && (
        <form method="post" action={`/referrals/${r.id}/notes`}>
          <Csrf token={session.csrf} />
          <label for="note-body">{t('referrals.addNote')}</label>
          <p class="help" id="note-body-help">
            {t('referrals.addNoteHelp')}
          </p>
          <FieldError id="note-body-error" message={forms.note?.errors.body || undefined} />
          <textarea id="note-body" name="body" rows={3} maxlength={NOTE_MAX_LENGTH} required aria-invalid={forms.note?.errors.body ? 'true' : undefined} aria-describedby={forms.note?.errors.body ? 'note-body-help note-body-error' : 'note-body-help'}>
            {forms.note?.values.body ?? ''}
          </textarea>
          <button type="submit" id="add-note">
            {t('referrals.sendNote')}
          </button>
        </form>
      )}
    </Page>,
  );
}
