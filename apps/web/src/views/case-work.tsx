import type { ActionPlanItemView, ApprovalView, CaseDetailView, ConsentView, IncidentView, NoteView, PendingApprovalView } from '@amani/domain/cases';
import {
  ACTION_PLAN_STATUSES,
  AGE_BANDS,
  CLOSURE_REASONS,
  ERASURE_REASONS,
  CONSENT_GIVERS,
  DISABILITY_STATUSES,
  DISPLACEMENT_STATUSES,
  LOCATION_TYPES,
  NATIONALITY_STATUSES,
  NEED_AREAS,
  PERPETRATOR_AGE_GROUPS,
  PERPETRATOR_COUNTS,
  PERPETRATOR_OCCUPATIONS,
  PERPETRATOR_RELATIONSHIPS,
  PERPETRATOR_SEXES,
  PRIOR_INCIDENTS,
  SEXES,
  SHAREABLE_FIELDS,
  STAGE_TRANSITIONS,
  TIMES_OF_DAY,
  VULNERABILITIES,
} from '@amani/domain/cases';
import type { GbvContext, GbvType } from '@amani/domain/cases';
import { SERVICE_TYPES } from '@amani/auth';
import type { ServiceRecordView } from '@amani/domain/referrals';
import type { ServicePage, ServiceView } from '@amani/domain/services-directory';
import { renderDocument, Translate } from '@amani/html';
import { Checkboxes, FormAlert, FormErrors, FormValues, Section, SelectField, TextArea, TextField, YesNo } from './forms';
import { Csrf, Day, Page, PageContext, shortRef } from './page';

/** A code as a catalogue key: a trailing plural-like suffix (family_other) would be read as a plural form. */
export const codeKey = (v: string) => v.replace(/_(zero|one|two|few|many|other)$/, (_m, p: string) => p[0].toUpperCase() + p.slice(1));
const opts = (t: Translate, prefix: string, values: readonly string[]) => values.map((v) => [v, t(`${prefix}.${codeKey(v)}`)] as const);

export const CLASSIFICATION_QUESTIONS = ['penetration', 'sexualContactWithoutPenetration', 'physicalAssault', 'forcedMarriage', 'denialOfResources', 'psychologicalAbuse'] as const;
/** Consents the console records; a transfer consent goes with the transfer itself (not in the console yet). */
export const CONSOLE_CONSENT_PURPOSES = ['referral', 'services', 'statistics'] as const;
export const CONTEXT_QUESTIONS = ['moneyGoodsBenefitsExchanged', 'abductedOrHeld', 'harmfulTraditionalPractice'] as const;

/** New case: coded facts first (what lists and statistics use), then the identifying details, encrypted. */
export function newCasePage(ctx: PageContext, values: FormValues, errors: FormErrors): string {
  const { t } = ctx;
  const f = { form: 'case', values, errors };
  return renderDocument(
    <Page ctx={ctx} title={t('newCase.title')}>
      <p>
        <a href="/cases">{t('common.back')}</a>
      </p>
      <h1>{t('newCase.title')}</h1>
      <FormAlert errors={errors} message={t('common.checkErrors')} />
      <form method="post" action="/cases" autocomplete="off" id="new-case">
        <Csrf token={ctx.session!.csrf} />
        <h2>{t('newCase.coded')}</h2>
        <p class="help">{t('newCase.codedHelp')}</p>
        <SelectField {...f} name="sex" label={t('field.sex')} options={opts(t, 'sex', SEXES)} empty="—" required />
        <SelectField {...f} name="ageBand" label={t('field.ageBand')} options={opts(t, 'ageBand', AGE_BANDS)} empty="—" required />
        <SelectField {...f} name="nationalityStatus" label={t('field.nationalityStatus')} options={opts(t, 'nationality', NATIONALITY_STATUSES)} empty="—" required />
        <SelectField {...f} name="displacementStatus" label={t('field.displacementStatus')} options={opts(t, 'displacement', DISPLACEMENT_STATUSES)} empty="—" required />
        <SelectField {...f} name="disability" label={t('field.disability')} options={opts(t, 'disability', DISABILITY_STATUSES)} empty="—" required />
        <Checkboxes {...f} name="vulnerabilities" label={t('field.vulnerabilities')} options={opts(t, 'vulnerability', VULNERABILITIES)} />
        <TextField {...f} name="regionCode" label={t('field.regionCode')} help={t('newCase.regionHelp')} dir="ltr" maxlength={32} required />
        <h2>{t('newCase.identifying')}</h2>
        <p class="help">{t('newCase.identifyingHelp')}</p>
        <TextField {...f} name="survivorName" label={t('field.survivorName')} maxlength={200} required />
        <TextField {...f} name="phone" label={t('newCase.phone')} dir="ltr" maxlength={40} />
        <TextField {...f} name="safeContact" label={t('newCase.safeContact')} maxlength={500} />
        <TextField {...f} name="dateOfBirth" type="date" label={t('field.dateOfBirth')} />
        <TextArea {...f} name="address" label={t('field.address')} maxlength={500} rows={2} />
        <TextArea {...f} name="narrative" label={t('field.narrative')} maxlength={10000} rows={4} />
        <button type="submit" id="create-case">
          {t('newCase.submit')}
        </button>
      </form>
    </Page>,
  );
}

