// Where the lip-sync model lives (models/lipsync/av-model.json, written by `idv eval lipsync --write-model`)
// and its validation on load.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import type { AvModel } from './av-model.js';

const AvModelSchema = z.object({
  version: z.literal(1),
  lagsSec: z.array(z.number()).min(1),
  detrendSec: z.number().min(0),
  lambda: z.number().min(0),
  weights: z.array(z.number()),
  trainedOn: z.array(z.string()),
});

/** models/lipsync/av-model.json at the project root, found from sources and from dist. */
export function defaultAvModelFile(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const candidate = join(dir, 'models', 'lipsync', 'av-model.json');
    if (existsSync(candidate)) return candidate;
    dir = dirname(dir);
  }
  throw new Error('models/lipsync/av-model.json not found');
}

export function readAvModel(file = defaultAvModelFile()): AvModel {
  const m = AvModelSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
  return m;
}
