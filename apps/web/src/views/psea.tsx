import type { ServiceType } from '@amani/auth';
import {
  ComplaintDetailView,
  ComplaintPage,
  CONTACT_MAX,
  FocalPointView,
  IncomingAssistanceView,
  KeyStatus,
  MESSAGE_MAX,
  SEA_CATEGORIES,
  SEA_DATE_BANDS,
  SEA_ENTITY_TYPES,
  SEA_OUTCOMES,
  SEA_STATUSES,
  SEA_VICTIM_AGE_BANDS,
  SEA_VICTIM_SEXES,
  SEA_INTERIM_MEASURES,
  SEA_INVESTIGATION_TEXT_MAX,
  SEA_VICTIM_ASSISTANCE_STATUSES,
  SeaStatus,
  seaTransitionAllowed,
} from '@amani/domain/sea';
import { renderDocument, Translate } from '@amani/html';
import { Checkboxes, FormAlert, FormErrors, FormValues, Section, SelectField, TextArea, TextField } from './forms';
import { Csrf, MessageBody, Page, PageContext, shortRef } from './page';

// The PSEA focal point workspace: coded list, one complaint, key custody; and the receiving
// agency's list of assistance requests. Titles and URLs carry codes and ids only.

export const ASSISTANCE_SUMMARY_MAX = 2000;
export const SURVIVOR_NAME_MAX = 200;

/** A form posted back with errors: what was typed and the message per field. */
export interface PostedForm {
  values: FormValues;
  errors: FormErrors;
}

export interface ComplaintForms {
  reply?: PostedForm;
  note?: PostedForm;
  status?: PostedForm;
  outcome?: PostedForm;
  assistance?: PostedForm;
  entityReferral?: PostedForm;
  victim?: PostedForm;
}

/** An active entry of the directory of entities, as the referral form offers it. */
export interface EntityOption {
  id: string;
  name: string;
}

/** A receiving service as the assistance form offers it: value `agencyId:serviceType`. */
export interface AssistanceOption {
  agencyId: string;
  agencyName: string;
  serviceType: ServiceType;
}

const Iso = ({ value }: { value: string }) => <bdi dir="ltr">{value}</bdi>;

function options(t: Translate, prefix: string, codes: readonly string[]): [string, string][] {
  return codes.map((c) => [c, t(`${prefix}.${c}`)]);
}

function KeyBanner({ ctx, state }: { ctx: PageContext; state: KeyStatus }) {
  const { t } = ctx;
  if (!state.hasKeys) {
    return (
      <p class="alert" id="key-state">
        {t('psea.keyMissing')} <a href="/psea/keys">{t('psea.keysLink')}</a>
      </p>
    );
  }
  if (!state.unlocked) {
    return (
      <p class="alert" id="key-state">
        {t('psea.keyLocked')} <a href="/psea/unlock">{t('psea.unlockLink')}</a>
      </p>
    );
  }
  return (
    <p class="note" id="key-state">
      {t('psea.keyUnlocked')}
    </p>
  );
}

/** The coded list: overdue first (the domain orders it), status filter, paging. */
export function complaintListPage(ctx: PageContext, page: ComplaintPage, status: SeaStatus | '', key: KeyStatus): string {
  const { t } = ctx;
  const pages = Math.max(1, Math.ceil(page.total / page.pageSize));
  const q = (n: number) => `/psea?${status ? `status=${status}&` : ''}page=${n}`;
  return renderDocument(
    <Page ctx={ctx} title={t('psea.listTitle')}>
      <h1>{t('psea.listTitle')}</h1>
      <KeyBanner ctx={ctx} state={key} />
      <form method="get" action="/psea" class="filters">
        <SelectField form="filter" name="status" label={t('psea.status')} values={{ status }} errors={{}} options={options(t, 'pseaCodes.status', SEA_STATUSES)} empty={t('common.any')} />
        <div>
          <button type="submit" class="secondary">
            {t('common.apply')}
          </button>
        </div>
      </form>
      <p role="status">{t('psea.count', { count: page.total })}</p>
      {page.items.length === 0 ? (
        <p>{t('psea.empty')}</p>
      ) : (
        <ul class="cards" id="complaints">
          {page.items.map((c) => (
            <li>
              <a href={`/psea/complaints/${c.id}`} aria-label={t('psea.open', { ref: shortRef(c.id) })}>
                <strong dir="ltr">{shortRef(c.id)}</strong>
              </a>{' '}
              <span class="tag">{t(`pseaCodes.status.${c.status}`)}</span>
              {c.overdue.map((k) => (
                <span class="tag overdue"> {t(`pseaCodes.overdue.${k}`)}</span>
              ))}
              {!c.hasAccess && <span class="tag"> {t('psea.noKeyTag')}</span>}
              <div class="meta">
                {t(`pseaCodes.category.${c.category}`)} · {t(`pseaCodes.entity.${c.entityType}`)} · {t(`pseaCodes.dateBand.${c.dateBand}`)}
              </div>
              <div class="meta">
                {t('psea.received')} <Iso value={c.receivedOn} />
              </div>
            </li>
          ))}
        </ul>
      )}
      <nav class="pager" aria-label={t('common.pageOf', { page: page.page, pages })}>
        {page.page > 1 && <a href={q(page.page - 1)}>{t('common.previous')}</a>}
        <span>{t('common.pageOf', { page: page.page, pages })}</span>
        {page.page < pages && <a href={q(page.page + 1)}>{t('common.next')}</a>}
      </nav>
      <p>
        <a href="/psea/keys">{t('psea.keysLink')}</a>
      </p>
    </Page>,
  );
}

