// `idv eval faces <pairs.tsv> [--plot roc.svg]` and `idv bench face`. Thin: parse arguments, call service/face.
import { writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import type { CliContext } from '../index.js';
import { engineEnv } from '../../config/engines.js';
import { benchFace } from '../../face/bench.js';
import { evaluatePairsFile } from '../../face/eval.js';
import { createFaceEngine } from '../../face/index.js';
import { printResult, progress, progressEvery } from '../output.js';

function workersDefault(): number {
  const n = Number(process.env.FACE_WORKERS);
  return Number.isInteger(n) && n > 0 ? n : Math.max(1, cpus().length);
}

export function register({ evalCmd, benchCmd }: CliContext): void {
  evalCmd
    .command('faces <pairs>')
    .description(
      'Face verification metrics on a TSV of image pairs (header: image1 image2 label; paths relative to the file)',
    )
    .option('--plot <svg>', 'write the ROC curve as an SVG image')
    .option('--workers <n>', 'worker processes', (v) => Number.parseInt(v, 10))
    .option('--details <json>', 'write per-image outcomes and per-pair distances as JSON')
    .option('--no-flip', 'do not average descriptors with the mirror image')
    .option('--no-align', 'do not rotate face crops upright')
    .option(
      '--no-refine',
      'describe faces where first detected (plain face-api), without the upscaled re-detection crop',
    )
    .action(
      async (
        pairs: string,
        o: {
          plot?: string;
          details?: string;
          workers?: number;
          flip: boolean;
          align: boolean;
          refine: boolean;
        },
      ) => {
        const engine = createFaceEngine({
          workers: o.workers ?? workersDefault(),
          thresholds: {
            accept: engineEnv.FACE_ACCEPT_SIMILARITY.parse(process.env.FACE_ACCEPT_SIMILARITY),
            reject: engineEnv.FACE_REJECT_SIMILARITY.parse(process.env.FACE_REJECT_SIMILARITY),
          },
          log: (msg, f) => progress(`${msg} ${JSON.stringify(f)}`),
        });
        try {
          await engine.ready();
          let tick: ((done: number) => void) | undefined;
          const { report } = await evaluatePairsFile(pairs, engine, {
            enrol: { flip: o.flip, align: o.align, refine: o.refine },
            onProgress: (done, total) => (tick ??= progressEvery('images', total))(done),
            plotSvg: o.plot ? (svg) => writeFile(o.plot!, svg) : undefined,
            details: o.details ? (d) => writeFile(o.details!, JSON.stringify(d)) : undefined,
          });
          if (report.images_missing || report.images_unreadable)
            progress(
              `warning: ${report.images_missing} missing and ${report.images_unreadable} unreadable images were skipped`,
            );
          if (o.plot) progress(`ROC written to ${o.plot}`);
          printResult(report);
        } finally {
          await engine.close();
        }
      },
    );

  benchCmd
    .command('face')
    .description('Face engine speed: CPU ms per 640 px image (one worker) and faces/s with the worker pool')
    .option('--workers <n>', 'worker processes for the throughput run', (v) => Number.parseInt(v, 10))
    .option('--rounds <n>', 'passes over the 6 sample images', (v) => Number.parseInt(v, 10), 3)
    .action(async (o: { workers?: number; rounds: number }) => {
      const report = await benchFace({ workers: o.workers ?? workersDefault(), rounds: o.rounds, progress });
      printResult(report);
    });
}
