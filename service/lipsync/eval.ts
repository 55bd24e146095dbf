// `idv eval lipsync <index.json>`: real talking-face clips scored with their own sound (false alarms), with the
// sound of other clips (detections of a swapped-audio dub), and the generator-made clips (kind "dubbed").
// Each clip's mouth is tracked once over its first seconds; every audio track is then scored against that
// track exactly as the engine does (voiced windows of that audio, the same plan and scorer). The learned model
// is cross-validated by person: each real clip is scored by a model fitted without that person's clips; a second
// protocol fits on one half of the people and reports on the other half (swaps within that half).
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { z } from 'zod';
import { extractAudio } from '../media/audio.js';
import { isMediaError } from '../media/media-error.js';
import { probe as probeFile } from '../media/probe.js';
import type { MediaProbe } from '../media/probe-parse.js';
import { DEFAULT_AV_PARAMS, normaliseBands, trainAvModel, type AvModel, type NormBands } from './av-model.js';
import { bandEnvelope, speechEnvelope, voicedSegments } from './envelope.js';
import { createLipSyncEngine } from './engine.js';
import type { LandmarkNet } from './mouth-model.js';
import { bandSpan, DEFAULT_PLAN, insideWindows, planWindows, type PlanOptions } from './plan.js';
import { DEFAULT_SCORE, scoreLipSync, type ScoreParams } from './score.js';
import type { AudioEnvelope, LipSyncResult, MouthSample } from './types.js';

const IndexFile = z.array(z.object({ file: z.string(), kind: z.string(), notes: z.string().optional() }));