/** The passphrase form that unlocks the key for this session (the passphrase is never kept). */
export function unlockPage(ctx: PageContext, error?: string): string {
  const { t } = ctx;
  const errors: FormErrors = error ? { password: error } : {};
  return renderDocument(
    <Page ctx={ctx} title={t('psea.unlockTitle')}>
      <h1>{t('psea.unlockTitle')}</h1>
      <p>{t('psea.unlockLead')}</p>
      <FormAlert errors={errors} message={t('common.checkErrors')} />
      <form method="post" action="/psea/unlock">
        <Csrf token={ctx.session!.csrf} />
        <PasswordField id="unlock-password" name="password" label={t('psea.passphrase')} error={errors.password} autocomplete="current-password" />
        <button type="submit" id="unlock-submit">
          {t('psea.unlock')}
        </button>
      </form>
      <p>
        <a href="/psea/keys">{t('psea.keysLink')}</a>
      </p>
    </Page>,
  );
}

function PasswordField({ id, name, label, error, autocomplete, help }: { id: string; name: string; label: string; error?: string; autocomplete: string; help?: string }) {
  const described = [help ? `${id}-help` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div class="field">
      <label for={id}>{label}</label>
      {help && (
        <p class="help" id={`${id}-help`}>
          {help}
        </p>
      )}
      {error && (
        <p class="error" id={`${id}-error`}>
          {error}
        </p>
      )}
      <input type="password" id={id} name={name} required autocomplete={autocomplete} maxlength={1024} aria-invalid={error ? 'true' : undefined} aria-describedby={described} />
    </div>
  );
}

/** A complaint page that cannot show content: locked key (423) or no grant (403). Never any content. */
export function complaintClosedPage(ctx: PageContext, reason: 'locked' | 'no_access' | 'shredded'): string {
  const { t } = ctx;
  const title = t(`psea.${reason}Title`);
  return renderDocument(
    <Page ctx={ctx} title={title}>
      <MessageBody title={title} message={t(`psea.${reason}`)} back={{ href: '/psea', label: t('psea.backToList') }} />
      {reason === 'locked' && (
        <p>
          <a href="/psea/unlock" id="unlock-link">
            {t('psea.unlockLink')}
          </a>
        </p>
      )}
    </Page>,
  );
}

function Paragraphs({ id, text }: { id: string; text: string }) {
  return (
    <div id={id} class="written">
      {text.split(/\r?\n/).map((line) => (
        <p dir="auto">{line}</p>
      ))}
    </div>
  );
}

