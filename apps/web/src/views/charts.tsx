/**
 * Charts drawn as inline SVG by the server: presentation attributes only (no style attribute,
 * no script), so they pass the console's CSP, print, and work without JavaScript. Each chart
 * has a text alternative; the table beside it holds the same figures.
 */

const fmt = (v: number | null) => (v === null ? '' : String(v));

/** Horizontal bars, one per category; a hidden figure has no bar and says so. */
export function BarChart(props: { id: string; title: string; categories: string[]; values: (number | null)[]; hiddenLabel: string }) {
  const { id, title, categories, values, hiddenLabel } = props;
  const barHeight = 22;
  const gap = 6;
  const labelWidth = 130;
  const plotWidth = 160;
  const width = labelWidth + plotWidth + 50;
  const height = categories.length * (barHeight + gap) + gap;
  const max = Math.max(1, ...values.map((v) => v ?? 0));
  return (
    // Focusable: a chart wider than a small screen scrolls, and keyboard users must reach it.
    <figure dir="ltr" tabindex={0}>
      <svg id={id} role="img" aria-labelledby={`${id}-t`} aria-describedby={`${id}-d`} width={width} height={height} viewBox={`0 0 ${width} ${height}`} xmlns="http://www.w3.org/2000/svg">
        <title id={`${id}-t`}>{title}</title>
        <desc id={`${id}-d`}>{categories.map((c, i) => `${c}: ${values[i] === null ? hiddenLabel : values[i]}`).join('; ')}</desc>
        {categories.map((c, i) => {
          const y = gap + i * (barHeight + gap);
          const v = values[i];
          const w = v === null ? 0 : Math.round((v / max) * plotWidth);
          return (
            <g>
              <text x={labelWidth - 6} y={y + barHeight * 0.7} text-anchor="end" font-size="12" fill="#1b1b1b">
                {c.length > 20 ? `${c.slice(0, 19)}…` : c}
              </text>
              {v !== null && <rect x={labelWidth} y={y} width={Math.max(w, v > 0 ? 2 : 0)} height={barHeight} fill="#2f6f9f" />}
              <text x={labelWidth + w + 4} y={y + barHeight * 0.7} font-size="12" fill={v === null ? '#6b3f00' : '#1b1b1b'}>
                {v === null ? hiddenLabel : fmt(v)}
              </text>
            </g>
          );
        })}
      </svg>
    </figure>
  );
}

/** A line over periods; a period without a published figure breaks the line. */
export function TrendChart(props: { id: string; title: string; points: { period: string; value: number | null }[]; missingLabel: string }) {
  const { id, title, points, missingLabel } = props;
  const width = 340;
  const height = 180;
  const left = 40;
  const bottom = 40;
  const top = 12;
  const plotW = width - left - 12;
  const plotH = height - bottom - top;
  const max = Math.max(1, ...points.map((p) => p.value ?? 0));
  const x = (i: number) => left + (points.length === 1 ? plotW / 2 : (i * plotW) / (points.length - 1));
  const y = (v: number) => top + plotH - (v / max) * plotH;
  // Runs of consecutive published values, each drawn as its own polyline.
  const runs: { i: number; v: number }[][] = [];
  points.forEach((p, i) => {
    if (p.value === null) return;
    const last = runs[runs.length - 1];
    if (last && last[last.length - 1].i === i - 1) last.push({ i, v: p.value });
    else runs.push([{ i, v: p.value }]);
  });
  return (
    // Focusable: a chart wider than a small screen scrolls, and keyboard users must reach it.
    <figure dir="ltr" tabindex={0}>
      <svg id={id} role="img" aria-labelledby={`${id}-t`} aria-describedby={`${id}-d`} width={width} height={height} viewBox={`0 0 ${width} ${height}`} xmlns="http://www.w3.org/2000/svg">
        <title id={`${id}-t`}>{title}</title>
        <desc id={`${id}-d`}>{points.map((p) => `${p.period}: ${p.value === null ? missingLabel : p.value}`).join('; ')}</desc>
        <line x1={left} y1={top + plotH} x2={left + plotW} y2={top + plotH} stroke="#767676" />
        <line x1={left} y1={top} x2={left} y2={top + plotH} stroke="#767676" />
        <text x={left - 4} y={top + 10} text-anchor="end" font-size="11" fill="#1b1b1b">
          {String(max)}
        </text>
        <text x={left - 4} y={top + plotH} text-anchor="end" font-size="11" fill="#1b1b1b">
          0
        </text>
        {runs.map((run) => (
          <polyline fill="none" stroke="#2f6f9f" stroke-width="2" points={run.map((p) => `${x(p.i)},${y(p.v)}`).join(' ')} />
        ))}
        {points.map((p, i) => (
          <g>
            {p.value !== null ? (
              <circle cx={x(i)} cy={y(p.value)} r="3.5" fill="#2f6f9f">
                <title>{`${p.period}: ${p.value}`}</title>
              </circle>
            ) : (
              <text x={x(i)} y={top + plotH - 4} text-anchor="middle" font-size="10" fill="#6b3f00">
                ×<title>{`${p.period}: ${missingLabel}`}</title>
              </text>
            )}
            {((points.length - 1 - i) % 3 === 0 || points.length <= 4) && (
              <text x={x(i)} y={height - bottom + 16} text-anchor={i === points.length - 1 && points.length > 1 ? 'end' : 'middle'} font-size="10" fill="#1b1b1b">
                {p.period}
              </text>
            )}
          </g>
        ))}
      </svg>
    </figure>
  );
}
