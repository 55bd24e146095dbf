// Small pure statistics shared by the lip-sync scorer and its model.

/** x minus its centred moving average over `widthSec` (times need not be uniform). 0 = unchanged. */
export function detrend(x: number[], times: number[], widthSec: number): number[] {
  if (widthSec <= 0) return x;
  return x.map((_, i) => {
    let s = 0;
    let n = 0;
    for (let j = i; j >= 0 && times[i]! - times[j]! <= widthSec / 2; j--) {
      s += x[j]!;
      n++;
    }
    for (let j = i + 1; j < x.length && times[j]! - times[i]! <= widthSec / 2; j++) {
      s += x[j]!;
      n++;
    }
    return x[i]! - s / n;
  });
}

export function pearson(x: number[], y: number[]): number {
  const n = Math.min(x.length, y.length);
  if (n < 2) return 0;
  let mx = 0,
    my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i]!;
    my += y[i]!;
  }
  mx /= n;
  my /= n;
  let sxy = 0,
    sxx = 0,
    syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i]! - mx;
    const dy = y[i]! - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : 0;
}

export function std(x: number[]): number {
  if (x.length === 0) return 0;
  const m = x.reduce((a, b) => a + b, 0) / x.length;
  return Math.sqrt(x.reduce((a, b) => a + (b - m) ** 2, 0) / x.length);
}
