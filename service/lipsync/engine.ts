// Lip-sync engine: the video's voiced windows decoded densely, a mouth opening per frame from the 68 landmarks
// (a few face detections, then the landmark net only, on crops), scored against the speech envelope.
//   const lip = createLipSyncEngine(); await lip.analyze({ video, audio, segments }) -> LipSyncAnalysis
import { extractAudio } from '../media/audio.js';
import { probe as probeFile } from '../media/probe.js';
import type { MediaProbe } from '../media/probe-parse.js';
import { interOcular, mouthOpening } from '../face/geometry.js';
import type { Box, Landmarks68 } from '../face/types.js';
import { normaliseBands, type AvModel } from './av-model.js';
import { bandEnvelope, speechEnvelope, voicedSegments } from './envelope.js';
import { readAvModel } from './model-file.js';
import { frameRgb, sampleWindowFrames, type YuvFrame } from './frames.js';
import { MouthModel, type LandmarkNet } from './mouth-model.js';
import { mouthCropCollector, type MouthCropOptions, type MouthCrops } from './mouth-crops.js';
import { bandSpan, DEFAULT_PLAN, planWindows, type PlanOptions } from './plan.js';
import { DEFAULT_SCORE, scoreLipSync, type ScoreParams } from './score.js';
import type { LipSyncResult, MouthSample, PcmAudio, RgbImage, SpokenSegment } from './types.js';
import { i420RegionToRgb, type Rect } from './yuv.js';

export interface LipSyncOptions {
  /** Landmark net. Default 'full' (the tiny net's mouth is noisier: models/lipsync/README.md). */
  net?: LandmarkNet;
  /** Side of the landmark net's input (px): see MouthModel.load. Default 112 (the net's own). */
  inputSide?: number;
  plan?: Partial<PlanOptions>;
  score?: Partial<ScoreParams>;
  /** Longest side of the decoded frames (px). Default 480: a selfie face is still ~100 px, the net takes 112. */
  maxSide?: number;
  /**
   * Face detections spread over the sampled frames (boxes in between are interpolated). Default one per 6 s
   * sampled (at least 1, on the middle frame; the ends only when it finds no face): a detection costs as much
   * as ~6 landmark crops, and the net tolerates the few pixels a face drifts within those seconds.
   */
  detections?: number;
  modelDir?: string;
  /** The audio-to-mouth model (default: models/lipsync/av-model.json). */
  model?: AvModel;
}

export interface LipSyncInput {
  video: string;
  probe?: MediaProbe;
  /** The video's audio (16 kHz mono); extracted from the video when absent. */
  audio?: PcmAudio;
  /** Spoken digits with their times (speech engine); without them, voiced windows are found from the audio. */
  segments?: SpokenSegment[];
  /** Mouth crops at each spoken digit for the reviewer (only with `segments`): cut from the frames decoded here. */
  mouthCrops?: Partial<MouthCropOptions>;
}

export interface LipSyncAnalysis extends LipSyncResult {
  /** Where the voiced windows came from. */
  segmentsFrom: 'speech' | 'audio';
  mouth: MouthSample[];
  /** The mouth crops asked for (null: no digit had a usable face); absent when not asked for. */
  mouthCrops?: MouthCrops | null;
  /** CPU ms of this process for the analysis (ffmpeg's own time is not included). */
  cpuMs: number;
}

export interface LipSyncEngine {
  analyze(input: LipSyncInput): Promise<LipSyncAnalysis>;
  /** Mouth opening at every 1/fps grid instant inside `windows` (evaluation: one track, many audio tracks). */
  track(video: string, windows: Array<[number, number]>, probe?: MediaProbe): Promise<MouthSample[]>;
  readonly net: LandmarkNet;
}

/** The square around `box` (side = the box's larger side), clipped to a `width` × `height` frame. */
export function squareRect(width: number, height: number, box: Box): Rect & { side: number } {
  const side = Math.max(8, Math.round(Math.max(box.width, box.height)));
  const cx = box.x + box.width / 2;
  const cy = box.y + box.height / 2;
  const x = Math.max(0, Math.min(width - 1, Math.round(cx - side / 2)));
  const y = Math.max(0, Math.min(height - 1, Math.round(cy - side / 2)));
  return {
    x,
    y,
    width: Math.max(1, Math.min(width - x, side)),
    height: Math.max(1, Math.min(height - y, side)),
    side,
  };
}

