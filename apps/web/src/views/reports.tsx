import { renderDocument } from '@amani/html';
import type { ReportPage, ReportSection, ReportSummary, ReportTrend, ReportView } from '@amani/domain/reporting';
import { BarChart, TrendChart } from './charts';
import { Csrf, Day, FieldError, Page, PageContext, shortRef } from './page';

/** Templates a role may request: SEA statistics are inter-agency only. */
export function requestableTemplates(role: string): string[] {
  return role === 'protection_officer' ? ['gbvims_monthly', 'referral_performance', 'case_management', 'sea_quarterly'] : ['gbvims_monthly', 'referral_performance', 'case_management'];
}

export interface RequestForm {
  template: string;
  period: string;
}

const label = (tuple: string[]) => tuple.join(' / ');
const BUILDING = ['queued', 'running'];

function Status({ ctx, r }: { ctx: PageContext; r: ReportSummary }) {
  const { t } = ctx;
  return <span class={r.status === 'failed' ? 'tag overdue' : 'tag'}>{t(`reports.status.${r.status}`)}</span>;
}

function templateName(ctx: PageContext, id: string): string {
  return ctx.t(`reports.template.${id}`);
}

export function reportsListPage(
  ctx: PageContext,
  page: ReportPage,
  form: { values: RequestForm; errors: RequestForm },
  scope: 'inter_agency' | 'agency',
): string {
  const { t } = ctx;
  const pages = Math.max(1, Math.ceil(page.total / page.pageSize));
  const done = page.items.filter((r) => r.status === 'done');
  const templates = requestableTemplates(ctx.session?.role ?? '');
  const invalid = Boolean(form.errors.template || form.errors.period);
  return renderDocument(
    <Page ctx={ctx} title={t('reports.title')}>
      <h1>{t('reports.title')}</h1>
      <p>{t(scope === 'agency' ? 'reports.scopeAgency' : 'reports.scopeInterAgency')}</p>
      <section aria-labelledby="request">
        <h2 id="request">{t('reports.requestTitle')}</h2>
        {invalid && (
          <p class="alert" role="alert">
            {t('common.checkErrors')}
          </p>
        )}
        <form method="post" action="/reports" novalidate>
          <Csrf token={ctx.session!.csrf} />
          <label for="template">{t('reports.templateLabel')}</label>
          <select id="template" name="template" aria-describedby={form.errors.template ? 'template-error' : undefined} aria-invalid={form.errors.template ? 'true' : undefined}>
            {templates.map((id) => (
              <option value={id} selected={form.values.template === id}>
                {templateName(ctx, id)}
              </option>
            ))}
          </select>
          <FieldError id="template-error" message={form.errors.template} />
          <label for="period">{t('reports.periodLabel')}</label>
          <p class="help" id="period-help">
            {t('reports.periodHelp')}
          </p>
          <input
            type="text"
            id="period"
            name="period"
            value={form.values.period}
            inputmode="text"
            autocomplete="off"
            aria-describedby={form.errors.period ? 'period-help period-error' : 'period-help'}
            aria-invalid={form.errors.period ? 'true' : undefined}
          />
          <FieldError id="period-error" message={form.errors.period} />
          <button type="submit">{t('reports.request')}</button>
        </form>
      </section>
      <section aria-labelledby="built">
        <h2 id="built">{t('reports.listTitle')}</h2>
        {page.items.length === 0 ? (
          <p>{t('reports.none')}</p>
        ) : (
          <ul class="cards" id="report-list">
            {page.items.map((r) => (
              <li>
                <a href={`/reports/${r.id}`}>
                  <strong>{templateName(ctx, r.template)}</strong>, <bdi dir="ltr">{r.period}</bdi>
                </a>{' '}
                <Status ctx={ctx} r={r} />
                <div class="meta">
                  {t('reports.requestedOn')} <Day value={r.createdAt} />
                </div>
              </li>
            ))}
          </ul>
        )}
        {pages > 1 && (
          <p class="pager">
            {page.page > 1 && <a href={`/reports?page=${page.page - 1}`}>{t('common.previous')}</a>}
            <span>{t('common.pageOf', { page: page.page, pages })}</span>
            {page.page < pages && <a href={`/reports?page=${page.page + 1}`}>{t('common.next')}</a>}
          </p>
        )}
      </section>
      {done.length >= 2 && (
        <section aria-labelledby="compare">
          <h2 id="compare">{t('reports.compareTitle')}</h2>
          <p class="help">{t('reports.compareHelp')}</p>
          <form method="get" action="/reports/compare">
            <label for="compare-a">{t('reports.compareA')}</label>
            <select id="compare-a" name="a">
              {done.map((r, i) => (
                <option value={r.id} selected={i === 1}>
                  {`${templateName(ctx, r.template)}, ${r.period}`}
                </option>
              ))}
            </select>
            <label for="compare-b">{t('reports.compareB')}</label>
            <select id="compare-b" name="b">
              {done.map((r, i) => (
                <option value={r.id} selected={i === 0}>
                  {`${templateName(ctx, r.template)}, ${r.period}`}
                </option>
              ))}
            </select>
            <button type="submit" class="secondary">
              {t('reports.compare')}
            </button>
          </form>
        </section>
      )}
    </Page>,
  );
}

