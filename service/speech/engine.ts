// The speech engine: gate → free 3-digit decode → forced alignment of the challenge → competing "anything else"
// decode (digits and other words in a loop) → decision. `match` means the challenge explains the audio about as well
// as any digit string and as well as any sequence of words the engine knows.
// Decoders are created lazily, once per language per engine, and reused for every utterance.
import { decide, type DecideOptions } from './decide.js';
import { DECODER_RATE, DigitDecoder, toFloat32, type DecodeResult } from './decoder.js';
import { speechGate, type SpeechGateOptions } from './gate.js';
import { anythingGrammar, expectedDigitsGrammar, freeDigitsGrammar, wordToDigit } from './lexicon.js';
import { isValidDigits } from './challenge.js';
import type { DigitSegment, SpeechEvidence, SpeechLang, SpeechVerification, VerifyInput } from './types.js';
import { resample } from './wav.js';
// Each search is synchronous WASM: yielding between them lets the host process serve its timers and I/O (a job's
// lock renewal, a test runner's RPC, which gives up after 60 s of silence on a loaded machine).
import { setImmediate as tick } from 'node:timers/promises';

export interface SpeechEngineOptions {
  gate?: SpeechGateOptions;
  decide?: DecideOptions;
}

export interface SpeechEngine {
  verify(input: VerifyInput): Promise<SpeechVerification>;
  /** Create the decoders now (otherwise on first use). */
  warmup(langs?: SpeechLang[]): Promise<void>;
  close(): void;
}

/** Regions longer than this (s) get no wide-beam second search (three digits with pauses fit well within it). */
const WIDE_RERUN_MAX_SEC = 6;

export class InvalidChallengeError extends Error {
  override name = 'InvalidChallengeError';
}

export function createSpeechEngine(options: SpeechEngineOptions = {}): SpeechEngine {
  const decoders = new Map<SpeechLang, Promise<DigitDecoder>>();
  const decoderFor = (lang: SpeechLang): Promise<DigitDecoder> => {
    let d = decoders.get(lang);
    if (!d) {
      d = DigitDecoder.create(lang);
      decoders.set(lang, d);
    }
    return d;
  };

  async function verify({ audio, expected, lang }: VerifyInput): Promise<SpeechVerification> {
    if (!isValidDigits(expected)) throw new InvalidChallengeError('expected must be 3 digits');
    const t0 = performance.now();
    const pcm = audio.sampleRate === DECODER_RATE ? audio : resample(audio, DECODER_RATE);
    const gate = speechGate(pcm, options.gate);
    if (!gate.isSpeech) {
      const d = decide({ lang, gate, expected, recognised: '', evidence: null }, options.decide);
      return { ...d, recognised: '', segments: [], gate, evidence: null, ms: performance.now() - t0 };
    }
    const [start, end] = gate.regionSec;
    const from = start;
    const region = toFloat32(
      pcm.samples.subarray(Math.floor(start * DECODER_RATE), Math.ceil(end * DECODER_RATE)),
    );
    const decoder = await decoderFor(lang);
    // Both searches use the same beams so that their scores compare fairly.
    const run = async (wideBeams: boolean) => {
      const free = decoder.decode(region, freeDigitsGrammar(lang), { wideBeams });
      await tick();
      const recognised = digitsOf(lang, free);
      // When the free decode already says the expected digits, it is the forced alignment too: skip a second search.
      const forced =
        recognised === expected
          ? free
          : decoder.decode(region, expectedDigitsGrammar(lang, expected), { wideBeams });
      await tick();
      return { free, forced, recognised };
    };
    let searched = await run(false);
    // Wide beams again when either search found nothing, but not on long audio: a challenge that cannot be aligned
    // within the default beams over a long recording is far from the best explanation and cannot match, and widening
    // the beams there cost seconds of CPU for nothing.
    if (!searched.free.ok || (!searched.forced.ok && end - start <= WIDE_RERUN_MAX_SEC))
      searched = await run(true);
    const { free, forced, recognised } = searched;
    // The competing model: what the audio is when it is not exactly three digits (narrower beams: it is the costliest
    // search, and its best path is rarely pruned by them).
    const other = decoder.decode(region, anythingGrammar(lang), { beams: 'narrow' });
    await tick();
    const otherDigits = other.words.filter((w) => wordToDigit(lang, w.word) !== undefined).length;
    const evidence: SpeechEvidence = {
      llrPerFrame:
        !forced.ok || !free.ok
          ? null
          : forced === free
            ? 0
            : (free.score - forced.score) / Math.max(1, free.frames),
      llrTotal: !forced.ok || !free.ok ? null : forced === free ? 0 : free.score - forced.score,
      freeDecoded: free.ok,
      minExpectedFit: forced.ok ? Math.min(...forced.words.map((w) => w.fit)) : 0,
      freeAgree: [...recognised].filter((d, i) => expected[i] === d).length,
      freeDecode: recognised,
      otherLlrPerFrame:
        !forced.ok || !other.ok ? null : (other.score - forced.score) / Math.max(1, forced.frames),
      otherFreeLlrPerFrame:
        !free.ok || !other.ok ? null : (other.score - free.score) / Math.max(1, free.frames),
      otherWords: other.words.length - otherDigits,
      otherDigits,
    };
    const d = decide({ lang, gate, expected, recognised, evidence }, options.decide);
    // The string shown is the one the verdict rests on: the challenge's alignment when it matched.
    const basis = d.decision === 'match' ? forced : free;
    const segments = toSegments(lang, basis, from, basis === forced ? free : forced);
    return {
      ...d,
      recognised: segments.map((s) => s.digit).join(''),
      segments,
      gate,
      evidence,
      ms: performance.now() - t0,
    };
  }

  return {
    verify,
    async warmup(langs: SpeechLang[] = ['fr', 'en']) {
      await Promise.all(langs.map(decoderFor));
    },
    close() {
      for (const d of decoders.values()) void d.then((x) => x.close()).catch(() => undefined);
      decoders.clear();
    },
  };
}

function digitsOf(lang: SpeechLang, r: DecodeResult): string {
  return r.words.map((w) => wordToDigit(lang, w.word) ?? '').join('');
}

/**
 * Digit segments of a decode, each scored by its acoustic fit, halved when the other decode (free vs forced) puts a
 * different digit over most of that stretch.
 */
function toSegments(
  lang: SpeechLang,
  r: DecodeResult,
  offsetSec: number,
  other: DecodeResult,
): DigitSegment[] {
  return r.words.flatMap((w) => {
    const digit = wordToDigit(lang, w.word);
    if (digit === undefined) return [];
    let overlap = 0;
    let there: string | undefined;
    for (const o of other.words) {
      const ov = Math.min(w.endSec, o.endSec) - Math.max(w.startSec, o.startSec);
      if (ov > overlap) [overlap, there] = [ov, wordToDigit(lang, o.word)];
    }
    const agrees = !other.ok || there === undefined || there === digit;
    return [
      {
        digit,
        startSec: round2(w.startSec + offsetSec),
        endSec: round2(w.endSec + offsetSec),
        score: round2(Math.max(0, Math.min(1, w.fit)) * (agrees ? 1 : 0.5)),
      },
    ];
  });
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}
