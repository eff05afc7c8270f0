import { AGENCY_TYPES, ROLES, SERVICE_TYPES } from '@amani/auth';
import type { AgencyView, UserView } from '@amani/auth';
import type { AuditChainState, AuditEventSummary, AuditVerifyResult } from '@amani/audit';
import { renderDocument } from '@amani/html';
import { Checkboxes, FormAlert, FormErrors, FormValues, one, SelectField, TextField } from './forms';
import { Csrf, Page, PageContext } from './page';

// Administration pages. Staff names and emails appear in page bodies only (never in a title
// or a URL); no page here reads a case, a referral or a complaint.

const when = (d: Date) => <bdi dir="ltr">{d.toISOString().slice(0, 16).replace('T', ' ')}</bdi>;
const code = (v: string) => <bdi dir="ltr">{v}</bdi>;

function Back({ href, label }: { href: string; label: string }) {
  return (
    <p>
      <a href={href}>{label}</a>
    </p>
  );
}

/* ---------- agencies ---------- */

function AgencyForm({ ctx, action, values, errors, submit, form }: { ctx: PageContext; action: string; values: FormValues; errors: FormErrors; submit: string; form: string }) {
  const { t } = ctx;
  const f = { form, values, errors };
  return (
    <form method="post" action={action}>
      <Csrf token={ctx.session!.csrf} />
      <FormAlert errors={errors} message={t('common.checkErrors')} />
      {values.updatedAt !== undefined && <input type="hidden" name="updatedAt" value={one(values, 'updatedAt')} />}
      <TextField {...f} name="name" label={t('admin.agencies.name')} maxlength={200} required />
      <SelectField {...f} name="type" label={t('admin.agencies.type')} options={AGENCY_TYPES.map((a) => [a, t(`admin.agencyType.${a}`)] as const)} empty="—" required />
      <Checkboxes {...f} name="serviceTypes" label={t('admin.agencies.services')} options={SERVICE_TYPES.map((s) => [s, t(`serviceType.${s}`)] as const)} />
      <TextField {...f} name="regionCodes" label={t('admin.agencies.regions')} help={t('admin.agencies.regionsHelp')} dir="ltr" maxlength={1700} />
      <button type="submit" id={`${form}-submit`}>
        {submit}
      </button>
    </form>
  );
}

export function agenciesPage(ctx: PageContext, agencies: AgencyView[], values: FormValues, errors: FormErrors): string {
  const { t } = ctx;
  return renderDocument(
    <Page ctx={ctx} title={t('admin.agencies.title')}>
      <h1>{t('admin.agencies.title')}</h1>
      {agencies.length === 0 ? (
        <p>{t('admin.agencies.empty')}</p>
      ) : (
        <ul class="cards" id="agency-list">
          {agencies.map((a) => (
            <li>
              <a href={`/admin/agencies/${a.id}`}>{a.name}</a> <span class="tag">{t(`admin.agencyType.${a.type}`)}</span>
              <div class="meta">
                {t('admin.agencies.services')}: {a.serviceTypes.length ? a.serviceTypes.map((s) => t(`serviceType.${s}`)).join(', ') : t('admin.agencies.none')}
              </div>
              <div class="meta">
                {t('admin.agencies.regions')}: {a.regionCodes.length ? code(a.regionCodes.join(', ')) : t('admin.agencies.none')}
              </div>
              <div class="meta">
                {t('admin.agencies.key')}: {a.publicKey ? t('admin.agencies.keySet') : t('admin.agencies.keyMissing')}
              </div>
            </li>
          ))}
        </ul>
      )}
      <h2>{t('admin.agencies.add')}</h2>
      <AgencyForm ctx={ctx} action="/admin/agencies" form="agency-new" values={values} errors={errors} submit={t('admin.agencies.create')} />
    </Page>,
  );
}

