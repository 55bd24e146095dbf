// What each pipeline stage stores in `stage_results.result`, as zod schemas: the pipeline builds these
// values, the review API serves them and the console parses them with the same schemas, so a value the
// console checks is the value the engine produced. Browser-safe: imports zod only (reviewer-ui imports it).
import { z } from 'zod';

export const STAGES = ['ingest', 'document', 'face', 'speech', 'decide'] as const;
export type Stage = (typeof STAGES)[number];
export const ANALYSIS_STAGES = ['document', 'face', 'speech'] as const;
export type AnalysisStage = (typeof ANALYSIS_STAGES)[number];

// ---- signals: the facts the decision policy consumes -------------------------------------------------

export const DocumentSignalsSchema = z.object({
  /** Finding codes reported by the document engine (MRZ_UNREADABLE, DOCUMENT_EXPIRED, ...). */
  findings: z.array(z.string()),
  /** Identity read from the MRZ (absent when unreadable). Dates are ISO yyyy-mm-dd. */
  identity: z
    .object({
      lastName: z.string().optional(),
      firstNames: z.string().optional(),
      birthDate: z.string().optional(),
    })
    .optional(),
});
export type DocumentSignals = z.infer<typeof DocumentSignalsSchema>;

export const FaceSignalsSchema = z.object({
  /** Live face vs ID portrait similarity in [0, 1]; null when either face was not found. */
  similarity: z.number().nullable(),
  noFace: z.boolean(),
  faceTooSmall: z.boolean(),
  /**
   * Why the live face is too poor to judge identity from (the face engine's capture check); absent or empty
   * when it is good enough (`too_small` duplicates faceTooSmall). The policy asks for a new recording.
   */
  captureProblems: z.array(z.enum(['too_small', 'blurred', 'turned', 'dark', 'overexposed'])).optional(),
  multiplePeople: z.boolean(),
  staticVideo: z.boolean(),
  cardNotSeen: z.boolean(),
});
export type FaceSignals = z.infer<typeof FaceSignalsSchema>;

export const SPEECH_DECISIONS = ['match', 'mismatch', 'uncertain', 'no_speech'] as const;
export const SpeechSignalsSchema = z.object({ decision: z.enum(SPEECH_DECISIONS) });
export type SpeechSignals = z.infer<typeof SpeechSignalsSchema>;

/** The lip-sync check: does the mouth follow the voice (run after the digits are verified). */
export const LIPSYNC_DECISIONS = ['consistent', 'mismatch', 'inconclusive'] as const;
export const LipSyncSignalsSchema = z.object({
  decision: z.enum(LIPSYNC_DECISIONS),
  /** Agreement of mouth and voice, 0..1. */
  score: z.number(),
  /** Lag of the best agreement (s; positive: the sound after the mouth). */
  lagSec: z.number(),
  /** Frames with a mouth measurement inside the voiced windows. */
  framesUsed: z.number(),
  /** Syllable-rate mouth movement while the voice speaks (inter-ocular units; 0 = the mouth never moves). */
  mouthStd: z.number().optional(),
});
export type LipSyncSignals = z.infer<typeof LipSyncSignalsSchema>;

/**
 * Mouth crops at each spoken digit (lip-sync step, for the reviewer): the layout of the JPEG contact sheet stored
 * as media `mouth_crops`, one row per segment of the speech result, a few crops spread over the digit's time.
 */
export const MouthCropSheetSchema = z.object({
  tileWidth: z.number().int().positive(),
  tileHeight: z.number().int().positive(),
  columns: z.number().int().positive(),
  rows: z.number().int().positive(),
  tiles: z.array(
    z.object({
      /** Index in the speech result's `segments`. */
      segment: z.number().int().min(0),
      timeSec: z.number(),
      column: z.number().int().min(0),
      row: z.number().int().min(0),
    }),
  ),
});
export type MouthCropSheet = z.infer<typeof MouthCropSheetSchema>;

// ---- stage results ---------------------------------------------------------------------------------

export const VideoInfoSchema = z.object({
  durationSec: z.number(),
  hasAudio: z.boolean(),
  hasVideo: z.boolean(),
  width: z.number(),
  height: z.number(),
});
export type VideoInfo = z.infer<typeof VideoInfoSchema>;

export const IngestStageResultSchema = z.object({
  video: VideoInfoSchema,
  /** The media engine's whole probe (streams, measured duration; no content), reused by face and speech. */
  probe: z.unknown().optional(),
});

/** The document engine's reading status (`DocumentAnalysis.status`): 'read' is the good one. */
export const DOCUMENT_STATUSES = ['read', 'unreadable'] as const;
export type DocumentStatus = (typeof DOCUMENT_STATUSES)[number];

/** Document types the MRZ engine recognises (its `DocumentType`; the console's queue filter offers them). */
export const DOCUMENT_TYPES = ['ID_CARD', 'PASSPORT', 'RESIDENCE_PERMIT', 'OTHER'] as const;
export type DocumentType = (typeof DOCUMENT_TYPES)[number];

export const DocumentFindingSchema = z.looseObject({ code: z.string(), detail: z.string().optional() });

/** A character the MRZ decoder changed to satisfy a check digit, and where it is printed on the photo. */
export const MrzRepairSchema = z.object({
  line: z.number(),
  col: z.number(),
  printed: z.string(),
  chosen: z.string(),
  pPrinted: z.number(),
  pChosen: z.number(),
  /** The character's cell on the photo (pixels of its upright frame; angle in degrees, clockwise). */
  at: z
    .object({ cx: z.number(), cy: z.number(), w: z.number(), h: z.number(), angle: z.number() })
    .optional(),
});
export type MrzRepair = z.infer<typeof MrzRepairSchema>;

