// Loads the spelling model of MRZ names (models/mrz/names.{json,bin}, built by scripts/build-mrz-names.ts),
// checked against models/mrz/SHA256SUMS like the glyph model.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { defaultModelDir, ModelIntegrityError, readVerified } from './classifier.js';
import { decodeNameModel, type NameModel, type NameModelManifest } from './name-model.js';

export async function loadNameModel(modelDir = defaultModelDir()): Promise<NameModel> {
  const manifest = JSON.parse(await readFile(join(modelDir, 'names.json'), 'utf8')) as NameModelManifest;
  const bin = await readVerified(modelDir, 'names.bin');
  try {
    return decodeNameModel(manifest, bin);
  } catch (e) {
    throw new ModelIntegrityError(`models/mrz/names: ${(e as Error).message}`);
  }
}