export function agencyEditPage(ctx: PageContext, a: AgencyView, values: FormValues, errors: FormErrors): string {
  const { t } = ctx;
  return renderDocument(
    <Page ctx={ctx} title={t('admin.agencies.edit')}>
      <Back href="/admin/agencies" label={t('common.back')} />
      <h1>{t('admin.agencies.edit')}</h1>
      <AgencyForm ctx={ctx} action={`/admin/agencies/${a.id}`} form="agency-edit" values={values} errors={errors} submit={t('admin.agencies.save')} />
    </Page>,
  );
}

export function agencyValues(a: AgencyView): FormValues {
  return { name: a.name, type: a.type, serviceTypes: [...a.serviceTypes], regionCodes: a.regionCodes.join(', '), updatedAt: a.updatedAt.toISOString() };
}

/* ---------- staff accounts ---------- */

function StatusTags({ ctx, u }: { ctx: PageContext; u: UserView }) {
  const { t } = ctx;
  return (
    <>
      <span class={u.status === 'active' ? 'tag' : 'tag overdue'}>{t(`admin.status.${u.status}`)}</span>
      {u.disabled && <span class="tag overdue"> {t('admin.users.disabledTag')}</span>}
    </>
  );
}

export function usersPage(
  ctx: PageContext,
  result: { items: UserView[]; page: number; total: number; pageSize: number },
  agencies: AgencyView[],
  filter: { role: string; agency: string },
): string {
  const { t } = ctx;
  const names = new Map(agencies.map((a) => [a.id, a.name]));
  const pages = Math.max(1, Math.ceil(result.total / result.pageSize));
  const query = (page: number) => `/admin/users?${new URLSearchParams({ ...(filter.role ? { role: filter.role } : {}), ...(filter.agency ? { agency: filter.agency } : {}), page: String(page) }).toString()}`;
  return renderDocument(
    <Page ctx={ctx} title={t('admin.users.title')}>
      <h1>{t('admin.users.title')}</h1>
      <p>{t('admin.users.lead')}</p>
      <p>
        <a href="/admin/users/new" id="invite-link">
          {t('admin.users.invite')}
        </a>{' '}
        · <a href="/account-approvals">{t('admin.nav.approvals')}</a>
      </p>
      <form method="get" action="/admin/users" class="filters">
        <SelectField form="uf" name="role" label={t('admin.users.filterRole')} values={{ role: filter.role }} errors={{}} options={ROLES.map((r) => [r, t(`role.${r}`)] as const)} empty={t('common.any')} />
        <SelectField form="uf" name="agency" label={t('admin.users.filterAgency')} values={{ agency: filter.agency }} errors={{}} options={agencies.map((a) => [a.id, a.name] as const)} empty={t('common.any')} />
        <div>
          <button type="submit" class="secondary">
            {t('common.apply')}
          </button>
        </div>
      </form>
      {result.items.length === 0 ? (
        <p>{t('admin.users.empty')}</p>
      ) : (
        <ul class="cards" id="user-list">
          {result.items.map((u) => (
            <li data-user={u.id}>
              <a href={`/admin/users/${u.id}`}>{u.displayName}</a> <span class="tag">{t(`role.${u.role}`)}</span> <StatusTags ctx={ctx} u={u} />
              <div class="meta">
                <bdi dir="ltr">{u.email}</bdi>
                {u.agencyId && ` · ${names.get(u.agencyId) ?? ''}`}
              </div>
            </li>
          ))}
        </ul>
      )}
      <p class="pager">
        {result.page > 1 && <a href={query(result.page - 1)}>{t('common.previous')}</a>}
        <span>{t('common.pageOf', { page: result.page, pages })}</span>
        {result.page < pages && <a href={query(result.page + 1)}>{t('common.next')}</a>}
      </p>
    </Page>,
  );
}

