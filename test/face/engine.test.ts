// The face engine end to end on real images and real fixture videos: worker pool, WASM models, matching,
// card portrait in the video, static and two-person attacks, crash recovery. One engine for the whole file.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_THRESHOLDS,
  FaceWorkerCrashedError,
  createFaceEngine,
  decide,
  euclidean,
  similarityFromDistance,
  type FaceAnalysis,
  type FaceEngine,
  type RgbImage,
} from '../../service/face/index.js';
import { sampleImages640 } from '../../service/face/bench.js';
import { LIVE_FRAME_DETECT } from '../../service/face/inference.js';
import { decodeImage, sampleFrames } from '../../service/media/index.js';
import { fixtureCase } from '../helpers/fixtures.js';
import { sharedData } from '../helpers/env.js';

const require = createRequire(import.meta.url);
const DEMO = join(dirname(require.resolve('@vladmandic/face-api/package.json')), 'demo');

/** A face from an npm sample photo: box [x, y, w, h] (fixtures/faces.json), padded, resized, optionally altered. */
async function faceImage(
  sample: string,
  box: [number, number, number, number],
  o: { pad: number; width: number; flip?: boolean; brightness?: number; blur?: number; jpeg?: number },
): Promise<RgbImage> {
  const meta = await sharp(join(DEMO, sample)).metadata();
  const [x, y, w, h] = box;
  const p = Math.round(Math.max(w, h) * o.pad);
  const left = Math.max(0, x - p);
  const top = Math.max(0, y - p);
  let img = sharp(join(DEMO, sample))
    .extract({
      left,
      top,
      width: Math.min(meta.width! - left, w + 2 * p),
      height: Math.min(meta.height! - top, h + 2 * p),
    })
    .resize({ width: o.width });
  if (o.flip) img = img.flop();
  if (o.brightness) img = img.modulate({ brightness: o.brightness });
  if (o.blur) img = img.blur(o.blur);
  const jpeg = await img.jpeg({ quality: o.jpeg ?? 90 }).toBuffer();
  return decodeImage(jpeg);
}

const FACE_A: [string, [number, number, number, number]] = ['sample3.jpg', [585, 329, 199, 271]];
const FACE_B: [string, [number, number, number, number]] = ['sample6.jpg', [1180, 305, 188, 280]];
const FACE_C: [string, [number, number, number, number]] = ['sample5.jpg', [1113, 198, 158, 236]];

let engine: FaceEngine;

beforeAll(async () => {
  engine = createFaceEngine({ workers: 2 });
  await engine.ready();
});

afterAll(async () => {
  await engine?.close();
});

describe('face engine on still images', () => {
  it('runs on the WASM backend (tfjs-node is optional and not installed here)', () => {
    expect(['wasm', 'tensorflow']).toContain(engine.backend);
    expect(engine.workers).toBe(2);
  });

  it('matches the same person across crop, scale, mirror, lighting and compression changes', async () => {
    const a = await faceImage(...FACE_A, { pad: 0.5, width: 320 });
    const a2 = await faceImage(...FACE_A, {
      pad: 1.2,
      width: 260,
      flip: true,
      brightness: 1.2,
      blur: 1.2,
      jpeg: 40,
    });
    const r = await engine.compare(a, a2);
    expect(r.comparable).toBe(true);
    expect(r.decision).toBe('match');
    expect(r.similarity!).toBeGreaterThan(0.9);
  });

  it('describes a live frame from its frame-pass landmarks, close to the full enrolment and cheaper', async () => {
    const a = await faceImage(...FACE_A, { pad: 0.5, width: 320 });
    const [face] = await engine.detect(a);
    expect(face!.landmarks).toHaveLength(136);
    const full = await engine.enrol(a);
    const live = await engine.enrol(a, { hint: face!.box, landmarks: face!.landmarks, flip: false });
    expect(live.face!.landmarks).toEqual(face!.landmarks);
    expect(euclidean(live.face!.descriptor, full.face!.descriptor)).toBeLessThan(0.15);
    // One recognition pass instead of detection + landmarks + two passes.
    expect(live.cpuMs).toBeLessThan(full.cpuMs);
  });

  it('the recommended live frame pass gives landmarks to the largest face only', async () => {
    const [group] = await sampleImages640(); // sample1: several people
    const all = await engine.detect(group!);
    const live = await engine.detect(group!, LIVE_FRAME_DETECT);
    expect(all.length).toBeGreaterThan(1);
    expect(live.length).toBeGreaterThan(1);
    const largest = live.reduce((a, b) => (b.box.width > a.box.width ? b : a));
    expect(largest.landmarks).toHaveLength(136);
    for (const f of live) if (f !== largest) expect(f.landmarks).toEqual([]);
  });

  it('does not match different people', async () => {
    const a = await faceImage(...FACE_A, { pad: 0.5, width: 320 });
    const b = await faceImage(...FACE_B, { pad: 0.5, width: 320 });
    const c = await faceImage(...FACE_C, { pad: 0.8, width: 280 });
    const r = await engine.compare(a, b);
    expect(r.comparable).toBe(true);
    expect(r.decision).toBe('mismatch');
    // The other pairs from descriptors computed once (same calibration as compare()).
    const [da, db, dc] = await Promise.all(
      [a, b, c].map(async (img) => (await engine.enrol(img)).face!.descriptor),
    );
    expect(euclidean(da!, db!)).toBeCloseTo(r.distance!, 6);
    for (const [x, y] of [
      [da!, dc!],
      [db!, dc!],
    ]) {
      const sim = similarityFromDistance(euclidean(x, y));
      // B and C (two young women, similar light) are a hard pair: ~0.36, it lands in review, not match.
      expect(decide(sim, DEFAULT_THRESHOLDS)).not.toBe('match');
    }
  });

  it('reports failure to enrol on an image without a face', async () => {
    const flat = await decodeImage(
      await sharp({ create: { width: 320, height: 240, channels: 3, background: '#8899aa' } })
        .png()
        .toBuffer(),
    );
    const r = await engine.compare(flat, await faceImage(...FACE_A, { pad: 0.5, width: 320 }));
    expect(r.comparable).toBe(false);
    expect(r.failureToEnrol.a).toBe('no_face');
    expect(r.failureToEnrol.b).toBeNull();
  });

  it('separates same-person from different-person pairs of the shared face set (or npm samples without it)', async () => {
    const dir = sharedData('faces');
    const load = (p: string) => decodeImage(p);
    const [a1, a2, b1, b2] = dir
      ? await Promise.all(
          ['elvis_presley/1.jpg', 'elvis_presley/2.jpg', 'ramiz_raja/1.jpg', 'ramiz_raja/2.jpg'].map((f) =>
            load(join(dir, f)),
          ),
        )
      : await Promise.all([
          faceImage(...FACE_B, { pad: 0.4, width: 300 }),
          faceImage(...FACE_B, { pad: 0.9, width: 220, brightness: 0.8, jpeg: 50 }),
          faceImage(...FACE_C, { pad: 0.4, width: 300 }),
          faceImage(...FACE_C, { pad: 0.9, width: 220, flip: true, jpeg: 50 }),
        ]);
    const [d1, d2, e1, e2] = await Promise.all(
      [a1!, a2!, b1!, b2!].map(async (img) => (await engine.enrol(img)).face!.descriptor),
    );
    const same = [euclidean(d1!, d2!), euclidean(e1!, e2!)];
    const diff = [euclidean(d1!, e1!), euclidean(d2!, e2!), euclidean(d1!, e2!), euclidean(d2!, e1!)];
    expect(Math.max(...same)).toBeLessThan(Math.min(...diff));
    // On the shared set same-person pairs are matches and different people never are (two of these four
    // pairs, 0.46–0.48, sit in the review band; models/face/CALIBRATION.md). Without it, the npm demo faces are
    // two look-alike women whose degraded copies (dark, JPEG 50, mirrored) can reach the accept zone: a known
    // weakness of the model, so only the ordering above is asserted there.
    if (dir) {
      for (const d of same) expect(decide(similarityFromDistance(d), DEFAULT_THRESHOLDS)).toBe('match');
      for (const d of diff) expect(decide(similarityFromDistance(d), DEFAULT_THRESHOLDS)).not.toBe('match');
    }
  });
});