export interface IncidentPreview {
  gbvType: GbvType;
  contexts: GbvContext[];
}

/**
 * The guided GBVIMS classification: each question with what it means; the first "yes" in the
 * tool's order decides the type, which the page shows before anything is saved.
 */
export function incidentPage(ctx: PageContext, caseId: string, values: FormValues, errors: FormErrors, preview: IncidentPreview | null): string {
  const { t } = ctx;
  const ref = shortRef(caseId);
  const f = { form: 'incident', values, errors };
  const yn = { yes: t('common.yes'), no: t('common.no'), required: true };
  return renderDocument(
    <Page ctx={ctx} title={t('incident.title', { ref })}>
      <p>
        <a href={`/cases/${caseId}`}>{t('common.back')}</a>
      </p>
      <h1>{t('incident.title', { ref })}</h1>
      <FormAlert errors={errors} message={t('common.checkErrors')} />
      {preview && (
        <div class="note" role="status" id="incident-preview">
          <p>
            {t('incident.computed')} <strong id="computed-type">{t(`gbvType.${preview.gbvType}`)}</strong>
          </p>
          {preview.contexts.length > 0 && (
            <p>
              {t('incident.contexts')} {preview.contexts.map((c) => t(`gbvContext.${c}`)).join(', ')}
            </p>
          )}
          <p>{t('incident.confirmHelp')}</p>
        </div>
      )}
      <form method="post" action={`/cases/${caseId}/incidents`} autocomplete="off">
        <Csrf token={ctx.session!.csrf} />
        <h2>{t('incident.classification')}</h2>
        <p class="help">{t('incident.classificationHelp')}</p>
        {CLASSIFICATION_QUESTIONS.map((q) => (
          <YesNo {...f} {...yn} name={q} label={t(`incidentQ.${q}`)} help={t(`incidentQ.${q}Help`)} />
        ))}
        <h2>{t('incident.context')}</h2>
        {CONTEXT_QUESTIONS.map((q) => (
          <YesNo {...f} {...yn} name={q} label={t(`incidentQ.${q}`)} help={t(`incidentQ.${q}Help`)} />
        ))}
        <h2>{t('incident.facts')}</h2>
        <TextField {...f} name="incidentDate" type="date" label={t('incident.date')} required />
        <TextField {...f} name="reportDate" type="date" label={t('incident.reportDate')} help={t('incident.reportDateHelp')} />
        <SelectField {...f} name="timeOfDay" label={t('incident.timeOfDay')} options={opts(t, 'timeOfDay', TIMES_OF_DAY)} empty="—" required />
        <SelectField {...f} name="locationType" label={t('incident.location')} options={opts(t, 'locationType', LOCATION_TYPES)} empty="—" required />
        <SelectField {...f} name="priorIncidents" label={t('incident.prior')} options={opts(t, 'prior', PRIOR_INCIDENTS)} empty="—" required />
        <h2>{t('incident.perpetrator')}</h2>
        <SelectField {...f} name="perpCount" label={t('incident.perpCount')} options={opts(t, 'perpCount', PERPETRATOR_COUNTS)} empty="—" required />
        <SelectField {...f} name="perpSex" label={t('incident.perpSex')} options={opts(t, 'perpSex', PERPETRATOR_SEXES)} empty="—" required />
        <SelectField {...f} name="perpAge" label={t('incident.perpAge')} options={opts(t, 'ageBand', PERPETRATOR_AGE_GROUPS)} empty="—" required />
        <SelectField {...f} name="perpRelationship" label={t('incident.perpRelationship')} help={t('incident.perpRelationshipHelp')} options={opts(t, 'relationship', PERPETRATOR_RELATIONSHIPS)} empty="—" required />
        <SelectField {...f} name="perpOccupation" label={t('incident.perpOccupation')} options={opts(t, 'occupation', PERPETRATOR_OCCUPATIONS)} empty="—" required />
        <TextArea {...f} name="narrative" label={t('incident.narrative')} help={t('incident.narrativeHelp')} maxlength={10000} rows={4} />
        <p>
          <button type="submit" name="step" value="preview" class={preview ? 'secondary' : undefined} id="incident-preview-button">
            {t('incident.preview')}
          </button>{' '}
          {preview && (
            <button type="submit" name="step" value="save" id="incident-save">
              {t('incident.save')}
            </button>
          )}
        </p>
      </form>
    </Page>,
  );
}