export function invitePage(ctx: PageContext, agencies: AgencyView[], values: FormValues, errors: FormErrors): string {
  const { t } = ctx;
  const f = { form: 'invite', values, errors };
  return renderDocument(
    <Page ctx={ctx} title={t('admin.users.inviteTitle')}>
      <Back href="/admin/users" label={t('common.back')} />
      <h1>{t('admin.users.inviteTitle')}</h1>
      <p>{t('admin.users.inviteLead')}</p>
      <form method="post" action="/admin/users">
        <Csrf token={ctx.session!.csrf} />
        <FormAlert errors={errors} message={t('common.checkErrors')} />
        <TextField {...f} name="email" type="email" label={t('admin.users.email')} maxlength={320} dir="ltr" required />
        <TextField {...f} name="displayName" label={t('admin.users.displayName')} maxlength={200} required />
        <SelectField {...f} name="role" label={t('admin.users.role')} options={ROLES.map((r) => [r, t(`role.${r}`)] as const)} empty="—" required />
        <SelectField {...f} name="agencyId" label={t('admin.users.agency')} help={t('admin.users.agencyRule')} options={agencies.map((a) => [a.id, a.name] as const)} empty={t('admin.users.agencyNone')} />
        <button type="submit" id="invite-submit">
          {t('admin.users.sendInvite')}
        </button>
      </form>
    </Page>,
  );
}

/** The invitation code, once: in the response to the form post itself, never in a URL, never stored in clear. */
export function invitationPage(ctx: PageContext, origin: string, invitation: { invitationToken: string; invitationExpiresAt: Date }): string {
  const { t } = ctx;
  return renderDocument(
    <Page ctx={ctx} title={t('admin.invitation.title')}>
      <h1>{t('admin.invitation.title')}</h1>
      <p class="note" role="status">
        {t('admin.invitation.lead', { expires: invitation.invitationExpiresAt.toISOString().slice(0, 16).replace('T', ' ') + ' UTC' })}
      </p>
      <h2>{t('admin.invitation.code')}</h2>
      <p class="secret" id="invitation-code" dir="ltr">
        {invitation.invitationToken}
      </p>
      <p>{t('admin.invitation.where')}</p>
      <p class="secret" id="invitation-link" dir="ltr">
        {`${origin}/invitation`}
      </p>
      <Back href="/admin/users" label={t('admin.invitation.done')} />
    </Page>,
  );
}

function ActionButton({ ctx, action, id, label, help, secondary }: { ctx: PageContext; action: string; id: string; label: string; help?: string; secondary?: boolean }) {
  return (
    <form method="post" action={action}>
      <Csrf token={ctx.session!.csrf} />
      {help && (
        <p class="help" id={`${id}-help`}>
          {help}
        </p>
      )}
      <button type="submit" id={id} class={secondary ? 'secondary' : undefined} aria-describedby={help ? `${id}-help` : undefined}>
        {label}
      </button>
    </form>
  );
}

export function userPage(ctx: PageContext, u: UserView, agency: AgencyView | null, self: boolean): string {
  const { t } = ctx;
  const base = `/admin/users/${u.id}`;
  return renderDocument(
    <Page ctx={ctx} title={t('admin.users.accountTitle')}>
      <Back href="/admin/users" label={t('common.back')} />
      <h1>{t('admin.users.accountTitle')}</h1>
      <dl class="stack" id="account">
        <dt>{t('admin.users.displayName')}</dt>
        <dd>{u.displayName}</dd>
        <dt>{t('admin.users.email')}</dt>
        <dd>
          <bdi dir="ltr">{u.email}</bdi>
        </dd>
        <dt>{t('admin.users.role')}</dt>
        <dd>{t(`role.${u.role}`)}</dd>
        <dt>{t('admin.users.agency')}</dt>
        <dd>{agency ? agency.name : '—'}</dd>
        <dt>{t('admin.users.status')}</dt>
        <dd id="account-status">
          <StatusTags ctx={ctx} u={u} />
        </dd>
        <dt>{t('admin.users.mfa')}</dt>
        <dd>{u.mfaEnabled ? t('admin.users.mfaOn') : t('admin.users.mfaOff')}</dd>
        <dt>{t('admin.users.created')}</dt>
        <dd>{when(u.createdAt)}</dd>
      </dl>
      {u.status === 'awaiting_approval' && (
        <p class="note">
          {t('admin.users.awaitingHere')} <a href="/account-approvals">{t('admin.users.toApprovals')}</a>
        </p>
      )}
      <h2>{t('admin.users.actions')}</h2>
      {self ? (
        <p>{t('admin.users.self')}</p>
      ) : (
        <>
          {u.disabled ? (
            <ActionButton ctx={ctx} action={`${base}/enable`} id="enable" label={t('admin.users.enable')} />
          ) : (
            <ActionButton ctx={ctx} action={`${base}/disable`} id="disable" label={t('admin.users.disable')} help={t('admin.users.disableHelp')} secondary />
          )}
          {u.status === 'invited' || u.status === 'refused' ? (
            <ActionButton ctx={ctx} action={`${base}/reinvite`} id="reinvite" label={t('admin.users.reinvite')} help={t('admin.users.reinviteHelp')} secondary />
          ) : (
            <ActionButton ctx={ctx} action={`${base}/reset`} id="reset-mfa" label={t('admin.users.resetMfa')} help={t('admin.users.resetMfaHelp')} secondary />
          )}
        </>
      )}
    </Page>,
  );
}

