// "Is a portrait on this photo?" for the pre-check: the face engine's enrolment (the same call the pipeline's
// face stage makes on the document photo), in one face worker process started on the first pre-check of this
// API process, so that an API that never pre-checks never loads the models.
import { createFaceEngine, type FaceEngine, type RgbImage } from '../../face/index.js';

export interface PortraitFinder {
  /** True when the engine finds a face it could enrol (what the face stage needs from the document). */
  found(image: RgbImage): Promise<boolean>;
  close(): Promise<void>;
}

export function createPortraitFinder(
  log?: (msg: string, fields: Record<string, unknown>) => void,
): PortraitFinder {
  let engine: FaceEngine | undefined;
  return {
    async found(image) {
      engine ??= createFaceEngine({ workers: 1, ...(log ? { log } : {}) });
      const r = await engine.enrol(image);
      return r.face !== null && r.failureToEnrol === null;
    },
    async close() {
      await engine?.close();
      engine = undefined;
    },
  };
}
