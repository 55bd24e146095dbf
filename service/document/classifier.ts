// The OCR-B glyph classifier: a small CNN trained with torch (scripts/train-mrz-glyphs.py) whose weights
// are stored in models/mrz/glyphs.{json,bin} and run here with tfjs on the WASM backend.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MRZ_ALPHABET } from './check-digit.js';
import { CELL_H, CELL_W } from './line-cells.js';

export const NUM_CLASSES = MRZ_ALPHABET.length;

/** models/mrz of the project: the first ancestor of this file (sources or dist/) that holds it. */
export function defaultModelDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, 'models', 'mrz', 'glyphs.json'))) return join(dir, 'models', 'mrz');
    dir = resolve(dir, '..');
  }
  return resolve(process.cwd(), 'models', 'mrz');
}

export class ModelIntegrityError extends Error {
  override name = 'ModelIntegrityError';
}

interface WeightsManifest {
  format: string;
  classes: string;
  weights: { name: string; shape: number[] }[];
}

export interface GlyphClassifier {
  /** Class probabilities (n × 37, row-major) for n cells of CELL_H×CELL_W ink values. */
  classify(cells: Float32Array, n: number): Float32Array;
}

let backendReady: Promise<void> | null = null;
function ensureBackend(): Promise<void> {
  backendReady ??= (async () => {
    if (tf.getBackend() !== 'wasm') {
      const ok = await tf.setBackend('wasm');
      if (!ok) await tf.setBackend('cpu');
    }
    await tf.ready();
  })();
  return backendReady;
}

/** The architecture of glyphs.json (three conv blocks, two dense layers); layer widths from the weight shapes. */
function buildModel(manifest: WeightsManifest): tf.Sequential {
  const shape = (name: string): number[] => {
    const w = manifest.weights.find((x) => x.name === name);
    if (!w) throw new ModelIntegrityError(`glyph model lacks ${name}`);
    return w.shape;
  };
  const filters = ['conv1/kernel', 'conv2/kernel', 'conv3/kernel'].map((n) => shape(n)[3]!);
  const units = shape('dense1/kernel')[1]!;
  const m = tf.sequential();
  filters.forEach((f, i) => {
    m.add(
      tf.layers.conv2d({
        ...(i === 0 ? { inputShape: [CELL_H, CELL_W, 1] } : {}),
        filters: f,
        kernelSize: 3,
        padding: 'same',
        activation: 'relu',
      }),
    );
    m.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  });
  m.add(tf.layers.flatten());
  m.add(tf.layers.dense({ units, activation: 'relu' }));
  m.add(tf.layers.dense({ units: NUM_CLASSES, activation: 'softmax' }));
  return m;
}

/** Expected sha256 of a model file from models/mrz/SHA256SUMS (undefined when the file lists none). */
async function expectedSha(dir: string, file: string): Promise<string | undefined> {
  try {
    const sums = await readFile(join(dir, 'SHA256SUMS'), 'utf8');
    const line = sums.split('\n').find((l) => l.trim().split(/\s+/)[1] === file);
    return line?.split(/\s+/)[0];
  } catch {
    return undefined;
  }
}

/** A model file's bytes, refused when they differ from the checksum SHA256SUMS lists for it. */
export async function readVerified(dir: string, file: string): Promise<Buffer> {
  const bin = await readFile(join(dir, file));
  const want = await expectedSha(dir, file);
  const got = createHash('sha256').update(bin).digest('hex');
  if (want && want !== got) throw new ModelIntegrityError(`models/mrz/${file} does not match SHA256SUMS`);
  return bin;
}

export async function loadGlyphClassifier(modelDir = defaultModelDir()): Promise<GlyphClassifier> {
  await ensureBackend();
  const manifest = JSON.parse(await readFile(join(modelDir, 'glyphs.json'), 'utf8')) as WeightsManifest;
  if (manifest.classes !== MRZ_ALPHABET)
    throw new ModelIntegrityError('glyph model classes differ from MRZ_ALPHABET');
  const bin = await readVerified(modelDir, 'glyphs.bin');
  const floats = new Float32Array(bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength));
  const model = buildModel(manifest);
  let off = 0;
  const tensors = manifest.weights.map((w) => {
    const size = w.shape.reduce((a, b) => a * b, 1);
    const t = tf.tensor(floats.subarray(off, off + size), w.shape, 'float32');
    off += size;
    return t;
  });
  if (off !== floats.length) throw new ModelIntegrityError('glyph weights size mismatch');
  model.setWeights(tensors);
  tf.dispose(tensors);
  return {
    classify(cells: Float32Array, n: number): Float32Array {
      if (n === 0) return new Float32Array(0);
      return tf.tidy(() => {
        const x = tf.tensor4d(cells.subarray(0, n * CELL_H * CELL_W), [n, CELL_H, CELL_W, 1]);
        return (model.predict(x) as tf.Tensor).dataSync() as Float32Array;
      });
    },
  };
}
