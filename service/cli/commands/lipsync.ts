// `idv eval lipsync <index.json>`, `idv bench lipsync`: the lip-sync check's CLI (thin wrappers).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CliContext } from '../index.js';
import { percentile, printResult, progress } from '../output.js';
import { generateCase } from '../../fixtures/case.js';
import { extractAudio } from '../../media/audio.js';
import { cpuTimes } from '../../media/cpu-time.js';
import { probe as probeFile } from '../../media/probe.js';
import { createLipSyncEngine, type LandmarkNet } from '../../lipsync/index.js';
import { evalLipSync } from '../../lipsync/eval.js';
import { verifyDigits } from '../../pipeline/engines/speech.js';
import type { MediaProbe } from '../../media/probe-parse.js';
import type { PcmAudio, SpokenSegment } from '../../lipsync/types.js';

function net(v: string): LandmarkNet {
  if (v !== 'tiny' && v !== 'full') throw new Error('--net must be tiny or full');
  return v;
}

export function register({ evalCmd, benchCmd }: CliContext): void {
  evalCmd
    .command('lipsync <index>')
    .description(
      'Lip-sync on talking-face clips (index.json: [{file, kind: real|dubbed}]): originals flagged, audio-swapped flagged, dubbed clips',
    )
    .option('--swaps <n>', 'other clips whose audio is tried on each real clip', '4')
    .option('--net <net>', 'landmark net: full or tiny', 'full')
    .option('--input-side <px>', "side of the landmark net's input (multiple of 16, 64–112)")
    .option('--max-sec <s>', 'seconds of speech scored per clip (the engine default is 6)')
    .option(
      '--write-model <file>',
      'also fit the model on every real clip and write it (models/lipsync/av-model.json)',
    )
    .option('--clips', 'include every clip score in the JSON')
    .option('--tracks-cache <file>', 'mouth tracks cache (JSON): reused when made with the same settings')
    .action(
      async (
        index: string,
        o: {
          swaps: string;
          net: string;
          inputSide?: string;
          maxSec?: string;
          writeModel?: string;
          clips?: boolean;
          tracksCache?: string;
        },
      ) => {
        const t0 = Date.now();
        const r = await evalLipSync({
          index,
          swapsPerClip: Number(o.swaps),
          net: net(o.net),
          ...(o.inputSide ? { inputSide: Number(o.inputSide) } : {}),
          ...(o.maxSec ? { plan: { maxSec: Number(o.maxSec) } } : {}),
          ...(o.writeModel ? { writeModel: o.writeModel } : {}),
          ...(o.tracksCache ? { tracksCache: o.tracksCache } : {}),
          progress,
        });
        const { clips, ...summary } = r;
        printResult({
          index,
          ...summary,
          ...(o.clips ? { clips } : {}),
          seconds: Math.round((Date.now() - t0) / 1000),
        });
      },
    );

  benchCmd
    .command('lipsync')
    .description(
      'CPU time of the lip-sync step per generated genuine case, with the inputs the pipeline gives it: the probe, the audio, the segments of the speech engine, mouth crops for the reviewer (model warm)',
    )
    .option('--n <n>', 'cases', '6')
    .option('--seed <n>', 'first seed', '1')
    .option('--net <net>', 'landmark net: full or tiny', 'full')
    .option('--input-side <px>', "side of the landmark net's input (multiple of 16, 64–112)")
    .option('--no-mouth-crops', 'without the mouth crops at each digit (the pipeline always asks for them)')
    .option('--truth-segments', "the generator's word times instead of the speech engine's segments")
    .action(
      async (o: {
        n: string;
        seed: string;
        net: string;
        inputSide?: string;
        mouthCrops: boolean;
        truthSegments?: boolean;
      }) => {
        const dir = mkdtempSync(join(tmpdir(), 'idv-bench-lipsync-'));
        const engine = createLipSyncEngine({
          net: net(o.net),
          ...(o.inputSide ? { inputSide: Number(o.inputSide) } : {}),
        });
        try {
          const cases: Array<{
            video: string;
            probe: MediaProbe;
            audio: PcmAudio;
            segments: SpokenSegment[];
          }> = [];
          for (let i = 0; i < Number(o.n); i++) {
            const seed = Number(o.seed) + i;
            const out = join(dir, String(seed));
            const truth = await generateCase({ out, seed, lang: i % 2 ? 'fr' : 'en', formats: ['webm'] });
            const video = join(out, truth.files.webm!);
            // As in the pipeline (runSpeech): the ingest probe, the speech stage's audio and the segments its
            // digit verification found are handed over; none of that is part of the step.
            const probe = await probeFile(video);
            const audio = await extractAudio(video, { probe });
            const segments = o.truthSegments
              ? truth.video.words.map((w) => ({ digit: w.digit, startSec: w.start, endSec: w.end }))
              : (await verifyDigits(audio, truth.digits, truth.lang)).segments;
            cases.push({ video, probe, audio, segments });
            progress(`bench lipsync: generated ${i + 1}/${o.n}`);
          }
          const input = (c: (typeof cases)[number]) => ({
            video: c.video,
            probe: c.probe,
            audio: c.audio,
            segments: c.segments,
            ...(o.mouthCrops ? { mouthCrops: {} } : {}),
          });
          // Warm-up (model load, WASM compilation) is not part of a case's cost.
          await engine.analyze(input(cases[0]!));
          const rows: Array<{
            wallMs: number;
            nodeCpuMs: number;
            ffmpegCpuMs: number;
            frames: number;
            score: number;
          }> = [];
          for (const c of cases) {
            const before = cpuTimes();
            const t = performance.now();
            const r = await engine.analyze(input(c));
            const after = cpuTimes();
            rows.push({
              wallMs: performance.now() - t,
              nodeCpuMs: after.selfMs - before.selfMs,
              ffmpegCpuMs: after.childrenMs - before.childrenMs,
              frames: r.framesUsed,
              score: r.score,
            });
          }
          const p50 = (k: 'wallMs' | 'nodeCpuMs' | 'ffmpegCpuMs' | 'frames') =>
            Math.round(
              percentile(
                rows.map((r) => r[k]),
                50,
              ),
            );
          printResult({
            cases: rows.length,
            net: engine.net,
            mouthCrops: o.mouthCrops,
            segments: o.truthSegments ? 'truth' : 'speech',
            framesP50: p50('frames'),
            cpuMsP50: Math.round(
              percentile(
                rows.map((r) => r.nodeCpuMs + r.ffmpegCpuMs),
                50,
              ),
            ),
            nodeCpuMsP50: p50('nodeCpuMs'),
            ffmpegCpuMsP50: p50('ffmpegCpuMs'),
            wallMsP50: p50('wallMs'),
            scores: rows.map((r) => r.score),
          });
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      },
    );
}