/* ---------- approvals ---------- */

export function approvalsPage(ctx: PageContext, pending: UserView[], agencies: Map<string, string>): string {
  const { t } = ctx;
  return renderDocument(
    <Page ctx={ctx} title={t('admin.approvals.title')}>
      <h1>{t('admin.approvals.title')}</h1>
      <p>{t('admin.approvals.lead')}</p>
      {pending.length === 0 ? (
        <p id="approvals-empty">{t('admin.approvals.empty')}</p>
      ) : (
        <ul class="cards" id="approvals">
          {pending.map((u) => (
            <li data-user={u.id}>
              <strong>{u.displayName}</strong> <span class="tag">{t(`role.${u.role}`)}</span>
              <div class="meta">
                <bdi dir="ltr">{u.email}</bdi>
                {u.agencyId && ` · ${agencies.get(u.agencyId) ?? ''}`}
              </div>
              {!u.mfaEnabled && <p class="help">{t('admin.approvals.mfaMissing')}</p>}
              <form method="post" action={`/account-approvals/${u.id}`}>
                <Csrf token={ctx.session!.csrf} />
                <button type="submit" name="decision" value="approve" aria-label={`${t('admin.approvals.approve')}: ${u.displayName}`}>
                  {t('admin.approvals.approve')}
                </button>{' '}
                <button type="submit" name="decision" value="refuse" class="secondary" aria-label={`${t('admin.approvals.refuse')}: ${u.displayName}`}>
                  {t('admin.approvals.refuse')}
                </button>
              </form>
            </li>
          ))}
        </ul>
      )}
    </Page>,
  );
}

/* ---------- audit ---------- */

export function auditStatePage(ctx: PageContext, state: AuditChainState, result: AuditVerifyResult | null): string {
  const { t } = ctx;
  const v = state.lastVerification;
  return renderDocument(
    <Page ctx={ctx} title={t('admin.audit.title')}>
      <h1>{t('admin.audit.title')}</h1>
      <p>{t('admin.audit.lead')}</p>
      {result &&
        (result.ok ? (
          <p class="note" role="status" id="verify-result">
            {t('admin.audit.resultOk', { length: result.length })}
          </p>
        ) : (
          <p class="alert" role="alert" id="verify-result">
            {t('admin.audit.resultBroken', { seq: result.firstBrokenSeq, reason: t(`admin.audit.reason.${result.reason}`) })}
          </p>
        ))}
      <dl class="stack" id="chain-state">
        <dt>{t('admin.audit.head')}</dt>
        <dd id="chain-head">{code(state.headSeq ?? '0')}</dd>
        <dt>{t('admin.audit.queued')}</dt>
        <dd>{state.queued}</dd>
        <dt>{t('admin.audit.checkpoint')}</dt>
        <dd id="chain-checkpoint">
          {state.lastCheckpoint ? (
            <>
              {code(state.lastCheckpoint.seq)} · {t('admin.audit.checkpointAt', { at: state.lastCheckpoint.signedAt.toISOString().slice(0, 16).replace('T', ' ') })}
            </>
          ) : (
            t('admin.audit.noCheckpoint')
          )}
        </dd>
        <dt>{t('admin.audit.lastVerified')}</dt>
        <dd id="chain-verified">
          {!v
            ? t('admin.audit.neverVerified')
            : v.ok
              ? t('admin.audit.verifiedOk', { seq: v.verifiedLength ?? 0 })
              : t('admin.audit.verifiedBroken', { seq: v.firstBrokenSeq ?? 0, reason: v.reason ? t(`admin.audit.reason.${v.reason}`) : '' })}
          {v && <> · {when(v.at)}</>}
        </dd>
      </dl>
      <form method="post" action="/admin/audit/verify">
        <Csrf token={ctx.session!.csrf} />
        <p class="help" id="verify-help">
          {t('admin.audit.verifyHelp')}
        </p>
        <button type="submit" id="verify-now" aria-describedby="verify-help">
          {t('admin.audit.verifyNow')}
        </button>
      </form>
      <p>
        <a href="/admin/audit/events">{t('admin.audit.events')}</a>
      </p>
    </Page>,
  );
}