export function complaintPage(ctx: PageContext, c: ComplaintDetailView, services: AssistanceOption[], forms: ComplaintForms = {}, entities: EntityOption[] = []): string {
  const { t } = ctx;
  const csrf = ctx.session!.csrf;
  const next = SEA_STATUSES.filter((s) => seaTransitionAllowed(c.status, s));
  const ref = shortRef(c.id);
  const statusForm = forms.status ?? {
    values: { category: c.category, entityType: c.entityType, victimSex: c.victimSex, victimAgeBand: c.victimAgeBand, dateBand: c.dateBand, regionCode: c.regionCode ?? '' },
    errors: {},
  };
  const empty: PostedForm = { values: {}, errors: {} };
  const reply = forms.reply ?? empty;
  const note = forms.note ?? empty;
  const outcome = forms.outcome ?? { values: { outcome: c.outcome ?? '' }, errors: {} };
  const assistance = forms.assistance ?? empty;
  const r = c.entityReferral;
  const referralForm = forms.entityReferral ?? {
    values: r
      ? { entityId: r.entityId, referredOn: r.referredOn, acknowledgedOn: r.acknowledgedOn ?? '', interimMeasures: r.interimMeasures, interimNote: r.interimNote ?? '' }
      : { referredOn: new Date().toISOString().slice(0, 10) },
    errors: {},
  };
  const victimForm = forms.victim ?? { values: { assistanceStatus: 'not_assessed' }, errors: {} };
  const assessed = c.status !== 'received';
  return renderDocument(
    <Page ctx={ctx} title={t('psea.complaintTitle', { ref })}>
      <p>
        <a href="/psea">{t('psea.backToList')}</a>
      </p>
      <h1>{t('psea.complaintTitle', { ref })}</h1>
      <dl id="complaint-summary" class="stack">
        <dt>{t('psea.status')}</dt>
        <dd id="complaint-status">{t(`pseaCodes.status.${c.status}`)}</dd>
        <dt>{t('psea.outcome')}</dt>
        <dd id="complaint-outcome">{c.outcome ? t(`pseaCodes.outcome.${c.outcome}`) : '—'}</dd>
        <dt>{t('psea.category')}</dt>
        <dd>{t(`pseaCodes.category.${c.category}`)}</dd>
        <dt>{t('psea.entityType')}</dt>
        <dd>{t(`pseaCodes.entity.${c.entityType}`)}</dd>
        <dt>{t('psea.victim')}</dt>
        <dd>
          {t(`sex.${c.victimSex}`)} · {t(`ageBand.${c.victimAgeBand}`)}
        </dd>
        <dt>{t('psea.dateBand')}</dt>
        <dd>{t(`pseaCodes.dateBand.${c.dateBand}`)}</dd>
        <dt>{t('psea.region')}</dt>
        <dd>{c.regionCode ? <bdi dir="ltr">{c.regionCode}</bdi> : '—'}</dd>
        <dt>{t('psea.received')}</dt>
        <dd>
          <Iso value={c.receivedOn} />
        </dd>
        <dt>{t('psea.wantsAssistance')}</dt>
        <dd>{c.wantsAssistance ? t('common.yes') : t('common.no')}</dd>
        <dt>{t('seaIntake.channel')}</dt>
        <dd id="complaint-channel">{c.channel === 'web' ? t('pseaFollow.channelWeb') : t(`seaIntake.channels.${c.channel}`)}</dd>
      </dl>

      <Section id="narrative-section" title={t('psea.narrative')}>
        <Paragraphs id="narrative" text={c.narrative} />
        {c.contact && (
          <>
            <h3>{t('psea.contact')}</h3>
            <Paragraphs id="contact" text={c.contact} />
          </>
        )}
      </Section>

      <Section id="thread" title={t('psea.messages')}>
        <p class="help">{t('psea.messagesHelp')}</p>
        {c.messagesDeclinedOn !== null && (
          <p class="notice" id="messages-declined">
            {t('pseaFollow.messagesDeclined')} <Iso value={c.messagesDeclinedOn} />
          </p>
        )}
        {c.messages.length === 0 ? (
          <p>{t('psea.noMessages')}</p>
        ) : (
          <ul class="cards" id="messages">
            {c.messages.map((m) => (
              <li>
                <div class="meta">
                  {t(`psea.from.${m.from}`)} · <Iso value={m.sentOn} />
                </div>
                <Paragraphs id={`message-${m.seq}`} text={m.body} />
              </li>
            ))}
          </ul>
        )}
        <form method="post" action={`/psea/complaints/${c.id}/messages`}>
          <Csrf token={csrf} />
          <FormAlert errors={reply.errors} message={t('common.checkErrors')} />
          <TextArea form="reply" name="body" label={t('psea.reply')} values={reply.values} errors={reply.errors} maxlength={MESSAGE_MAX} rows={4} required />
          <button type="submit" id="reply-submit">
            {t('psea.send')}
          </button>
        </form>
      </Section>

      <Section id="entity-referral" title={t('pseaFollow.entityReferral')}>
        {c.entityReferral === null ? (
          <p>{t('pseaFollow.notReferred')}</p>
        ) : (
          <dl class="stack">
            <dt>{t('pseaFollow.entity')}</dt>
            <dd id="entity-name">{c.entityReferral.entityName}</dd>
            <dt>{t('pseaFollow.referredOn')}</dt>
            <dd>
              <Iso value={c.entityReferral.referredOn} />
            </dd>
            <dt>{t('pseaFollow.acknowledgedOn')}</dt>
            <dd>{c.entityReferral.acknowledgedOn ? <Iso value={c.entityReferral.acknowledgedOn} /> : '—'}</dd>
            <dt>{t('pseaFollow.interimMeasures')}</dt>
            <dd>{c.entityReferral.interimMeasures.length ? c.entityReferral.interimMeasures.map((m) => t(`pseaFollow.measure.${m}`)).join(' · ') : '—'}</dd>
            {c.entityReferral.interimNote && (
              <>
                <dt>{t('pseaFollow.interimNote')}</dt>
                <dd>
                  <Paragraphs id="interim-note" text={c.entityReferral.interimNote} />
                </dd>
              </>
            )}
          </dl>
        )}
        {!assessed ? (
          <p class="help">{t('pseaFollow.assessFirst')}</p>
        ) : entities.length === 0 && !r ? (
          <p>
            {t('pseaFollow.noEntities')} <a href="/psea/entities">{t('pseaFollow.directory')}</a>
          </p>
        ) : (
          <form method="post" action={`/psea/complaints/${c.id}/entity-referral`}>
            <Csrf token={csrf} />
            <FormAlert errors={referralForm.errors} message={t('common.checkErrors')} />
            <SelectField
              form="entity-referral"
              name="entityId"
              label={t('pseaFollow.entity')}
              values={referralForm.values}
              errors={referralForm.errors}
              options={[...entities, ...(r && !entities.some((e) => e.id === r.entityId) ? [{ id: r.entityId, name: r.entityName }] : [])].map((e) => [e.id, e.name] as [string, string])}
              empty={t('pseaFollow.chooseEntity')}
              required
            />
            <TextField form="entity-referral" type="date" name="referredOn" label={t('pseaFollow.referredOn')} values={referralForm.values} errors={referralForm.errors} dir="ltr" required />
            <TextField form="entity-referral" type="date" name="acknowledgedOn" label={t('pseaFollow.acknowledgedOn')} help={t('pseaFollow.acknowledgedHelp')} values={referralForm.values} errors={referralForm.errors} dir="ltr" />
            <Checkboxes
              form="entity-referral"
              name="interimMeasures"
              label={t('pseaFollow.interimMeasures')}
              values={referralForm.values}
              errors={referralForm.errors}
              options={SEA_INTERIM_MEASURES.map((m) => [m, t(`pseaFollow.measure.${m}`)] as [string, string])}
            />
            <TextArea form="entity-referral" name="interimNote" label={t('pseaFollow.interimNote')} help={t('pseaFollow.interimNoteHelp')} values={referralForm.values} errors={referralForm.errors} maxlength={SEA_INVESTIGATION_TEXT_MAX} rows={3} />
            <button type="submit" id="entity-referral-submit">
              {t('pseaFollow.saveReferral')}
            </button>
          </form>
        )}
        <p>
          <a href="/psea/entities">{t('pseaFollow.directory')}</a>
        </p>
      </Section>

      <Section id="victims-section" title={t('pseaFollow.victims')}>
        {c.victims.length === 0 ? (
          <p>{t('pseaFollow.noVictims')}</p>
        ) : (
          <ul class="cards" id="victims">
            {c.victims.map((v) => (
              <li>
                <div class="meta">
                  {t('pseaFollow.victimNumber', { n: v.seq })} · {t(`sex.${v.sex}`)} · {t(`ageBand.${v.ageBand}`)}
                </div>
                <p>
                  {t(`pseaFollow.assistance.${v.assistanceStatus}`)}
                  {v.assistanceReferredOn && (
                    <>
                      {' · '}
                      <Iso value={v.assistanceReferredOn} />
                    </>
                  )}
                </p>
                {v.description && <Paragraphs id={`victim-${v.seq}`} text={v.description} />}
                <form method="post" action={`/psea/complaints/${c.id}/victims/${v.id}`} class="inline">
                  <Csrf token={csrf} />
                  <SelectField
                    form={`victim-${v.seq}`}
                    name="assistanceStatus"
                    label={t('pseaFollow.assistanceStatus')}
                    values={{ assistanceStatus: v.assistanceStatus }}
                    errors={{}}
                    options={SEA_VICTIM_ASSISTANCE_STATUSES.map((a) => [a, t(`pseaFollow.assistance.${a}`)] as [string, string])}
                  />
                  <button type="submit">{t('pseaFollow.update')}</button>
                </form>
              </li>
            ))}
          </ul>
        )}
        <form method="post" action={`/psea/complaints/${c.id}/victims`}>
          <Csrf token={csrf} />
          <h3>{t('pseaFollow.addVictim')}</h3>
          <FormAlert errors={victimForm.errors} message={t('common.checkErrors')} />
          <SelectField form="victim" name="sex" label={t('pseaFollow.sex')} values={victimForm.values} errors={victimForm.errors} options={SEA_VICTIM_SEXES.map((x) => [x, t(`sex.${x}`)] as [string, string])} empty={t('pseaFollow.choose')} required />
          <SelectField form="victim" name="ageBand" label={t('pseaFollow.ageBand')} values={victimForm.values} errors={victimForm.errors} options={SEA_VICTIM_AGE_BANDS.map((x) => [x, t(`ageBand.${x}`)] as [string, string])} empty={t('pseaFollow.choose')} required />
          <SelectField
            form="victim"
            name="assistanceStatus"
            label={t('pseaFollow.assistanceStatus')}
            values={victimForm.values}
            errors={victimForm.errors}
            options={SEA_VICTIM_ASSISTANCE_STATUSES.map((a) => [a, t(`pseaFollow.assistance.${a}`)] as [string, string])}
          />
          <TextArea form="victim" name="description" label={t('pseaFollow.description')} help={t('pseaFollow.descriptionHelp')} values={victimForm.values} errors={victimForm.errors} maxlength={SEA_INVESTIGATION_TEXT_MAX} rows={3} />
          <button type="submit" id="victim-submit">
            {t('pseaFollow.addVictim')}
          </button>
        </form>
      </Section>

      <Section id="notes-section" title={t('psea.notes')}>
        <p class="help">{t('psea.notesHelp')}</p>
        {c.notes.length === 0 ? (
          <p>{t('psea.noNotes')}</p>
        ) : (
          <ul class="cards" id="notes">
            {c.notes.map((n) => (
              <li>
                <div class="meta">
                  <bdi dir="ltr">{n.createdAt.toISOString().slice(0, 10)}</bdi>
                </div>
                <Paragraphs id={`note-${n.id}`} text={n.body} />
              </li>
            ))}
          </ul>
        )}
        <form method="post" action={`/psea/complaints/${c.id}/notes`}>
          <Csrf token={csrf} />
          <FormAlert errors={note.errors} message={t('common.checkErrors')} />
          <TextArea form="note" name="body" label={t('psea.addNote')} values={note.values} errors={note.errors} maxlength={MESSAGE_MAX} rows={3} required />
          <button type="submit" id="note-submit">
            {t('psea.saveNote')}
          </button>
        </form>
      </Section>

      <Section id="status-section" title={t('psea.changeStatus')}>
        {next.length === 0 ? (
          <p>{t('psea.finalStatus')}</p>
        ) : (
          <form method="post" action={`/psea/complaints/${c.id}/status`}>
            <Csrf token={csrf} />
            <FormAlert errors={statusForm.errors} message={t('common.checkErrors')} />
            <SelectField form="status" name="to" label={t('psea.newStatus')} values={statusForm.values} errors={statusForm.errors} options={next.map((s) => [s, t(`pseaCodes.status.${s}`)] as [string, string])} required />
            {c.status === 'received' && (
              <fieldset class="choices">
                <legend>{t('psea.confirmCodes')}</legend>
                <p class="help">{t('psea.confirmCodesHelp')}</p>
                <SelectField form="status" name="category" label={t('psea.category')} values={statusForm.values} errors={statusForm.errors} options={options(t, 'pseaCodes.category', SEA_CATEGORIES)} required />
                <SelectField form="status" name="entityType" label={t('psea.entityType')} values={statusForm.values} errors={statusForm.errors} options={options(t, 'pseaCodes.entity', SEA_ENTITY_TYPES)} required />
                <SelectField form="status" name="victimSex" label={t('psea.victimSex')} values={statusForm.values} errors={statusForm.errors} options={options(t, 'sex', SEA_VICTIM_SEXES)} required />
                <SelectField form="status" name="victimAgeBand" label={t('psea.victimAgeBand')} values={statusForm.values} errors={statusForm.errors} options={options(t, 'ageBand', SEA_VICTIM_AGE_BANDS)} required />
                <SelectField form="status" name="dateBand" label={t('psea.dateBand')} values={statusForm.values} errors={statusForm.errors} options={options(t, 'pseaCodes.dateBand', SEA_DATE_BANDS)} required />
                <TextField form="status" name="regionCode" label={t('psea.region')} help={t('psea.regionHelp')} values={statusForm.values} errors={statusForm.errors} maxlength={32} dir="ltr" />
              </fieldset>
            )}
            <SelectField form="status" name="outcome" label={t('psea.outcomeOptional')} values={statusForm.values} errors={statusForm.errors} options={options(t, 'pseaCodes.outcome', SEA_OUTCOMES)} empty={t('psea.noOutcome')} />
            <button type="submit" id="status-submit">
              {t('psea.changeStatusSubmit')}
            </button>
          </form>
        )}
        <form method="post" action={`/psea/complaints/${c.id}/outcome`}>
          <Csrf token={csrf} />
          <FormAlert errors={outcome.errors} message={t('common.checkErrors')} />
          <SelectField form="outcome" name="outcome" label={t('psea.outcome')} values={outcome.values} errors={outcome.errors} options={options(t, 'pseaCodes.outcome', SEA_OUTCOMES)} empty={t('psea.chooseOutcome')} required />
          <button type="submit" class="secondary" id="outcome-submit">
            {t('psea.recordOutcome')}
          </button>
        </form>
      </Section>

      <Section id="assistance-section" title={t('psea.assistance')}>
        {c.assistance.length > 0 && (
          <ul class="cards" id="assistance">
            {c.assistance.map((a) => (
              <li>
                {t(`serviceType.${a.serviceType}`)} <span class="tag">{t(`pseaCodes.assistance.${a.status}`)}</span>
                <div class="meta">
                  {t('psea.requestedOn')} <Iso value={a.requestedOn} />
                  {a.acceptedOn && (
                    <>
                      {' · '}
                      {t('psea.acceptedOn')} <Iso value={a.acceptedOn} />
                    </>
                  )}
                </div>
              </li>
            ))}
          </ul>
        )}
        <p class="help" id="assistance-help">
          {t('psea.assistanceHelp')}
        </p>
        {services.length === 0 ? (
          <p>{t('psea.noServices')}</p>
        ) : (
          <form method="post" action={`/psea/complaints/${c.id}/assistance`}>
            <Csrf token={csrf} />
            <FormAlert errors={assistance.errors} message={t('common.checkErrors')} />
            <SelectField
              form="assistance"
              name="service"
              label={t('psea.receivingService')}
              values={assistance.values}
              errors={assistance.errors}
              options={services.map((s) => [`${s.agencyId}:${s.serviceType}`, `${s.agencyName} — ${t(`serviceType.${s.serviceType}`)}`] as [string, string])}
              empty={t('psea.chooseService')}
              required
            />
            <TextField form="assistance" name="survivorName" label={t('psea.survivorName')} help={t('psea.survivorNameHelp')} values={assistance.values} errors={assistance.errors} maxlength={SURVIVOR_NAME_MAX} required />
            <TextField form="assistance" name="contact" label={t('psea.safeContact')} values={assistance.values} errors={assistance.errors} maxlength={CONTACT_MAX} />
            <TextArea form="assistance" name="summary" label={t('psea.needs')} help={t('psea.needsHelp')} values={assistance.values} errors={assistance.errors} maxlength={ASSISTANCE_SUMMARY_MAX} rows={3} />
            <fieldset class="choices">
              <legend>{t('psea.consent')}</legend>
              {assistance.errors.consent && (
                <p class="error" id="assistance-consent-error">
                  {assistance.errors.consent}
                </p>
              )}
              <div class="choice">
                <input type="checkbox" id="assistance-consent" name="consent" value="yes" required aria-invalid={assistance.errors.consent ? 'true' : undefined} />
                <label for="assistance-consent">{t('psea.consentLabel')}</label>
              </div>
            </fieldset>
            <button type="submit" id="assistance-submit">
              {t('psea.refer')}
            </button>
          </form>
        )}
      </Section>
    </Page>,
  );
}

