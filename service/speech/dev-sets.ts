// Development/evaluation sets of 3-digit utterances assembled from single-digit recordings (FSDD takes, Debian's
// asterisk French digits), written as 16 kHz WAV files plus a manifest `audio digits lang` (TSV, relative paths).
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { PcmAudio } from '../media/types.js';
import type { SpeechLang } from './types.js';
import { encodeWav, parseWav, resample } from './wav.js';
import { mulberry32 } from '../shared/mulberry32.js';
import { digitsToText, synthesize } from './synth.js';

export const MANIFEST_NAME = 'manifest.tsv';
const RATE = 16000;

export interface ManifestRow {
  audio: string;
  digits: string;
  lang: SpeechLang;
}

/** Deterministic PRNG (mulberry32) so that a seed always rebuilds the same set. */
export function seededRandom(seed: number): () => number {
  return mulberry32(seed);
}

export function randomDigits(rand: () => number, n = 3): string {
  let s = '';
  for (let i = 0; i < n; i++) s += String(Math.floor(rand() * 10));
  return s;
}

/** A 3-digit challenge different from `not`, for impostor trials. */
export function differentDigits(rand: () => number, not: string): string {
  for (;;) {
    const d = randomDigits(rand, not.length);
    if (d !== not) return d;
  }
}

/** A challenge that differs from `truth` in exactly one position (the hardest impostor trial). */
export function oneDigitDifferent(rand: () => number, truth: string): string {
  const i = Math.floor(rand() * truth.length);
  const shift = 1 + Math.floor(rand() * 9);
  const d = String((Number(truth[i]) + shift) % 10);
  return truth.slice(0, i) + d + truth.slice(i + 1);
}

function gaussian(rand: () => number): number {
  return Math.sqrt(-2 * Math.log(rand() + 1e-12)) * Math.cos(2 * Math.PI * rand());
}

/** Join takes with pauses; add a faint noise bed (real rooms are never digitally silent) and a gain. */
function assemble(
  takes: PcmAudio[],
  rand: () => number,
  opts: {
    pauseSec: [number, number];
    edgeSec: [number, number];
    gainDb: [number, number];
    noiseDb: [number, number];
  },
): PcmAudio {
  const pick = ([a, b]: [number, number]) => a + (b - a) * rand();
  const parts: Float64Array[] = [];
  const silence = (sec: number) => new Float64Array(Math.round(sec * RATE));
  parts.push(silence(pick(opts.edgeSec)));
  takes.forEach((t, i) => {
    const r = resample(t, RATE);
    parts.push(Float64Array.from(r.samples));
    if (i < takes.length - 1) parts.push(silence(pick(opts.pauseSec)));
  });
  parts.push(silence(pick(opts.edgeSec)));
  const total = parts.reduce((a, p) => a + p.length, 0);
  const out = new Int16Array(total);
  const gain = 10 ** (pick(opts.gainDb) / 20);
  const noiseAmp = 32768 * 10 ** (pick(opts.noiseDb) / 20);
  let k = 0;
  for (const p of parts) {
    for (const v of p) {
      const s = v * gain + noiseAmp * gaussian(rand);
      out[k++] = Math.max(-32768, Math.min(32767, Math.round(s)));
    }
  }
  return { sampleRate: RATE, samples: out };
}

export interface FsddOptions {
  dir: string;
  speakers: string[];
  n: number;
  seed: number;
  out: string;
  /** Inclusive take range, to keep development and test takes apart (e.g. [0, 24] vs [25, 49]). */
  takes?: [number, number];
}