export interface EventFilterValues {
  action: string;
  actor: string;
  from: string;
  to: string;
}

export function auditEventsPage(ctx: PageContext, items: AuditEventSummary[], filter: EventFilterValues, errors: FormErrors, nextBeforeSeq: string | null, paged: boolean): string {
  const { t } = ctx;
  const values: FormValues = { ...filter };
  const f = { form: 'ev', values, errors };
  const params = (extra: Record<string, string>) =>
    new URLSearchParams({ ...Object.fromEntries(Object.entries(filter).filter(([k, v]) => v && !errors[k])), ...extra }).toString();
  return renderDocument(
    <Page ctx={ctx} title={t('admin.events.title')}>
      <Back href="/admin/audit" label={t('admin.audit.title')} />
      <h1>{t('admin.events.title')}</h1>
      <p>{t('admin.events.lead')}</p>
      <form method="get" action="/admin/audit/events" class="filters">
        <TextField {...f} name="action" label={t('admin.events.action')} dir="ltr" maxlength={64} />
        <TextField {...f} name="actor" label={t('admin.events.actor')} dir="ltr" maxlength={36} />
        <TextField {...f} name="from" type="date" label={t('admin.events.from')} />
        <TextField {...f} name="to" type="date" label={t('admin.events.to')} />
        <div>
          <button type="submit" class="secondary" id="filter-events">
            {t('admin.events.filter')}
          </button>
        </div>
      </form>
      {items.length === 0 ? (
        <p>{t('admin.events.empty')}</p>
      ) : (
        <ul class="cards" id="events">
          {items.map((e) => (
            <li data-seq={e.seq}>
              <strong>{code(e.action)}</strong> <span class={e.outcome === 'success' ? 'tag' : 'tag overdue'}>{t(`admin.outcome.${e.outcome}`)}</span>
              <div class="meta">
                {t('admin.events.seq')} {code(e.seq)} · {when(e.occurredAt)} UTC
              </div>
              <div class="meta">
                {t('admin.events.who')}: {e.actorRole && (ROLES as readonly string[]).includes(e.actorRole) ? t(`role.${e.actorRole}`) : e.actorRole ? code(e.actorRole) : t('admin.events.system')}
                {e.actorId && (
                  <>
                    {' '}
                    <a href={`/admin/audit/events?${params({ actor: e.actorId })}`}>{code(e.actorId)}</a>
                  </>
                )}
              </div>
              {(e.targetType || e.targetId) && (
                <div class="meta">
                  {t('admin.events.target')}: {e.targetType && code(e.targetType)} {e.targetId && code(e.targetId)}
                </div>
              )}
            </li>
          ))}
        </ul>
      )}
      <p class="pager">
        {paged && <a href={`/admin/audit/events?${params({})}`}>{t('admin.events.newest')}</a>}
        {nextBeforeSeq && (
          <a href={`/admin/audit/events?${params({ before: nextBeforeSeq })}`} id="older-events">
            {t('admin.events.older')}
          </a>
        )}
      </p>
    </Page>,
  );
}

