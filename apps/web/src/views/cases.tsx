import type { CaseDetailView, CasePage } from '@amani/domain/cases';
import type { ReferralView } from '@amani/domain/referrals';
import { AGE_BANDS, CASE_STAGES, GBV_TYPES, SEXES } from '@amani/domain/cases';
import { renderDocument } from '@amani/html';
import { CaseSections, CaseWorkSections } from './case-work';
import { Csrf, Day, FieldError, Page, PageContext, shortRef } from './page';

export interface CaseFilters {
  stage: string;
  sex: string;
  ageBand: string;
  gbvType: string;
  region: string;
}
export type FilterErrors = Partial<Record<keyof CaseFilters, string>>;

function Select({ ctx, name, label, values, prefix, value, error }: { ctx: PageContext; name: keyof CaseFilters; label: string; values: readonly string[]; prefix: string; value: string; error?: string }) {
  const id = `f-${name}`;
  return (
    <div>
      <label for={id}>{label}</label>
      <FieldError id={`${id}-error`} message={error} />
      <select id={id} name={name} aria-invalid={error ? 'true' : undefined} aria-describedby={error ? `${id}-error` : undefined}>
        <option value="">{ctx.t('common.any')}</option>
        {values.map((v) => (
          <option value={v} selected={v === value}>
            {ctx.t(`${prefix}.${v}`)}
          </option>
        ))}
      </select>
    </div>
  );
}

function query(filters: CaseFilters, page: number): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(filters)) if (v) params.set(k, v);
  if (page > 1) params.set('page', String(page));
  const s = params.toString();
  return s ? `/cases?${s}` : '/cases';
}

export function caseListPage(ctx: PageContext, filters: CaseFilters, page: CasePage | null, errors: FilterErrors): string {
  const { t } = ctx;
  const pages = page ? Math.max(1, Math.ceil(page.total / page.pageSize)) : 1;
  return renderDocument(
    <Page ctx={ctx} title={t('cases.title')}>
      <h1>{t('cases.title')}</h1>
      <p>
        <a href="/cases/new" id="new-case-link">
          {t('newCase.title')}
        </a>
      </p>
      {Object.keys(errors).length > 0 && (
        <p class="alert" role="alert">
          {t('common.checkErrors')}
        </p>
      )}
      <form method="get" action="/cases">
        <fieldset class="filters">
          <legend>{t('cases.filters')}</legend>
          <Select ctx={ctx} name="stage" label={t('cases.stage')} values={CASE_STAGES} prefix="stage" value={filters.stage} error={errors.stage} />
          <Select ctx={ctx} name="sex" label={t('cases.sex')} values={SEXES} prefix="sex" value={filters.sex} error={errors.sex} />
          <Select ctx={ctx} name="ageBand" label={t('cases.ageBand')} values={AGE_BANDS} prefix="ageBand" value={filters.ageBand} error={errors.ageBand} />
          <Select ctx={ctx} name="gbvType" label={t('cases.gbvType')} values={GBV_TYPES} prefix="gbvType" value={filters.gbvType} error={errors.gbvType} />
          <div>
            <label for="f-region">{t('cases.region')}</label>
            <FieldError id="f-region-error" message={errors.region} />
            <input type="text" id="f-region" name="region" dir="ltr" maxlength={32} value={filters.region} aria-invalid={errors.region ? 'true' : undefined} aria-describedby={errors.region ? 'f-region-error' : undefined} />
          </div>
          <div>
            <button type="submit">{t('common.apply')}</button>
          </div>
        </fieldset>
      </form>
      {page && (
        <>
          <p role="status" id="case-count">
            {page.totalCapped ? t('cases.countCapped', { count: page.total }) : t('cases.count', { count: page.total })}
          </p>
          {page.items.length === 0 ? (
            <p>{t('cases.empty')}</p>
          ) : (
            <ul class="cards" id="cases">
              {page.items.map((c) => (
                <li>
                  <a href={`/cases/${c.id}`} aria-label={t('cases.open', { ref: shortRef(c.id) })}>
                    <strong dir="ltr">{shortRef(c.id)}</strong>
                  </a>{' '}
                  <span class="tag">{t(`stage.${c.stage}`)}</span>
                  <div class="meta">
                    {t(`sex.${c.sex}`)} · {t(`ageBand.${c.ageBand}`)} · <bdi dir="ltr">{c.regionCode}</bdi> · {t('cases.opened')} <Day value={c.createdAt} />
                  </div>
                </li>
              ))}
            </ul>
          )}
          <nav class="pager" aria-label={t('common.pageOf', { page: page.page, pages })}>
            {page.page > 1 && (
              <a href={query(filters, page.page - 1)} rel="prev">
                {t('common.previous')}
              </a>
            )}
            <span>{t('common.pageOf', { page: page.page, pages })}</span>
            {page.page < pages && (
              <a href={query(filters, page.page + 1)} rel="next">
                {t('common.next')}
              </a>
            )}
          </nav>
        </>
      )}
    </Page>,
  );
}

