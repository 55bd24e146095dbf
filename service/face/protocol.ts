// Messages between the face pool (parent) and a face worker process (child), over IPC with
// `serialization: 'advanced'` so RGB buffers travel as binary (structured clone), not JSON.
import type { DetectOptions, EnrolOptions, EnrolResult } from './inference.js';
import type { FaceObservation, RgbImage } from './types.js';

export type WorkerRequest =
  | { id: number; op: 'detect'; image: RgbImage; opts: DetectOptions }
  | { id: number; op: 'enrol'; image: RgbImage; opts: EnrolOptions };

export interface WorkerResults {
  detect: FaceObservation[];
  enrol: EnrolResult;
}

export type WorkerMessage =
  | { type: 'ready'; backend: string }
  | { type: 'fatal'; name: string; message: string }
  | { type: 'result'; id: number; ok: true; result: unknown; ms: number; cpuMs: number }
  | { type: 'result'; id: number; ok: false; name: string; message: string };
