import type { AgencyKeyMember, AgencyKeyStatus } from '@amani/auth';
import { renderDocument } from '@amani/html';
import { FormAlert, FormErrors, Section, TextField } from './forms';
import { Csrf, Page, PageContext } from './page';

// The agency key (issue 14) in the console: the member's own access, and for supervisors the
// set-up, the members and their grants, rotation and recovery. Recovery keys appear on the
// response that created them only; ids are the only things in URLs.

/** What went wrong on the last post: a page-level message, or the recovery form's field errors. */
export interface AgencyKeyForms {
  error?: string;
  recover?: FormErrors;
}

const yesNo = (ctx: PageContext, v: boolean) => ctx.t(v ? 'agencyKey.yes' : 'agencyKey.no');

function StateSection({ ctx, state }: { ctx: PageContext; state: AgencyKeyStatus }) {
  const { t } = ctx;
  const help =
    state.version === null
      ? t(ctx.session?.role === 'supervisor' ? 'agencyKey.missingHelpSupervisor' : 'agencyKey.missingHelp')
      : !state.holdsKey ? t('agencyKey.notHeldHelp') : !state.unlocked ? t('agencyKey.lockedHelp') : t('agencyKey.unlockedHelp');
  return (
    <Section id="state" title={t('agencyKey.stateTitle')}>
      <dl>
        <dt>{t('agencyKey.version')}</dt>
        <dd id="key-version">{state.version === null ? t('agencyKey.noKey') : <bdi dir="ltr">{String(state.version)}</bdi>}</dd>
        <dt>{t('agencyKey.youHold')}</dt>
        <dd id="key-held">{yesNo(ctx, state.holdsKey)}</dd>
        <dt>{t('agencyKey.thisSession')}</dt>
        <dd id="key-unlocked">{yesNo(ctx, state.unlocked)}</dd>
      </dl>
      <p class={state.unlocked ? 'note' : 'alert'} id="key-state">
        {help}
      </p>
    </Section>
  );
}

/** The members table's columns, in order. */
const MEMBER_COLUMNS = ['agencyKey.name', 'agencyKey.role', 'agencyKey.holdsKey', 'agencyKey.personalKey', 'agencyKey.actions'] as const;