/** FSDD: files `<digit>_<speaker>_<take>.wav` (8 kHz). One speaker per utterance. */
export function buildFsddSet(o: FsddOptions): ManifestRow[] {
  const byKey = new Map<string, string[]>();
  for (const f of readdirSync(o.dir)) {
    const m = /^(\d)_([a-z]+)_(\d+)\.wav$/.exec(f);
    if (!m || !o.speakers.includes(m[2]!)) continue;
    const take = Number(m[3]);
    if (o.takes && (take < o.takes[0] || take > o.takes[1])) continue;
    const key = `${m[1]}_${m[2]}`;
    byKey.set(key, [...(byKey.get(key) ?? []), f]);
  }
  for (const s of o.speakers) {
    for (let d = 0; d < 10; d++)
      if (!byKey.get(`${d}_${s}`)?.length) throw new Error(`no takes for digit ${d} of ${s}`);
  }
  for (const v of byKey.values()) v.sort();
  const rand = seededRandom(o.seed);
  return writeSet(o.out, o.n, 'en', (i) => {
    const speaker = o.speakers[Math.floor(rand() * o.speakers.length)]!;
    const digits = randomDigits(rand);
    const takes = [...digits].map((d) => {
      const list = byKey.get(`${d}_${speaker}`)!;
      return parseWav(readFileSync(join(o.dir, list[Math.floor(rand() * list.length)]!)));
    });
    const audio = assemble(takes, rand, {
      pauseSec: [0.1, 0.4],
      edgeSec: [0.2, 0.5],
      gainDb: [-3, 3],
      noiseDb: [-75, -65],
    });
    return { name: `${String(i).padStart(4, '0')}_${speaker}`, digits, audio };
  });
}

export interface SingleVoiceOptions {
  /** Folder with `<digit>.wav` (e.g. /usr/share/asterisk/sounds/fr/digits). */
  dir: string;
  lang: SpeechLang;
  n: number;
  seed: number;
  out: string;
}

/** One real voice, one take per digit: variety comes from pauses, gain and background noise only. */
export function buildSingleVoiceSet(o: SingleVoiceOptions): ManifestRow[] {
  const takes = Array.from({ length: 10 }, (_, d) => parseWav(readFileSync(join(o.dir, `${d}.wav`))));
  const rand = seededRandom(o.seed);
  return writeSet(o.out, o.n, o.lang, (i) => {
    const digits = randomDigits(rand);
    const audio = assemble(
      [...digits].map((d) => takes[Number(d)]!),
      rand,
      { pauseSec: [0.05, 0.5], edgeSec: [0.15, 0.6], gainDb: [-10, 2], noiseDb: [-70, -45] },
    );
    return { name: String(i).padStart(4, '0'), digits, audio };
  });
}

export interface SynthVoice {
  speed: number;
  pitch: number;
  /** espeak-ng voice variant, e.g. "+f2". */
  variant?: string;
}

export interface SynthSetOptions {
  lang: SpeechLang;
  voices: SynthVoice[];
  n: number;
  seed: number;
  out: string;
  /** Add room reverberation (a synthetic impulse response, RT60 0.2–0.6 s). */
  reverb?: boolean;
  /** Speech-to-noise ratio range (dB) of added pink-ish noise; none when absent. */
  snrDb?: [number, number];
}

/**
 * espeak-ng voices at several speeds and pitches reading three digits, optionally in a reverberant room and over
 * noise: the French (and English) material that exists without recordings. One voice per utterance.
 */
export function buildSynthSet(o: SynthSetOptions): ManifestRow[] {
  const rand = seededRandom(o.seed);
  return writeSet(o.out, o.n, o.lang, (i) => {
    const vi = Math.floor(rand() * o.voices.length);
    const v = o.voices[vi]!;
    const digits = randomDigits(rand);
    let x: Float64Array = Float64Array.from(
      synthesize(o.lang, digitsToText(o.lang, digits), {
        speed: v.speed,
        pitch: v.pitch,
        ...(v.variant ? { variant: v.variant } : {}),
      }).samples,
    );
    if (o.reverb) x = reverberate(x, 0.2 + 0.4 * rand(), rand);
    const pad = new Float64Array(Math.round((0.3 + 0.4 * rand()) * RATE));
    x = Float64Array.from([...pad, ...x, ...pad]);
    if (o.snrDb) x = addNoise(x, o.snrDb[0] + (o.snrDb[1] - o.snrDb[0]) * rand(), rand);
    const peak = x.reduce((m, v) => Math.max(m, Math.abs(v)), 1);
    const gain = Math.min(1, 30000 / peak);
    const samples = Int16Array.from(x, (v) => Math.round(v * gain));
    return { name: `${String(i).padStart(4, '0')}_v${vi}`, digits, audio: { sampleRate: RATE, samples } };
  });
}

