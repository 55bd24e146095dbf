// Engines are loaded lazily by module path, so that the pipeline compiles and runs (sending cases to
// review with PROCESSING_FAILED) even in a build where an engine is absent.
import { UnrecoverableError } from 'bullmq';

export class EngineUnavailableError extends UnrecoverableError {
  constructor(engine: string, cause: string) {
    super(`${engine} engine unavailable: ${cause}`);
    this.name = 'EngineUnavailableError';
  }
}

const cache = new Map<string, Promise<unknown>>();

/** `rel` is relative to service/pipeline/engines/, e.g. '../../face/index.js'. */
export function loadEngineModule<T>(engine: string, rel: string): Promise<T> {
  let p = cache.get(rel);
  if (!p) {
    const spec: string = new URL(rel, import.meta.url).href;
    p = import(spec).catch((e: unknown) => {
      cache.delete(rel);
      throw new EngineUnavailableError(engine, e instanceof Error ? e.message.split('\n')[0]! : String(e));
    });
    cache.set(rel, p);
  }
  return p as Promise<T>;
}

export function requireFn<F>(mod: Record<string, unknown>, engine: string, ...names: string[]): F {
  for (const n of names) if (typeof mod[n] === 'function') return mod[n] as F;
  throw new EngineUnavailableError(engine, `none of ${names.join(', ')} exported`);
}