export interface CaseSections {
  incidents: IncidentView[];
  consents: ConsentView[];
  notes: NoteView[];
  actionPlan: ActionPlanItemView[];
  serviceRecord: ServiceRecordView[];
  approvals: ApprovalView[];
  caseworkers: { id: string; name: string }[];
  forms: { key: string; values: FormValues; errors: FormErrors } | null;
}

function formState(s: CaseSections, key: string): { values: FormValues; errors: FormErrors } {
  return s.forms?.key === key ? s.forms : { values: {}, errors: {} };
}

/** The sections under a case's summary: stage, incidents, consents, action plan, notes, service record, approvals. */
export function CaseWorkSections({ ctx, c, s }: { ctx: PageContext; c: CaseDetailView; s: CaseSections }) {
  const { t } = ctx;
  const csrf = ctx.session!.csrf;
  const role = ctx.session!.role;
  const open = c.stage !== 'closed';
  const next = STAGE_TRANSITIONS[c.stage].filter((to) => to !== 'closed');
  const stageForm = formState(s, 'stage');
  const closeForm = formState(s, 'closure');
  const consentForm = formState(s, 'consent');
  const planForm = formState(s, 'plan');
  const noteForm = formState(s, 'note');
  const assignForm = formState(s, 'assign');
  const pendingClosure = s.approvals.find((a) => a.kind === 'closure' && a.status === 'pending');
  return (
    <>
      {open && (
        <Section id="stage" title={t('work.stageTitle')}>
          {next.length > 0 && (
            <form method="post" action={`/cases/${c.id}/stage`}>
              <Csrf token={csrf} />
              <input type="hidden" name="version" value={String(c.version)} />
              <FormAlert errors={stageForm.errors} message={t('common.checkErrors')} />
              <SelectField form="stage" name="to" label={t('work.moveTo')} options={next.map((n) => [n, t(`stage.${n}`)] as const)} values={stageForm.values} errors={stageForm.errors} empty="—" required />
              <button type="submit" id="change-stage">
                {t('work.changeStage')}
              </button>
            </form>
          )}
          {pendingClosure ? (
            <p class="note" id="closure-pending">
              {t('work.closurePending')}
            </p>
          ) : (
            <form method="post" action={`/cases/${c.id}/closure`}>
              <Csrf token={csrf} />
              <input type="hidden" name="version" value={String(c.version)} />
              <FormAlert errors={closeForm.errors} message={t('common.checkErrors')} />
              <SelectField form="closure" name="closureReason" label={t('work.closureReason')} help={role === 'supervisor' ? t('work.closeHelpSupervisor') : t('work.closeHelp')} options={opts(t, 'closureReason', CLOSURE_REASONS)} values={closeForm.values} errors={closeForm.errors} empty="—" required />
              <button type="submit" class="secondary" id="request-closure">
                {role === 'supervisor' ? t('work.close') : t('work.requestClosure')}
              </button>
            </form>
          )}
          {role === 'supervisor' && (
            <form method="post" action={`/cases/${c.id}/assign`}>
              <Csrf token={csrf} />
              <input type="hidden" name="version" value={String(c.version)} />
              <FormAlert errors={assignForm.errors} message={t('common.checkErrors')} />
              <SelectField form="assign" name="caseworkerId" label={t('work.reassign')} options={s.caseworkers.map((w) => [w.id, w.name] as const)} values={assignForm.values} errors={assignForm.errors} empty="—" required />
              <button type="submit" class="secondary" id="assign">
                {t('work.assign')}
              </button>
            </form>
          )}
        </Section>
      )}

      <Section id="incidents" title={t('work.incidents')}>
        {s.incidents.length === 0 ? (
          <p>{t('work.noIncidents')}</p>
        ) : (
          <ul class="cards" id="incident-list">
            {s.incidents.map((i) => (
              <li>
                <strong>{t(`gbvType.${i.gbvType}`)}</strong>
                {i.contexts.length > 0 && <span class="meta"> · {i.contexts.map((x) => t(`gbvContext.${x}`)).join(', ')}</span>}
                <div class="meta">
                  {t('incident.date')} <bdi dir="ltr">{i.incidentDate}</bdi> · {t(`locationType.${i.locationType}`)}
                </div>
              </li>
            ))}
          </ul>
        )}
        {open && (
          <p>
            <a href={`/cases/${c.id}/incidents/new`} id="new-incident">
              {t('work.newIncident')}
            </a>
          </p>
        )}
      </Section>

      <Section id="consents" title={t('work.consents')}>
        {s.consents.length === 0 ? (
          <p>{t('work.noConsents')}</p>
        ) : (
          <ul class="cards" id="consent-list">
            {s.consents.map((k) => (
              <li>
                <strong>{t(`consentPurpose.${k.purpose}`)}</strong> <span class="tag">{k.active ? t('work.active') : t('work.withdrawn')}</span>
                <div class="meta">
                  {t(`consentGiver.${k.givenBy}`)} · <Day value={k.takenAt} />
                  {k.serviceType && ` · ${t(`serviceType.${k.serviceType}`)}`}
                </div>
                {k.shareableFields.length > 0 && (
                  <div class="meta">
                    {t('work.shareable')} {k.shareableFields.map((x) => t(`field.${x}`)).join(', ')}
                  </div>
                )}
                {k.active && open && (
                  <form method="post" action={`/cases/${c.id}/consents/${k.id}/withdraw`}>
                    <Csrf token={csrf} />
                    <button type="submit" class="secondary" aria-label={t('work.withdrawConsent', { purpose: t(`consentPurpose.${k.purpose}`) })}>
                      {t('work.withdraw')}
                    </button>
                  </form>
                )}
              </li>
            ))}
          </ul>
        )}
        {open && (
          <form method="post" action={`/cases/${c.id}/consents`} id="consent-form">
            <Csrf token={csrf} />
            <h3>{t('work.recordConsent')}</h3>
            <FormAlert errors={consentForm.errors} message={t('common.checkErrors')} />
            <SelectField form="consent" name="purpose" label={t('work.purpose')} options={opts(t, 'consentPurpose', CONSOLE_CONSENT_PURPOSES)} values={consentForm.values} errors={consentForm.errors} empty="—" required />
            <SelectField form="consent" name="givenBy" label={t('work.givenBy')} options={opts(t, 'consentGiver', CONSENT_GIVERS)} values={consentForm.values} errors={consentForm.errors} empty="—" required />
            <SelectField form="consent" name="serviceType" label={t('work.consentService')} help={t('work.consentServiceHelp')} options={opts(t, 'serviceType', SERVICE_TYPES)} values={consentForm.values} errors={consentForm.errors} empty="—" />
            <Checkboxes form="consent" name="shareableFields" label={t('work.shareableFields')} help={t('work.shareableHelp')} options={opts(t, 'field', SHAREABLE_FIELDS)} values={consentForm.values} errors={consentForm.errors} />
            <button type="submit" id="record-consent">
              {t('work.recordConsent')}
            </button>
          </form>
        )}
      </Section>

      <Section id="refer" title={t('work.referOut')}>
        {open && (
          <p>
            <a href={`/cases/${c.id}/refer`} id="refer-link">
              {t('work.referLink')}
            </a>
          </p>
        )}
      </Section>

      <Section id="service-record" title={t('work.serviceRecord')}>
        {s.serviceRecord.length === 0 ? (
          <p>{t('work.noServices')}</p>
        ) : (
          <ul class="cards" id="service-record-list">
            {s.serviceRecord.map((r) => (
              <li>
                <strong>{t(`serviceType.${r.serviceType}`)}</strong> <span class="tag">{t(`serviceOutcome.${r.outcome}`)}</span>
                <div class="meta">
                  <Day value={r.updatedAt} />
                </div>
              </li>
            ))}
          </ul>
        )}
      </Section>

      <Section id="action-plan" title={t('work.actionPlan')}>
        {s.actionPlan.length === 0 ? (
          <p>{t('work.noActions')}</p>
        ) : (
          <ul class="cards" id="action-plan-list">
            {s.actionPlan.map((a) => (
              <li>
                {a.description} <span class="tag">{t(`actionStatus.${a.status}`)}</span>
                <div class="meta">
                  {a.needArea && t(`needArea.${a.needArea}`)}
                  {a.dueDate && (
                    <>
                      {' · '}
                      {t('work.due')} <bdi dir="ltr">{a.dueDate}</bdi>
                    </>
                  )}
                </div>
                {open && (
                  <form method="post" action={`/cases/${c.id}/action-plan/${a.id}`}>
                    <Csrf token={csrf} />
                    <input type="hidden" name="version" value={String(a.version)} />
                    <SelectField
                      form={`item-${a.id.slice(0, 8)}`}
                      name="status"
                      label={t('work.itemStatus')}
                      options={opts(t, 'actionStatus', ACTION_PLAN_STATUSES)}
                      values={{ status: a.status }}
                      errors={{}}
                    />
                    <button type="submit" class="secondary" aria-label={t('work.updateItem', { item: a.description })}>
                      {t('work.update')}
                    </button>
                  </form>
                )}
              </li>
            ))}
          </ul>
        )}
        {open && (
          <form method="post" action={`/cases/${c.id}/action-plan`}>
            <Csrf token={csrf} />
            <h3>{t('work.addAction')}</h3>
            <FormAlert errors={planForm.errors} message={t('common.checkErrors')} />
            <TextField form="plan" name="description" label={t('work.actionDescription')} values={planForm.values} errors={planForm.errors} maxlength={1000} required />
            <SelectField form="plan" name="needArea" label={t('work.needArea')} options={opts(t, 'needArea', NEED_AREAS)} values={planForm.values} errors={planForm.errors} empty="—" />
            <SelectField form="plan" name="serviceType" label={t('referrals.service')} options={opts(t, 'serviceType', SERVICE_TYPES)} values={planForm.values} errors={planForm.errors} empty="—" />
            <TextField form="plan" name="dueDate" type="date" label={t('work.due')} values={planForm.values} errors={planForm.errors} />
            <button type="submit" id="add-action">
              {t('work.addAction')}
            </button>
          </form>
        )}
      </Section>

      <Section id="notes" title={t('work.notes')}>
        {s.notes.length === 0 ? (
          <p>{t('work.noNotes')}</p>
        ) : (
          <ul class="cards" id="note-list">
            {s.notes.map((n) => (
              <li>
                <p>{n.body}</p>
                <div class="meta">
                  <Day value={n.createdAt} />
                </div>
              </li>
            ))}
          </ul>
        )}
        {open && (
          <form method="post" action={`/cases/${c.id}/notes`}>
            <Csrf token={csrf} />
            <FormAlert errors={noteForm.errors} message={t('common.checkErrors')} />
            <TextArea form="note" name="body" label={t('work.addNote')} values={noteForm.values} errors={noteForm.errors} maxlength={10000} required />
            <button type="submit" id="add-note">
              {t('work.saveNote')}
            </button>
          </form>
        )}
      </Section>

      <Section id="approvals" title={t('work.approvals')}>
        {s.approvals.length === 0 ? (
          <p>{t('work.noApprovals')}</p>
        ) : (
          <ul class="cards" id="approval-list">
            {s.approvals.map((a) => (
              <li>
                <strong>{t(`approvalKind.${a.kind}`)}</strong> <span class="tag">{t(`approvalStatus.${a.status}`)}</span>
                <div class="meta">
                  <Day value={a.requestedAt} />
                  {a.closureReason && ` · ${t(`closureReason.${a.closureReason}`)}`}
                </div>
                {a.decisionComment && <p>{a.decisionComment}</p>}
              </li>
            ))}
          </ul>
        )}
      </Section>

      {role === 'supervisor' && <EraseSection ctx={ctx} c={c} form={formState(s, 'erase')} />}
    </>
  );
}

