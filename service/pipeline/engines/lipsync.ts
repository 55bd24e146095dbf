// Adapter to the lip-sync engine: the video, its audio and the spoken digits' times in, LipSyncSignals out
// (and, when asked, the mouth crops at each digit for the reviewer).
// Run inside the speech stage's process, after the digits are verified (it needs their segments and audio).
import type { PcmAudio } from '../../media/types.js';
import type { MediaProbe } from '../../media/probe-parse.js';
import { isMediaError } from '../../media/media-error.js';
import { createLipSyncEngine, type LipSyncEngine, type MouthCrops } from '../../lipsync/index.js';
import type { LipSyncSignals } from '../../contracts/stage-results.js';

let engine: LipSyncEngine | undefined;

export interface LipSyncCheck {
  /** null when the check could not run. */
  signals: LipSyncSignals | null;
  /** The crops asked for; null when not asked for, none usable, or the check failed. */
  mouthCrops: MouthCrops | null;
}

/**
 * The lip-sync signals, or null when the check could not run (no face model, an undecodable stretch): a
 * missing lip-sync signal never holds a case back, the other checks still decide.
 */
export async function checkLipSync(
  video: string,
  audio: PcmAudio,
  segments: Array<{ digit: string; startSec: number; endSec: number }>,
  probe?: MediaProbe,
  opts: { mouthCrops?: boolean } = {},
): Promise<LipSyncCheck> {
  const lip = (engine ??= createLipSyncEngine());
  const run = () =>
    lip.analyze({
      video,
      audio,
      segments,
      ...(probe ? { probe } : {}),
      // Cut from the frames this pass decodes anyway: a few ms, no second decode.
      ...(opts.mouthCrops ? { mouthCrops: {} } : {}),
    });
  try {
    // A decode killed by its timeout on a loaded host is tried once more: a missing lip-sync signal lets a
    // held-up photo through when the face stage cannot tell it from a live face.
    const r = await run().catch((e: unknown) => {
      if (isMediaError(e) && e.retryable) return run();
      throw e;
    });
    return {
      signals: {
        decision: r.decision,
        score: r.score,
        lagSec: r.lagSec,
        framesUsed: r.framesUsed,
        mouthStd: r.mouthStd,
      },
      mouthCrops: r.mouthCrops ?? null,
    };
  } catch {
    return { signals: null, mouthCrops: null };
  }
}
