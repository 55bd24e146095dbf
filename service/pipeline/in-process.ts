// The same graph (graph.ts) and stages without Redis or a database, for `idv verify` and `idv eval cases`:
// ingest, then document, face and speech in parallel on local files, then the decision policy.
import type { Config } from '../config/index.js';
import type { Lang } from '../contracts/lang.js';
import { processingFailed, type Decision, type DeclaredIdentity } from '../decision/index.js';
import { createFaceAdapter, type FaceAdapter, type FaceCrops } from './engines/face.js';
import { nextStep } from './graph.js';
import { documentSettings, faceCaptureLimits, faceThresholds, policyConfig } from './policy-config.js';
import {
  runDecide,
  runDocument,
  runFace,
  runIngest,
  runSpeech,
  type MediaFiles,
  type StageOutputs,
} from './stages.js';

export interface LocalCase {
  files: MediaFiles;
  digits: string;
  lang: Lang;
  declared?: DeclaredIdentity;
  /** The document type the applicant declared (ID_CARD, PASSPORT, RESIDENCE_PERMIT): a prior for the reader. */
  documentType?: string;
  /** Verification day (default now). */
  today?: Date;
  attempt?: number;
}

export interface LocalResult {
  decision: Decision;
  stages: StageOutputs;
  /** Stage errors (a failed stage counts as PROCESSING_FAILED). */
  errors: Partial<Record<'ingest' | 'document' | 'face' | 'speech', string>>;
  ms: number;
  /** The fused live face descriptor (what the queue pipeline seals into the seen-before index); null without one. */
  faceDescriptor: number[] | null;
  /** The face crops the queue pipeline stores for the console (JPEG), null without them. */
  faceCrops: FaceCrops | null;
}

export interface LocalVerifier {
  verify(c: LocalCase): Promise<LocalResult>;
  close(): Promise<void>;
}

export function createLocalVerifier(config: Config): LocalVerifier {
  let face: FaceAdapter | undefined;
  const getFace = () =>
    (face ??= createFaceAdapter(config.FACE_WORKERS, faceThresholds(config), faceCaptureLimits(config)));
  return {
    async verify(c) {
      const t0 = performance.now();
      const errors: LocalResult['errors'] = {};
      const guard = async <T>(
        stage: keyof LocalResult['errors'],
        fn: () => Promise<T>,
      ): Promise<T | null> => {
        try {
          return await fn();
        } catch (e) {
          errors[stage] = e instanceof Error ? `${e.name}: ${e.message.split('\n')[0]}` : String(e);
          return null;
        }
      };
      const ingest = await guard('ingest', () => runIngest(c.files));
      const step = nextStep('ingest', ingest ? 'ok' : 'failed');
      let stages: StageOutputs = { document: null, face: null, speech: null };
      let faceDescriptor: number[] | null = null;
      let faceCrops: FaceCrops | null = null;
      if (step.kind === 'analyse' && ingest) {
        // The join: every analysis settles (a failed one is a missing signal), then `decide`.
        const [document, faceOut, speech] = await Promise.all([
          guard('document', () =>
            runDocument(
              c.files,
              c.today ?? new Date(),
              documentSettings(config),
              c.documentType ? { documentType: c.documentType } : {},
            ),
          ),
          guard('face', async () => {
            const f = await runFace(c.files, getFace(), ingest.probe);
            faceDescriptor = f.descriptor ?? null;
            faceCrops = f.crops;
            return f.result;
          }),
          guard('speech', () => runSpeech(c.files, c.digits, c.lang, ingest.probe)),
        ]);
        stages = { document, face: faceOut, speech };
      }
      const decision =
        step.kind === 'review'
          ? processingFailed()
          : runDecide(stages, c.declared, c.attempt ?? 1, policyConfig(config));
      return { decision, stages, errors, ms: performance.now() - t0, faceDescriptor, faceCrops };
    },
    async close() {
      await face?.close();
    },
  };
}