function Cell({ ctx, v, total }: { ctx: PageContext; v: number | null; total?: boolean }) {
  if (v === null) {
    return (
      <td class={total ? 'hidden-cell total' : 'hidden-cell'}>
        <abbr title={ctx.t('reports.hiddenLong')}>{ctx.t('reports.hiddenShort')}</abbr>
      </td>
    );
  }
  return <td class={total ? 'total' : undefined}>{String(v)}</td>;
}

function SectionTable({ ctx, s }: { ctx: PageContext; s: ReportSection }) {
  const { t } = ctx;
  const hasColumns = s.columns.length > 0 && s.columnDimensions.length > 0;
  return (
    <div class="scroll" tabindex={0} role="region" aria-label={s.title}>
      <table class="figures" id={`table-${s.id}`} aria-labelledby={`h-${s.id}`}>
        <caption class="help">{t('reports.unit', { unit: s.unit })}</caption>
        <thead>
          <tr>
            <th scope="col">{s.rowDimensions.join(' / ')}</th>
            {hasColumns && s.columns.map((c) => <th scope="col">{label(c)}</th>)}
            <th scope="col">{t('reports.total')}</th>
          </tr>
        </thead>
        <tbody>
          {s.rows.map((r, i) => (
            <tr>
              <th scope="row">{label(r)}</th>
              {hasColumns && s.cells[i].map((v) => <Cell ctx={ctx} v={v} />)}
              <Cell ctx={ctx} v={s.rowTotals[i]} total />
            </tr>
          ))}
          <tr>
            <th scope="row">{t('reports.total')}</th>
            {hasColumns && s.columnTotals.map((v) => <Cell ctx={ctx} v={v} total />)}
            <Cell ctx={ctx} v={s.grandTotal} total />
          </tr>
        </tbody>
      </table>
    </div>
  );
}

