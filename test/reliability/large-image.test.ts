// Issue #17 item 6: a 49 MP PNG (accepted by the upload check, which allows up to 50 MP) is processed by the
// document and face stages instead of crashing them on every attempt (tfjs RangeError in resizeBilinear).
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

let fx: FixtureCase;
let big: string;
let engine: FaceEngine;

beforeAll(async () => {
  fx = await fixtureCase({ attack: 'none', seed: 1, formats: ['webm'] });
  big = join(tempDir('idv-big-'), 'front-49mp.png');
  // The genuine document photo enlarged to 8100 x 6050 (49 MP); nearest-neighbour keeps the PNG small.
  await sharp(fx.front)
    .resize(8100, 6050, { fit: 'fill', kernel: 'nearest' })
    .png({ compressionLevel: 9 })
    .toFile(big);
  engine = await createFaceAdapter(1, { accept: 0.6, reject: 0.4 });
}, 300_000);

afterAll(async () => {
  await engine?.close();
});

describe('very large document photos', () => {
  it('the upload check accepts the 49 MP PNG, and the face and document stages process it', async () => {
    const meta = await sharp(big).metadata();
    expect(meta.width! * meta.height!).toBeGreaterThan(49_000_000);
    // What the upload check runs (default limits): accepted, so the stages must cope.
    await expect(decodeImage(big)).resolves.toMatchObject({ width: 8100, height: 6050 });
    const face = await runFace({ front: big, video: fx.webm! }, engine);
    expect(face.result.signals).toBeDefined();
    const doc = await runDocument({ front: big }, new Date(), documentSettings(testConfig()));
    expect(doc.signals).toBeDefined();
  }, 300_000);
});
