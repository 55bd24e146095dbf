// Speech gate: decides from the signal alone whether a track contains speech, before any decoder runs.
// Grammar decoders "hear" digits in anything, so silence, noise and tones must be refused here.
// Pure: frame energy, spectral flatness and autocorrelation voicing on 16 kHz mono PCM.
import type { PcmAudio } from '../media/types.js';
import type { SpeechGateResult } from './types.js';
import { fft } from '../shared/fft.js';

/** Gate thresholds. Defaults were set on FSDD, asterisk-fr and espeak-ng speech versus synthetic noise/tones. */
export interface SpeechGateOptions {
  /** Frames below this level (dBFS) are never speech. Default -55. */
  minLevelDb?: number;
  /** Active frames must exceed the noise floor by this much (dB). Default 8. */
  activeOverFloorDb?: number;
  /** Normalised autocorrelation peak (60–400 Hz) above which a frame is voiced. Default 0.4. */
  voicingThreshold?: number;
  /** Minimum voiced speech (s) for three digits. Default 0.25. */
  minSpeechSec?: number;
  /** Voiced frames must stand this far above the noise floor (dB); steady noise has a few "voiced" frames. Default 6. */
  minSnrDb?: number;
  /** Median periodicity above which the sound is a synthetic tone rather than a voice. Default 0.985. */
  tonalPeriodicity?: number;
  /** Voiced frames with the exact same pitch as 10 frames earlier, above which the sound is a held note. Default 0.6. */
  tonalSteadyRatio?: number;
}

const DEFAULTS: Required<SpeechGateOptions> = {
  minLevelDb: -55,
  activeOverFloorDb: 8,
  voicingThreshold: 0.4,
  minSpeechSec: 0.25,
  minSnrDb: 6,
  tonalPeriodicity: 0.985,
  tonalSteadyRatio: 0.6,
};

const FRAME_SEC = 0.025;
const HOP_SEC = 0.01;

interface FrameFeatures {
  db: number;
  flatness: number;
  periodicity: number;
  /** Pitch period in samples at half rate (0 when unvoiced). */
  lag: number;
}

export function speechGate(audio: PcmAudio, options: SpeechGateOptions = {}): SpeechGateResult {
  const o = { ...DEFAULTS, ...options };
  const rate = audio.sampleRate;
  const frameLen = Math.round(FRAME_SEC * rate);
  const hop = Math.round(HOP_SEC * rate);
  const x = audio.samples;
  const durationSec = x.length / rate;
  const empty = (
    reason: SpeechGateResult['reason'],
    extra: Partial<SpeechGateResult> = {},
  ): SpeechGateResult => ({
    isSpeech: false,
    reason,
    speechSec: 0,
    snrDb: 0,
    noiseFloorDb: -120,
    voicedRatio: 0,
    periodicity: 0,
    flatness: 0,
    regionSec: [0, durationSec],
    ...extra,
  });
  if (durationSec < 0.3 || x.length < frameLen) return empty('too_short');

  const nFrames = Math.floor((x.length - frameLen) / hop) + 1;
  const db = new Float64Array(nFrames);
  for (let f = 0; f < nFrames; f++) db[f] = frameDb(x, f * hop, frameLen);
  const sorted = Array.from(db).sort((a, b) => a - b);
  const floor = sorted[Math.floor(0.1 * (nFrames - 1))]!;
  const peak = sorted[Math.floor(0.95 * (nFrames - 1))]!;
  if (peak < o.minLevelDb) return empty('silence', { noiseFloorDb: floor });

  const activeMin = Math.max(o.minLevelDb, floor + o.activeOverFloorDb);
  // A stationary signal (steady noise, a held tone) has no frames above its own floor: judge it as a whole.
  const stationary = peak - floor < o.activeOverFloorDb;
  const feats: (FrameFeatures | null)[] = new Array(nFrames).fill(null);
  const active: number[] = [];
  for (let f = 0; f < nFrames; f++) {
    if (db[f]! >= (stationary ? o.minLevelDb : activeMin)) {
      active.push(f);
      // Flatness is descriptive only: every 4th frame is enough and keeps the gate cheap.
      feats[f] = { db: db[f]!, ...spectralFeatures(x, f * hop, frameLen, rate, active.length % 4 === 1) };
    }
  }
  if (active.length === 0) return empty('silence', { noiseFloorDb: floor });

  const voiced = active.filter((f) => feats[f]!.periodicity >= o.voicingThreshold);
  const voicedRatio = voiced.length / active.length;
  const periodicity = median(voiced.map((f) => feats[f]!.periodicity));
  const flatness = median(active.map((f) => feats[f]!.flatness).filter((v) => !Number.isNaN(v)));
  const speechSec = voiced.length * HOP_SEC;
  const voicedDb = voiced.map((f) => db[f]!);
  const snrDb = voicedDb.length ? mean(voicedDb) - Math.max(floor, -90) : 0;
  const first = active[0]!;
  const last = active[active.length - 1]!;
  const regionSec: [number, number] = [
    Math.max(0, first * HOP_SEC - 0.3),
    Math.min(durationSec, last * HOP_SEC + FRAME_SEC + 0.3),
  ];
  const base = { speechSec, snrDb, noiseFloorDb: floor, voicedRatio, periodicity, flatness, regionSec };

  if (voiced.length === 0 || voicedRatio < 0.1) return { isSpeech: false, reason: 'noise', ...base };
  // Synthetic tones and held notes: near-perfect periodicity or a pitch that does not move.
  let steady = 0;
  let compared = 0;
  for (const f of voiced) {
    const prev = feats[f - 10];
    if (prev && prev.periodicity >= o.voicingThreshold) {
      compared++;
      if (prev.lag === feats[f]!.lag) steady++;
    }
  }
  const steadyRatio = compared > 0 ? steady / compared : 0;
  if (periodicity >= o.tonalPeriodicity || (compared >= 20 && steadyRatio >= o.tonalSteadyRatio)) {
    return { isSpeech: false, reason: 'tonal', ...base };
  }
  if (snrDb < o.minSnrDb) return { isSpeech: false, reason: 'noise', ...base };
  if (speechSec < o.minSpeechSec) return { isSpeech: false, reason: 'too_little_speech', ...base };
  return { isSpeech: true, ...base };
}

