// `idv fixtures ...`: synthetic documents and verification cases (deterministic from --seed).
import type { Lang } from '../../contracts/lang.js';
import { resolve } from 'node:path';
import type { CliContext } from '../index.js';
import { printResult, progress, progressEvery } from '../output.js';
import { ATTACKS, generateCase, type Attack } from '../../fixtures/case.js';
import { generateCaseSet } from '../../fixtures/case-set.js';
import { generateDocumentSet } from '../../fixtures/document-set.js';
import { DOC_TYPES, type DocType } from '../../fixtures/identity.js';
import {
  DISTANCES,
  LIGHTINGS,
  CARD_HOLDS,
  type CardHold,
  type Distance,
  type Lighting,
  type VideoFormat,
} from '../../fixtures/selfie-video.js';

function parseIntOpt(v: string): number {
  const n = Number.parseInt(v, 10);
  if (!Number.isFinite(n)) throw new Error(`not an integer: ${v}`);
  return n;
}

function parseDocTypes(v: string): DocType[] {
  const list = v.split(',').map((s) => s.trim());
  for (const t of list) if (!DOC_TYPES.includes(t as DocType)) throw new Error(`unknown document type: ${t}`);
  return list as DocType[];
}

function oneOf<T extends string>(name: string, allowed: readonly T[]): (v: string) => T {
  return (v) => {
    if (!allowed.includes(v as T)) throw new Error(`${name} must be one of ${allowed.join(', ')}`);
    return v as T;
  };
}

function parseFormats(v: string): VideoFormat[] {
  const list = v.split(',').map((s) => s.trim());
  for (const f of list) if (f !== 'webm' && f !== 'mp4') throw new Error(`unknown video format: ${f}`);
  return list as VideoFormat[];
}

function parseAttacks(v: string): Attack[] {
  const list = v.split(',').map((s) => s.trim());
  for (const a of list) if (!ATTACKS.includes(a as Attack)) throw new Error(`unknown attack: ${a}`);
  return list as Attack[];
}

interface CaseCliOptions {
  voice: 'auto' | 'espeak';
  distance: Distance;
  lighting: Lighting;
  cardHold: CardHold;
  out: string;
  seed: number;
  doc: DocType;
  lang: Lang;
  digits?: string;
  attack: Attack;
  face?: string;
  portrait?: string;
  faceOther?: string;
  formats: VideoFormat[];
  expired?: boolean;
  minor?: boolean;
  today?: string;
}