function MembersSection({ ctx, state, me }: { ctx: PageContext; state: AgencyKeyStatus; me: string }) {
  const { t } = ctx;
  const csrf = ctx.session!.csrf;
  const members = state.members ?? [];
  const action = (m: AgencyKeyMember) => {
    if (m.userId === me) return <span>{t('agencyKey.you')}</span>;
    if (m.holdsKey) {
      return (
        <form method="post" action={`/agency-key/members/${m.userId}/remove`}>
          <Csrf token={csrf} />
          <button type="submit" class="secondary">
            {t('agencyKey.remove', { name: m.displayName })}
          </button>
        </form>
      );
    }
    // No key yet: nothing to give (the set-up form is above).
    if (state.version === null) return null;
    if (!m.hasPersonalKey) return <span class="help">{t('agencyKey.waitPersonal')}</span>;
    if (!state.unlocked) return <span class="help">{t('agencyKey.unlockToGive')}</span>;
    return (
      <form method="post" action="/agency-key/grants">
        <Csrf token={csrf} />
        <input type="hidden" name="userId" value={m.userId} />
        <button type="submit">{t('agencyKey.give', { name: m.displayName })}</button>
      </form>
    );
  };
  return (
    <Section id="members" title={t('agencyKey.membersTitle')}>
      <p class="help">{t('agencyKey.membersHelp')}</p>
      {/* A table on wide screens, one card per member on a phone (CSS only); the roles keep the table's semantics when stacked. */}
      <table id="members-table" class="stack" role="table">
        <caption class="help">{t('agencyKey.membersCaption')}</caption>
        <thead role="rowgroup">
          <tr role="row">
            {MEMBER_COLUMNS.map((key) => (
              <th scope="col" role="columnheader">
                {t(key)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody role="rowgroup">
          {members.map((m) => (
            <tr id={`member-${m.userId}`} role="row">
              <th scope="row" role="rowheader" class="written">
                <bdi>{m.displayName}</bdi>
              </th>
              <td role="cell" data-label={t('agencyKey.role')}>
                {t(`role.${m.role}`)}
              </td>
              <td role="cell" class="holds" data-label={t('agencyKey.holdsKey')}>
                {yesNo(ctx, m.holdsKey)}
              </td>
              <td role="cell" data-label={t('agencyKey.personalKey')}>
                {yesNo(ctx, m.hasPersonalKey)}
              </td>
              <td role="cell">{action(m)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Section>
  );
}

/** Everyone with a key role: their own access; supervisors also the forms that change it. */
export function agencyKeyPage(ctx: PageContext, state: AgencyKeyStatus, me: string, forms: AgencyKeyForms = {}): string {
  const { t } = ctx;
  const csrf = ctx.session!.csrf;
  const supervisor = ctx.session!.role === 'supervisor';
  const recover = forms.recover ?? {};
  return renderDocument(
    <Page ctx={ctx} title={t('agencyKey.title')}>
      <h1>{t('agencyKey.title')}</h1>
      <p>{t('agencyKey.lead')}</p>
      {forms.error && (
        <p class="alert" role="alert" id="key-error">
          {forms.error}
        </p>
      )}
      <StateSection ctx={ctx} state={state} />
      {supervisor && state.version === null && (
        <Section id="setup" title={t('agencyKey.setupTitle')}>
          <p id="setup-help">{t('agencyKey.setupLead')}</p>
          <form method="post" action="/agency-key">
            <Csrf token={csrf} />
            <button type="submit" id="setup-submit" aria-describedby="setup-help">
              {t('agencyKey.setup')}
            </button>
          </form>
        </Section>
      )}
      {supervisor && state.members && <MembersSection ctx={ctx} state={state} me={me} />}
      {supervisor && state.version !== null && state.unlocked && (
        <Section id="rotate" title={t('agencyKey.rotateTitle')}>
          <p id="rotate-help">{t('agencyKey.rotateLead')}</p>
          <form method="post" action="/agency-key/rotation">
            <Csrf token={csrf} />
            <button type="submit" class="secondary" id="rotate-start" aria-describedby="rotate-help">
              {t('agencyKey.rotateStart')}
            </button>
          </form>
        </Section>
      )}
      {supervisor && state.version !== null && (
        <Section id="recover" title={t('agencyKey.recoverTitle')}>
          <p>{t('agencyKey.recoverLead')}</p>
          <FormAlert errors={recover} message={t('common.checkErrors')} />
          <form method="post" action="/agency-key/recovery">
            <Csrf token={csrf} />
            <TextField form="recover" name="recoveryKey" label={t('agencyKey.recoveryKey')} values={{}} errors={recover} maxlength={200} dir="ltr" required />
            <button type="submit" class="secondary" id="recover-submit">
              {t('agencyKey.recoverSubmit')}
            </button>
          </form>
        </Section>
      )}
    </Page>,
  );
}

/** The recovery key, on this response only (no-store): never stored, never shown again. */
export function agencyRecoveryKeyPage(ctx: PageContext, recoveryKey: string, rotated: boolean): string {
  const { t } = ctx;
  return renderDocument(
    <Page ctx={ctx} title={t('agencyKey.recoveryTitle')}>
      <h1>{t('agencyKey.recoveryTitle')}</h1>
      <p class="alert" role="alert">
        {t('agencyKey.recoveryLead')}
      </p>
      <p class="secret" id="recovery-key" dir="ltr">
        {recoveryKey}
      </p>
      <p>{t('agencyKey.recoveryWhy')}</p>
      {rotated && <p class="alert">{t('agencyKey.recoveryRotated')}</p>}
      <p>
        <a href="/agency-key" id="recovery-done">
          {t('agencyKey.recoveryDone')}
        </a>
      </p>
    </Page>,
  );
}

/** Removing a member's access, step two: who, what it means, and the one button that does it. */
export function removeConfirmPage(ctx: PageContext, member: AgencyKeyMember): string {
  const { t } = ctx;
  const name = member.displayName;
  return renderDocument(
    <Page ctx={ctx} title={t('agencyKey.removeTitle')}>
      <h1>{t('agencyKey.removeTitle')}</h1>
      <p class="alert" id="remove-warning">
        {t('agencyKey.removeWarning', { name })}
      </p>
      <p>{t('agencyKey.removeSuspicion', { name })}</p>
      <form method="post" action={`/agency-key/members/${member.userId}/remove/confirm`}>
        <Csrf token={ctx.session!.csrf} />
        <button type="submit" class="danger" id="confirm-remove" aria-describedby="remove-warning">
          {t('agencyKey.removeConfirm')}
        </button>
      </form>
      <p>
        <a href="/agency-key#members" id="cancel-remove">
          {t('agencyKey.cancel')}
        </a>
      </p>
    </Page>,
  );
}

/** Rotation, step two: when to do it and what happens, then the one button. */
export function rotateConfirmPage(ctx: PageContext): string {
  const { t } = ctx;
  return renderDocument(
    <Page ctx={ctx} title={t('agencyKey.rotateConfirmTitle')}>
      <h1>{t('agencyKey.rotateConfirmTitle')}</h1>
      <p>{t('agencyKey.rotateLead')}</p>
      <p class="alert" id="rotate-warning">
        {t('agencyKey.rotateWarning')}
      </p>
      <form method="post" action="/agency-key/rotation/confirm">
        <Csrf token={ctx.session!.csrf} />
        <button type="submit" class="danger" id="confirm-rotate" aria-describedby="rotate-warning">
          {t('agencyKey.rotateConfirm')}
        </button>
      </form>
      <p>
        <a href="/agency-key" id="cancel-rotate">
          {t('agencyKey.cancel')}
        </a>
      </p>
    </Page>,
  );
}

/**
 * A page that needed the agency key this session cannot open (423 agency_key_locked): what to
 * do about it, never anything of the record.
 */
export function agencyKeyLockedPage(ctx: PageContext): string {
  const { t } = ctx;
  const session = ctx.session;
  const keyRole = session && (session.role === 'caseworker' || session.role === 'supervisor' || session.role === 'provider');
  return renderDocument(
    <Page ctx={ctx} title={t('agencyKey.lockedTitle')}>
      <h1>{t('agencyKey.lockedTitle')}</h1>
      <p class="alert" role="alert" id="key-locked">
        {t('agencyKey.locked')}
      </p>
      {keyRole && (
        <p>
          <a href="/agency-key" id="locked-key-page">
            {t('agencyKey.lockedPage')}
          </a>
        </p>
      )}
      {session && (
        <form method="post" action="/sign-out">
          <Csrf token={session.csrf} />
          <button type="submit" class="secondary" id="locked-sign-in">
            {t('agencyKey.lockedSignIn')}
          </button>
        </form>
      )}
      <p>
        <a href="/">{t('app.home')}</a>
      </p>
    </Page>,
  );
}
