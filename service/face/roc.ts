// Pure verification metrics on distance scores (lower = more similar): ROC, AUC, EER, FNMR at a
// fixed FMR and the distance threshold achieving it, plus an SVG rendering of the ROC curve.

export interface ScoredPair {
  distance: number;
  /** true = same person (genuine), false = different people (impostor). */
  genuine: boolean;
}

export interface RocPoint {
  threshold: number;
  /** False match rate: impostor pairs with distance ≤ threshold. */
  fmr: number;
  /** False non-match rate: genuine pairs with distance > threshold. */
  fnmr: number;
}

/** ROC points at every distinct distance, from strictest (nothing accepted) to loosest. */
export function rocCurve(pairs: ScoredPair[]): RocPoint[] {
  const g = pairs.filter((p) => p.genuine).length;
  const i = pairs.length - g;
  const sorted = [...pairs].sort((a, b) => a.distance - b.distance);
  const pts: RocPoint[] = [{ threshold: -Infinity, fmr: 0, fnmr: 1 }];
  let acceptedG = 0;
  let acceptedI = 0;
  for (let k = 0; k < sorted.length; k++) {
    const p = sorted[k]!;
    if (p.genuine) acceptedG++;
    else acceptedI++;
    // Emit once per distinct threshold (ties move together).
    if (k + 1 < sorted.length && sorted[k + 1]!.distance === p.distance) continue;
    pts.push({ threshold: p.distance, fmr: i ? acceptedI / i : 0, fnmr: g ? (g - acceptedG) / g : 0 });
  }
  return pts;
}

/** Area under the ROC (TMR vs FMR) = probability a genuine pair is closer than an impostor pair. */
export function auc(pairs: ScoredPair[]): number {
  const pts = rocCurve(pairs);
  let a = 0;
  for (let k = 1; k < pts.length; k++) {
    const p0 = pts[k - 1]!;
    const p1 = pts[k]!;
    a += (p1.fmr - p0.fmr) * ((1 - p1.fnmr + (1 - p0.fnmr)) / 2);
  }
  return a;
}

/** Equal error rate: where FMR and FNMR cross (linear interpolation between ROC points). */
export function eer(pairs: ScoredPair[]): { eer: number; threshold: number } {
  const pts = rocCurve(pairs);
  for (let k = 1; k < pts.length; k++) {
    const a = pts[k - 1]!;
    const b = pts[k]!;
    if (b.fmr >= b.fnmr) {
      const da = a.fnmr - a.fmr;
      const db = b.fnmr - b.fmr;
      const t = da - db !== 0 ? da / (da - db) : 0;
      return {
        eer: a.fmr + t * (b.fmr - a.fmr),
        threshold: Number.isFinite(a.threshold) ? a.threshold + t * (b.threshold - a.threshold) : b.threshold,
      };
    }
  }
  return { eer: NaN, threshold: NaN };
}

/** Lowest FNMR with FMR ≤ target, and the loosest distance threshold achieving it. */
export function fnmrAtFmr(pairs: ScoredPair[], target: number): { fnmr: number; threshold: number } {
  let best: RocPoint = { threshold: -Infinity, fmr: 0, fnmr: 1 };
  for (const p of rocCurve(pairs)) if (p.fmr <= target) best = p;
  return { fnmr: best.fnmr, threshold: best.threshold };
}

/** ROC as an SVG line chart (TMR vs FMR, FMR on a log axis from 1e-4 to 1). */
export function rocSvg(pairs: ScoredPair[], title = 'ROC'): string {
  const pts = rocCurve(pairs);
  const W = 520;
  const H = 400;
  const m = { l: 60, r: 20, t: 40, b: 50 };
  const pw = W - m.l - m.r;
  const ph = H - m.t - m.b;
  const minLog = -4;
  const x = (fmr: number): number =>
    m.l + ((Math.log10(Math.max(fmr, 10 ** minLog)) - minLog) / -minLog) * pw;
  const y = (tmr: number): number => m.t + (1 - tmr) * ph;
  const path = pts
    .map((p, k) => `${k ? 'L' : 'M'}${x(p.fmr).toFixed(1)},${y(1 - p.fnmr).toFixed(1)}`)
    .join(' ');
  const grid: string[] = [];
  for (let e = minLog; e <= 0; e++) {
    const gx = x(10 ** e).toFixed(1);
    grid.push(`<line x1="${gx}" y1="${m.t}" x2="${gx}" y2="${m.t + ph}" stroke="#ddd"/>`);
    grid.push(`<text x="${gx}" y="${H - m.b + 18}" font-size="11" text-anchor="middle">1e${e}</text>`);
  }
  for (let v = 0; v <= 1.0001; v += 0.2) {
    const gy = y(v).toFixed(1);
    grid.push(`<line x1="${m.l}" y1="${gy}" x2="${m.l + pw}" y2="${gy}" stroke="#ddd"/>`);
    grid.push(
      `<text x="${m.l - 8}" y="${gy}" font-size="11" text-anchor="end" dominant-baseline="middle">${v.toFixed(1)}</text>`,
    );
  }
  const esc = (s: string): string =>
    s.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c]!);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    ...grid,
    `<rect x="${m.l}" y="${m.t}" width="${pw}" height="${ph}" fill="none" stroke="#333"/>`,
    `<path d="${path}" fill="none" stroke="#1f5fbf" stroke-width="2"/>`,
    `<text x="${W / 2}" y="22" font-size="14" text-anchor="middle">${esc(title)}</text>`,
    `<text x="${m.l + pw / 2}" y="${H - 10}" font-size="12" text-anchor="middle">False match rate (log)</text>`,
    `<text x="16" y="${m.t + ph / 2}" font-size="12" text-anchor="middle" transform="rotate(-90 16 ${m.t + ph / 2})">True match rate</text>`,
    `</svg>`,
    '',
  ].join('\n');
}