export function register({ program }: CliContext): void {
  const fx = program.command('fixtures').description('Synthetic documents and verification cases');
  fx.command('documents')
    .description('Photographed document images with their MRZ ground truth (DIR/index.json)')
    .option('--n <n>', 'number of documents', parseIntOpt, 200)
    .option('--seed <seed>', 'random seed', parseIntOpt, 1)
    .option('--types <list>', `comma-separated subset of ${DOC_TYPES.join(',')}`, parseDocTypes)
    .option('--today <date>', 'reference date YYYY-MM-DD for validity dates (default today)')
    .option('--wrong-check-digit', "print each document number's check digit wrong (never to be read valid)")
    .requiredOption('--out <dir>', 'output directory')
    .action(
      async (o: {
        n: number;
        seed: number;
        out: string;
        types?: DocType[];
        today?: string;
        wrongCheckDigit?: boolean;
      }) => {
        const t0 = Date.now();
        const out = resolve(o.out);
        const index = await generateDocumentSet({
          n: o.n,
          seed: o.seed,
          out,
          ...(o.types ? { types: o.types } : {}),
          ...(o.today ? { today: o.today } : {}),
          ...(o.wrongCheckDigit ? { wrongCheckDigit: true } : {}),
          onProgress: progressEvery('documents', o.n),
        });
        progress(`wrote ${out}/index.json`);
        printResult({ out, documents: o.n, mrzPhotos: index.length, ms: Date.now() - t0 });
      },
    );

  fx.command('case')
    .description(
      'One verification case: front.jpg, back.jpg, video.webm, video.mp4 and case.json (ground truth)',
    )
    .requiredOption('--out <dir>', 'output directory')
    .option('--seed <seed>', 'random seed', parseIntOpt, 1)
    .option('--doc <type>', DOC_TYPES.join('|'), oneOf('--doc', DOC_TYPES), 'cni2021')
    .option('--lang <lang>', 'fr|en', oneOf('--lang', ['fr', 'en'] as const), 'fr')
    .option('--digits <digits>', 'challenge digits, e.g. 471 (default: random from the seed)')
    .option('--attack <attack>', ATTACKS.join('|'), oneOf('--attack', ATTACKS), 'none')
    .option('--face <photo>', 'face photo for the video (faces.json id or path; default sample3-0)')
    .option('--portrait <photo>', 'face photo for the document portrait (default: --face)')
    .option('--face-other <photo>', 'another person, for other-person and two-faces (default sample6-1)')
    .option('--formats <list>', 'webm,mp4', parseFormats, ['webm', 'mp4'] as VideoFormat[])
    .option('--expired', 'document validity already ended')
    .option('--minor', 'holder under 18')
    .option('--distance <d>', DISTANCES.join('|'), oneOf('--distance', DISTANCES), 'normal')
    .option('--lighting <l>', LIGHTINGS.join('|'), oneOf('--lighting', LIGHTINGS), 'normal')
    .option('--card-hold <h>', CARD_HOLDS.join('|'), oneOf('--card-hold', CARD_HOLDS), 'upright')
    .option('--today <date>', 'reference date YYYY-MM-DD (default today)')
    .option(
      '--voice <voice>',
      'auto (a recorded French voice when installed) | espeak',
      oneOf('--voice', ['auto', 'espeak'] as const),
      'auto',
    )
    .action(async (o: CaseCliOptions) => {
      const t0 = Date.now();
      const out = resolve(o.out);
      const truth = await generateCase({
        out,
        seed: o.seed,
        doc: o.doc,
        lang: o.lang,
        attack: o.attack,
        formats: o.formats,
        distance: o.distance,
        lighting: o.lighting,
        voice: o.voice,
        cardHold: o.cardHold,
        ...(o.digits !== undefined ? { digits: o.digits } : {}),
        ...(o.face ? { face: o.face } : {}),
        ...(o.portrait ? { portrait: o.portrait } : {}),
        ...(o.faceOther ? { faceOther: o.faceOther } : {}),
        ...(o.expired ? { expired: true } : {}),
        ...(o.minor ? { minor: true } : {}),
        ...(o.today ? { today: o.today } : {}),
      });
      printResult({
        out,
        doc: truth.doc,
        attack: truth.attack,
        expected: truth.expected,
        files: truth.files,
        ms: Date.now() - t0,
      });
    });

  fx.command('cases')
    .description('A labelled batch (genuine and attacks) for `idv eval cases`: DIR/cases.jsonl')
    .requiredOption('--out <dir>', 'output directory')
    .option('--n <n>', 'number of cases', parseIntOpt, 20)
    .option('--seed <seed>', 'random seed', parseIntOpt, 1)
    .option('--genuine-share <x>', 'share of genuine cases (0..1)', (v: string) => Number(v), 0.5)
    .option(
      '--format <f>',
      'webm|mp4|alternate (one video per case)',
      oneOf('--format', ['webm', 'mp4', 'alternate'] as const),
      'alternate',
    )
    .option('--faces-dir <dir>', 'one sub-folder of photos per person (default: face-api demo samples)')
    .option(
      '--attacks <list>',
      `comma-separated attacks to cycle through (default all: ${ATTACKS.join(',')})`,
      parseAttacks,
    )
    .option(
      '--only <list>',
      'regenerate only these case indices (comma-separated); reuse the others',
      (v: string) => v.split(',').map((x) => parseIntOpt(x)),
    )
    .option(
      '--conditions',
      'vary camera distance (near, normal, far) and lighting (normal, dim, bright, warm, backlit)',
    )
    .option('--today <date>', 'reference date YYYY-MM-DD (default today)')
    .action(
      async (o: {
        attacks?: Attack[];
        conditions?: boolean;
        only?: number[];
        out: string;
        n: number;
        seed: number;
        genuineShare: number;
        format: VideoFormat | 'alternate';
        facesDir?: string;
        today?: string;
      }) => {
        const t0 = Date.now();
        const out = resolve(o.out);
        const lines = await generateCaseSet({
          n: o.n,
          seed: o.seed,
          out,
          genuineShare: o.genuineShare,
          format: o.format,
          ...(o.facesDir ? { facesDir: resolve(o.facesDir) } : {}),
          ...(o.attacks ? { attacks: o.attacks } : {}),
          ...(o.conditions ? { conditions: true } : {}),
          ...(o.only ? { only: o.only } : {}),
          ...(o.today ? { today: o.today } : {}),
          onProgress: (done) => progress(`cases: ${done}/${o.n}`),
        });
        const byExpected: Record<string, number> = {};
        for (const l of lines) byExpected[l.expected] = (byExpected[l.expected] ?? 0) + 1;
        printResult({
          out: `${out}/cases.jsonl`,
          n: lines.length,
          expected: byExpected,
          ms: Date.now() - t0,
          msPerCase: Math.round((Date.now() - t0) / Math.max(1, lines.length)),
        });
      },
    );
}
