// What each stage computes, from decrypted media files to a JSON result. The same functions run in the
// queue workers (document and speech in sandboxed child processes) and in-process for `idv verify`.
import { readFile, writeFile } from 'node:fs/promises';
import type { Applicant } from '../cases/index.js';
import type { Lang } from '../contracts/lang.js';
import type {
  DocumentStageResult,
  FaceStageResult,
  SpeechStageResult,
  VideoInfo,
} from '../contracts/stage-results.js';
import { decide, type Decision, type PolicyConfig, type Signals } from '../decision/index.js';
import {
  decodeImage,
  extractAudio,
  mediaErrorCode,
  feedFrames,
  probeVideo,
  videoInfo,
  type MediaProbe,
} from './engines/media.js';
import { readDocument, type DocumentDeclared, type DocumentSettings } from './engines/document.js';
import { verifyDigits } from './engines/speech.js';
import { checkLipSync } from './engines/lipsync.js';
import type { FaceAdapter, FaceCrops } from './engines/face.js';

export type { DocumentStageResult, SpeechStageResult, FaceStageResult, FaceCrops };

/** Decrypted media of one attempt, as file paths in a private temporary directory. */
export interface MediaFiles {
  front: string;
  back?: string;
  video: string;
}

export interface IngestResult {
  video: VideoInfo;
  /** The whole probe (streams, measured duration; no content), reused by the face and speech stages. */
  probe?: MediaProbe;
}

/** Frames sampled for the face stage: enough for motion and card checks, few enough for the latency target. */
export const FACE_FRAMES = 8;
export const FACE_MAX_SIDE = 640;
/**
 * Long side of the full-resolution copy of each face frame (same decode), from which the face descriptors are
 * cut (service/face/fullres.ts): 1280 keeps a 720p selfie whole and reduces a 1080p one (2.8 MB per frame
 * instead of 6.2; a far face is then still ~2× the pixels of the 640 px frame). Detection stays at 640.
 */
export const FACE_FULL_MAX_SIDE = 1280;
/**
 * Long side of document photos given to the engines. Accepted uploads go up to 50 MP; at that size tfjs's resize
 * ran out of range (RangeError on every attempt) and the MRZ search took seconds. 4096 leaves 12 MP phone photos
 * untouched.
 */
export const STAGE_IMAGE_MAX_SIDE = 4096;

export async function runIngest(
  files: Pick<MediaFiles, 'video'>,
  probe: (path: string) => Promise<MediaProbe> = probeVideo,
): Promise<IngestResult> {
  return ingestFromProbe(await probe(files.video));
}

/** Ingest from a probe already taken of the same stored bytes (when the upload was checked). */
export function ingestFromProbe(probe: MediaProbe): IngestResult {
  return { video: videoInfo(probe), probe };
}

export async function runDocument(
  files: Pick<MediaFiles, 'front' | 'back'>,
  today: Date,
  settings: DocumentSettings,
  declared: Pick<DocumentDeclared, 'documentType'> = {},
): Promise<DocumentStageResult> {
  const opts = { maxSide: STAGE_IMAGE_MAX_SIDE };
  const images = [await decodeImage(await readFile(files.front), opts)];
  if (files.back) images.push(await decodeImage(await readFile(files.back), opts));
  // The uploads say which side each photo is (front, back): the engine tells a missing or swapped side.
  return readDocument(images, today, settings, {
    sides: files.back ? ['front', 'back'] : ['front'],
    ...(declared.documentType ? { documentType: declared.documentType } : {}),
  });
}

export interface SpeechRunOptions {
  /**
   * Where to write the JPEG sheet of mouth crops at each spoken digit (for the reviewer; a path in the stage's
   * private work directory). Without it no crops are made.
   */
  mouthCropsOut?: string;
}

export async function runSpeech(
  files: Pick<MediaFiles, 'video'>,
  digits: string,
  lang: Lang,
  probe?: MediaProbe,
  opts: SpeechRunOptions = {},
): Promise<SpeechStageResult> {
  let audio;
  try {
    audio = await extractAudio(files.video, probe ? { probe } : {});
  } catch (e) {
    // A video without a sound track is an applicant problem (nothing said), not a processing failure.
    if (mediaErrorCode(e) === 'no_audio_stream')
      return { signals: { decision: 'no_speech' }, confidence: 1, recognised: '', segments: [] };
    throw e;
  }
  const result = await verifyDigits(audio, digits, lang);
  // Lip-sync follows the digits: it samples the mouth where they were spoken, on the same audio.
  if (result.signals.decision === 'no_speech') return { ...result, lipSync: null };
  const out = opts.mouthCropsOut;
  const lip = await checkLipSync(files.video, audio, result.segments, probe, { mouthCrops: !!out });
  if (!out) return { ...result, lipSync: lip.signals };
  if (lip.mouthCrops) await writeFile(out, lip.mouthCrops.jpeg, { mode: 0o600 });
  return { ...result, lipSync: lip.signals, mouthCrops: lip.mouthCrops?.sheet ?? null };
}

export async function runFace(
  files: Pick<MediaFiles, 'front' | 'video'>,
  engine: FaceAdapter,
  probe?: MediaProbe,
): Promise<{ result: FaceStageResult; crops: FaceCrops; descriptor?: number[] | null }> {
  // Frames are analysed as ffmpeg decodes them, and the portrait is enrolled meanwhile.
  const frames = feedFrames(files.video, {
    count: FACE_FRAMES,
    maxSide: FACE_MAX_SIDE,
    fullMaxSide: FACE_FULL_MAX_SIDE,
    ...(probe ? { probe } : {}),
  });
  let document;
  try {
    document = await decodeImage(await readFile(files.front), { maxSide: STAGE_IMAGE_MAX_SIDE });
  } catch (e) {
    await frames.done.catch(() => undefined);
    throw e;
  }
  return engine.analyze({ document, frames });
}

/** The analysis results of one attempt; `null` for a stage that failed after its last retry. */
export interface StageOutputs {
  document: DocumentStageResult | null;
  face: FaceStageResult | null;
  speech: SpeechStageResult | null;
}

/** The declared identity the MRZ is compared with (birth date optional). */
export type DeclaredApplicant = Pick<Applicant, 'lastName' | 'firstNames'> & { birthDate?: string };

export function toSignals(
  o: StageOutputs,
  applicant: DeclaredApplicant | undefined,
  attempt: number,
): Signals {
  return {
    document: o.document?.signals ?? null,
    face: o.face?.signals ?? null,
    speech: o.speech?.signals ?? null,
    // null: the check failed; absent: a result stored before the check existed (holds nothing back).
    ...(o.speech && o.speech.lipSync !== undefined ? { lipSync: o.speech.lipSync } : {}),
    ...(applicant
      ? {
          declared: {
            lastName: applicant.lastName,
            firstNames: applicant.firstNames,
            birthDate: applicant.birthDate || undefined,
          },
        }
      : {}),
    attempt,
  };
}

export function runDecide(
  o: StageOutputs,
  applicant: DeclaredApplicant | undefined,
  attempt: number,
  policy: PolicyConfig,
  seenBefore?: { document: boolean; face: boolean },
): Decision {
  return decide({ ...toSignals(o, applicant, attempt), ...(seenBefore ? { seenBefore } : {}) }, policy);
}