export interface KeyForms {
  setup?: FormErrors;
  recover?: FormErrors;
}

/** Key custody: set up, recover, and the team with endorsement and sharing. */
export function keysPage(ctx: PageContext, state: KeyStatus, team: FocalPointView[], me: string, forms: KeyForms = {}): string {
  const { t } = ctx;
  const csrf = ctx.session!.csrf;
  const setup = forms.setup ?? {};
  const recover = forms.recover ?? {};
  const mineEndorsed = team.find((f) => f.userId === me)?.endorsed ?? false;
  return renderDocument(
    <Page ctx={ctx} title={t('psea.keysTitle')}>
      <p>
        <a href="/psea">{t('psea.backToList')}</a>
      </p>
      <h1>{t('psea.keysTitle')}</h1>
      <KeyBanner ctx={ctx} state={state} />
      {state.hasKeys && <p id="key-endorsed">{mineEndorsed ? t('psea.myKeyEndorsed') : t('psea.myKeyNotEndorsed')}</p>}
      {!state.hasKeys && (
        <Section id="setup" title={t('psea.setupTitle')}>
          <p>{t('psea.setupLead')}</p>
          <FormAlert errors={setup} message={t('common.checkErrors')} />
          <form method="post" action="/psea/keys">
            <Csrf token={csrf} />
            <PasswordField id="setup-password" name="password" label={t('psea.passphrase')} help={t('psea.setupPasswordHelp')} error={setup.password} autocomplete="current-password" />
            <button type="submit" id="setup-submit">
              {t('psea.setup')}
            </button>
          </form>
        </Section>
      )}
      {state.hasKeys && (
        <Section id="recover" title={t('psea.recoverTitle')}>
          <p>{t('psea.recoverLead')}</p>
          <FormAlert errors={recover} message={t('common.checkErrors')} />
          <form method="post" action="/psea/keys/recover">
            <Csrf token={csrf} />
            <TextField form="recover" name="recoveryKey" label={t('psea.recoveryKey')} values={{}} errors={recover} maxlength={64} dir="ltr" required />
            <PasswordField id="recover-password" name="password" label={t('psea.passphrase')} help={t('psea.recoverPasswordHelp')} error={recover.password} autocomplete="current-password" />
            <button type="submit" class="secondary" id="recover-submit">
              {t('psea.recover')}
            </button>
          </form>
        </Section>
      )}
      <Section id="team" title={t('psea.teamTitle')}>
        <p class="help">{t('psea.teamHelp')}</p>
        <ul class="cards" id="team-list">
          {team.map((f) => (
            <li id={`fp-${f.userId}`}>
              <strong dir="auto" class="written">
                {f.displayName}
              </strong>
              {f.userId === me && <span class="tag"> {t('psea.you')}</span>}{' '}
              <span class="tag">{!f.hasKeys ? t('psea.noKey') : f.endorsed ? t('psea.endorsed') : t('psea.notEndorsed')}</span>
              <div class="meta">{t('psea.grantedCount', { count: f.grantedComplaints })}</div>
              {f.userId !== me && f.hasKeys && !f.endorsed && (
                <form method="post" action={`/psea/focal-points/${f.userId}/endorsement`}>
                  <Csrf token={csrf} />
                  <p class="help" id={`endorse-help-${f.userId}`}>
                    {t('psea.endorseHelp')}
                  </p>
                  <button type="submit" class="secondary" aria-describedby={`endorse-help-${f.userId}`}>
                    {t('psea.endorse', { name: f.displayName })}
                  </button>
                </form>
              )}
              {f.userId !== me && f.endorsed && (
                <form method="post" action={`/psea/focal-points/${f.userId}/grants`}>
                  <Csrf token={csrf} />
                  <button type="submit" class="secondary">
                    {t('psea.share', { name: f.displayName })}
                  </button>
                </form>
              )}
            </li>
          ))}
        </ul>
      </Section>
    </Page>,
  );
}