/** Reasons a supervisor may give; `retention_expired` is the retention job's alone. */
export const CONSOLE_ERASURE_REASONS = ERASURE_REASONS.filter((r) => r !== 'retention_expired');

/** Supervisors only: the first step of erasure (a reason); nothing is erased until the confirmation page. */
function EraseSection({ ctx, c, form }: { ctx: PageContext; c: CaseDetailView; form: { values: FormValues; errors: FormErrors } }) {
  const { t } = ctx;
  return (
    <Section id="erase" title={t('erase.title')}>
      <p class="help" id="erase-help">
        {t('erase.help')}
      </p>
      <form method="post" action={`/cases/${c.id}/erase`}>
        <Csrf token={ctx.session!.csrf} />
        <FormAlert errors={form.errors} message={t('common.checkErrors')} />
        <SelectField form="erase" name="reason" label={t('erase.reason')} options={opts(t, 'erasureReason', CONSOLE_ERASURE_REASONS)} values={form.values} errors={form.errors} empty="—" required />
        <button type="submit" class="secondary" id="erase-case" aria-describedby="erase-help">
          {t('erase.start')}
        </button>
      </form>
    </Section>
  );
}

/** The confirmation step: what will be destroyed, the reason, and the one button that does it. */
export function eraseConfirmPage(ctx: PageContext, caseId: string, reason: (typeof CONSOLE_ERASURE_REASONS)[number]): string {
  const { t } = ctx;
  const ref = shortRef(caseId);
  return renderDocument(
    <Page ctx={ctx} title={t('erase.confirmTitle', { ref })}>
      <h1>{t('erase.confirmTitle', { ref })}</h1>
      <p class="alert" id="erase-warning">
        {t('erase.warning')}
      </p>
      <dl>
        <dt>{t('erase.reason')}</dt>
        <dd id="erase-reason">{t(`erasureReason.${reason}`)}</dd>
      </dl>
      <form method="post" action={`/cases/${caseId}/erase/confirm`}>
        <Csrf token={ctx.session!.csrf} />
        <input type="hidden" name="reason" value={reason} />
        <button type="submit" class="danger" id="confirm-erase" aria-describedby="erase-warning">
          {t('erase.confirm')}
        </button>
      </form>
      <p>
        <a href={`/cases/${caseId}`} id="cancel-erase">
          {t('erase.cancel')}
        </a>
      </p>
    </Page>,
  );
}

