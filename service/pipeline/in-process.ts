// The same stages without Redis or a database, for `idv verify` and `idv eval cases`: document, face and
// speech in parallel on local files, then the decision policy.
import type { Config } from '../config/index.js';
import type { Lang } from '../cases/index.js';
import type { Decision, DeclaredIdentity } from '../decision/index.js';
import { createFaceAdapter, type FaceEngine } from './engines/face.js';
import { documentSettings, faceCaptureLimits, policyConfig } from './policy-config.js';
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
}

export interface LocalVerifier {
  verify(c: LocalCase): Promise<LocalResult>;
  close(): Promise<void>;
}

export function createLocalVerifier(config: Config): LocalVerifier {
  let face: Promise<FaceEngine> | undefined;
  const getFace = () =>
    (face ??= createFaceAdapter(
      config.FACE_WORKERS,
      {
        accept: config.FACE_ACCEPT_SIMILARITY,
        reject: config.FACE_REJECT_SIMILARITY,
      },
      faceCaptureLimits(config),
    ));
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
      let stages: StageOutputs = { document: null, face: null, speech: null };
      if (ingest) {
        const [document, faceOut, speech] = await Promise.all([
          guard('document', () => runDocument(c.files, c.today ?? new Date(), documentSettings(config))),
          guard('face', async () => (await runFace(c.files, await getFace(), ingest.probe)).result),
          guard('speech', () => runSpeech(c.files, c.digits, c.lang, ingest.probe)),
        ]);
        stages = { document, face: faceOut, speech };
      }
      const decision = runDecide(stages, c.declared, c.attempt ?? 1, policyConfig(config));
      return { decision, stages, errors, ms: performance.now() - t0 };
    },
    async close() {
      if (face) await (await face.catch(() => undefined))?.close();
    },
  };
}