/**
 * Where the MRZ was read, for the reviewer's MRZ crop: the upload it was read on, that photo's upright size
 * (as analysed), the lines (from first to last character, and height) and the repairs. Personal data (the
 * repairs hold characters): stays in the database, never logged.
 */
export const DocumentMrzSchema = z.object({
  /** Where reading stopped: read / check_digit / ambiguous / not_cut / not_located. */
  stage: z.string(),
  photo: z.enum(['front', 'back']).nullable(),
  width: z.number().optional(),
  height: z.number().optional(),
  lines: z.array(
    z.object({ x0: z.number(), y0: z.number(), x1: z.number(), y1: z.number(), height: z.number() }),
  ),
  repairs: z.array(MrzRepairSchema),
  sidesSwapped: z.boolean().optional(),
});
export type DocumentMrz = z.infer<typeof DocumentMrzSchema>;

export const DocumentStageResultSchema = z.object({
  signals: DocumentSignalsSchema,
  status: z.enum(DOCUMENT_STATUSES),
  documentType: z.enum(DOCUMENT_TYPES).nullable(),
  /** Parsed MRZ fields (personal data: stays in the database, never logged). */
  fields: z.record(z.string(), z.unknown()),
  findings: z.array(DocumentFindingSchema),
  /** Absent on results stored before it existed. */
  mrz: DocumentMrzSchema.optional(),
});
export type DocumentStageResult = z.infer<typeof DocumentStageResultSchema>;

export const FACE_DECISIONS = ['match', 'review', 'mismatch'] as const;
export const FaceStageResultSchema = z.object({
  signals: FaceSignalsSchema,
  decision: z.enum(FACE_DECISIONS).nullable(),
  bestFrames: z.array(z.object({ index: z.number(), timeSec: z.number(), quality: z.number() })),
  cardInVideo: z.object({
    found: z.boolean(),
    similarity: z.number().nullable(),
    frameIndex: z.number().nullable(),
  }),
  mouthTrack: z.array(z.object({ timeSec: z.number(), opening: z.number() })),
  framesAnalysed: z.number(),
  /** Fused (quality-weighted mean descriptor) and median frame distances to the ID portrait. */
  live: z.object({ distance: z.number().nullable(), medianDistance: z.number().nullable() }).optional(),
  /** The 68 landmarks of each stored crop as fractions of the crop ([x0, y0, x1, y1, ...]; the comparator's overlay). */
  cropLandmarks: z
    .object({
      portrait: z.array(z.number()).nullable(),
      bestFrame: z.array(z.number()).nullable(),
      cardFrame: z.array(z.number()).nullable(),
    })
    .optional(),
  /** Size, sharpness, pose and light of the live face (face engine's capture summary). */
  capture: z
    .object({
      facePx: z.number(),
      sharpness: z.number(),
      poseDeg: z.number(),
      luminance: z.number(),
      contrast: z.number(),
      problems: z.array(z.string()),
    })
    .nullable()
    .optional(),
});
export type FaceStageResult = z.infer<typeof FaceStageResultSchema>;

export const SpeechStageResultSchema = z.object({
  signals: SpeechSignalsSchema,
  confidence: z.number(),
  /** Recognised digits (compared with the challenge by the reviewer). */
  recognised: z.string(),
  segments: z.array(
    z.object({
      digit: z.string(),
      startSec: z.number(),
      endSec: z.number(),
      /** Confidence (0..1) of this digit of the string the verdict rests on. */
      score: z.number().optional(),
    }),
  ),
  /** The lip-sync step on the same recording (null: not run, no speech, or it failed). */
  lipSync: LipSyncSignalsSchema.nullable().optional(),
  /** Layout of the stored mouth crops (null: asked for, none usable; absent: not asked for, or older results). */
  mouthCrops: MouthCropSheetSchema.nullable().optional(),
});
export type SpeechStageResult = z.infer<typeof SpeechStageResultSchema>;

export const DecideStageResultSchema = z.object({
  outcome: z.enum(['approve', 'reject', 'review', 'resubmit']),
  reasons: z.array(z.string()),
  policyVersion: z.string(),
  /** The case status after the decision (or the status it already had when the decision came late). */
  status: z.string(),
});
export type DecideStageResult = z.infer<typeof DecideStageResultSchema>;

/** What a stage out of retries stores: a code and a short message, never media or personal data. */
export const StageFailureSchema = z.object({ error: z.string(), message: z.string() });
export type StageFailure = z.infer<typeof StageFailureSchema>;

export const STAGE_RESULT_SCHEMAS = {
  ingest: IngestStageResultSchema,
  document: DocumentStageResultSchema,
  face: FaceStageResultSchema,
  speech: SpeechStageResultSchema,
  decide: DecideStageResultSchema,
} as const satisfies Record<Stage, z.ZodType>;
export type StageResultOf<S extends Stage> = z.infer<(typeof STAGE_RESULT_SCHEMAS)[S]>;

/** One stored stage as the review API serves it. */
export const StoredStageSchema = z.object({
  status: z.enum(['ok', 'failed']),
  result: z.unknown(),
  durationMs: z.number().nullable(),
});
export type StoredStage = z.infer<typeof StoredStageSchema>;

/** The typed result of a stored stage that succeeded; undefined when absent, failed or not of that shape. */
export function okResult<S extends Stage>(
  stage: S,
  stored: StoredStage | undefined,
): StageResultOf<S> | undefined {
  if (!stored || stored.status !== 'ok') return undefined;
  const r = STAGE_RESULT_SCHEMAS[stage].safeParse(stored.result);
  return r.success ? (r.data as StageResultOf<S>) : undefined;
}
