// Model integrity: the checksums listed in models/face/checksums.json are verified before loading, and a
// tampered model is refused both by the verifier and by an engine pointed at it.
import { copyFileSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FaceModelIntegrityError, createFaceEngine } from '../../service/face/index.js';
import { defaultModelDir, readChecksums, verifyModelDir } from '../../service/face/models.js';
import { tempDir } from '../helpers/env.js';

describe('face model checksums', () => {
  const checksums = readChecksums();

  it('lists every model the engine loads and accepts the installed files', () => {
    const names = Object.keys(checksums.files);
    for (const m of [
      'tiny_face_detector_model',
      'ssd_mobilenetv1_model',
      'face_landmark_68_model',
      'face_recognition_model',
    ]) {
      expect(names).toContain(`${m}.bin`);
      expect(names).toContain(`${m}-weights_manifest.json`);
    }
    expect(() => verifyModelDir(defaultModelDir(), checksums)).not.toThrow();
  });

  it('refuses a tampered or missing model file', async () => {
    const dir = tempDir('idv-face-models-');
    for (const f of readdirSync(defaultModelDir())) copyFileSync(join(defaultModelDir(), f), join(dir, f));
    const victim = join(dir, 'face_recognition_model.bin');
    const bytes = readFileSync(victim);
    bytes[1000] = bytes[1000]! ^ 0xff;
    writeFileSync(victim, bytes);
    expect(() => verifyModelDir(dir, checksums)).toThrow(FaceModelIntegrityError);
    expect(() => verifyModelDir(dir, checksums)).toThrow(/face_recognition_model\.bin/);
    expect(() => verifyModelDir(join(dir, 'nowhere'), checksums)).toThrow(/missing/);

    // The worker verifies before loading: the engine never becomes ready on tampered weights.
    const engine = createFaceEngine({ workers: 1, modelDir: dir });
    try {
      await expect(engine.ready()).rejects.toBeInstanceOf(FaceModelIntegrityError);
    } finally {
      await engine.close();
    }
  });
});