export interface DirectoryFilters {
  type: string;
  region: string;
  language: string;
  open: string;
}

/** Referring out: the directory search, what the survivor agreed to share, and a send form per service. */
export function referPage(ctx: PageContext, caseId: string, filters: DirectoryFilters, services: ServicePage | null, consents: ConsentView[], errors: FormErrors, agencyId: string): string {
  const { t } = ctx;
  const ref = shortRef(caseId);
  const active = consents.filter((k) => k.active && k.purpose === 'referral');
  const fv = filters as unknown as FormValues;
  return renderDocument(
    <Page ctx={ctx} title={t('refer.title', { ref })}>
      <p>
        <a href={`/cases/${caseId}`}>{t('common.back')}</a>
      </p>
      <h1>{t('refer.title', { ref })}</h1>
      <FormAlert errors={errors} message={t('common.checkErrors')} />
      <Section id="consented" title={t('refer.consented')}>
        {active.length === 0 ? (
          <p class="alert">{t('refer.noConsent')}</p>
        ) : (
          <ul class="cards" id="consented-fields">
            {active.map((k) => (
              <li>
                {k.serviceType ? t(`serviceType.${k.serviceType}`) : t('refer.anyService')}
                <div class="meta">{k.shareableFields.length ? k.shareableFields.map((x) => t(`field.${x}`)).join(', ') : t('referrals.noFields')}</div>
              </li>
            ))}
          </ul>
        )}
      </Section>
      <form method="get" action={`/cases/${caseId}/refer`}>
        <fieldset class="filters">
          <legend>{t('refer.search')}</legend>
          <SelectField form="dir" name="type" label={t('referrals.service')} options={opts(t, 'serviceType', SERVICE_TYPES)} values={fv} errors={errors} empty={t('common.any')} />
          <TextField form="dir" name="region" label={t('cases.region')} values={fv} errors={errors} dir="ltr" maxlength={32} />
          <TextField form="dir" name="language" label={t('refer.language')} help={t('refer.languageHelp')} values={fv} errors={errors} dir="ltr" maxlength={12} />
          <div class="choice">
            <input type="checkbox" id="dir-open" name="open" value="1" checked={filters.open === '1'} />
            <label for="dir-open">{t('refer.openNow')}</label>
          </div>
          <div>
            <button type="submit" id="search-services">
              {t('common.apply')}
            </button>
          </div>
        </fieldset>
      </form>
      {services && (
        <>
          <p role="status">{t('refer.count', { count: services.total })}</p>
          <ul class="cards" id="services">
            {services.items.map((s) => (
              <ServiceCard ctx={ctx} s={s} caseId={caseId} own={s.agencyId === agencyId} canSend={active.length > 0} errors={errors} />
            ))}
          </ul>
        </>
      )}
    </Page>,
  );
}

