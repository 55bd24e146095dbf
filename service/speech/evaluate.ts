// Accuracy evaluation on a manifest: each utterance is verified against its true digits (genuine trial), against a
// seeded random other challenge (impostor trial) and against a challenge that differs from the truth in exactly one
// digit (the hardest impostor: two thirds of the audio fit it). Figures are reported per language.
// The sampled impostor trials are few, so the rates over every possible impostor challenge are reported too: a
// challenge can only match when it is the engine's best three-digit string (it must beat every other string by a
// margin), so of the 27 one-digit-different (972 other) challenges only the best string, when it is not the truth,
// can match; verifying that one challenge gives the exact count over all of them. With a negative margin (near ties
// tolerated) other challenges close to the best can match too: the figure is then a lower bound.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { differentDigits, oneDigitDifferent, parseManifest, seededRandom } from './dev-sets.js';
import type { SpeechEngine } from './engine.js';
import type { SpeechLang, SpeechVerification } from './types.js';
import { parseWav } from './wav.js';

export type TrialKind = 'genuine' | 'impostor' | 'one_digit' | 'best_other';

export interface DigitsEvalOptions {
  /** Seed of the impostor challenges. Default 7. */
  seed?: number;
  /** Evaluate only the first N rows. */
  limit?: number;
  onProgress?: (done: number, total: number) => void;
  /** Called with every trial (for threshold tuning; contains no audio). */
  onTrial?: (t: {
    row: number;
    audio: string;
    kind: TrialKind;
    expected: string;
    truth: string;
    result: SpeechVerification;
    cpuMs: number;
  }) => void;
}

export interface DigitsLangResult {
  n: number;
  genuine_accept: number;
  genuine_uncertain: number;
  /** Random other challenges accepted. */
  false_accept: number;
  impostor_uncertain: number;
  /** Challenges one digit away from the truth accepted. */
  false_accept_one_digit: number;
  one_digit_mismatch: number;
  recognised_exact: number;
  no_speech: number;
  /** Over all 27 one-digit-different challenges of every utterance (see above; a lower bound when minMargin < 0). */
  false_accept_one_digit_all: number;
  /** Over all 972 challenges that differ in two or three digits. */
  false_accept_all: number;
  cpu_ms_per_utterance_p50: number;
}

export interface DigitsEvalResult extends DigitsLangResult {
  by_lang: Partial<Record<SpeechLang, DigitsLangResult>>;
  ms_per_utterance_p50: number;
  ms_per_utterance_p90: number;
}

interface Tally {
  n: number;
  accept: number;
  gUnc: number;
  fa: number;
  iUnc: number;
  fa1: number;
  mis1: number;
  exact: number;
  noSpeech: number;
  /** Matches of the best string when it is one digit (resp. more) away from the truth. */
  fa1All: number;
  faAll: number;
  cpu: number[];
}

const newTally = (): Tally => ({
  n: 0,
  accept: 0,
  gUnc: 0,
  fa: 0,
  iUnc: 0,
  fa1: 0,
  mis1: 0,
  exact: 0,
  noSpeech: 0,
  fa1All: 0,
  faAll: 0,
  cpu: [],
});

export async function evaluateDigits(
  engine: SpeechEngine,
  manifestPath: string,
  options: DigitsEvalOptions = {},
): Promise<DigitsEvalResult> {
  const base = dirname(resolve(manifestPath));
  const rows = parseManifest(readFileSync(manifestPath, 'utf8')).slice(0, options.limit ?? Infinity);
  const rand = seededRandom(options.seed ?? 7);
  const all = newTally();
  const byLang = new Map<SpeechLang, Tally>();
  const ms: number[] = [];
  for (const [i, row] of rows.entries()) {
    const audio = parseWav(readFileSync(resolve(base, row.audio)));
    const t = byLang.get(row.lang) ?? newTally();
    byLang.set(row.lang, t);
    const trial = async (kind: TrialKind, expected: string) => {
      const c0 = process.cpuUsage();
      const r = await engine.verify({ audio, expected, lang: row.lang });
      const c = process.cpuUsage(c0);
      const cpuMs = (c.user + c.system) / 1000;
      options.onTrial?.({ row: i, audio: row.audio, kind, expected, truth: row.digits, result: r, cpuMs });
      return { r, cpuMs };
    };
    const g = await trial('genuine', row.digits);
    ms.push(g.r.ms);
    const imp = await trial('impostor', differentDigits(rand, row.digits));
    const one = await trial('one_digit', oneDigitDifferent(rand, row.digits));
    const best = g.r.evidence?.freeDecode ?? '';
    const away = [...best].filter((d, k) => d !== row.digits[k]).length;
    let bestMatches = false;
    if (best.length === row.digits.length && away > 0) {
      bestMatches = (await trial('best_other', best)).r.decision === 'match';
    }
    for (const x of [all, t]) {
      x.n++;
      x.cpu.push(g.cpuMs);
      if (g.r.decision === 'match') x.accept++;
      if (g.r.decision === 'uncertain') x.gUnc++;
      if (g.r.decision === 'no_speech') x.noSpeech++;
      if (g.r.evidence?.freeDecode === row.digits) x.exact++;
      if (imp.r.decision === 'match') x.fa++;
      if (imp.r.decision === 'uncertain') x.iUnc++;
      if (one.r.decision === 'match') x.fa1++;
      if (one.r.decision === 'mismatch') x.mis1++;
      if (bestMatches && away === 1) x.fa1All++;
      if (bestMatches && away > 1) x.faAll++;
    }
    options.onProgress?.(i + 1, rows.length);
  }
  return {
    ...summarise(all),
    by_lang: Object.fromEntries([...byLang].map(([l, t]) => [l, summarise(t)])),
    ms_per_utterance_p50: Math.round(pct(ms, 50)),
    ms_per_utterance_p90: Math.round(pct(ms, 90)),
  };
}

function summarise(t: Tally): DigitsLangResult {
  const rate = (k: number) => (t.n === 0 ? 0 : Math.round((k / t.n) * 10000) / 10000);
  return {
    n: t.n,
    genuine_accept: rate(t.accept),
    genuine_uncertain: rate(t.gUnc),
    false_accept: rate(t.fa),
    impostor_uncertain: rate(t.iUnc),
    false_accept_one_digit: rate(t.fa1),
    one_digit_mismatch: rate(t.mis1),
    recognised_exact: rate(t.exact),
    false_accept_one_digit_all: t.n === 0 ? 0 : Math.round((t.fa1All / (27 * t.n)) * 100000) / 100000,
    false_accept_all: t.n === 0 ? 0 : Math.round((t.faAll / (972 * t.n)) * 100000) / 100000,
    no_speech: rate(t.noSpeech),
    cpu_ms_per_utterance_p50: Math.round(pct(t.cpu, 50)),
  };
}

function pct(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
}
