// Adapter to the speech engine: the applicant's audio and the challenge digits in, SpeechSignals out.
import type { PcmAudio } from '../../media/types.js';
import type { SpeechSignals } from '../../decision/index.js';
import { loadEngineModule, requireFn } from './load-engine.js';

export interface SpeechStageResult {
  signals: SpeechSignals;
  confidence: number;
  /** Recognised digits (compared with the challenge by the reviewer). */
  recognised: string;
  segments: Array<{ digit: string; startSec: number; endSec: number }>;
}

interface Engine {
  verify(input: { audio: PcmAudio; expected: string; lang: 'fr' | 'en' }): Promise<{
    decision: SpeechSignals['decision'];
    confidence: number;
    recognised: string;
    segments: SpeechStageResult['segments'];
  }>;
}

let engine: Promise<Engine> | undefined;

function getEngine(): Promise<Engine> {
  engine ??= (async () => {
    const m = await loadEngineModule<Record<string, unknown>>('speech', '../../speech/index.js');
    const create = requireFn<() => Engine | Promise<Engine>>(m, 'speech', 'createSpeechEngine');
    return create();
  })().catch((e: unknown) => {
    engine = undefined;
    throw e;
  });
  return engine;
}

export async function verifyDigits(
  audio: PcmAudio,
  expected: string,
  lang: 'fr' | 'en',
): Promise<SpeechStageResult> {
  const r = await (await getEngine()).verify({ audio, expected, lang });
  return {
    signals: { decision: r.decision },
    confidence: r.confidence,
    recognised: r.recognised,
    segments: r.segments ?? [],
  };
}

/** A new 3-digit challenge (the speech engine's generator when present, else a CSPRNG here). */
export async function newChallengeDigits(lang: 'fr' | 'en'): Promise<string> {
  try {
    const m = await loadEngineModule<Record<string, unknown>>('speech', '../../speech/challenge.js');
    const create = requireFn<(l: 'fr' | 'en', ttlSec: number) => { digits: string }>(
      m,
      'speech',
      'createChallenge',
    );
    return create(lang, 60).digits;
  } catch {
    const { randomInt } = await import('node:crypto');
    return String(randomInt(1000)).padStart(3, '0');
  }
}