function ServiceCard({ ctx, s, caseId, own, canSend, errors }: { ctx: PageContext; s: ServiceView; caseId: string; own: boolean; canSend: boolean; errors: FormErrors }) {
  const { t } = ctx;
  const id = `svc-${s.id.slice(0, 8)}`;
  return (
    <li>
      <strong id={`${id}-name`}>{s.name}</strong> <span class="tag">{t(`serviceType.${s.serviceType}`)}</span> {!s.acceptingReferrals && <span class="tag overdue">{t('refer.closed')}</span>}
      <div class="meta">
        {s.agencyName} · <bdi dir="ltr">{s.regionCodes.join(', ')}</bdi> · <bdi dir="ltr">{s.languages.join(', ')}</bdi>
        {s.openingHours && (
          <>
            {' · '}
            <bdi>{s.openingHours}</bdi>
          </>
        )}
      </div>
      {!own && s.acceptingReferrals && canSend && (
        <form method="post" action={`/cases/${caseId}/referrals`}>
          <Csrf token={ctx.session!.csrf} />
          <input type="hidden" name="serviceId" value={s.id} />
          <SelectField
            form={id}
            name="followUpDays"
            label={t('refer.followUp')}
            options={['3', '7', '14', '30'].map((d) => [d, t('refer.days', { count: Number(d) })] as const)}
            values={{ followUpDays: '7' }}
            errors={errors}
          />
          <button type="submit" class="send-referral" aria-describedby={`${id}-name`}>
            {t('refer.send')}
          </button>
        </form>
      )}
    </li>
  );
}

