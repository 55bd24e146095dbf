// `idv bench face`: CPU time per 640 px image in one worker (WASM unless tfjs-node is installed), then
// throughput of the whole pool. Uses the face photos shipped in the face-api npm package.
import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import sharp from 'sharp';
import { createFaceEngine } from './index.js';
import type { RgbImage } from './types.js';

export interface BenchReport {
  backend: string;
  images: number;
  /** Worker CPU ms (user + system, so independent of machine load) of the frame pass (detect + 68 landmarks, all faces) per 640 px image. */
  detect_ms_p50: number;
  /** Worker CPU ms of enrolment (detect + refine crop + landmarks + flip-averaged descriptor, largest face). */
  enrol_ms_p50: number;
  /** detect + enrol = full per-image cost of one described face. */
  ms_per_image_p50: number;
  workers: number;
  /** Enrolled (described) faces per second with `workers` processes. */
  faces_per_sec: number;
}

function p50(v: number[]): number {
  const s = [...v].sort((a, b) => a - b);
  return Math.round(s[(s.length - 1) >> 1]! * 10) / 10;
}

export async function sampleImages640(): Promise<RgbImage[]> {
  const require = createRequire(import.meta.url);
  const demo = join(dirname(require.resolve('@vladmandic/face-api/package.json')), 'demo');
  const files = readdirSync(demo)
    .filter((f) => /^sample\d+\.jpg$/.test(f))
    .sort();
  return Promise.all(
    files.map(async (f) => {
      const { data, info } = await sharp(join(demo, f))
        .rotate()
        .resize({ width: 640 })
        .removeAlpha()
        .raw()
        .toBuffer({ resolveWithObject: true });
      return { width: info.width, height: info.height, data };
    }),
  );
}

export async function benchFace(opts: {
  workers: number;
  rounds?: number;
  progress?: (m: string) => void;
}): Promise<BenchReport> {
  const imgs = await sampleImages640();
  const rounds = opts.rounds ?? 3;
  const single = createFaceEngine({ workers: 1 });
  const detectMs: number[] = [];
  const enrolMs: number[] = [];
  let backend = 'unknown';
  try {
    await single.ready();
    backend = single.backend;
    await single.enrol(imgs[0]!); // warm-up: first inference compiles kernels
    for (let r = 0; r < rounds; r++) {
      for (const img of imgs) {
        detectMs.push((await single.detectTimed(img)).cpuMs);
        enrolMs.push((await single.enrol(img)).cpuMs);
      }
      opts.progress?.(`single worker: round ${r + 1}/${rounds}`);
    }
  } finally {
    await single.close();
  }
  const pool = createFaceEngine({ workers: opts.workers });
  try {
    await pool.ready();
    await Promise.all(Array.from({ length: opts.workers }, () => pool.enrol(imgs[0]!)));
    const jobs = Array.from(
      { length: imgs.length * rounds * Math.max(1, opts.workers) },
      (_, i) => imgs[i % imgs.length]!,
    );
    const t0 = performance.now();
    await Promise.all(jobs.map((img) => pool.enrol(img)));
    const secs = (performance.now() - t0) / 1000;
    const both = detectMs.map((d, i) => d + enrolMs[i]!);
    return {
      backend,
      images: imgs.length,
      detect_ms_p50: p50(detectMs),
      enrol_ms_p50: p50(enrolMs),
      ms_per_image_p50: p50(both),
      workers: opts.workers,
      faces_per_sec: Math.round((jobs.length / secs) * 100) / 100,
    };
  } finally {
    await pool.close();
  }
}