/** A square crop around `box` (side = the box's larger side), clipped to the frame. */
export function squareCrop(
  img: RgbImage,
  box: Box,
): { crop: RgbImage; side: number; x0: number; y0: number } {
  const r = squareRect(img.width, img.height, box);
  const data = Buffer.allocUnsafe(r.width * r.height * 3);
  for (let y = 0; y < r.height; y++) {
    const from = ((r.y + y) * img.width + r.x) * 3;
    data.set(img.data.subarray(from, from + r.width * 3), y * r.width * 3);
  }
  return { crop: { width: r.width, height: r.height, data }, side: r.side, x0: r.x, y0: r.y };
}

/** The same crop cut from a YUV frame: only the crop's pixels are converted (~1/6 of a 480-px frame's). */
export function squareCropYuv(
  f: YuvFrame,
  box: Box,
): { crop: RgbImage; side: number; x0: number; y0: number } {
  const r = squareRect(f.width, f.height, box);
  const data = i420RegionToRgb(f.yuv, f.width, f.height, r);
  return { crop: { width: r.width, height: r.height, data }, side: r.side, x0: r.x, y0: r.y };
}

/** Box at time t, linearly interpolated between the detected boxes (nearest one outside their span). */
export function boxAt(dets: Array<{ timeSec: number; box: Box }>, t: number): Box | null {
  if (dets.length === 0) return null;
  const after = dets.findIndex((d) => d.timeSec >= t);
  if (after <= 0) return (after === 0 ? dets[0] : dets[dets.length - 1])!.box;
  const a = dets[after - 1]!;
  const b = dets[after]!;
  const k = (t - a.timeSec) / Math.max(1e-6, b.timeSec - a.timeSec);
  const mix = (u: number, v: number) => u + (v - u) * k;
  return {
    x: mix(a.box.x, b.box.x),
    y: mix(a.box.y, b.box.y),
    width: mix(a.box.width, b.box.width),
    height: mix(a.box.height, b.box.height),
  };
}

/** Indices of `n` frames spread evenly from the first to the last. */
export function spread(count: number, n: number): number[] {
  if (count === 0) return [];
  if (n <= 1 || count === 1) return [Math.floor(count / 2)];
  return [...new Set(Array.from({ length: n }, (_, i) => Math.round((i * (count - 1)) / (n - 1))))];
}

