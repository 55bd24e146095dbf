// The lip-sync scorer without any model file or video: envelopes, voiced windows, planning, the ridge model and
// the score on synthetic voices whose "mouth" is known.
import { describe, expect, it } from 'vitest';
import { fitRidge, normaliseBands, trainAvModel, type AvModel } from '../../service/lipsync/av-model.js';
import { bandEnvelope, speechEnvelope, voicedSegments } from '../../service/lipsync/envelope.js';
import { bandSpan, insideWindows, planWindows } from '../../service/lipsync/plan.js';
import { evenSize, i420RegionToRgb, i420ToRgb } from '../../service/lipsync/yuv.js';
import { squareCrop, squareCropYuv } from '../../service/lipsync/engine.js';
import {
  DEFAULT_SCORE,
  detrend,
  lengthAdjusted,
  pearson,
  scoreLipSync,
} from '../../service/lipsync/score.js';
import { personOf } from '../../service/lipsync/eval.js';
import type { MouthSample, PcmAudio } from '../../service/lipsync/types.js';

const RATE = 16_000;

/** Syllables: 1.2 kHz + 500 Hz bursts with a raised-cosine envelope, over faint noise; deterministic. */
function voice(syllables: Array<[number, number]>, durationSec: number, seed = 1): PcmAudio {
  const n = Math.round(durationSec * RATE);
  const samples = new Int16Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    const t = i / RATE;
    let v = (s / 0x7fffffff - 0.5) * 60;
    for (const [a, b] of syllables)
      if (t >= a && t <= b) {
        const env = Math.sin((Math.PI * (t - a)) / (b - a));
        v += env * 9000 * (Math.sin(2 * Math.PI * 1200 * t) + 0.6 * Math.sin(2 * Math.PI * 500 * t));
      }
    samples[i] = Math.max(-32768, Math.min(32767, Math.round(v)));
  }
  return { sampleRate: RATE, samples };
}

/** The mouth a speaker of those syllables shows: open in proportion to the syllable envelope, at 12 fps. */
function mouthOf(syllables: Array<[number, number]>, durationSec: number, shiftSec = 0): MouthSample[] {
  const out: MouthSample[] = [];
  for (let t = 0; t < durationSec; t += 1 / 12) {
    let open = 0.02;
    for (const [a, b] of syllables) {
      const u = t - shiftSec;
      if (u >= a && u <= b) open += 0.25 * Math.sin((Math.PI * (u - a)) / (b - a));
    }
    out.push({ timeSec: Math.round(t * 1000) / 1000, opening: open });
  }
  return out;
}

/** Syllables of 0.2–0.35 s separated by 0.15–0.5 s pauses, from a seed. */
function syllables(seed: number, durationSec: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let s = seed;
  const r = () => (s = (s * 48271) % 2147483647) / 2147483647;
  for (let t = 0.4 + r() * 0.3; t < durationSec - 0.5;) {
    const len = 0.2 + r() * 0.15;
    out.push([t, t + len]);
    t += len + 0.15 + r() * 0.35;
  }
  return out;
}

function model(): AvModel {
  // Fitted on three synthetic speakers, never on the tracks scored below.
  const tracks = [11, 12, 13].map((seed) => {
    const syl = syllables(seed, 6);
    return {
      file: `s${seed}`,
      mouth: mouthOf(syl, 6),
      bands: normaliseBands(bandEnvelope(voice(syl, 6, seed))),
    };
  });
  return trainAvModel(tracks);
}

describe('envelopes and voiced windows', () => {
  it('speech-band energy rises over syllables and VAD finds them', () => {
    const syl: Array<[number, number]> = [
      [1, 1.4],
      [2.5, 2.9],
    ];
    const env = speechEnvelope(voice(syl, 4));
    expect(env.hopSec).toBeCloseTo(0.01, 5);
    const at = (t: number) => env.db[Math.round(t / env.hopSec)]!;
    expect(at(1.2) - at(0.5)).toBeGreaterThan(30);
    const seg = voicedSegments(env);
    expect(seg).toHaveLength(2);
    expect(seg[0]!.startSec).toBeGreaterThan(0.95);
    expect(seg[0]!.endSec).toBeLessThan(1.45);
    expect(seg[1]!.startSec).toBeGreaterThan(2.45);
  });

  it('band envelope: the 1.2 kHz syllable lands in the 900–1500 Hz band', () => {
    const b = bandEnvelope(voice([[0.5, 1]], 1.5));
    expect(b.bands).toBe(7);
    const f = Math.round(0.75 / b.hopSec);
    const row = Array.from({ length: b.bands }, (_, k) => b.db[f * b.bands + k]!);
    expect(row.indexOf(Math.max(...row))).toBe(3);
  });

  it('band envelope over a span equals the same frames of the whole-track envelope', () => {
    const a = voice(syllables(5, 4), 4, 5);
    const whole = bandEnvelope(a);
    const part = bandEnvelope(a, 0.01, [1.2, 2.5]);
    expect(part.t0Sec).toBeCloseTo(1.2, 6);
    const f0 = Math.round(part.t0Sec / whole.hopSec);
    expect(part.db.length / part.bands).toBeGreaterThanOrEqual(130);
    for (const f of [0, 40, 129])
      for (let k = 0; k < part.bands; k++)
        expect(part.db[f * part.bands + k]).toBeCloseTo(whole.db[(f0 + f) * whole.bands + k]!, 3);
    expect(
      bandSpan([
        [2, 3],
        [4, 5],
      ]),
    ).toEqual([1, 6]);
    expect(bandSpan([[0.4, 1]])).toEqual([0, 2]);
    expect(bandSpan([])).toBeUndefined();
  });
});

