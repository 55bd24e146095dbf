// Face engine facade: a pool of worker processes doing inference, and pure post-processing here.
//   createFaceEngine({ workers }) -> ready() -> analyze({ document, frames }) / compare(a, b) -> close()
import {
  DEFAULT_ANALYSIS,
  classifyFrames,
  liveResult,
  motionStats,
  mouthTrack,
  planDescriptors,
  signals,
  type AnalysisParams,
  type Described,
  type FrameFaces,
} from './analysis.js';
import {
  cardResult,
  halfTurned,
  isCardPortrait,
  refineCard,
  searchCard,
  uprightCardView,
  type CardCandidate,
} from './card.js';
import { decide, euclidean, similarityFromDistance, type DecisionThresholds } from './calibration.js';
import { faceCropJpeg, landmarksInCrop } from './crops.js';
import { DEFAULT_CAPTURE_LIMITS, frameCapture, summariseCapture, type CaptureLimits } from './quality.js';
import {
  LIVE_DESCRIBE,
  LIVE_FRAME_DETECT,
  REFINE_BELOW_PX,
  type DetectOptions,
  type EnrolOptions,
  type EnrolResult,
} from './inference.js';
import { applyLut, exposureLut } from './light.js';
import { cardFullView, liveFullView } from './fullres.js';
import { FacePool } from './pool.js';
import { isFrameFeed, type FrameFeed } from '../media/frame-feed.js';
import type { CompareResult, FaceAnalysis, FaceObservation, RgbImage, VideoFrame } from './types.js';

export * from './types.js';
export * from './errors.js';
export {
  D50,
  WIDTH,
  similarityFromDistance,
  distanceForSimilarity,
  euclidean,
  decide,
  type DecisionThresholds,
} from './calibration.js';
export { DEFAULT_ANALYSIS, type AnalysisParams } from './analysis.js';
export { cropRgb } from './card.js';
export {
  DEFAULT_CAPTURE_LIMITS,
  type CaptureLimits,
  type CaptureProblem,
  type CaptureSummary,
} from './quality.js';
export type { EnrolOptions, EnrolResult, DetectOptions } from './inference.js';

export interface FaceEngineOptions {
  /** Worker processes (config FACE_WORKERS). Default 1. */
  workers?: number;
  /** Decision thresholds on the calibrated similarity (config FACE_ACCEPT_SIMILARITY / FACE_REJECT_SIMILARITY). */
  thresholds?: DecisionThresholds;
  /** Model directory override (default: the installed @vladmandic/face-api package). */
  modelDir?: string;
  /** Aggregation parameters (defaults are the tuned values). */
  analysis?: Partial<AnalysisParams>;
  /** When a live face is too poor for an identity verdict (config FACE_MIN_FACE_PX, ...). */
  capture?: Partial<CaptureLimits>;
  /** Receives the backend name once per worker start, and crash notices. No personal data. */
  log?: (msg: string, fields: Record<string, unknown>) => void;
}

export interface AnalyzeInput {
  /** Photo of the identity document (front, the side with the portrait). */
  document: RgbImage;
  /**
   * Sampled frames of the selfie video. A promise lets the portrait enrolment start while ffmpeg is still
   * decoding the video; a feed also starts each frame's detection as soon as that frame is decoded.
   */
  frames: VideoFrame[] | Promise<VideoFrame[]> | FrameFeed;
}

export interface FaceEngine {
  ready(): Promise<void>;
  analyze(input: AnalyzeInput): Promise<FaceAnalysis>;
  compare(a: RgbImage, b: RgbImage): Promise<CompareResult>;
  /** Largest face of an image with its descriptor (evaluation, enrolment). */
  enrol(image: RgbImage, opts?: EnrolOptions): Promise<EnrolResult & { ms: number; cpuMs: number }>;
  /** Like detect, with the worker's wall and CPU time. */
  detectTimed(
    image: RgbImage,
    opts?: DetectOptions,
  ): Promise<{ faces: FaceObservation[]; ms: number; cpuMs: number }>;
  /** All faces with landmarks, no descriptors. */
  detect(image: RgbImage, opts?: DetectOptions): Promise<FaceObservation[]>;
  /** Inference backend ('wasm' or 'tensorflow'), known after ready(). */
  readonly backend: string;
  readonly workers: number;
  /** Worker process ids (ops, tests). */
  pids(): number[];
  close(): Promise<void>;
}

/** The defaults of FACE_ACCEPT_SIMILARITY / FACE_REJECT_SIMILARITY (see calibration.ts for their meaning). */
export const DEFAULT_THRESHOLDS: DecisionThresholds = { accept: 0.92, reject: 0.25 };