function frameDb(x: Int16Array, start: number, len: number): number {
  let s = 0;
  let m = 0;
  for (let i = 0; i < len; i++) m += x[start + i]!;
  m /= len;
  for (let i = 0; i < len; i++) {
    const v = x[start + i]! - m;
    s += v * v;
  }
  const rms = Math.sqrt(s / len) / 32768;
  return rms > 0 ? 20 * Math.log10(rms) : -120;
}

const FFT_N = 512;
const HANN = Float64Array.from({ length: FFT_N }, (_, i) => 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / FFT_N));

/** Voicing of one frame, and optionally its spectral flatness. */
function spectralFeatures(
  x: Int16Array,
  start: number,
  frameLen: number,
  rate: number,
  withFlatness: boolean,
): { flatness: number; periodicity: number; lag: number } {
  const flatness = withFlatness ? spectralFlatness(x, start, frameLen, rate) : Number.NaN;
  return { flatness, ...voicing(x, start, rate) };
}

/** Spectral flatness (geometric / arithmetic mean power, 100–4000 Hz) of a Hann-windowed frame. */
function spectralFlatness(x: Int16Array, start: number, frameLen: number, rate: number): number {
  const re = new Float64Array(FFT_N);
  const im = new Float64Array(FFT_N);
  const n = Math.min(frameLen, FFT_N);
  for (let i = 0; i < n; i++) re[i] = (x[start + i] ?? 0) * HANN[Math.floor((i * FFT_N) / n)]!;
  fft(re, im);
  const lo = Math.max(1, Math.floor((100 * FFT_N) / rate));
  const hi = Math.min(FFT_N / 2, Math.floor((4000 * FFT_N) / rate));
  let logSum = 0;
  let sum = 0;
  for (let k = lo; k <= hi; k++) {
    const p = re[k]! * re[k]! + im[k]! * im[k]! + 1e-3;
    logSum += Math.log(p);
    sum += p;
  }
  const cnt = hi - lo + 1;
  return Math.exp(logSum / cnt) / (sum / cnt);
}

/** Normalised autocorrelation peak over pitch lags (60–400 Hz) on a 40 ms window, at half rate to keep it cheap. */
function voicing(x: Int16Array, start: number, rate: number): { periodicity: number; lag: number } {
  // Voicing: normalised autocorrelation over pitch lags 60–400 Hz, at half rate to keep it cheap.
  const step = 2;
  const r = rate / step;
  const winLen = Math.round(0.04 * r);
  const minLag = Math.floor(r / 400);
  const maxLag = Math.ceil(r / 60);
  const seg = new Float64Array(winLen + maxLag);
  const avail = Math.min(seg.length, Math.floor((x.length - start - 1) / step));
  if (avail < winLen + minLag) return { periodicity: 0, lag: 0 };
  let m = 0;
  for (let i = 0; i < avail; i++) {
    seg[i] = (x[start + i * step]! + x[start + i * step + 1]!) / 2;
    m += seg[i]!;
  }
  m /= avail;
  for (let i = 0; i < avail; i++) seg[i]! -= m;
  const w = Math.min(winLen, avail - minLag);
  let e0 = 0;
  for (let i = 0; i < w; i++) e0 += seg[i]! * seg[i]!;
  let best = 0;
  let bestLag = 0;
  for (let lag = minLag; lag <= Math.min(maxLag, avail - w); lag++) {
    let c = 0;
    let e1 = 0;
    for (let i = 0; i < w; i++) {
      c += seg[i]! * seg[i + lag]!;
      e1 += seg[i + lag]! * seg[i + lag]!;
    }
    const v = e0 > 0 && e1 > 0 ? c / Math.sqrt(e0 * e1) : 0;
    if (v > best) {
      best = v;
      bestLag = lag;
    }
  }
  return { periodicity: best, lag: bestLag };
}

function median(v: number[]): number {
  if (v.length === 0) return 0;
  const s = [...v].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function mean(v: number[]): number {
  return v.reduce((a, b) => a + b, 0) / v.length;
}