/** The recovery key, on this response only (no-store): never again retrievable. */
export function recoveryKeyPage(ctx: PageContext, recoveryKey: string): string {
  const { t } = ctx;
  return renderDocument(
    <Page ctx={ctx} title={t('psea.recoveryTitle')}>
      <h1>{t('psea.recoveryTitle')}</h1>
      <p class="alert" role="alert">
        {t('psea.recoveryLead')}
      </p>
      <p class="secret" id="recovery-key" dir="ltr">
        {recoveryKey}
      </p>
      <p>{t('psea.recoveryAfter')}</p>
      <p>
        <a href="/psea/keys">{t('psea.keysLink')}</a>
      </p>
    </Page>,
  );
}

/** The receiving agency's pending assistance requests: coded facts only until accepted. */
export function assistanceInboxPage(ctx: PageContext, items: IncomingAssistanceView[]): string {
  const { t } = ctx;
  const csrf = ctx.session!.csrf;
  return renderDocument(
    <Page ctx={ctx} title={t('pseaIncoming.title')}>
      <h1>{t('pseaIncoming.title')}</h1>
      <p>{t('pseaIncoming.lead')}</p>
      {items.length === 0 ? (
        <p id="assistance-empty">{t('pseaIncoming.empty')}</p>
      ) : (
        <ul class="cards" id="assistance-requests">
          {items.map((r) => (
            <li id={`request-${r.id}`}>
              <strong>{t(`serviceType.${r.serviceType}`)}</strong>
              <div class="meta">
                {t(`sex.${r.victimSex}`)} · {t(`ageBand.${r.victimAgeBand}`)}
                {r.regionCode && (
                  <>
                    {' · '}
                    <bdi dir="ltr">{r.regionCode}</bdi>
                  </>
                )}
              </div>
              <div class="meta">
                {t('psea.requestedOn')} <Iso value={r.requestedOn} />
              </div>
              <form method="post" action={`/sea-assistance/${r.id}/accept`}>
                <Csrf token={csrf} />
                <p class="help" id={`accept-help-${r.id}`}>
                  {t('pseaIncoming.acceptHelp')}
                </p>
                <button type="submit" aria-describedby={`accept-help-${r.id}`}>
                  {t('pseaIncoming.accept')}
                </button>
              </form>
            </li>
          ))}
        </ul>
      )}
    </Page>,
  );
}

