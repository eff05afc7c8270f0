import * as vega from 'vega';
import { compile, TopLevelSpec } from 'vega-lite';
import type { ReportResult } from './report-tables';

export const SUPPRESSED_LABEL = 'suppressed';

/**
 * The template's main breakdown as a Vega-Lite bar chart, rendered to SVG headless (Vega's
 * View with renderer "none" needs no browser and no canvas). It draws only published
 * figures: the row totals of the chart section; a suppressed bar is absent and labelled.
 */
export function chartSpec(result: ReportResult): TopLevelSpec {
  const section = result.sections.find((s) => s.id === result.chart.section);
  if (!section) throw new Error('the chart section is missing from the result');
  // Results stored before sections carried a unit counted incidents.
  const unit = section.unit ?? 'incidents';
  const values = section.rows.map((r, i) => ({
    category: r.join(' / '),
    count: section.rowTotals[i],
    label: section.rowTotals[i] === null ? SUPPRESSED_LABEL : String(section.rowTotals[i]),
  }));
  // An explicit domain keeps the template's order, suppressed (barless) categories included.
  const y = {
    field: 'category',
    type: 'nominal',
    sort: null,
    scale: { domain: values.map((v) => v.category) },
    axis: { labelLimit: 320 },
    title: section.rowDimensions.join(' / '),
  } as const;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: {
      text: `${result.chart.title}, ${result.period}`,
      subtitle: `Counts from 1 to ${result.minCellCount - 1} and the counts that would reveal them are suppressed.`,
    },
    width: 480,
    data: { values },
    layer: [
      {
        mark: { type: 'bar', color: '#4c78a8' },
        encoding: { y, x: { field: 'count', type: 'quantitative', title: unit } },
      },
      {
        mark: { type: 'text', align: 'left', dx: 4 },
        encoding: { y, x: { field: 'count', type: 'quantitative' }, text: { field: 'label' } },
        transform: [{ calculate: 'datum.count === null ? 0 : datum.count', as: 'count' }],
      },
    ],
    config: { font: 'sans-serif', view: { stroke: null } },
  };
}

export async function renderChartSvg(result: ReportResult): Promise<string> {
  const compiled = compile(chartSpec(result)).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