/** The person in a clip: the index notes "same person as <clip>" for clips that share one. */
export function personOf(e: { file: string; notes?: string | undefined }): string {
  const stem = (f: string) => f.replace(/^.*\//, '').replace(/\.[a-z0-9]+$/i, '');
  const other = /same person as ([\w.-]+)/.exec(e.notes ?? '')?.[1];
  return [stem(e.file), ...(other ? [stem(other)] : [])].sort()[0]!;
}

export interface LipSyncEvalOptions {
  index: string;
  /** Other clips' audio tracks tried on each real clip. Default 4. */
  swapsPerClip?: number;
  net?: LandmarkNet;
  /** Side of the landmark net's input (px). Default 112. */
  inputSide?: number;
  plan?: Partial<PlanOptions>;
  score?: Partial<ScoreParams>;
  /** Seconds of each clip tracked (the plan caps what is scored). Default 12. */
  trackSec?: number;
  /** Face detections per tracked clip (the engine's default: one per 6 s). */
  detections?: number;
  /** Also fit the model on every real clip and write it here (models/lipsync/av-model.json). */
  writeModel?: string;
  /**
   * Mouth tracks cache (JSON, outside the repository): read when it was made with the same net, rate and span,
   * written otherwise. Tracking is the slow part; scorer experiments then take seconds.
   */
  tracksCache?: string;
  progress?: (msg: string) => void;
}

export interface ClipScore {
  file: string;
  kind: string;
  own: Pick<LipSyncResult, 'score' | 'lagSec' | 'framesUsed' | 'decision'>;
  /** Scores with other clips' audio (real clips only). */
  swapped: Array<{ audio: string; score: number; decision: LipSyncResult['decision'] }>;
}

export interface SplitReport {
  fittedOn: 'A' | 'B';
  reportedOn: 'A' | 'B';
  originals: { n: number; flagged: number };
  /** Every real clip of the reported half with the audio of every other person of that half. */
  swapped: { n: number; flagged: number; detectionRate: number };
}

export interface LipSyncEvalReport {
  net: LandmarkNet;
  inputSide: number;
  threshold: number;
  plan: PlanOptions;
  crossValidated: 'leave-one-person-out';
  /** Fitted on one half of the people, scored on the other (threshold unchanged), both ways. */
  split: SplitReport[];
  originals: { n: number; flagged: number; inconclusive: number; falseAlarmRate: number };
  swapped: { n: number; flagged: number; inconclusive: number; detectionRate: number };
  dubbed: Array<{ file: string; score: number; lagSec: number; flagged: boolean }>;
  /** CPU ms of this process to track one second of video (landmarks at the plan's rate), median. */
  trackCpuMsPerSec: number;
  clips: ClipScore[];
}

interface Clip {
  /** Bands of the stretch the engine would read when scoring with this audio (plan.ts bandSpan). */
  scoreBands: NormBands;
  file: string;
  kind: string;
  person: string;
  durationSec: number;
  env: AudioEnvelope;
  bands: NormBands;
  mouth: MouthSample[];
}

/**
 * The clip as the service would receive it: containers it refuses (e.g. FLV) are re-encoded to MP4 in `tmp`,
 * as a browser recording of the same scene would be.
 */
async function acceptedCopy(
  path: string,
  tmp: string,
): Promise<{ path: string; probe: MediaProbe; converted: boolean }> {
  try {
    return { path, probe: await probeFile(path), converted: false };
  } catch (e) {
    if (!isMediaError(e) || e.code !== 'unsupported_format') throw e;
  }
  const out = join(tmp, `${Math.random().toString(36).slice(2)}.mp4`);
  await promisify(execFile)('ffmpeg', [
    '-v',
    'error',
    '-y',
    '-i',
    path,
    '-c:v',
    'libx264',
    '-preset',
    'veryfast',
    '-crf',
    '18',
    '-c:a',
    'aac',
    out,
  ]);
  return { path: out, probe: await probeFile(out), converted: true };
}

/** The mouth samples the engine would use with this audio, and the seconds they span. */
function windowed(mouth: MouthSample[], audio: Clip, durationSec: number, plan: PlanOptions) {
  const { windows } = planWindows(voicedSegments(audio.env), durationSec, plan);
  return { mouth: insideWindows(mouth, windows), span: windows.reduce((s, [a, b]) => s + b - a, 0) };
}

const TracksFile = z.object({
  key: z.string(),
  tracked: z.record(
    z.string(),
    z.object({
      mouth: z.array(z.object({ timeSec: z.number(), opening: z.number().nullable() })),
      cpuPerSec: z.number(),
    }),
  ),
});

function readTracks(file: string | undefined, key: string) {
  if (!file || !existsSync(file)) return undefined;
  const t = TracksFile.parse(JSON.parse(readFileSync(file, 'utf8')));
  return t.key === key ? t.tracked : undefined;
}

export async function evalLipSync(o: LipSyncEvalOptions): Promise<LipSyncEvalReport> {
  const entries = IndexFile.parse(JSON.parse(readFileSync(o.index, 'utf8')));
  const base = dirname(o.index);
  const net = o.net ?? 'full';
  const plan: PlanOptions = { ...DEFAULT_PLAN, ...o.plan };
  const params: ScoreParams = { ...DEFAULT_SCORE, ...o.score };
  const inputSide = o.inputSide ?? 112;
  const engine = createLipSyncEngine({
    net,
    inputSide,
    plan,
    ...(o.detections !== undefined ? { detections: o.detections } : {}),
  });
  const trackSec = o.trackSec ?? 12;
  const clips: Clip[] = [];
  const cpuPerSec: number[] = [];
  const spanOf = (env: AudioEnvelope, durationSec: number) =>
    bandSpan(planWindows(voicedSegments(env), durationSec, plan).windows);
  // Bump when the tracking itself changes (decode format, detector sizes, the net's forward pass): older caches
  // are then re-tracked.
  const cacheKey = `tracker4/${net}${inputSide === 112 ? '' : `@${inputSide}`}/${plan.fps}/${trackSec}/${o.detections ?? 'default'}`;
  const cached = readTracks(o.tracksCache, cacheKey);
  const tracked: Record<string, { mouth: MouthSample[]; cpuPerSec: number }> = {};
  const tmp = mkdtempSync(join(tmpdir(), 'idv-lipsync-eval-'));
  try {
    for (const e of entries) {
      const { path, probe, converted } = await acceptedCopy(join(base, e.file), tmp);
      const audio = await extractAudio(path, { probe });
      const durationSec = Math.min(probe.durationSec, trackSec);
      let hit = cached?.[e.file];
      if (!hit) {
        const c0 = process.cpuUsage();
        const m = await engine.track(path, [[0, durationSec]], probe);
        const c = process.cpuUsage(c0);
        hit = { mouth: m, cpuPerSec: (c.user + c.system) / 1000 / durationSec };
      }
      tracked[e.file] = hit;
      const env = speechEnvelope(audio);
      const mouth = hit.mouth;
      cpuPerSec.push(hit.cpuPerSec);
      clips.push({
        file: e.file,
        kind: e.kind,
        person: personOf(e),
        durationSec,
        env,
        bands: normaliseBands(bandEnvelope(audio)),
        scoreBands: normaliseBands(bandEnvelope(audio, 0.01, spanOf(env, durationSec))),
        mouth,
      });
      const found = mouth.filter((m) => m.opening !== null).length;
      o.progress?.(
        `${e.file}: mouth in ${found}/${mouth.length} frames${converted ? ' (re-encoded to MP4)' : ''}`,
      );
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  if (o.tracksCache && !cached) writeFileSync(o.tracksCache, JSON.stringify({ key: cacheKey, tracked }));
  const real = clips.filter((c) => c.kind === 'real');
  // The model learns from all the speech tracked, not only the span the engine scores: more syllables, a
  // steadier fit (the lowest original scored 0.33 → 0.36 with 12 s instead of 6 s).
  const trainPlan = { ...plan, maxSec: trackSec };
  const training = (c: Clip) => ({
    file: c.file,
    mouth: windowed(c.mouth, c, c.durationSec, trainPlan).mouth,
    bands: c.bands,
  });
  const fitOn = (cs: Clip[]): AvModel => trainAvModel(cs.map(training), DEFAULT_AV_PARAMS);
  const fitWithout = (skip: Clip | null): AvModel =>
    fitOn(real.filter((c) => !skip || c.person !== skip.person));
  const full = fitWithout(null);
  if (o.writeModel) writeFileSync(o.writeModel, JSON.stringify(full, null, 1) + '\n');
  const score = (c: Clip, audio: Clip, model: AvModel) => {
    const w = windowed(c.mouth, audio, c.durationSec, plan);
    return scoreLipSync(w.mouth, audio.scoreBands, model, w.span, params);
  };
  const k = Math.min(o.swapsPerClip ?? 4, real.length - 1);
  const stride = Math.max(1, Math.floor(real.length / (k + 1)));
  const out: ClipScore[] = clips.map((c) => {
    const model = c.kind === 'real' ? fitWithout(c) : full;
    const own = score(c, c, model);
    const swapped: ClipScore['swapped'] = [];
    if (c.kind === 'real') {
      const ri = real.indexOf(c);
      // Partners spread over the list, not only neighbours (which often share a source and a format).
      for (let s = 1; s <= k; s++) {
        const other = real[(ri + s * stride) % real.length]!;
        if (other === c) continue;
        const r = score(c, other, model);
        swapped.push({ audio: other.file, score: r.score, decision: r.decision });
      }
    }
    return {
      file: c.file,
      kind: c.kind,
      own: { score: own.score, lagSec: own.lagSec, framesUsed: own.framesUsed, decision: own.decision },
      swapped,
    };
  });
  const rate = (a: number, b: number) => (b > 0 ? Math.round((a / b) * 1000) / 1000 : 0);
  const people = [...new Set(real.map((c) => c.person))].sort();
  const half = (c: Clip): 'A' | 'B' => (people.indexOf(c.person) % 2 === 0 ? 'A' : 'B');
  const split = (['A', 'B'] as const).map((h): SplitReport => {
    const model = fitOn(real.filter((c) => half(c) !== h));
    const mine = real.filter((c) => half(c) === h);
    const own = mine.map((c) => score(c, c, model));
    const sw = mine.flatMap((c) => mine.filter((a) => a.person !== c.person).map((a) => score(c, a, model)));
    const flagged = sw.filter((r) => r.decision === 'mismatch').length;
    return {
      fittedOn: h === 'A' ? 'B' : 'A',
      reportedOn: h,
      originals: { n: own.length, flagged: own.filter((r) => r.decision === 'mismatch').length },
      swapped: { n: sw.length, flagged, detectionRate: rate(flagged, sw.length) },
    };
  });
  const originals = out.filter((c) => c.kind === 'real');
  const swaps = originals.flatMap((c) => c.swapped);
  const flaggedOwn = originals.filter((c) => c.own.decision === 'mismatch').length;
  const flaggedSwap = swaps.filter((s) => s.decision === 'mismatch').length;
  cpuPerSec.sort((a, b) => a - b);
  return {
    net,
    inputSide,
    threshold: params.threshold,
    plan,
    crossValidated: 'leave-one-person-out',
    split,
    originals: {
      n: originals.length,
      flagged: flaggedOwn,
      inconclusive: originals.filter((c) => c.own.decision === 'inconclusive').length,
      falseAlarmRate: rate(flaggedOwn, originals.length),
    },
    swapped: {
      n: swaps.length,
      flagged: flaggedSwap,
      inconclusive: swaps.filter((s) => s.decision === 'inconclusive').length,
      detectionRate: rate(flaggedSwap, swaps.length),
    },
    dubbed: out
      .filter((c) => c.kind === 'dubbed')
      .map((c) => ({
        file: c.file,
        score: c.own.score,
        lagSec: c.own.lagSec,
        flagged: c.own.decision === 'mismatch',
      })),
    trackCpuMsPerSec: Math.round(cpuPerSec[cpuPerSec.length >> 1] ?? 0),
    clips: out,
  };
}