export interface CaseloadRow {
  caseworkerId: string | null;
  name: string | null;
  stage: string;
  count: number;
}

/** The supervisor's desk: caseload by caseworker and stage, and the approvals waiting. */
export function supervisorPage(ctx: PageContext, caseload: CaseloadRow[], pending: PendingApprovalView[], failed: { approvalId: string; comment: string; error: string } | null = null): string {
  const { t } = ctx;
  const byWorker = new Map<string, { name: string; stages: Map<string, number>; total: number }>();
  for (const r of caseload) {
    const key = r.caseworkerId ?? '-';
    const w = byWorker.get(key) ?? { name: r.name ?? t('cases.unassigned'), stages: new Map(), total: 0 };
    w.stages.set(r.stage, r.count);
    w.total += r.count;
    byWorker.set(key, w);
  }
  const stages = ['intake', 'assessment', 'action_plan', 'implementation', 'follow_up'];
  return renderDocument(
    <Page ctx={ctx} title={t('supervisor.title')}>
      <h1>{t('supervisor.title')}</h1>
      <Section id="pending" title={t('supervisor.pending')}>
        {pending.length === 0 ? (
          <p>{t('supervisor.noPending')}</p>
        ) : (
          <ul class="cards" id="pending-approvals">
            {pending.map((a) => (
              <li>
                <a href={`/cases/${a.caseId}`}>{t('cases.open', { ref: shortRef(a.caseId) })}</a> <span class="tag">{t(`approvalKind.${a.kind}`)}</span>
                {a.closureReason && <div class="meta">{t(`closureReason.${a.closureReason}`)}</div>}
                <div class="meta">
                  <Day value={a.requestedAt} />
                </div>
                <form method="post" action={`/approvals/${a.id}/decide`}>
                  <Csrf token={ctx.session!.csrf} />
                  <input type="hidden" name="version" value={String(a.version)} />
                  <TextArea
                    form={`approval-${a.id.slice(0, 8)}`}
                    name="comment"
                    label={t('supervisor.comment')}
                    help={t('supervisor.commentHelp')}
                    values={{ comment: failed?.approvalId === a.id ? failed.comment : '' }}
                    errors={failed?.approvalId === a.id ? { comment: failed.error } : {}}
                    maxlength={2000}
                    rows={2}
                  />
                  <button type="submit" name="decision" value="approve" id={`approve-${a.id.slice(0, 8)}`} aria-label={t('supervisor.approveFor', { ref: shortRef(a.caseId) })}>
                    {t('supervisor.approve')}
                  </button>{' '}
                  <button type="submit" name="decision" value="return" class="secondary" aria-label={t('supervisor.returnFor', { ref: shortRef(a.caseId) })}>
                    {t('supervisor.return')}
                  </button>
                </form>
              </li>
            ))}
          </ul>
        )}
      </Section>
      <Section id="caseload" title={t('supervisor.caseload')}>
        {/* Scrolls sideways on a narrow screen: focusable so a keyboard can scroll it too. */}
        <div class="scroll" tabindex={0} role="region" aria-label={t('supervisor.caseloadCaption')}>
          <table id="caseload-table">
            <caption>{t('supervisor.caseloadCaption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('cases.assigned')}</th>
                {stages.map((s) => (
                  <th scope="col">{t(`stage.${s}`)}</th>
                ))}
                <th scope="col">{t('supervisor.total')}</th>
              </tr>
            </thead>
            <tbody>
              {[...byWorker.values()].map((w) => (
                <tr>
                  <th scope="row">{w.name}</th>
                  {stages.map((s) => (
                    <td>{w.stages.get(s) ?? 0}</td>
                  ))}
                  <td>{w.total}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </Section>
      <p>
        <a href="/services">{t('supervisor.services')}</a>
      </p>
    </Page>,
  );
}

