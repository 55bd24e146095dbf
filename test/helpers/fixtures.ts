// Synthetic verification cases for tests, generated once into .data/fixture-cache/<hash>/ and reused across test
// files and runs. Safe when several processes ask for the same case at once: each generates into a private temp
// folder and renames it into place; the loser of the race discards its copy.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  generateCase,
  GENERATOR_VERSION,
  type CaseOptions,
  type CaseTruth,
} from '../../service/fixtures/case.js';
import { isoDate } from '../../service/fixtures/identity.js';

export type { CaseTruth } from '../../service/fixtures/case.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const FIXTURE_CACHE = join(ROOT, '.data', 'fixture-cache');

export type FixtureCaseOptions = Omit<CaseOptions, 'out'>;

export interface FixtureCase {
  dir: string;
  truth: CaseTruth;
  front: string;
  back?: string;
  webm?: string;
  mp4?: string;
}

let sourceHash: string | undefined;
/** Hash of the generator's sources, so that any change to the generator invalidates cached cases. */
function generatorSourceHash(): string {
  if (!sourceHash) {
    const dir = join(ROOT, 'service', 'fixtures');
    const h = createHash('sha256');
    for (const f of readdirSync(dir)
      .filter((n) => n.endsWith('.ts'))
      .sort())
      h.update(f).update(readFileSync(join(dir, f)));
    h.update(readFileSync(join(ROOT, 'fixtures', 'faces.json')));
    sourceHash = h.digest('hex');
  }
  return sourceHash;
}

function cacheKey(opts: FixtureCaseOptions): string {
  // `today` is part of the key: validity dates are relative to it.
  const normal = {
    ...opts,
    today: opts.today ?? isoDate(new Date()),
    formats: opts.formats ?? ['webm', 'mp4'],
  };
  const sorted = Object.fromEntries(Object.entries(normal).sort(([a], [b]) => a.localeCompare(b)));
  return createHash('sha256')
    .update(JSON.stringify({ v: GENERATOR_VERSION, src: generatorSourceHash(), opts: sorted }))
    .digest('hex')
    .slice(0, 20);
}

function load(dir: string): FixtureCase {
  const truth = JSON.parse(readFileSync(join(dir, 'case.json'), 'utf8')) as CaseTruth;
  const f = truth.files;
  return {
    dir,
    truth,
    front: join(dir, f.front),
    ...(f.back ? { back: join(dir, f.back) } : {}),
    ...(f.webm ? { webm: join(dir, f.webm) } : {}),
    ...(f.mp4 ? { mp4: join(dir, f.mp4) } : {}),
  };
}

/**
 * A generated case (see `generateCase` for the options; `formats: ['webm']` encodes only one video for speed).
 * `today` defaults to the current date, so cached cases are regenerated when the day changes.
 */
export async function fixtureCase(opts: FixtureCaseOptions = {}): Promise<FixtureCase> {
  const full: FixtureCaseOptions = { ...opts, today: opts.today ?? isoDate(new Date()) };
  const dir = join(FIXTURE_CACHE, cacheKey(full));
  if (existsSync(join(dir, 'case.json'))) return load(dir);
  mkdirSync(FIXTURE_CACHE, { recursive: true });
  const tmp = `${dir}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
  try {
    await generateCase({ ...full, out: tmp });
    try {
      renameSync(tmp, dir);
    } catch (e) {
      // Another process finished first (target exists and is not empty): use its copy.
      if (!existsSync(join(dir, 'case.json'))) throw e;
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return load(dir);
}