/** Live-frame detection: Tiny (SSD when Tiny finds nothing), landmarks for the largest face. */
const FRAME_DETECT: DetectOptions = LIVE_FRAME_DETECT;

export function createFaceEngine(opts: FaceEngineOptions = {}): FaceEngine {
  const thresholds = opts.thresholds ?? DEFAULT_THRESHOLDS;
  const params: AnalysisParams = { ...DEFAULT_ANALYSIS, ...opts.analysis };
  const limits: CaptureLimits = { ...DEFAULT_CAPTURE_LIMITS, ...opts.capture };
  const pool = new FacePool({
    size: opts.workers ?? 1,
    modelDir: opts.modelDir,
    onBackend: (backend, pid) => opts.log?.('face worker ready', { backend, pid }),
    onCrash: (info) => opts.log?.('face worker crashed, respawning', info),
  });

  const enrol = async (image: RgbImage, o: EnrolOptions = {}) => {
    const { result, ms, cpuMs } = await pool.run({ op: 'enrol', image, opts: o });
    return { ...result, ms, cpuMs };
  };
  const detectTimed = async (image: RgbImage, o: DetectOptions = FRAME_DETECT) => {
    const { result, ms, cpuMs } = await pool.run({ op: 'detect', image, opts: o });
    return { faces: result, ms, cpuMs };
  };
  const detect = async (image: RgbImage, o: DetectOptions = FRAME_DETECT) =>
    (await detectTimed(image, o)).faces;

  async function analyze(input: AnalyzeInput): Promise<FaceAnalysis> {
    const t0 = performance.now();
    const cpu = { portrait: 0, frames: 0, card: 0, describe: 0 };
    const count = <T extends { cpuMs: number }>(phase: keyof typeof cpu, r: T): T => {
      cpu[phase] += r.cpuMs;
      return r;
    };
    // Portrait and frame detections run concurrently across the pool.
    const portraitP = enrol(input.document).then((r) => count('portrait', r));
    portraitP.catch(() => undefined);
    const pending: Array<Promise<FrameFaces>> = [];
    // Frames as analysed: exposure-corrected when dim or washed out (light.ts); the capture check reads the
    // light of the original frames, so that a dark recording still gets its advice.
    const analysed = new Map<number, VideoFrame>();
    // Full-resolution copies (descriptor chips only, fullres.ts), exposure-corrected like their frame when first
    // asked for: most faces and cards are described from the analysed frame, and a full frame's LUT pass is
    // 2.7 M lookups.
    const fullOf = new Map<number, () => RgbImage>();
    const detectFrame = (frame: VideoFrame): void => {
      // Without `full`: the frame goes to a worker, and the full copy stays here.
      const f: VideoFrame = {
        index: frame.index,
        timeSec: frame.timeSec,
        width: frame.width,
        height: frame.height,
        data: frame.data,
      };
      const lut = exposureLut(f);
      const g: VideoFrame = lut ? { ...applyLut(f, lut), index: f.index, timeSec: f.timeSec } : f;
      analysed.set(f.index, g);
      if (frame.full && params.describeFull) {
        const full = frame.full;
        let fixed: RgbImage | undefined;
        fullOf.set(f.index, () => (fixed ??= lut ? applyLut(full, lut) : full));
      }
      const p = detectTimed(g).then((r) => ({
        index: f.index,
        timeSec: f.timeSec,
        faces: count('frames', r).faces,
      }));
      // Observed at once: a failure before decoding ends is reported below, not as an unhandled rejection.
      p.catch(() => undefined);
      pending.push(p);
    };
    let videoFrames: VideoFrame[];
    try {
      if (isFrameFeed(input.frames)) {
        input.frames.subscribe(detectFrame);
        videoFrames = await input.frames.done;
      } else {
        videoFrames = await input.frames;
        videoFrames.forEach(detectFrame);
      }
    } catch (e) {
      // Nothing is left running unobserved when decoding fails.
      await Promise.allSettled([portraitP, ...pending]);
      throw e;
    }
    const [portrait, detections] = await Promise.all([portraitP, Promise.all(pending)]);
    let frames = classifyFrames(detections, params);
    const byIndex = new Map(videoFrames.map((f) => [f.index, analysed.get(f.index) ?? f]));
    const original = new Map(videoFrames.map((f) => [f.index, f]));
    // The live face described at full resolution when the frame has a full copy (box and landmarks scaled).
    const liveView = (f: (typeof frames)[number]): { image: RgbImage; o: EnrolOptions } => {
      const image = byIndex.get(f.index)!;
      const full = fullOf.get(f.index);
      const { box, landmarks } = f.live!;
      const flip = params.liveFlip || LIVE_DESCRIBE.flip;
      if (!full || box.width >= params.fullBelowPx)
        return { image, o: { hint: box, landmarks, ...LIVE_DESCRIBE, flip } };
      const v = liveFullView(image, full(), box, landmarks);
      // The faces re-detected on the analysed frame (narrow ones) are re-detected here too, from more pixels.
      const refineBelowPx = REFINE_BELOW_PX * v.scale;
      return {
        image: v.image,
        o: { hint: v.box, landmarks: v.landmarks, ...LIVE_DESCRIBE, flip, refineBelowPx },
      };
    };
    // Live faces are large and already have landmarks: one descriptor pass on the aligned chip each, started
    // now so that it overlaps the card search. Card portraits are small: re-detected on an upscaled crop first.
    const describe = (f: (typeof frames)[number]): Promise<Described> => {
      const { image, o } = liveView(f);
      return enrol(image, o).then((r) => ({
        index: f.index,
        timeSec: f.timeSec,
        quality: f.quality,
        descriptor: count('describe', r).face?.descriptor ?? [],
      }));
    };
    const bestLive = planDescriptors(frames, params).live;
    const liveP = Promise.all(bestLive.map(describe));
    liveP.catch(() => undefined);
    // The card (card.ts): the frame pass's small faces first; while none is the card portrait, the tiled
    // search (tiles in parallel across the pool, one frame after another, upright then turned), each
    // candidate described and compared with the ID portrait, stopping at the first that is the card.
    const pDesc = portrait.face && !portrait.failureToEnrol ? portrait.face.descriptor : null;
    const cardDescribed: Described[] = [];
    // A card held any side up is described on an upright view of it.
    const describeCard = async (f: (typeof frames)[number]): Promise<Described> => {
      const cand = f.cards[0] as CardCandidate;
      const analysedFrame = byIndex.get(f.index)!;
      const full = fullOf.get(f.index);
      // A card candidate's box comes from a tile or turned pass: re-detected as it would be on the analysed frame.
      const descriptorOf = async (view: ReturnType<typeof cardFullView>): Promise<number[]> => {
        const o = { hint: view.box, refineBelowPx: REFINE_BELOW_PX * view.scale };
        return count('describe', await enrol(view.image, o)).face?.descriptor ?? [];
      };
      const analysedView = () => ({ ...uprightCardView(analysedFrame, cand), scale: 1 });
      // Only a small portrait (a far card) gains from the full frame; two larger sideways ones lost there.
      const useFull = full && Math.max(cand.box.width, cand.box.height) < params.cardFullBelowPx;
      let descriptor = await descriptorOf(useFull ? cardFullView(analysedFrame, full(), cand) : analysedView());
      // A confirmed but poor full-resolution view is checked against the analysed frame's view (two sideways
      // cards matched 0.30 and 0.53 at full resolution, 0.94 and 0.999 at 640 px); the better one counts. Not
      // below the confirmation bound: doing it for every poor view re-described every non-card candidate
      // (+230 ms per case).
      const sim = distSim(descriptor);
      if (useFull && sim >= params.cardConfirmSimilarity && sim < params.cardRefineBelow) {
        const other = await descriptorOf(analysedView());
        if (distSim(other) > distSim(descriptor)) descriptor = other;
      }
      const d = { index: f.index, timeSec: f.timeSec, quality: f.quality, descriptor };
      cardDescribed.push(d);
      return d;
    };
    const distSim = (descriptor: number[]): number =>
      pDesc && descriptor.length > 0 ? similarityFromDistance(euclidean(descriptor, pDesc)) : -1;
    const simOf = (d: Described): number => distSim(d.descriptor);
    // The frame as confirmed when its first candidate is the card portrait. A view below `cardRefineBelow` is
    // described half turned as well (an upside-down portrait the detector took as it is); either may confirm.
    const confirmCard = async (f: (typeof frames)[number]): Promise<(typeof frames)[number] | null> => {
      const d = await describeCard(f);
      if (!pDesc || simOf(d) >= params.cardRefineBelow) return isCardPortrait(d, pDesc, params) ? f : null;
      const turned = halfTurned(f);
      const t = await describeCard(turned);
      const best = simOf(t) > simOf(d) ? { f: turned, d: t } : { f, d };
      return isCardPortrait(best.d, pDesc, params) ? best.f : null;
    };
    const withFrame = (g: (typeof frames)[number]) => frames.map((f) => (f.index === g.index ? g : f));
    const framePass = await Promise.all(planDescriptors(frames, params).cards.map(confirmCard));
    let cardAt = framePass.find((f) => f !== null) ?? null;
    for (const f of framePass) if (f) frames = withFrame(f);
    if (!cardAt) {
      const r = await searchCard(frames, (i) => byIndex.get(i)!, params, detectTimed, confirmCard);
      cpu.card += r.cpuMs;
      frames = r.frames;
      cardAt = r.at;
    }
    // Confirmed but still matching poorly: the same card in a few other frames; its similarity is the best view's.
    if (cardAt && pDesc && Math.max(...cardDescribed.map(simOf)) < params.cardRefineBelow) {
      const r = await refineCard(
        frames,
        cardAt,
        (i) => byIndex.get(i)!,
        params,
        detectTimed,
        new Set(cardDescribed.map((d) => d.index)),
      );
      cpu.card += r.cpuMs;
      frames = r.frames;
      await Promise.all(r.found.map(confirmCard));
    }
    const liveDescribed = await liveP;
    const live = liveResult(frames, liveDescribed, pDesc, thresholds);
    const card = cardResult(cardDescribed, pDesc, params);
    const motion = motionStats(frames);
    const captureOf = (f: (typeof frames)[number]) => frameCapture(f.live!, original.get(f.index)!);
    const capture = summariseCapture(
      frames.filter((f) => f.live).map(captureOf),
      bestLive.map(captureOf),
      limits,
    );

    const bestIdx = live.bestFrames[0]?.index;
    const bestFrame = bestIdx === undefined ? undefined : frames.find((f) => f.index === bestIdx);
    const cardFrame = card.frameIndex === null ? undefined : frames.find((f) => f.index === card.frameIndex);
    const [portraitJpeg, bestJpeg, cardJpeg] = await Promise.all([
      portrait.face ? faceCropJpeg(input.document, portrait.face.box) : null,
      bestFrame?.live ? faceCropJpeg(byIndex.get(bestFrame.index)!, bestFrame.live.box, 0.5) : null,
      cardFrame?.cards[0] ? faceCropJpeg(byIndex.get(cardFrame.index)!, cardFrame.cards[0].box, 0.8) : null,
    ]);
    return {
      portrait: {
        found: portrait.face !== null && portrait.failureToEnrol === null,
        box: portrait.face?.box ?? null,
        failureToEnrol: portrait.failureToEnrol,
      },
      live,
      cardInVideo: card,
      signals: signals(frames, motion, card, params, capture),
      capture,
      motion,
      mouthTrack: mouthTrack(frames),
      crops: { portrait: portraitJpeg, bestFrame: bestJpeg, cardFrame: cardJpeg },
      cropLandmarks: {
        portrait: portrait.face
          ? landmarksInCrop(input.document, portrait.face.box, portrait.face.landmarks)
          : null,
        bestFrame: bestFrame?.live
          ? landmarksInCrop(byIndex.get(bestFrame.index)!, bestFrame.live.box, bestFrame.live.landmarks, 0.5)
          : null,
        cardFrame: cardFrame?.cards[0]
          ? landmarksInCrop(
              byIndex.get(cardFrame.index)!,
              cardFrame.cards[0].box,
              cardFrame.cards[0].landmarks,
              0.8,
            )
          : null,
      },
      backend: pool.backend,
      timingsMs: { total: performance.now() - t0, cpu },
    };
  }

  async function compare(a: RgbImage, b: RgbImage): Promise<CompareResult> {
    const [ea, eb] = await Promise.all([enrol(a), enrol(b)]);
    const da = ea.face && !ea.failureToEnrol ? ea.face.descriptor : null;
    const db = eb.face && !eb.failureToEnrol ? eb.face.descriptor : null;
    const failureToEnrol = {
      a: ea.face ? ea.failureToEnrol : (ea.failureToEnrol ?? 'no_face'),
      b: eb.face ? eb.failureToEnrol : (eb.failureToEnrol ?? 'no_face'),
    };
    if (!da || !db)
      return { comparable: false, distance: null, similarity: null, decision: null, failureToEnrol };
    const distance = euclidean(da, db);
    const similarity = similarityFromDistance(distance);
    return {
      comparable: true,
      distance,
      similarity,
      decision: decide(similarity, thresholds),
      failureToEnrol,
    };
  }

  return {
    ready: () => pool.ready(),
    analyze,
    compare,
    enrol,
    detect,
    detectTimed,
    get backend() {
      return pool.backend;
    },
    workers: pool.size,
    pids: () => pool.pids(),
    close: () => pool.close(),
  };
}