describe('face engine on fixture verification videos', () => {
  async function analyseCase(attack?: 'static' | 'two-faces'): Promise<FaceAnalysis> {
    const c = await fixtureCase({ seed: 7, attack, formats: ['webm'] });
    const [frames, document] = await Promise.all([
      sampleFrames(c.webm!, { count: 10, maxSide: 640 }),
      decodeImage(c.front),
    ]);
    return engine.analyze({ document, frames });
  }

  it('genuine case: portrait found, live face matches, card portrait seen and matching, not static', async () => {
    const r = await analyseCase();
    expect(r.portrait.found).toBe(true);
    expect(r.portrait.failureToEnrol).toBeNull();
    expect(r.live.framesAnalysed).toBe(10);
    expect(r.live.framesWithFace).toBeGreaterThanOrEqual(9);
    expect(r.live.bestFrames.length).toBeGreaterThan(0);
    expect(r.live.decision).toBe('match');
    expect(r.cardInVideo.found).toBe(true);
    expect(r.cardInVideo.similarity!).toBeGreaterThan(0.5);
    expect(r.signals).toMatchObject({
      noFace: false,
      faceTooSmall: false,
      multiplePeople: false,
      staticVideo: false,
      cardNotSeen: false,
    });
    expect(r.mouthTrack.length).toBeGreaterThanOrEqual(9);
    expect(r.mouthTrack).toHaveLength(r.live.framesWithFace);
    for (let i = 1; i < r.mouthTrack.length; i++)
      expect(r.mouthTrack[i]!.timeSec).toBeGreaterThan(r.mouthTrack[i - 1]!.timeSec);
    for (const m of r.mouthTrack) expect(m.opening).toBeGreaterThanOrEqual(0);
    expect(r.motion.mouthOpeningStd).toBeGreaterThan(0);
    for (const jpg of [r.crops.portrait, r.crops.bestFrame, r.crops.cardFrame]) {
      expect(jpg).toBeInstanceOf(Buffer);
      expect(jpg!.subarray(0, 2).toString('hex')).toBe('ffd8');
    }
  });

  it('static attack raises the static-video signal', async () => {
    const r = await analyseCase('static');
    expect(r.live.framesWithFace).toBeGreaterThanOrEqual(9);
    expect(r.signals.staticVideo).toBe(true);
    expect(r.signals.multiplePeople).toBe(false);
  });

  it('two-faces attack raises the multiple-people signal', async () => {
    const r = await analyseCase('two-faces');
    expect(r.signals.multiplePeople).toBe(true);
  });
});

describe('face worker pool', () => {
  it('fails the in-flight request of a crashed worker with a typed error, then respawns it', async () => {
    const img = await faceImage(...FACE_A, { pad: 0.5, width: 320 });
    const pids = engine.pids();
    const pending = Promise.all([engine.enrol(img), engine.enrol(img)]);
    process.kill(pids[0]!, 'SIGKILL');
    await expect(pending).rejects.toBeInstanceOf(FaceWorkerCrashedError);
    const again = await engine.enrol(img);
    expect(again.face).not.toBeNull();
    expect(engine.pids()).not.toContain(pids[0]);
  });
});