describe('YUV 4:2:0 to RGB', () => {
  it('converts BT.601 limited-range colours and keeps chroma per 2×2 block', () => {
    // 2×2 frame: Y plane (4), then one U and one V sample.
    const px = (y: number, u: number, v: number) => [...i420ToRgb(Uint8Array.from([y, y, y, y, u, v]), 2, 2)];
    expect(px(235, 128, 128).slice(0, 3)).toEqual([255, 255, 255]);
    expect(px(16, 128, 128).slice(0, 3)).toEqual([0, 0, 0]);
    const red = px(81, 90, 240).slice(0, 3);
    expect(red[0]).toBeGreaterThan(250);
    expect(Math.max(red[1]!, red[2]!)).toBeLessThan(5);
    // 4×2 frame: two chroma blocks, left grey, right blue.
    const y = [126, 126, 41, 41, 126, 126, 41, 41];
    const rgb = i420ToRgb(Uint8Array.from([...y, 128, 240, 128, 110]), 4, 2);
    expect([...rgb.subarray(0, 3)]).toEqual([128, 128, 128]);
    const blue = [...rgb.subarray(9, 12)];
    expect(blue[2]).toBeGreaterThan(250);
    expect(Math.max(blue[0]!, blue[1]!)).toBeLessThan(5);
    expect(evenSize(481, 271)).toEqual({ width: 480, height: 270 });
  });

  it('a rectangle or face crop converted alone has the pixels of the whole frame converted, then cut', () => {
    const [w, h] = [40, 30];
    // A frame of varied Y, U and V (a fixed pattern), odd offsets so that chroma blocks straddle the edges.
    const yuv = Uint8Array.from({ length: w * h * 1.5 }, (_, i) => (i * 7919 + (i >> 5) * 31) % 256);
    const whole = i420ToRgb(yuv, w, h);
    // Every pixel against the BT.601 formula written out (clamped to 0–255).
    const clamp = (v: number) => Math.max(0, Math.min(255, v));
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) {
        const c = 298 * (yuv[y * w + x]! - 16) + 128;
        const ci = (y >> 1) * (w >> 1) + (x >> 1);
        const u = yuv[w * h + ci]! - 128;
        const v = yuv[w * h + (w >> 1) * (h >> 1) + ci]! - 128;
        const want = [(c + 409 * v) >> 8, (c - 100 * u - 208 * v) >> 8, (c + 516 * u) >> 8].map(clamp);
        expect([...whole.subarray((y * w + x) * 3, (y * w + x) * 3 + 3)]).toEqual(want);
      }
    const r = { x: 3, y: 5, width: 17, height: 11 };
    const part = i420RegionToRgb(yuv, w, h, r);
    for (let y = 0; y < r.height; y++)
      expect([...part.subarray(y * r.width * 3, (y + 1) * r.width * 3)]).toEqual([
        ...whole.subarray(((r.y + y) * w + r.x) * 3, ((r.y + y) * w + r.x + r.width) * 3),
      ]);
    // Face crops, inside the frame and clipped at its right and bottom edges.
    const frame = { index: 0, timeSec: 0, width: w, height: h, yuv };
    for (const box of [
      { x: 7, y: 3, width: 13, height: 15 },
      { x: 30, y: 20, width: 16, height: 16 },
    ]) {
      const a = squareCropYuv(frame, box);
      const b = squareCrop({ width: w, height: h, data: whole }, box);
      expect([a.x0, a.y0, a.side, a.crop.width, a.crop.height]).toEqual([
        b.x0,
        b.y0,
        b.side,
        b.crop.width,
        b.crop.height,
      ]);
      expect(a.crop.data.equals(b.crop.data)).toBe(true);
    }
  });
});

describe('planning', () => {
  it('pads, merges, caps and samples the windows at the given rate', () => {
    const p = planWindows(
      [
        { startSec: 1, endSec: 1.4 },
        { startSec: 1.8, endSec: 2.2 },
        { startSec: 5, endSec: 9 },
      ],
      8,
      { fps: 12, padSec: 0.3, maxSec: 3 },
    );
    expect(p.windows).toEqual([
      [0.7, 2.5],
      [4.7, 5.9],
    ]);
    expect(p.times.length).toBeGreaterThanOrEqual(36);
    expect(p.times[1]! - p.times[0]!).toBeCloseTo(1 / 12, 3);
    expect(
      insideWindows(
        p.times.map((t) => ({ timeSec: t })),
        [[0.7, 1]],
      ),
    ).toHaveLength(4);
  });
});

