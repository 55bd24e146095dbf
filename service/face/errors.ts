// Face engine errors with a fixed meaning.

/** A model file is missing or does not match models/face/checksums.json: never load it. */
export class FaceModelIntegrityError extends Error {
  override readonly name = 'FaceModelIntegrityError';
  constructor(
    message: string,
    readonly file: string,
  ) {
    super(message);
  }
}

/** The worker process running this request died (crash, OOM, killed). Retryable: the pool respawns it. */
export class FaceWorkerCrashedError extends Error {
  override readonly name = 'FaceWorkerCrashedError';
  constructor(
    message: string,
    readonly exitCode: number | null,
    readonly signal: string | null,
  ) {
    super(message);
  }
}

/** The engine was closed while the request was pending or before it was made. */
export class FaceEngineClosedError extends Error {
  override readonly name = 'FaceEngineClosedError';
  constructor() {
    super('face engine is closed');
  }
}

/** Inference failed inside the worker (bad input, model error). Carries the worker's message only. */
export class FaceInferenceError extends Error {
  override readonly name = 'FaceInferenceError';
}