/** The case page: coded facts and the survivor code only; identifying details stay behind their own, audited step. */
export function casePage(ctx: PageContext, c: CaseDetailView, viewerId: string, referrals: ReferralView[], identifying: boolean, sections: CaseSections): string {
  const { t } = ctx;
  const ref = shortRef(c.id);
  const assigned = c.assignedCaseworkerId === null ? t('cases.unassigned') : c.assignedCaseworkerId === viewerId ? t('cases.assignedYou') : t('cases.assignedOther');
  return renderDocument(
    <Page ctx={ctx} title={t('cases.caseTitle', { ref })}>
      <p>
        <a href="/cases">{t('common.back')}</a>
      </p>
      <h1>{t('cases.caseTitle', { ref })}</h1>
      <h2>{t('cases.summary')}</h2>
      <dl id="case-summary">
        <dt>{t('cases.survivorCode')}</dt>
        <dd>
          <bdi dir="ltr">{c.survivorCode}</bdi>
        </dd>
        <dt>{t('cases.stage')}</dt>
        <dd id="case-stage">{t(`stage.${c.stage}`)}</dd>
        <dt>{t('cases.assigned')}</dt>
        <dd>{assigned}</dd>
        <dt>{t('cases.sex')}</dt>
        <dd>{t(`sex.${c.sex}`)}</dd>
        <dt>{t('cases.ageBand')}</dt>
        <dd>{t(`ageBand.${c.ageBand}`)}</dd>
        <dt>{t('cases.region')}</dt>
        <dd>
          <bdi dir="ltr">{c.regionCode}</bdi>
        </dd>
        <dt>{t('cases.opened')}</dt>
        <dd>
          <Day value={c.createdAt} />
        </dd>
        <dt>{t('cases.updated')}</dt>
        <dd>
          <Day value={c.updatedAt} />
        </dd>
        {c.closedAt && <dt>{t('cases.closed')}</dt>}
        {c.closedAt && (
          <dd>
            <Day value={c.closedAt} />
          </dd>
        )}
      </dl>
      {identifying ? <IdentifyingDetails ctx={ctx} c={c} /> : (
        <form method="post" action={`/cases/${c.id}/identifying`}>
          <Csrf token={ctx.session!.csrf} />
          <p class="help" id="identifying-hint">{t('cases.identifyingHint')}</p>
          <button type="submit" class="secondary" aria-describedby="identifying-hint">
            {t('cases.showIdentifying')}
          </button>
        </form>
      )}
      <h2>{t('cases.referrals')}</h2>
      {referrals.length === 0 ? (
        <p>{t('cases.noReferrals')}</p>
      ) : (
        <ul class="cards" id="case-referrals">
          {referrals.map((r) => (
            <li>
              <a href={`/referrals/${r.id}`}>{t(`serviceType.${r.serviceType}`)}</a> <span class="tag">{t(`referralState.${r.state}`)}</span>
              {r.overdue && <span class="tag overdue"> {t('referrals.overdue')}</span>}
              <div class="meta">
                {t('referrals.received')} <Day value={r.createdAt} />
                {r.outcome && ` · ${t(`serviceOutcome.${r.outcome}`)}`}
              </div>
            </li>
          ))}
        </ul>
      )}
      <CaseWorkSections ctx={ctx} c={c} s={sections} />
    </Page>,
  );
}

function text(v: unknown): string {
  if (v === null || v === undefined || v === '') return '—';
  if (Array.isArray(v)) return v.length ? v.map((x) => text(x)).join(', ') : '—';
  if (typeof v === 'object') {
    const parts = Object.values(v as Record<string, unknown>).filter((x) => x !== null && x !== undefined && x !== '');
    return parts.length ? parts.map((x) => text(x)).join(' · ') : '—';
  }
  return typeof v === 'string' ? v : JSON.stringify(v);
}

const IDENTIFYING = ['survivorName', 'aliases', 'dateOfBirth', 'contactDetails', 'address', 'caregiverDetails', 'narrative'] as const;

function IdentifyingDetails({ ctx, c }: { ctx: PageContext; c: CaseDetailView }) {
  const { t } = ctx;
  return (
    <section aria-labelledby="identifying">
      <h2 id="identifying">{t('cases.identifying')}</h2>
      <dl id="case-identifying">
        {IDENTIFYING.map((f) => (
          <>
            <dt>{t(`field.${f}`)}</dt>
            <dd>{text(c[f])}</dd>
          </>
        ))}
      </dl>
      <p>
        <a href={`/cases/${c.id}`}>{t('cases.hideIdentifying')}</a>
      </p>
    </section>
  );
}
