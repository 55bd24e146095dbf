// soundswallower (PocketSphinx in WASM) behind a small typed wrapper: one decoder per language, created once per
// process and reused; each call decodes one utterance against one JSGF grammar and returns the words and path score.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import createModule, { type Decoder, type SoundSwallowerModule } from 'soundswallower';
import { dictionaryText, MODEL_NAME } from './lexicon.js';
import type { SpeechLang } from './types.js';

export const DECODER_RATE = 16000;

export interface DecodedWord {
  word: string;
  startSec: number;
  endSec: number;
  /** The decoder's per-word acoustic fit (0..1, from the alignment; higher = closer to the model). */
  fit: number;
}

export interface DecodeResult {
  /** False when no path through the grammar survived (the audio does not fit it at all). */
  ok: boolean;
  words: DecodedWord[];
  /** Path log-score (log base 1.0001, scaled); comparable between grammars on the same audio. */
  score: number;
  frames: number;
}

/** Extra internals of the WASM module that the typed API does not expose (path score of the hypothesis). */
interface ModuleInternals {
  _malloc(n: number): number;
  _free(p: number): void;
  _decoder_hyp(cdecoder: number, outScore: number): number;
  HEAP32: Int32Array;
}

/** soundswallower's defaults, and much wider ones for forced alignment. */
const DEFAULT_BEAMS = { beam: 1e-48, wbeam: 7e-29, pbeam: 1e-48 } as const;
const WIDE_BEAMS = { beam: 1e-80, wbeam: 1e-60, pbeam: 1e-80 } as const;
/** For the large "anything else" loop: its best path survives these (scores within 0.3 % of the defaults on FSDD
 * and sentences) at about half the search cost. */
const NARROW_BEAMS = { beam: 1e-30, wbeam: 1e-20, pbeam: 1e-30 } as const;
/** For re-scoring a `match`: the best other digit string survives these where the defaults pruned it (a real French
 * "onze trois quatre"), at less cost than the wide beams. */
const MEDIUM_BEAMS = { beam: 1e-56, wbeam: 1e-36, pbeam: 1e-56 } as const;
const BEAMS = {
  default: DEFAULT_BEAMS,
  wide: WIDE_BEAMS,
  narrow: NARROW_BEAMS,
  medium: MEDIUM_BEAMS,
} as const;

let modulePromise: Promise<SoundSwallowerModule> | undefined;

/** The WASM module is stateless between decoders; loading it once per process is enough. */
function loadModule(): Promise<SoundSwallowerModule> {
  if (modulePromise) return modulePromise;
  const p: Promise<SoundSwallowerModule> = createModule({
    // Route the C library's diagnostics away from stdout (the CLI's last stdout line is its JSON result).
    print: () => undefined,
    printErr: () => undefined,
  } as Partial<SoundSwallowerModule>);
  modulePromise = p;
  return p;
}

function modelDir(lang: SpeechLang): string {
  const require = createRequire(import.meta.url);
  // The package's exports map has no package.json entry; resolve the main file and walk to its model folder.
  const main = require.resolve('soundswallower');
  return join(dirname(main), 'model', MODEL_NAME[lang]);
}

export class DigitDecoder {
  private constructor(
    private readonly mod: SoundSwallowerModule & ModuleInternals,
    private readonly decoder: Decoder,
    private readonly scorePtr: number,
  ) {}

  /** `scoreAllSenones` (default true): required when path scores of separate decodes are compared. */
  static async create(lang: SpeechLang, opts: { scoreAllSenones?: boolean } = {}): Promise<DigitDecoder> {
    const mod = (await loadModule()) as SoundSwallowerModule & ModuleInternals;
    const tmp = mkdtempSync(join(tmpdir(), 'idv-speech-'));
    try {
      const dict = join(tmp, 'digits.dict');
      writeFileSync(dict, dictionaryText(lang));
      const decoder = new mod.Decoder({
        hmm: modelDir(lang),
        dict,
        samprate: DECODER_RATE,
        loglevel: 'FATAL',
        // Scoring every senone each frame gives path scores of different grammars one normalisation (otherwise each
        // search normalises by its own active senones and the scores of two decodes cannot be compared).
        compallsen: opts.scoreAllSenones ?? true,
      });
      await decoder.initialize();
      return new DigitDecoder(mod, decoder, mod._malloc(4));
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  }

  /**
   * Decode a whole utterance (16 kHz mono) with the given JSGF grammar. Synchronous CPU work.
   * `wideBeams`: prune far less; for forced alignment (a single path is cheap to keep alive even when it fits badly,
   * and a pruned-away expected path would wrongly read as "cannot be aligned").
   */
  decode(
    pcm: Float32Array,
    jsgf: string,
    opts: { wideBeams?: boolean; beams?: keyof typeof BEAMS } = {},
  ): DecodeResult {
    const d = this.decoder;
    const frames = Math.floor(pcm.length / (DECODER_RATE / 100));
    // Beams are read when the grammar's search is created, i.e. by set_grammar.
    const beams = BEAMS[opts.beams ?? (opts.wideBeams ? 'wide' : 'default')];
    for (const [k, v] of Object.entries(beams)) d.set_config(k, v);
    d.set_grammar(jsgf);
    d.start();
    d.process_audio(pcm, false, true);
    d.stop();
    const cdecoder = (d as unknown as { cdecoder: number }).cdecoder;
    const hyp = this.mod._decoder_hyp(cdecoder, this.scorePtr);
    if (hyp === 0) return { ok: false, words: [], score: Number.NEGATIVE_INFINITY, frames };
    const score = this.mod.HEAP32[this.scorePtr >> 2]!;
    const words: DecodedWord[] = [];
    for (const seg of d.get_alignment().w ?? []) {
      if (seg.t.startsWith('<') || seg.t.startsWith('[') || seg.t === '(NULL)') continue;
      words.push({ word: seg.t.replace(/\(\d+\)$/, ''), startSec: seg.b, endSec: seg.b + seg.d, fit: seg.p });
    }
    return { ok: words.length > 0, words, score, frames };
  }

  close(): void {
    this.mod._free(this.scorePtr);
    this.decoder.delete();
  }
}

/** Int16 PCM → the float range the decoder expects. */
export function toFloat32(samples: Int16Array): Float32Array {
  const out = new Float32Array(samples.length);
  for (let i = 0; i < samples.length; i++) out[i] = samples[i]! / 32768;
  return out;
}
