// Adapter to the speech engine: the applicant's audio and the challenge digits in, the stored
// SpeechStageResult out.
import type { PcmAudio } from '../../media/types.js';
import { createSpeechEngine, type SpeechEngine, type SpeechVerification } from '../../speech/index.js';
import type { SpeechStageResult } from '../../contracts/stage-results.js';
import type { Lang } from '../../contracts/lang.js';

let engine: SpeechEngine | undefined;

/** The stored result of a verification (pure). */
export function speechStageResult(r: SpeechVerification): SpeechStageResult {
  return {
    signals: { decision: r.decision },
    confidence: r.confidence,
    recognised: r.recognised,
    segments: r.segments.map((s) => ({
      digit: s.digit,
      startSec: s.startSec,
      endSec: s.endSec,
      score: s.score,
    })),
  };
}

export async function verifyDigits(
  audio: PcmAudio,
  expected: string,
  lang: Lang,
): Promise<SpeechStageResult> {
  engine ??= createSpeechEngine();
  return speechStageResult(await engine.verify({ audio, expected, lang }));
}
