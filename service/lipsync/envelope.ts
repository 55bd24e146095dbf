// Pure audio measures for the lip-sync check: the speech-band energy envelope and voiced windows found from it
// (used when the speech engine gave no digit segments).
import type { AudioEnvelope, PcmAudio, SpokenSegment } from './types.js';
import { fft } from '../shared/fft.js';

/** Second-order section (RBJ cookbook biquad), run in place. */
function biquad(x: Float32Array, b0: number, b1: number, b2: number, a1: number, a2: number): void {
  let x1 = 0,
    x2 = 0,
    y1 = 0,
    y2 = 0;
  for (let i = 0; i < x.length; i++) {
    const x0 = x[i]!;
    const y0 = b0 * x0 + b1 * x1 + b2 * x2 - a1 * y1 - a2 * y2;
    x2 = x1;
    x1 = x0;
    y2 = y1;
    y1 = y0;
    x[i] = y0;
  }
}

function pass(x: Float32Array, kind: 'high' | 'low', f0: number, rate: number): void {
  const w = (2 * Math.PI * f0) / rate;
  const cos = Math.cos(w);
  const alpha = Math.sin(w) / (2 * Math.SQRT1_2);
  const a0 = 1 + alpha;
  const k = kind === 'low' ? (1 - cos) / 2 : (1 + cos) / 2;
  const b1 = kind === 'low' ? 1 - cos : -(1 + cos);
  biquad(x, k / a0, b1 / a0, k / a0, (-2 * cos) / a0, (1 - alpha) / a0);
}

/**
 * Speech-band (300–3400 Hz, where the mouth shapes the sound) energy in dBFS, 20 ms windows every `hopSec`.
 * Low-frequency hum and breath noise are filtered out, so the envelope follows syllables.
 */
export function speechEnvelope(audio: PcmAudio, hopSec = 0.01): AudioEnvelope {
  const rate = audio.sampleRate;
  const x = new Float32Array(audio.samples.length);
  for (let i = 0; i < x.length; i++) x[i] = audio.samples[i]! / 32768;
  pass(x, 'high', 300, rate);
  if (rate > 7200) pass(x, 'low', 3400, rate);
  const hop = Math.max(1, Math.round(hopSec * rate));
  const win = Math.max(hop, Math.round(0.02 * rate));
  const n = Math.max(0, Math.floor((x.length - win) / hop) + 1);
  const db = new Float32Array(n);
  for (let f = 0; f < n; f++) {
    let acc = 0;
    const a = f * hop;
    for (let i = a; i < a + win; i++) acc += x[i]! * x[i]!;
    db[f] = 10 * Math.log10(acc / win + 1e-10);
  }
  return { hopSec: hop / rate, db };
}

export interface VadOptions {
  /** A hop is voiced this many dB above the noise floor (10th percentile). Default 12. */
  aboveFloorDb: number;
  /** Gaps shorter than this (s) inside speech are bridged. Default 0.3. */
  bridgeSec: number;
  /** Voiced runs shorter than this (s) are dropped (clicks, bumps). Default 0.12. */
  minSec: number;
}

export const DEFAULT_VAD: VadOptions = { aboveFloorDb: 12, bridgeSec: 0.3, minSec: 0.12 };

/** Energy voice-activity detection on the envelope: voiced windows in seconds. */
export function voicedSegments(env: AudioEnvelope, o: VadOptions = DEFAULT_VAD): SpokenSegment[] {
  const n = env.db.length;
  if (n === 0) return [];
  const sorted = Float32Array.from(env.db).sort();
  const floor = sorted[Math.floor(n * 0.1)]!;
  const peak = sorted[Math.floor(n * 0.98)]!;
  // A track that is all speech (no pause at all) has its floor at speech level: use the peak instead.
  const thr = Math.max(floor + o.aboveFloorDb, peak - 30);
  const runs: SpokenSegment[] = [];
  let start = -1;
  for (let i = 0; i <= n; i++) {
    const on = i < n && env.db[i]! >= thr;
    if (on && start < 0) start = i;
    if (!on && start >= 0) {
      runs.push({ startSec: start * env.hopSec, endSec: i * env.hopSec });
      start = -1;
    }
  }
  const merged: SpokenSegment[] = [];
  for (const r of runs) {
    const last = merged[merged.length - 1];
    if (last && r.startSec - last.endSec < o.bridgeSec) last.endSec = r.endSec;
    else merged.push({ ...r });
  }
  return merged.filter((r) => r.endSec - r.startSec >= o.minSec);
}

/** Band edges (Hz) of the multi-band envelope: roughly F1 (jaw opening), F2 (lip rounding/spreading), fricatives. */
export const BANDS_HZ = [80, 250, 500, 900, 1500, 2500, 4000, 7000] as const;

export interface BandEnvelope {
  hopSec: number;
  /** Time of the first frame (s): the envelope may cover only a stretch of the track. */
  t0Sec: number;
  bands: number;
  /** Log energy (dB), frame-major: db[frame * bands + band]. */
  db: Float32Array;
}

/**
 * Log energy in the BANDS_HZ bands, 25 ms Hann windows every `hopSec` (a small spectrogram), over the whole
 * track or only `span` [from, to] seconds (the engine needs the voiced windows and their surroundings only).
 */
export function bandEnvelope(audio: PcmAudio, hopSec = 0.01, span?: [number, number]): BandEnvelope {
  const rate = audio.sampleRate;
  const hop = Math.max(1, Math.round(hopSec * rate));
  const win = Math.round(0.025 * rate);
  let n = 1;
  while (n < win) n <<= 1;
  const first = span ? Math.max(0, Math.floor((span[0] * rate) / hop)) : 0;
  const end = span ? Math.min(audio.samples.length, Math.ceil(span[1] * rate) + win) : audio.samples.length;
  const frames = Math.max(0, Math.floor((end - first * hop - win) / hop) + 1);
  const bands = BANDS_HZ.length - 1;
  const db = new Float32Array(frames * bands);
  const hann = Float64Array.from(
    { length: win },
    (_, i) => 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (win - 1)),
  );
  const binOf = (hz: number) => Math.min(n / 2, Math.round((hz * n) / rate));
  const re = new Float64Array(n);
  const im = new Float64Array(n);
  for (let f = 0; f < frames; f++) {
    re.fill(0);
    im.fill(0);
    const at = (first + f) * hop;
    for (let i = 0; i < win; i++) re[i] = (audio.samples[at + i]! / 32768) * hann[i]!;
    fft(re, im);
    for (let b = 0; b < bands; b++) {
      let e = 0;
      for (let k = binOf(BANDS_HZ[b]!); k < binOf(BANDS_HZ[b + 1]!); k++)
        e += re[k]! * re[k]! + im[k]! * im[k]!;
      db[f * bands + b] = 10 * Math.log10(e + 1e-10);
    }
  }
  return { hopSec: hop / rate, t0Sec: (first * hop) / rate, bands, db };
}
