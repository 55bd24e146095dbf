// `idv eval faces`: verification metrics on a labelled pairs file. Each image is decoded and described
// once (cached); missing and unreadable files are counted and reported, never fatal.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { bootstrapFnmr } from './bootstrap.js';
import { decodeImage } from '../media/index.js';
import { euclidean, similarityFromDistance } from './calibration.js';
import type { EnrolOptions } from './inference.js';
import type { FaceEngine } from './index.js';
import { auc, eer, fnmrAtFmr, rocSvg, type ScoredPair } from './roc.js';

export interface PairsFile {
  pairs: { a: string; b: string; genuine: boolean }[];
  /** Lines that are neither the header nor a valid `image1 image2 label` row. */
  badLines: number;
}

/** Parses `image1<TAB>image2<TAB>label` rows (header optional, paths relative to the file). Pure. */
export function parsePairs(text: string, baseDir: string): PairsFile {
  const pairs: PairsFile['pairs'] = [];
  let badLines = 0;
  for (const [i, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const cols = line.split('\t').length >= 3 ? line.split('\t') : line.split(/\s+/);
    if (i === 0 && /^image1$/i.test(cols[0]!.trim())) continue;
    const label = cols[2]?.trim();
    if (cols.length < 3 || (label !== '0' && label !== '1')) {
      badLines++;
      continue;
    }
    pairs.push({
      a: resolve(baseDir, cols[0]!.trim()),
      b: resolve(baseDir, cols[1]!.trim()),
      genuine: label === '1',
    });
  }
  return { pairs, badLines };
}

export interface EvalReport {
  pairs: number;
  pairs_scored: number;
  bad_lines: number;
  images: number;
  images_missing: number;
  images_unreadable: number;
  fte: number;
  auc: number | null;
  eer: number | null;
  eer_threshold: number | null;
  'fnmr_at_fmr_1e-2': number | null;
  'fnmr_at_fmr_1e-3': number | null;
  'threshold_at_fmr_1e-2': number | null;
  'threshold_at_fmr_1e-3': number | null;
  'similarity_at_fmr_1e-3': number | null;
  /**
   * 95 % bootstrap intervals [low, high] of FNMR at FMR 1e-2 / 1e-3, resampling people (an image's person is
   * its folder), 1000 replicates: how far the point figures can be trusted on a set this size.
   */
  'fnmr_ci95_at_fmr_1e-2': [number, number] | null;
  'fnmr_ci95_at_fmr_1e-3': [number, number] | null;
  people: number;
  genuine_pairs: number;
  impostor_pairs: number;
  /**
   * Median worker CPU time (user + system) per image of the document-enrolment path (detection, landmarks,
   * mirror-averaged descriptor; decode excluded). The per-frame live cost is `idv bench face`'s frame_ms_p50.
   */
  ms_per_image_p50: number | null;
  backend: string;
  workers: number;
  options: Required<Pick<EnrolOptions, 'refine' | 'align' | 'flip' | 'alignment'>>;
}

export interface EvalOptions {
  enrol?: Pick<EnrolOptions, 'refine' | 'align' | 'flip' | 'alignment'>;
  /** Write the ROC curve here as SVG. */
  plotSvg?: (svg: string) => Promise<void>;
  onProgress?: (done: number, total: number) => void;
  /** Receives per-image outcomes and per-pair distances (for operators investigating errors). */
  details?: (d: {
    images: Record<string, string>;
    pairs: { a: string; b: string; genuine: boolean; distance: number }[];
  }) => Promise<void>;
}

type ImageOutcome =
  | { kind: 'missing' }
  | { kind: 'unreadable' }
  | { kind: 'fte' }
  | { kind: 'ok'; descriptor: number[]; ms: number };

export async function evaluatePairsFile(
  path: string,
  engine: FaceEngine,
  opts: EvalOptions = {},
): Promise<{ report: EvalReport; scored: ScoredPair[] }> {
  const text = await readFile(path, 'utf8');
  const { pairs, badLines } = parsePairs(text, dirname(resolve(path)));
  const images = [...new Set(pairs.flatMap((p) => [p.a, p.b]))];
  const enrolOpts = {
    refine: opts.enrol?.refine ?? true,
    align: opts.enrol?.align ?? true,
    flip: opts.enrol?.flip ?? true,
    alignment: opts.enrol?.alignment ?? 'chip',
  };
  const outcomes = new Map<string, ImageOutcome>();
  let done = 0;
  const one = async (file: string): Promise<void> => {
    let out: ImageOutcome;
    if (!existsSync(file)) out = { kind: 'missing' };
    else {
      try {
        const img = await decodeImage(file);
        const r = await engine.enrol(img, enrolOpts);
        out =
          r.face && !r.failureToEnrol
            ? { kind: 'ok', descriptor: r.face.descriptor, ms: r.cpuMs }
            : { kind: 'fte' };
      } catch (e) {
        // Decoding errors are the operator's data problem; engine failures (worker crash) still count, once.
        out = { kind: 'unreadable' };
        void e;
      }
    }
    outcomes.set(file, out);
    opts.onProgress?.(++done, images.length);
  };
  // Bounded concurrency: keep every worker busy without decoding the whole set into memory.
  const queue = [...images];
  await Promise.all(
    Array.from({ length: Math.max(1, engine.workers * 2) }, async () => {
      for (let f = queue.shift(); f !== undefined; f = queue.shift()) await one(f);
    }),
  );

  const scored: ScoredPair[] = [];
  const detailed: { a: string; b: string; genuine: boolean; distance: number }[] = [];
  for (const p of pairs) {
    const a = outcomes.get(p.a);
    const b = outcomes.get(p.b);
    if (a?.kind === 'ok' && b?.kind === 'ok') {
      const distance = euclidean(a.descriptor, b.descriptor);
      scored.push({ distance, genuine: p.genuine });
      detailed.push({ ...p, distance });
    }
  }
  if (opts.details)
    await opts.details({
      images: Object.fromEntries([...outcomes].map(([f, o]) => [f, o.kind])),
      pairs: detailed,
    });
  const count = (k: ImageOutcome['kind']) => [...outcomes.values()].filter((o) => o.kind === k).length;
  const readable = images.length - count('missing') - count('unreadable');
  const ms = [...outcomes.values()].flatMap((o) => (o.kind === 'ok' ? [o.ms] : [])).sort((x, y) => x - y);
  const hasBoth = scored.some((s) => s.genuine) && scored.some((s) => !s.genuine);
  const e = hasBoth ? eer(scored) : null;
  const at2 = hasBoth ? fnmrAtFmr(scored, 1e-2) : null;
  const at3 = hasBoth ? fnmrAtFmr(scored, 1e-3) : null;
  const person = (f: string) => basename(dirname(f));
  const people = new Set(detailed.flatMap((p) => [person(p.a), person(p.b)]));
  const ci = hasBoth
    ? bootstrapFnmr(
        detailed.map((p) => ({ distance: p.distance, genuine: p.genuine, a: person(p.a), b: person(p.b) })),
        [1e-2, 1e-3],
      )
    : null;
  const interval = (k: string): [number, number] | null => {
    const c = ci?.[k];
    return c && Number.isFinite(c.low) ? [round(c.low), round(c.high)] : null;
  };
  const finite = (v: number | undefined | null) =>
    v === undefined || v === null || !Number.isFinite(v) ? null : round(v);
  const report: EvalReport = {
    pairs: pairs.length,
    pairs_scored: scored.length,
    bad_lines: badLines,
    images: images.length,
    images_missing: count('missing'),
    images_unreadable: count('unreadable'),
    fte: readable > 0 ? round(count('fte') / readable) : 0,
    auc: hasBoth ? round(auc(scored)) : null,
    eer: finite(e?.eer),
    eer_threshold: finite(e?.threshold),
    'fnmr_at_fmr_1e-2': finite(at2?.fnmr),
    'fnmr_at_fmr_1e-3': finite(at3?.fnmr),
    'threshold_at_fmr_1e-2': finite(at2?.threshold),
    'threshold_at_fmr_1e-3': finite(at3?.threshold),
    'similarity_at_fmr_1e-3':
      at3 && Number.isFinite(at3.threshold) ? round(similarityFromDistance(at3.threshold)) : null,
    'fnmr_ci95_at_fmr_1e-2': interval('0.01'),
    'fnmr_ci95_at_fmr_1e-3': interval('0.001'),
    people: people.size,
    genuine_pairs: scored.filter((s) => s.genuine).length,
    impostor_pairs: scored.filter((s) => !s.genuine).length,
    ms_per_image_p50: ms.length ? round(ms[(ms.length - 1) >> 1]!, 1) : null,
    backend: engine.backend,
    workers: engine.workers,
    options: enrolOpts,
  };
  if (opts.plotSvg && scored.length > 0)
    await opts.plotSvg(
      rocSvg(
        scored,
        `Face verification ROC (${scored.length} pairs, EER ${((e?.eer ?? NaN) * 100).toFixed(2)} %)`,
      ),
    );
  return { report, scored };
}

function round(v: number, digits = 5): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}