export interface EntityRow {
  id: string;
  name: string;
  entityType: string;
  pseaContact: string;
  active: boolean;
}

/** The directory of entities a complaint may concern, with their PSEA contacts; add or retire entries. */
export function entitiesPage(ctx: PageContext, entries: EntityRow[], form: PostedForm = { values: {}, errors: {} }): string {
  const { t } = ctx;
  const csrf = ctx.session!.csrf;
  return renderDocument(
    <Page ctx={ctx} title={t('pseaFollow.directory')}>
      <p>
        <a href="/psea">{t('psea.backToList')}</a>
      </p>
      <h1>{t('pseaFollow.directory')}</h1>
      <p class="help">{t('pseaFollow.directoryHelp')}</p>
      {entries.length === 0 ? (
        <p>{t('pseaFollow.noEntities')}</p>
      ) : (
        <ul class="cards" id="entities">
          {entries.map((e) => (
            <li>
              <div class="meta">
                {t(`pseaCodes.entity.${e.entityType}`)}
                {e.active ? '' : ` · ${t('pseaFollow.retired')}`}
              </div>
              <p>
                <strong>{e.name}</strong>
              </p>
              <p class="written">{e.pseaContact}</p>
              <form method="post" action={`/psea/entities/${e.id}/active`} class="inline">
                <Csrf token={csrf} />
                <input type="hidden" name="active" value={e.active ? 'no' : 'yes'} />
                <button type="submit">{e.active ? t('pseaFollow.retire') : t('pseaFollow.restore')}</button>
              </form>
            </li>
          ))}
        </ul>
      )}
      <Section id="new-entity" title={t('pseaFollow.addEntity')}>
        <form method="post" action="/psea/entities">
          <Csrf token={csrf} />
          <FormAlert errors={form.errors} message={t('common.checkErrors')} />
          <TextField form="entity" name="name" label={t('pseaFollow.entityName')} values={form.values} errors={form.errors} maxlength={200} required />
          <SelectField form="entity" name="entityType" label={t('psea.entityType')} values={form.values} errors={form.errors} options={SEA_ENTITY_TYPES.map((x) => [x, t(`pseaCodes.entity.${x}`)] as [string, string])} empty={t('pseaFollow.choose')} required />
          <TextField form="entity" name="pseaContact" label={t('pseaFollow.pseaContact')} help={t('pseaFollow.pseaContactHelp')} values={form.values} errors={form.errors} maxlength={300} required />
          <button type="submit" id="entity-submit">
            {t('pseaFollow.addEntity')}
          </button>
        </form>
      </Section>
    </Page>,
  );
}
