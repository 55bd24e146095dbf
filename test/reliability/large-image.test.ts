// Issue #17 item 6: a 49 MP PNG (accepted by the upload check, which allows up to 50 MP) is processed by the
// document and face stages instead of crashing them on every attempt. The photo is upright (4900 × 10000, the
// card in the middle of a plain background, as a phone photographs a card on a table): the portrait detector
// misses the face at its first pass and its padded fallback asked the WASM heap for more than it has (tfjs
// RangeError "Invalid typed array length", which killed the face worker process). An enlarged card that fills a
// landscape frame did not reach that path, which is why the first version of this test passed without the fix.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import sharp from 'sharp';
import { decodeImage } from '../../service/media/index.js';
import { createFaceAdapter } from '../../service/pipeline/engines/face.js';
import type { FaceAdapter as FaceEngine } from '../../service/pipeline/engines/face.js';
import { documentSettings } from '../../service/pipeline/policy-config.js';
import { runDocument, runFace } from '../../service/pipeline/stages.js';
import { testConfig, tempDir } from '../helpers/env.js';
import { fixtureCase, type FixtureCase } from '../helpers/fixtures.js';

const WIDTH = 4900;
const HEIGHT = 10_000;
let fx: FixtureCase;
let big: string;
let engine: FaceEngine;

beforeAll(async () => {
  fx = await fixtureCase({ attack: 'none', seed: 1, formats: ['webm'] });
  big = join(tempDir('idv-big-'), 'front-49mp.png');
  // The genuine document photo enlarged to the frame's width (nearest-neighbour keeps the PNG small), centred
  // on a grey background.
  const card = await sharp(fx.front).resize({ width: WIDTH, kernel: 'nearest' }).png().toBuffer();
  await sharp({ create: { width: WIDTH, height: HEIGHT, channels: 3, background: '#808080' } })
    .composite([{ input: card }])
    .png({ compressionLevel: 9 })
    .toFile(big);
  engine = createFaceAdapter(1, { accept: 0.6, reject: 0.4 });
}, 300_000);

afterAll(async () => {
  await engine?.close();
});

describe('very large document photos', () => {
  it('the upload check accepts the 49 MP PNG; the face and document stages process it, and the face worker lives on', async () => {
    const meta = await sharp(big).metadata();
    expect(meta.width! * meta.height!).toBeGreaterThanOrEqual(49_000_000);
    // What the upload check runs (default limits): accepted, so the stages must cope.
    await expect(decodeImage(big)).resolves.toMatchObject({ width: WIDTH, height: HEIGHT });
    // A result, not a crash (the portrait is small in such a photo: finding it is not what this test is about).
    const face = await runFace({ front: big, video: fx.webm! }, engine);
    expect(typeof face.result.signals.noFace).toBe('boolean');
    expect(face.result.framesAnalysed).toBeGreaterThan(0);
    const doc = await runDocument({ front: big }, new Date(), documentSettings(testConfig()));
    expect(doc.signals).toBeDefined();
    // The same engine (one worker) still serves the ordinary photo of the case.
    const again = await runFace({ front: fx.front, video: fx.webm! }, engine);
    expect(again.result.signals.noFace).toBe(false);
  }, 300_000);
});
