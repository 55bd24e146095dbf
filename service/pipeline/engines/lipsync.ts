// Adapter to the lip-sync engine: the video, its audio and the spoken digits' times in, LipSyncSignals out.
// Run inside the speech stage's process, after the digits are verified (it needs their segments and audio).
import type { PcmAudio } from '../../media/types.js';
import type { MediaProbe } from '../../media/probe-parse.js';
import { isMediaError } from '../../media/media-error.js';
import { createLipSyncEngine, type LipSyncEngine } from '../../lipsync/index.js';
import type { LipSyncSignals } from '../../contracts/stage-results.js';

let engine: LipSyncEngine | undefined;

/**
 * The lip-sync signals, or null when the check could not run (no face model, an undecodable stretch): a
 * missing lip-sync signal never holds a case back, the other checks still decide.
 */
export async function checkLipSync(
  video: string,
  audio: PcmAudio,
  segments: Array<{ digit: string; startSec: number; endSec: number }>,
  probe?: MediaProbe,
): Promise<LipSyncSignals | null> {
  const lip = (engine ??= createLipSyncEngine());
  const run = () => lip.analyze({ video, audio, segments, ...(probe ? { probe } : {}) });
  try {
    // A decode killed by its timeout on a loaded host is tried once more: a missing lip-sync signal lets a
    // held-up photo through when the face stage cannot tell it from a live face.
    const r = await run().catch((e: unknown) => {
      if (isMediaError(e) && e.retryable) return run();
      throw e;
    });
    return {
      decision: r.decision,
      score: r.score,
      lagSec: r.lagSec,
      framesUsed: r.framesUsed,
      mouthStd: r.mouthStd,
    };
  } catch {
    return null;
  }
}
