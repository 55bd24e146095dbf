// Accuracy evaluation on a manifest: each utterance is verified against its true digits (genuine trial) and against
// a different, seeded random challenge (impostor trial).
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { differentDigits, parseManifest, seededRandom } from './dev-sets.js';
import type { SpeechEngine } from './engine.js';
import type { SpeechVerification } from './types.js';
import { parseWav } from './wav.js';

export interface DigitsEvalOptions {
  /** Seed of the impostor challenges. Default 7. */
  seed?: number;
  /** Evaluate only the first N rows. */
  limit?: number;
  onProgress?: (done: number, total: number) => void;
  /** Called with every trial (for threshold tuning; contains no audio). */
  onTrial?: (t: {
    row: number;
    kind: 'genuine' | 'impostor';
    expected: string;
    truth: string;
    result: SpeechVerification;
    cpuMs: number;
  }) => void;
}

export interface DigitsEvalResult {
  n: number;
  genuine_accept: number;
  genuine_uncertain: number;
  false_accept: number;
  impostor_uncertain: number;
  recognised_exact: number;
  no_speech: number;
  ms_per_utterance_p50: number;
  cpu_ms_per_utterance_p50: number;
  ms_per_utterance_p90: number;
}

export async function evaluateDigits(
  engine: SpeechEngine,
  manifestPath: string,
  options: DigitsEvalOptions = {},
): Promise<DigitsEvalResult> {
  const base = dirname(resolve(manifestPath));
  const rows = parseManifest(readFileSync(manifestPath, 'utf8')).slice(0, options.limit ?? Infinity);
  const rand = seededRandom(options.seed ?? 7);
  let accept = 0;
  let gUnc = 0;
  let fa = 0;
  let iUnc = 0;
  let exact = 0;
  let noSpeech = 0;
  const ms: number[] = [];
  const cpu: number[] = [];
  for (const [i, row] of rows.entries()) {
    const audio = parseWav(readFileSync(resolve(base, row.audio)));
    const c0 = process.cpuUsage();
    const g = await engine.verify({ audio, expected: row.digits, lang: row.lang });
    const c = process.cpuUsage(c0);
    const cpuMs = (c.user + c.system) / 1000;
    ms.push(g.ms);
    cpu.push(cpuMs);
    options.onTrial?.({ row: i, kind: 'genuine', expected: row.digits, truth: row.digits, result: g, cpuMs });
    if (g.decision === 'match') accept++;
    if (g.decision === 'uncertain') gUnc++;
    if (g.decision === 'no_speech') noSpeech++;
    if (g.recognised === row.digits) exact++;
    const other = differentDigits(rand, row.digits);
    const imp = await engine.verify({ audio, expected: other, lang: row.lang });
    options.onTrial?.({
      row: i,
      kind: 'impostor',
      expected: other,
      truth: row.digits,
      result: imp,
      cpuMs: 0,
    });
    if (imp.decision === 'match') fa++;
    if (imp.decision === 'uncertain') iUnc++;
    options.onProgress?.(i + 1, rows.length);
  }
  const n = rows.length;
  const rate = (k: number) => (n === 0 ? 0 : Math.round((k / n) * 10000) / 10000);
  return {
    n,
    genuine_accept: rate(accept),
    genuine_uncertain: rate(gUnc),
    false_accept: rate(fa),
    impostor_uncertain: rate(iUnc),
    recognised_exact: rate(exact),
    no_speech: rate(noSpeech),
    ms_per_utterance_p50: Math.round(pct(ms, 50)),
    cpu_ms_per_utterance_p50: Math.round(pct(cpu, 50)),
    ms_per_utterance_p90: Math.round(pct(ms, 90)),
  };
}

function pct(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
}
