// Face worker process: loads the verified models once, then answers detect/enrol requests one at a time.
// WASM inference is single-threaded and CPU-bound, hence one such process per core (see pool.ts).
import { FaceModel } from './inference.js';
import type { WorkerMessage, WorkerRequest } from './protocol.js';
import type { RgbImage } from './types.js';

function send(msg: WorkerMessage): void {
  process.send?.(msg);
}

/** Structured clone delivers a Uint8Array: view it as a Buffer without copying. */
function asImage(img: RgbImage): RgbImage {
  const d = img.data as Uint8Array;
  return {
    width: img.width,
    height: img.height,
    data: Buffer.isBuffer(d) ? d : Buffer.from(d.buffer, d.byteOffset, d.byteLength),
  };
}

async function main(): Promise<void> {
  let model: FaceModel;
  try {
    model = await FaceModel.load({ modelDir: process.env.IDV_FACE_MODEL_DIR || undefined });
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e));
    send({ type: 'fatal', name: err.name, message: err.message });
    process.exitCode = 1;
    process.disconnect?.();
    return;
  }
  // Requests are processed strictly in order: the pool never sends a second one before the reply.
  let chain = Promise.resolve();
  process.on('message', (req: WorkerRequest) => {
    chain = chain.then(async () => {
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      try {
        const image = asImage(req.image);
        const result =
          req.op === 'detect' ? await model.detect(image, req.opts) : await model.enrol(image, req.opts);
        const cpu = process.cpuUsage(c0);
        // CPU time (user + system) is what capacity planning needs; wall time depends on machine load.
        send({
          type: 'result',
          id: req.id,
          ok: true,
          result,
          ms: performance.now() - t0,
          cpuMs: (cpu.user + cpu.system) / 1000,
        });
      } catch (e) {
        const err = e instanceof Error ? e : new Error(String(e));
        send({ type: 'result', id: req.id, ok: false, name: err.name, message: err.message });
      }
    });
  });
  process.on('disconnect', () => process.exit(0));
  send({ type: 'ready', backend: model.backend });
}

void main();