/** Convolution with an exponentially decaying noise tail (a rough room impulse response), 30 % wet. */
function reverberate(x: Float64Array, rt60: number, rand: () => number): Float64Array {
  const len = Math.round(rt60 * RATE);
  const ir = new Float64Array(len);
  const decay = Math.log(1000) / len; // -60 dB at rt60
  for (let k = 0; k < len; k++) ir[k] = gaussian(rand) * Math.exp(-decay * k);
  let energy = 0;
  for (const v of ir) energy += v * v;
  const norm = 0.3 / Math.sqrt(energy);
  const out = new Float64Array(x.length + len);
  for (let i = 0; i < x.length; i++) out[i] += 0.7 * x[i]!;
  // Sparse taps keep the cost down (every 4th sample of the tail, scaled): a diffuse tail needs no more.
  for (let k = 0; k < len; k += 4) {
    const h = ir[k]! * norm * 2;
    if (h === 0) continue;
    for (let i = 0; i < x.length; i++) out[i + k] += h * x[i]!;
  }
  return out;
}

/** Pink-ish noise (leaky-integrated white noise) at the given speech-to-noise ratio over the speech's active part. */
function addNoise(x: Float64Array, snrDb: number, rand: () => number): Float64Array {
  let e = 0;
  let n = 0;
  for (const v of x) {
    if (Math.abs(v) > 300) {
      e += v * v;
      n++;
    }
  }
  const speechRms = Math.sqrt(e / Math.max(1, n));
  const noise = new Float64Array(x.length);
  let b = 0;
  let ne = 0;
  for (let i = 0; i < x.length; i++) {
    b = 0.9 * b + gaussian(rand);
    noise[i] = b;
    ne += b * b;
  }
  const scale = speechRms / 10 ** (snrDb / 20) / Math.sqrt(ne / x.length);
  return x.map((v, i) => v + scale * noise[i]!);
}

function writeSet(
  out: string,
  n: number,
  lang: SpeechLang,
  make: (i: number) => { name: string; digits: string; audio: PcmAudio },
): ManifestRow[] {
  mkdirSync(join(out, 'audio'), { recursive: true });
  const rows: ManifestRow[] = [];
  for (let i = 0; i < n; i++) {
    const u = make(i);
    const file = join(out, 'audio', `${u.name}.wav`);
    writeFileSync(file, encodeWav(u.audio));
    rows.push({ audio: relative(out, file), digits: u.digits, lang });
  }
  writeFileSync(join(out, MANIFEST_NAME), formatManifest(rows));
  return rows;
}

export function formatManifest(rows: ManifestRow[]): string {
  return ['audio\tdigits\tlang', ...rows.map((r) => `${r.audio}\t${r.digits}\t${r.lang}`)].join('\n') + '\n';
}

export function parseManifest(text: string): ManifestRow[] {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const header = lines.shift()?.split('\t') ?? [];
  const col = (name: string) => {
    const i = header.indexOf(name);
    if (i < 0) throw new Error(`manifest header lacks "${name}"`);
    return i;
  };
  const [ia, id, il] = [col('audio'), col('digits'), col('lang')];
  return lines.map((l, n) => {
    const f = l.split('\t');
    const lang = f[il];
    const digits = f[id] ?? '';
    if (lang !== 'fr' && lang !== 'en') throw new Error(`manifest line ${n + 2}: lang must be fr or en`);
    if (!/^\d+$/.test(digits)) throw new Error(`manifest line ${n + 2}: bad digits`);
    return { audio: f[ia]!, digits, lang };
  });
}
