// A small SVG line chart (no chart library): one or two series over the same x axis, gaps for missing values.
export interface Series {
  label: string;
  values: Array<number | null>;
  className: string;
}

export function LineChart({
  title,
  xLabels,
  series,
  unit,
}: {
  title: string;
  xLabels: string[];
  series: Series[];
  unit?: string;
}) {
  const W = 420;
  const H = 160;
  const pad = { l: 40, r: 10, t: 10, b: 24 };
  const all = series.flatMap((s) => s.values.filter((v): v is number => v !== null));
  const max = Math.max(1, ...all);
  const n = Math.max(1, xLabels.length - 1);
  const x = (i: number) => pad.l + ((W - pad.l - pad.r) * i) / n;
  const y = (v: number) => H - pad.b - ((H - pad.t - pad.b) * v) / max;
  const path = (vals: Array<number | null>) => {
    let d = '';
    let pen = false;
    vals.forEach((v, i) => {
      if (v === null) {
        pen = false;
        return;
      }
      d += `${pen ? 'L' : 'M'}${x(i).toFixed(1)},${y(v).toFixed(1)} `;
      pen = true;
    });
    return d;
  };
  const desc = series
    .map((s) => `${s.label}: ${s.values.map((v) => (v === null ? '–' : v.toFixed(1))).join(', ')}`)
    .join('; ');
  return (
    <figure className="chart">
      <figcaption>{title}</figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`${title}. ${desc}`}>
        <line x1={pad.l} y1={H - pad.b} x2={W - pad.r} y2={H - pad.b} className="axis" />
        <line x1={pad.l} y1={pad.t} x2={pad.l} y2={H - pad.b} className="axis" />
        <text x={pad.l - 4} y={pad.t + 8} textAnchor="end">
          {max.toFixed(max < 10 ? 1 : 0)}
          {unit ?? ''}
        </text>
        <text x={pad.l - 4} y={H - pad.b} textAnchor="end">
          0
        </text>
        {xLabels.map((l, i) =>
          i % 3 === 0 ? (
            <text key={i} x={x(i)} y={H - 6} textAnchor="middle">
              {l}
            </text>
          ) : null,
        )}
        {series.map((s) => (
          <g key={s.label} className={s.className}>
            <path d={path(s.values)} fill="none" />
            {s.values.map((v, i) => (v === null ? null : <circle key={i} cx={x(i)} cy={y(v)} r={2.5} />))}
          </g>
        ))}
      </svg>
      <div className="legend">
        {series.map((s) => (
          <span key={s.label} className={s.className}>
            ■ {s.label}
          </span>
        ))}
      </div>
    </figure>
  );
}
