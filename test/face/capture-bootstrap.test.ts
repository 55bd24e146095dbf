import { describe, expect, it } from 'vitest';
import { bootstrapFnmr, weightedFnmrAtFmr } from '../../service/face/bootstrap.js';
import { fnmrAtFmr } from '../../service/face/roc.js';
import { DEFAULT_CAPTURE_LIMITS, regionLuminance, summariseCapture } from '../../service/face/quality.js';
import { fusedDescriptor } from '../../service/face/analysis.js';
import { mulberry32 } from '../../service/shared/mulberry32.js';

describe('bootstrap intervals (people resampled)', () => {
  const rand = mulberry32(7);
  const people = Array.from({ length: 12 }, (_, i) => `p${i}`);
  const pairs = people.flatMap((a, i) => [
    ...Array.from({ length: 4 }, () => ({ a, b: a, genuine: true, distance: 0.25 + rand() * 0.2 })),
    ...people.slice(i + 1).map((b) => ({ a, b, genuine: false, distance: 0.4 + rand() * 0.3 })),
  ]);

  it('with unit weights gives exactly the ROC figure', () => {
    const g = pairs.filter((p) => p.genuine).map((p) => ({ distance: p.distance, w: 1 }));
    const s = pairs
      .filter((p) => !p.genuine)
      .map((p) => ({ distance: p.distance, w: 1 }))
      .sort((x, y) => x.distance - y.distance);
    for (const t of [1e-2, 5e-2, 0.2])
      expect(weightedFnmrAtFmr(g, s, t)).toBeCloseTo(fnmrAtFmr(pairs, t).fnmr, 12);
  });

  it('brackets the point estimate, is reproducible, and widens for a person with bad photos', () => {
    const ci = bootstrapFnmr(pairs, [1e-2], { replicates: 300 })['0.01']!;
    expect(ci.low).toBeLessThanOrEqual(ci.value);
    expect(ci.high).toBeGreaterThanOrEqual(ci.value);
    expect(bootstrapFnmr(pairs, [1e-2], { replicates: 300 })['0.01']).toEqual(ci);
    // One person whose same-person pairs are all far: the interval must reach well above zero.
    const bad = pairs.map((p) => (p.genuine && p.a === 'p3' ? { ...p, distance: 0.9 } : p));
    const wide = bootstrapFnmr(bad, [1e-2], { replicates: 300 })['0.01']!;
    expect(wide.high).toBeGreaterThan(wide.low);
    expect(wide.high).toBeGreaterThanOrEqual(4 / 48);
  });
});

describe('capture check', () => {
  const good = { widthPx: 110, sharpness: 60, poseDeg: 8, luminance: 120, contrast: 40 };
  it('passes a good face and names each problem', () => {
    expect(summariseCapture([good, good], [good])!.problems).toEqual([]);
    const small = { ...good, widthPx: 40 };
    expect(summariseCapture([small, small, good], [good])!.problems).toEqual(['too_small']);
    expect(summariseCapture([good], [{ ...good, sharpness: 3 }])!.problems).toEqual(['blurred']);
    expect(summariseCapture([good], [{ ...good, poseDeg: 40 }])!.problems).toEqual(['turned']);
    expect(summariseCapture([good], [{ ...good, luminance: 30 }])!.problems).toEqual(['dark']);
    expect(summariseCapture([good], [{ ...good, luminance: 240 }])!.problems).toEqual(['overexposed']);
    expect(summariseCapture([], [])).toBeNull();
  });
  it('one frontal, sharp view among the best frames is enough', () => {
    const turned = { ...good, poseDeg: 45, sharpness: 5 };
    expect(summariseCapture([turned, good], [turned, good], DEFAULT_CAPTURE_LIMITS)!.problems).toEqual([]);
  });
  it('measures the light of a face region', () => {
    const w = 20;
    const data = new Uint8Array(w * w * 3).fill(200);
    expect(regionLuminance(data, w, w, { x: 0, y: 0, width: w, height: w }).mean).toBeCloseTo(200, 6);
    expect(regionLuminance(data, w, w, { x: 0, y: 0, width: w, height: w }).std).toBeCloseTo(0, 6);
  });
});

describe('fused video descriptor', () => {
  it('is the quality-weighted, re-normalised mean of the frame descriptors', () => {
    const f = fusedDescriptor([
      { index: 0, timeSec: 0, quality: 1, descriptor: [1, 0] },
      { index: 1, timeSec: 1, quality: 1, descriptor: [0, 1] },
      { index: 2, timeSec: 2, quality: 1, descriptor: [] },
    ])!;
    expect(f[0]).toBeCloseTo(Math.SQRT1_2, 10);
    expect(f[1]).toBeCloseTo(Math.SQRT1_2, 10);
    const w = fusedDescriptor([
      { index: 0, timeSec: 0, quality: 0.9, descriptor: [1, 0] },
      { index: 1, timeSec: 1, quality: 0.1, descriptor: [0, 1] },
    ])!;
    expect(w[0]!).toBeGreaterThan(w[1]!);
    expect(fusedDescriptor([])).toBeNull();
  });
});