export function reportPage(ctx: PageContext, view: ReportView, trend: ReportTrend | null): string {
  const { t } = ctx;
  const building = BUILDING.includes(view.status);
  const result = view.result;
  const title = `${templateName(ctx, view.template)}, ${view.period}`;
  return renderDocument(
    <Page ctx={ctx} title={title} refreshSeconds={building ? 3 : undefined}>
      <p>
        <a href="/reports">{t('reports.back')}</a>
      </p>
      <h1>
        {templateName(ctx, view.template)}, <bdi dir="ltr">{view.period}</bdi>
      </h1>
      <p>
        <Status ctx={ctx} r={view} /> <span dir="ltr">{shortRef(view.id)}</span>
      </p>
      {building && (
        <p class="note" role="status">
          {t('reports.building', { progress: view.progress })}
        </p>
      )}
      {view.status === 'failed' && (
        <p class="alert" role="alert">
          {t('reports.failed')}
        </p>
      )}
      {result && (
        <>
          <section aria-labelledby="about">
            <h2 id="about">{t('reports.aboutTitle')}</h2>
            <dl class="stack">
              <dt>{t('reports.period')}</dt>
              <dd>
                <bdi dir="ltr">{result.period}</bdi>
              </dd>
              <dt>{t('reports.scope')}</dt>
              <dd>{t(result.scope === 'agency' ? 'reports.scopeAgencyShort' : 'reports.scopeInterAgencyShort')}</dd>
              <dt>{t('reports.rule')}</dt>
              <dd>
                {t('reports.ruleText', { k: result.minCellCount, max: result.minCellCount - 1 })} {t('reports.complementary')}
              </dd>
              {(result.inclusion ?? []).map((i) => (
                <>
                  <dt>{t('reports.whoCounts', { population: i.population })}</dt>
                  <dd>{i.rule}</dd>
                </>
              ))}
              {result.regionRollUp && result.regionRollUp.length > 0 && (
                <>
                  <dt>{t('reports.rollUp')}</dt>
                  <dd>
                    {t('reports.rollUpText')} <bdi dir="ltr">{result.regionRollUp.join(', ')}</bdi>
                  </dd>
                </>
              )}
            </dl>
            <p>
              <a href={`/reports/${view.id}/csv`} download>
                {t('reports.downloadCsv')}
              </a>{' '}
              ·{' '}
              <a href={`/reports/${view.id}/svg`} download>
                {t('reports.downloadSvg')}
              </a>
            </p>
          </section>
          {trend && (
            <section aria-labelledby="trend">
              <h2 id="trend">{t('reports.trendTitle', { n: trend.points.length })}</h2>
              <p class="help">{trend.title}</p>
              <TrendChart id="trend-chart" title={`${trend.title}: ${t('reports.trendTitle', { n: trend.points.length })}`} points={trend.points} missingLabel={t('reports.trendMissing')} />
            </section>
          )}
          {result.sections.map((s) => (
            <section aria-labelledby={`h-${s.id}`}>
              <h2 id={`h-${s.id}`}>{s.title}</h2>
              <SectionTable ctx={ctx} s={s} />
              <BarChart
                id={`chart-${s.id}`}
                title={`${s.title}: ${t('reports.total')}`}
                categories={s.rows.map(label)}
                values={s.rowTotals}
                hiddenLabel={t('reports.hiddenShort')}
              />
            </section>
          ))}
          {result.indicators.map((ind) => (
            <section aria-labelledby={`h-${ind.id}`}>
              <h2 id={`h-${ind.id}`}>{ind.title}</h2>
              <div class="scroll" tabindex={0} role="region" aria-label={ind.title}>
                <table class="figures">
                  <thead>
                    <tr>
                      <th scope="col">{ind.rowDimensions.join(' / ')}</th>
                      {ind.indicators.map((i) => (
                        <th scope="col">{i}</th>
                      ))}
                    </tr>
                  </thead>
                  <tbody>
                    {ind.rows.map((r, i) => (
                      <tr>
                        <th scope="row">{label(r)}</th>
                        {ind.values[i].map((v) =>
                          v === null ? (
                            <td class="hidden-cell">
                              <abbr title={t('reports.hiddenLong')}>{t('reports.hiddenShort')}</abbr>
                            </td>
                          ) : (
                            <td>{String(v)}</td>
                          ),
                        )}
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </section>
          ))}
        </>
      )}
    </Page>,
  );
}

/** Two periods side by side: differences only where both published the figure. */
export function comparePage(ctx: PageContext, a: ReportView, b: ReportView): string {
  const { t } = ctx;
  const ra = a.result!;
  const rb = b.result!;
  const title = t('reports.compareHeading', { a: a.period, b: b.period });
  return renderDocument(
    <Page ctx={ctx} title={title}>
      <p>
        <a href="/reports">{t('reports.back')}</a>
      </p>
      <h1>
        {templateName(ctx, b.template)}: <bdi dir="ltr">{a.period}</bdi> → <bdi dir="ltr">{b.period}</bdi>
      </h1>
      <p class="note">{t('reports.compareNote')}</p>
      {rb.sections.map((sb) => {
        const sa = ra.sections.find((s) => s.id === sb.id);
        const find = (s: ReportSection | undefined, row: string[], col: string[] | null): number | null | undefined => {
          if (!s) return undefined;
          const i = s.rows.findIndex((r) => label(r) === label(row));
          if (i < 0) return undefined;
          if (col === null) return s.rowTotals[i];
          const j = s.columns.findIndex((c) => label(c) === label(col));
          return j < 0 ? undefined : s.cells[i][j];
        };
        const lines: { row: string[]; col: string[] | null }[] = [];
        sb.rows.forEach((r) => {
          lines.push({ row: r, col: null });
        });
        return (
          <section aria-labelledby={`h-${sb.id}`}>
            <h2 id={`h-${sb.id}`}>{sb.title}</h2>
            <div class="scroll" tabindex={0} role="region" aria-label={sb.title}>
              <table class="figures" id={`compare-${sb.id}`}>
                <caption>{t('reports.compareCaption')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{sb.rowDimensions.join(' / ')}</th>
                    <th scope="col">
                      <bdi dir="ltr">{a.period}</bdi>
                    </th>
                    <th scope="col">
                      <bdi dir="ltr">{b.period}</bdi>
                    </th>
                    <th scope="col">{t('reports.difference')}</th>
                  </tr>
                </thead>
                <tbody>
                  {[...lines, { row: [t('reports.total')], col: null, grand: true }].map((line) => {
                    const grand = 'grand' in line;
                    const va = grand ? sa?.grandTotal : find(sa, line.row, line.col);
                    const vb = grand ? sb.grandTotal : find(sb, line.row, line.col);
                    const diff = typeof va === 'number' && typeof vb === 'number' ? vb - va : null;
                    const show = (v: number | null | undefined) =>
                      v === undefined ? (
                        <td>{t('reports.notInPeriod')}</td>
                      ) : v === null ? (
                        <td class="hidden-cell">
                          <abbr title={t('reports.hiddenLong')}>{t('reports.hiddenShort')}</abbr>
                        </td>
                      ) : (
                        <td>{String(v)}</td>
                      );
                    return (
                      <tr>
                        <th scope="row">{label(line.row)}</th>
                        {show(va)}
                        {show(vb)}
                        <td class={diff === null ? undefined : diff > 0 ? 'up' : diff < 0 ? 'down' : undefined}>
                          {diff === null ? t('reports.noDifference') : diff > 0 ? `+${diff}` : String(diff)}
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          </section>
        );
      })}
    </Page>,
  );
}