export function createLipSyncEngine(opts: LipSyncOptions = {}): LipSyncEngine {
  const net = opts.net ?? 'full';
  const plan: PlanOptions = { ...DEFAULT_PLAN, ...opts.plan };
  const params: ScoreParams = { ...DEFAULT_SCORE, ...opts.score };
  let avModel: AvModel | undefined = opts.model;
  let model: Promise<MouthModel> | undefined;
  const getModel = () => {
    model ??= MouthModel.load({
      net,
      ...(opts.inputSide !== undefined ? { inputSide: opts.inputSide } : {}),
      ...(opts.modelDir ? { modelDir: opts.modelDir } : {}),
    });
    model.catch(() => (model = undefined));
    return model;
  };

  /**
   * `onFace` sees each frame with a usable face (converted to RGB only where read) and its landmarks in the
   * frame's pixels (mouth crops).
   */
  type OnFace = (
    frame: { timeSec: number; width: number; height: number; rgbRect: (r: Rect) => RgbImage },
    lm: Landmarks68,
  ) => void;

  async function mouthSamples(frames: YuvFrame[], onFace?: OnFace): Promise<MouthSample[]> {
    const m = await getModel();
    const dets: Array<{ timeSec: number; box: Box }> = [];
    const spanSec = frames.length > 0 ? frames[frames.length - 1]!.timeSec - frames[0]!.timeSec : 0;
    const want = opts.detections ?? Math.max(1, Math.round(spanSec / 6));
    const detect = async (idx: number[]) => {
      for (const i of idx) {
        // Small faces in large frames (a distant applicant) need the larger detector input. (Trying 160 px
        // first saved ~20 ms a case but its looser boxes flagged 2 more real clips.)
        const rgb = frameRgb(frames[i]!);
        const box = (await m.largestFace(rgb, 224)) ?? (await m.largestFace(rgb, 416));
        if (box) dets.push({ timeSec: frames[i]!.timeSec, box });
      }
    };
    await detect(spread(frames.length, want));
    // A single detection that found no face (a turned head): the ends of the windows before giving up.
    if (dets.length === 0 && want === 1) await detect(spread(frames.length, 2));
    dets.sort((a, b) => a.timeSec - b.timeSec);
    const crops = frames.map((f) => {
      const box = boxAt(dets, f.timeSec);
      return box ? squareCropYuv(f, box) : null;
    });
    const usable = crops.flatMap((c) => (c ? [c] : []));
    const lms = await m.landmarks(usable.map((c) => c.crop));
    let k = 0;
    return frames.map((f, i) => {
      const c = crops[i];
      if (!c) return { timeSec: f.timeSec, opening: null };
      const lm = lms[k++]!;
      // Landmarks of a crop without a face are still 68 points: keep only a plausible eye distance.
      const iod = interOcular(lm) / c.side;
      if (!(iod > 0.2 && iod < 0.7)) return { timeSec: f.timeSec, opening: null };
      onFace?.(
        {
          timeSec: f.timeSec,
          width: f.width,
          height: f.height,
          rgbRect: (r) => ({
            width: r.width,
            height: r.height,
            data: i420RegionToRgb(f.yuv, f.width, f.height, r),
          }),
        },
        lm.map((v, j) => v + (j % 2 === 0 ? c.x0 : c.y0)),
      );
      return { timeSec: f.timeSec, opening: mouthOpening(lm) };
    });
  }

  async function track(video: string, windows: Array<[number, number]>, probe?: MediaProbe, onFace?: OnFace) {
    const p = probe ?? (await probeFile(video));
    const frames = await sampleWindowFrames(video, {
      windows,
      fps: plan.fps,
      maxSide: opts.maxSide ?? 480,
      probe: p,
    });
    return frames.length > 0 ? mouthSamples(frames, onFace) : [];
  }

  async function analyze(input: LipSyncInput): Promise<LipSyncAnalysis> {
    const c0 = process.cpuUsage();
    const probe = input.probe ?? (await probeFile(input.video));
    const audio = input.audio ?? (probe.audio ? await extractAudio(input.video, { probe }) : undefined);
    const cpuMs = () => {
      const c = process.cpuUsage(c0);
      return Math.round((c.user + c.system) / 100) / 10;
    };
    if (!audio) {
      const r = {
        score: 0,
        lagSec: 0,
        decision: 'inconclusive' as const,
        framesUsed: 0,
        mouthStd: 0,
        windowsSec: 0,
      };
      return { ...r, segmentsFrom: 'audio', mouth: [], cpuMs: cpuMs() };
    }
    const fromSpeech = (input.segments?.length ?? 0) > 0;
    // The speech-band envelope is only needed to find voiced windows when the speech engine gave none.
    const segments = fromSpeech ? input.segments! : voicedSegments(speechEnvelope(audio));
    const { windows } = planWindows(segments, probe.durationSec, plan);
    const crops = fromSpeech && input.mouthCrops ? mouthCropCollector(segments, input.mouthCrops) : undefined;
    const mouth = await track(input.video, windows, probe, crops?.add);
    const span = windows.reduce((s, [a, b]) => s + b - a, 0);
    avModel ??= readAvModel();
    const r = scoreLipSync(
      mouth,
      normaliseBands(bandEnvelope(audio, 0.01, bandSpan(windows))),
      avModel,
      span,
      params,
    );
    const mouthCrops = crops ? await crops.finish() : undefined;
    return {
      ...r,
      segmentsFrom: fromSpeech ? 'speech' : 'audio',
      mouth,
      ...(mouthCrops !== undefined ? { mouthCrops } : {}),
      cpuMs: cpuMs(),
    };
  }

  return { analyze, track, net };
}
