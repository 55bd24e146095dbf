// Face-stage CPU per case, two builds side by side: `node --import tsx scripts/bench-face-cases.ts
// <cases.jsonl> --limit N [--base /path/to/other/checkout]`. Each case's 8 frames are decoded once (this
// checkout's media code) and analysed by this checkout's face engine and, interleaved case by case, by the
// other checkout's (one worker each), so machine load hits both alike. CPU = worker CPU (user + system) of
// every inference call + this process's CPU during analyze (aggregation, exposure stretch, crops). Frames are
// decoded as the face stage decodes them (640 px, plus the full-resolution copy of FACE_FULL_MAX_SIDE); the
// base build gets them without that copy (an older build would otherwise ship it to its workers).
// ffmpeg's own CPU is not counted here.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { MediaError, decodeImage, sampleFrames } from '../service/media/index.js';
import { FACE_FULL_MAX_SIDE, FACE_MAX_SIDE } from '../service/pipeline/stages.js';

interface Engine {
  ready(): Promise<void>;
  analyze(
    i: unknown,
  ): Promise<{ timingsMs: { cpu: Record<string, number> }; live: { similarity: number | null } }>;
  close(): Promise<void>;
}

const args = process.argv.slice(2);
const file = resolve(args[0]!);
const limit = Number(args[args.indexOf('--limit') + 1] ?? 10) || 10;
const baseRoot = args.includes('--base') ? resolve(args[args.indexOf('--base') + 1]!) : undefined;
const lines = readFileSync(file, 'utf8')
  .split('\n')
  .filter((l) => l.trim())
  .slice(0, limit)
  .map((l) => JSON.parse(l) as { front: string; video: string });

const load = async (root: string): Promise<Engine> => {
  const m = (await import(pathToFileURL(join(root, 'service/face/index.ts')).href)) as {
    createFaceEngine(o: { workers: number }): Engine;
  };
  const e = m.createFaceEngine({ workers: 1 });
  await e.ready();
  return e;
};
const builds: Array<[string, Engine]> = [['this', await load(resolve('.'))]];
if (baseRoot) builds.push(['base', await load(baseRoot)]);
const cpu: Record<string, number[]> = Object.fromEntries(builds.map(([n]) => [n, []]));
const phases: Record<string, Record<string, number>> = Object.fromEntries(builds.map(([n]) => [n, {}]));
try {
  for (const [k, l] of lines.entries()) {
    const base = dirname(file);
    const decode = () =>
      sampleFrames(join(base, l.video), {
        count: 8,
        maxSide: FACE_MAX_SIDE,
        fullMaxSide: FACE_FULL_MAX_SIDE,
      });
    // A decode interrupted by the host's load (retryable, as the pipeline retries it) is run once more.
    const frames = await decode().catch((e: unknown) => {
      if (e instanceof MediaError && e.retryable) return decode();
      throw e;
    });
    const baseFrames = frames.map(({ full: _full, ...f }) => f);
    const document = await decodeImage(readFileSync(join(base, l.front)));
    // Alternate which build goes first.
    const order = k % 2 ? [...builds].reverse() : builds;
    for (const [name, engine] of order) {
      const c0 = process.cpuUsage();
      const a = await engine.analyze({ document, frames: name === 'base' ? baseFrames : frames });
      const c1 = process.cpuUsage(c0);
      const worker = Object.values(a.timingsMs.cpu).reduce((x, y) => x + y, 0);
      cpu[name]!.push(worker + (c1.user + c1.system) / 1000);
      for (const [p, v] of Object.entries(a.timingsMs.cpu)) phases[name]![p] = (phases[name]![p] ?? 0) + v;
    }
    process.stderr.write(`case ${k + 1}/${lines.length}\n`);
  }
} finally {
  for (const [, e] of builds) await e.close();
}
const stats = (v: number[]) => {
  const s = [...v].sort((a, b) => a - b);
  return {
    cpu_ms_per_case_mean: Math.round(v.reduce((a, b) => a + b, 0) / v.length),
    cpu_ms_per_case_p50: Math.round(s[(s.length - 1) >> 1]!),
  };
};
console.log(
  JSON.stringify({
    cases: lines.length,
    ...Object.fromEntries(
      builds.map(([n]) => [
        n,
        {
          ...stats(cpu[n]!),
          phase_ms_mean: Object.fromEntries(
            Object.entries(phases[n]!).map(([p, v]) => [p, Math.round(v / lines.length)]),
          ),
        },
      ]),
    ),
  }),
);
