// Where the face models live and how they are verified before loading: sha256 of every file we load
// against models/face/checksums.json, so a tampered or truncated model is refused instead of silently
// producing wrong descriptors.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FaceModelIntegrityError } from './errors.js';

export interface ModelChecksums {
  algorithm: 'sha256';
  /** file name (relative to the model directory) -> hex digest */
  files: Record<string, string>;
}

/** The model directory shipped inside the installed @vladmandic/face-api package. */
export function defaultModelDir(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('@vladmandic/face-api/package.json')), 'model');
}

/** models/face/checksums.json at the project root, found from sources (service/face) and dist (dist/service/face). */
export function defaultChecksumsFile(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const candidate = join(dir, 'models', 'face', 'checksums.json');
    if (existsSync(candidate)) return candidate;
    dir = dirname(dir);
  }
  throw new FaceModelIntegrityError('models/face/checksums.json not found', 'checksums.json');
}

export function readChecksums(file = defaultChecksumsFile()): ModelChecksums {
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<ModelChecksums>;
  if (parsed.algorithm !== 'sha256' || !parsed.files || typeof parsed.files !== 'object') {
    throw new FaceModelIntegrityError(`invalid checksum list ${file}`, file);
  }
  return { algorithm: 'sha256', files: parsed.files };
}

/** Throws FaceModelIntegrityError on the first missing or mismatching file. */
export function verifyModelDir(dir: string, checksums: ModelChecksums): void {
  for (const [name, expected] of Object.entries(checksums.files)) {
    const path = join(dir, name);
    let bytes: Buffer;
    try {
      bytes = readFileSync(path);
    } catch {
      throw new FaceModelIntegrityError(`model file missing: ${name}`, name);
    }
    const actual = createHash('sha256').update(bytes).digest('hex');
    if (actual !== expected.toLowerCase()) {
      throw new FaceModelIntegrityError(`model file checksum mismatch: ${name}`, name);
    }
  }
}