describe('statistics', () => {
  it('pearson and detrend', () => {
    expect(pearson([1, 2, 3, 4], [2, 4, 6, 8])).toBeCloseTo(1, 9);
    expect(pearson([1, 2, 3, 4], [4, 3, 2, 1])).toBeCloseTo(-1, 9);
    expect(pearson([1, 1, 1], [1, 2, 3])).toBe(0);
    const times = Array.from({ length: 50 }, (_, i) => i / 10);
    const d = detrend(
      times.map((t) => 3 + 2 * t),
      times,
      1,
    );
    expect(Math.abs(d[25]!)).toBeLessThan(1e-9);
  });

  it('ridge regression recovers known weights', () => {
    const X: number[][] = [];
    const y: number[] = [];
    for (let i = 0; i < 200; i++) {
      const a = Math.sin(i);
      const b = Math.cos(i * 0.7);
      X.push([1, a, b]);
      y.push(0.5 + 2 * a - 3 * b);
    }
    const w = fitRidge(X, y, 0);
    expect(w[0]).toBeCloseTo(0.5, 6);
    expect(w[1]).toBeCloseTo(2, 6);
    expect(w[2]).toBeCloseTo(-3, 6);
  });
});

describe('evaluation protocol', () => {
  it('clips of one person share a person key (the index notes "same person as")', () => {
    const a = personOf({
      file: 'pcavs_5.mp4',
      notes: 'man in suit; same person as pcavs_11, same bytes as X',
    });
    const b = personOf({ file: 'pcavs_11.mp4', notes: 'man with tinted glasses; same person as pcavs_5' });
    expect(a).toBe(b);
    expect(personOf({ file: 'dubbed/w2lgfpgan_1.mp4' })).toBe('w2lgfpgan_1');
    expect(personOf({ file: 'pcavs_1.mp4', notes: 'heavy-set man' })).not.toBe(a);
  });
});

describe('scoreLipSync', () => {
  const m = model();
  const syl = syllables(21, 6);
  const bands = normaliseBands(bandEnvelope(voice(syl, 6, 21)));

  it('a mouth that follows the voice is consistent, with its lag found', () => {
    const r = scoreLipSync(mouthOf(syl, 6), bands, m, 6);
    expect(r.decision).toBe('consistent');
    expect(r.score).toBeGreaterThan(0.8);
    expect(Math.abs(r.lagSec)).toBeLessThanOrEqual(0.04);
    // The sound 0.12 s after the mouth: found within the lags searched (-0.1 … +0.14 s).
    const late = scoreLipSync(mouthOf(syl, 6, -0.12), bands, m, 6);
    expect(late.decision).toBe('consistent');
    expect(late.lagSec).toBeGreaterThanOrEqual(0.08);
    expect(late.lagSec).toBeLessThanOrEqual(DEFAULT_SCORE.maxLagSec);
    // Lags outside the span are never tried: a wider span finds the true 0.3-s offset, the default does not.
    const far = mouthOf(syl, 6, -0.3);
    const wide = scoreLipSync(far, bands, m, 6, { ...DEFAULT_SCORE, minLagSec: -0.4, maxLagSec: 0.4 });
    const narrow = scoreLipSync(far, bands, m, 6);
    expect(wide.lagSec).toBeGreaterThanOrEqual(0.26);
    expect(narrow.lagSec).toBeLessThanOrEqual(DEFAULT_SCORE.maxLagSec);
    expect(narrow.score).toBeLessThan(wide.score);
  });

  it('the same correlation over fewer frames scores lower (chance correlations are larger there)', () => {
    const p = DEFAULT_SCORE;
    expect(lengthAdjusted(0.5, p.refFrames, p)).toBeCloseTo(0.5, 6);
    expect(lengthAdjusted(0.5, 24, p)).toBeLessThan(0.5);
    expect(lengthAdjusted(0.5, 24, p)).toBeGreaterThan(lengthAdjusted(0.5, 12, p));
    expect(lengthAdjusted(0.5, 144, p)).toBeGreaterThan(0.5);
    expect(lengthAdjusted(0.999, 500, p)).toBeLessThan(1);
    expect(lengthAdjusted(-0.3, 72, p)).toBe(0);
  });

  it('the mouth of another utterance under this voice is a mismatch', () => {
    const other = syllables(37, 6);
    const r = scoreLipSync(mouthOf(other, 6), bands, m, 6);
    expect(r.decision).toBe('mismatch');
    expect(r.score).toBeLessThan(0.4);
  });

  it('a still mouth under a speaking voice is a mismatch; too few frames is inconclusive', () => {
    const still = mouthOf([], 6);
    expect(scoreLipSync(still, bands, m, 6)).toMatchObject({ decision: 'mismatch', score: 0 });
    const few = mouthOf(syl, 6).slice(0, 8);
    expect(scoreLipSync(few, bands, m, 0.7).decision).toBe('inconclusive');
    const noFace = mouthOf(syl, 6).map((s) => ({ ...s, opening: null }));
    expect(scoreLipSync(noFace, bands, m, 6)).toMatchObject({ decision: 'inconclusive', framesUsed: 0 });
  });
});
