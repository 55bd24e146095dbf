// The document engine: locate the MRZ in photos, recognise it cell by cell, decode it under the check
// digits, then parse and validate it. One instance per process (the model loads once).
import type { RgbImage } from '../media/types.js';
import { loadGlyphClassifier, type GlyphClassifier } from './classifier.js';
import type { NameModel } from './name-model.js';
import { loadNameModel } from './name-model-file.js';
import { contradictedRepairs, decodeBlock, type Decoded, type DecodeOptions, type Repair } from './decode.js';
import { textAngle, turnedToSource, turnImage } from './deskew.js';
import { resampleBox, sample, toGray, toInkGray, type GrayImage } from './gray.js';
import { CELL_H, CELL_W, lineCuts, type LineGrid } from './line-cells.js';
import {
  alignBlock,
  extractLine,
  findTextLines,
  groupBlocks,
  stripGeometry,
  stripToImage,
  type TextLine,
} from './locate.js';
import {
  parseMrz,
  validateDocument,
  type DocumentFields,
  type DocumentFinding,
  type MrzFormat,
} from './validate.js';

export interface DocumentEngineOptions {
  /** Directory holding glyphs.json/glyphs.bin/SHA256SUMS. Default: models/mrz of the project. */
  modelDir?: string;
  /** Constrained-decoding thresholds. */
  decode?: DecodeOptions;
  /** Max line blocks tried per photo and orientation. Default 6. */
  maxBlocks?: number;
  /**
   * Stop searching for the MRZ after this many CPU milliseconds of the process (the best reading so far
   * stands; CPU rather than wall time so that a loaded machine reads the same). Default 6000.
   */
  maxSearchMs?: number;
  /** Called for every block tried (line strips as cut and how they read): for looking into failures. */
  onAttempt?: (a: AttemptTrace) => void;
}

export interface AttemptTrace {
  image: number;
  pass: { delta: number; flip: boolean; rot: boolean; fine: boolean };
  strips: GrayImage[];
  reading: LineReading;
}

export interface ReadInput {
  /** Document photos (front and/or back), in any order. */
  images: RgbImage[];
  /** Reference instant for expiry and age (default now). */
  today?: Date;
  /** Accepted document types (ID_CARD, PASSPORT, RESIDENCE_PERMIT). */
  allowedTypes: readonly string[];
  minimumAge: number;
  /**
   * Which side of the document each image shows, as the applicant labelled it (same order as `images`).
   * Default: a single image is unlabelled; two are front then back (the pipeline's order).
   */
  sides?: (DocumentSide | null)[];
  /**
   * The document type the applicant declared, when known: a passport's data page carries its MRZ, so a
   * passport photo without one is unreadable, not a missing side.
   */
  documentType?: string;
}

export type DocumentSide = 'front' | 'back';

/**
 * Where reading stopped: `read` (a reading verified), `check_digit` (an MRZ whose printed check digits do
 * not verify, or would verify only by changing a clearly printed character), `ambiguous` (two readings
 * close, or an unchecked character below its floor), `not_cut` (MRZ-shaped text found but not read as
 * one: a wrong cut or other text), `not_located` (nothing cut into MRZ lines).
 */
export type ReadStage = 'read' | 'check_digit' | 'ambiguous' | 'not_cut' | 'not_located';

/** Where the MRZ was found: image index and the line axes (full-resolution pixels). */
export interface MrzBox {
  image: number;
  flipped: boolean;
  /** Read on the image turned a quarter clockwise (coordinates are in that turned frame). */
  rotated?: boolean;
  /**
   * Read on the image turned so that this direction (degrees clockwise from its x axis) is horizontal: a
   * document photographed well askew (coordinates are in that turned frame, see `turnedToSource`).
   */
  tilt?: number;
  lines: { x0: number; y0: number; x1: number; y1: number; height: number }[];
}

/** Where one character cell of the MRZ is on the analysed photo (pixels of its upright frame). */
export interface CellBox {
  cx: number;
  cy: number;
  /** Cell width along the line and height across it. */
  w: number;
  h: number;
  /** Direction of the line, degrees clockwise from the x axis. */
  angle: number;
}

/** A repair and where its character is printed on the photo (for the reviewer's MRZ crop). */
export type PlacedRepair = Repair & { at?: CellBox };

/** The MRZ on the photo it was read on, in that photo's upright frame (EXIF applied): the reviewer's crop. */
export interface MrzView {
  image: number;
  width: number;
  height: number;
  /** Each line from its first character's end to its last's, and its height. */
  lines: { x0: number; y0: number; x1: number; y1: number; height: number }[];
}

export interface DocumentAnalysis {
  status: 'read' | 'unreadable';
  format: MrzFormat | null;
  lines: string[];
  /** Mean per-character probability of the reading (0..1). */
  confidence: number;
  /** Lowest per-character probability in the names (not protected by check digits). */
  nameConfidence: number;
  fields: DocumentFields | null;
  findings: DocumentFinding[];
  mrzBox?: MrzBox;
  /** Where reading stopped (see ReadStage). */
  stage: ReadStage;
  /** Characters changed from the classifier's reading to satisfy the check digits (shown to reviewers). */
  repairs: PlacedRepair[];
  mrzView?: MrzView;
  /** The side the MRZ was read on, when the image was labelled; `sidesSwapped` when it was the other one. */
  side?: DocumentSide;
  sidesSwapped?: boolean;
  timings: { totalMs: number; attempts: number };
}

export interface LineReading {
  status: 'ok' | 'ambiguous' | 'check_digit' | 'unreadable';
  decoded: Decoded | null;
  /** The cut of each line the reading used (line-image pixels). */
  grids?: LineGrid[];
}

export interface DocumentEngine {
  read(input: ReadInput): Promise<DocumentAnalysis>;
  /** Read pre-cut MRZ line images (top to bottom). */
  readLines(lineImages: (RgbImage | GrayImage)[]): LineReading;
}

const RANK: Record<LineReading['status'], number> = { ok: 3, ambiguous: 2, check_digit: 1, unreadable: 0 };

function isGray(img: RgbImage | GrayImage): img is GrayImage {
  return img.data instanceof Float32Array;
}

/** Per-cell mean log-probability of a decoded block, to compare readings of different line lengths. */
const perCell = (d: Decoded): number => d.logProb / (d.lines.length * d.lines[0]!.length);

/** Mean log of each cell's top class probability: how well a cut of a line fits the glyph model. */
function meanLogTop(p: Float32Array, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) {
    let m = 0;
    for (let k = 0; k < 37; k++) m = Math.max(m, p[i * 37 + k]!);
    s += Math.log(Math.max(m, 1e-9));
  }
  return s / n;
}

/** Default minimum probability of unchecked characters when a line was cut around its glyphs (see below). */
const GLYPH_CUT_MIN_PROB = 0.8;

function readGrayLines(clf: GlyphClassifier, lines: GrayImage[], opts: DecodeOptions): LineReading {
  const lengths = lines.length === 3 ? [30] : lines.length === 2 ? [44, 36] : [];
  const cellSize = CELL_W * CELL_H;
  // Cut for every possible length first (cheap); classify the best-fitting grid first and the other
  // length only if that reading fails.
  const cuts = lengths
    .map((n) => ({ n, cut: lines.map((l) => lineCuts(l, n)) }))
    .filter((c) => c.cut.every((x) => x.length > 0))
    .sort(
      (a, b) =>
        a.cut.reduce((s, c) => s + c[0]!.grid.cost, 0) - b.cut.reduce((s, c) => s + c[0]!.grid.cost, 0),
    );
  let best: LineReading = { status: 'unreadable', decoded: null };
  /** Keep r if it beats the best reading so far; true once a reading verifies. */
  const consider = (r: LineReading): boolean => {
    if (
      !best.decoded ||
      RANK[r.status] > RANK[best.status] ||
      (RANK[r.status] === RANK[best.status] && perCell(r.decoded!) > perCell(best.decoded))
    )
      best = r;
    return best.status === 'ok';
  };
  for (const { n, cut: cutIn } of cuts) {
    // Classify every candidate cut of every line (one batch) and order each line's cuts by how well
    // the classifier reads them (mean log top probability): a cut one glyph off puts half glyphs in
    // its cells, which no class fits. Measured on the real line crops: this picks the right cut of
    // every line that has several, where the cutter's own order was wrong on 12 of 141.
    const flat = cutIn.flatMap((c, i) => c.map((x) => ({ i, x })));
    const all = new Float32Array(flat.length * n * cellSize);
    flat.forEach((f, j) => all.set(f.x.cells, j * n * cellSize));
    const probs = clf.classify(all, flat.length * n);
    const scored = cutIn.map(
      () => [] as { x: (typeof cutIn)[number][number]; p: Float32Array; fit: number }[],
    );
    flat.forEach((f, j) => {
      const p = probs.subarray(j * n * 37, (j + 1) * n * 37);
      scored[f.i]!.push({ x: f.x, p, fit: meanLogTop(p, n) });
    });
    scored.forEach((s) => s.sort((a, b) => b.fit - a.fit));
    const cut = scored.map((s) => s.map((c) => c.x));
    const decode = (choice: number[]): LineReading | null => {
      const per = choice.map((k, i) => scored[i]![k]!.p);
      // Glyph-centred cuts (non-monospaced printing) are further from the training crops: demand more
      // confidence on the characters no check digit protects.
      const strict = choice.some((k, i) => cut[i]![k]!.grid.glyphs)
        ? {
            ...opts,
            minUncheckedProb: Math.max(
              opts.minUncheckedProb ?? 0.7,
              opts.glyphCutMinUncheckedProb ?? GLYPH_CUT_MIN_PROB,
            ),
          }
        : opts;
      const d = decodeBlock(
        per,
        n,
        strict,
        choice.map((k, i) => cut[i]![k]!.cells),
      );
      return d ? { status: d.status, decoded: d, grids: choice.map((k, i) => cut[i]![k]!.grid) } : null;
    };
    const first = decode(cut.map(() => 0));
    if (!first) continue;
    if (consider(first)) break;
    // A reading that looked like an MRZ but did not verify: try the other cuts of each line (one line
    // changed at a time, then all lines on their next candidate).
    if (first.status === 'check_digit' && (first.decoded?.confidence ?? 0) < 0.5) continue;
    const choices: number[][] = [];
    cut.forEach((c, i) => {
      for (let k = 1; k < c.length; k++) choices.push(cut.map((_, j) => (j === i ? k : 0)));
    });
    if (cut.filter((c) => c.length > 1).length > 1) choices.push(cut.map((c) => Math.min(1, c.length - 1)));
    let ok = false;
    for (const choice of choices) {
      const r = decode(choice);
      if (r) ok = consider(r) || ok;
    }
    if (ok) break;
  }
  return best;
}

/**
 * Below this mean character probability a decoded block is other text (a card front's fields decoded at
 * random), not an MRZ: on generated card fronts such blocks read at 0.3-0.5, MRZs above 0.9.
 */
const MRZ_LIKE_MIN_CONFIDENCE = 0.6;

/** The side each layout's MRZ is printed on: TD1 cards on the back, passports and the 1988 card in front. */
const EXPECTED_SIDE: Record<Decoded['layout'], DocumentSide> = {
  TD1: 'back',
  TD2: 'front',
  TD3: 'front',
  MRVA: 'front',
  MRVB: 'front',
  FR_ID_OLD: 'front',
  RU_INTERNAL: 'front',
};

/** Below this mean character probability a block failing its check digits is not taken for an MRZ. */
const CHECK_DIGIT_MIN_CONFIDENCE = 0.9;

/** The finding detail of a refused check-digit reading: the failing fields and the refused repairs (no data). */
function checkDigitDetail(d: Decoded): string {
  const fields = d.failingFields.length ? d.failingFields.join(', ') : 'none on the classifier reading';
  return d.repairRefused
    ? `check digits fail on the printed reading (${fields}); verifying them would change a clearly printed character`
    : `check digits fail (${fields})`;
}

function cpuMsSince(c0: NodeJS.CpuUsage): number {
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1000;
}

interface Pass {
  delta: number;
  flip: boolean;
  rot: boolean;
  fine: boolean;
  /** On the grayscale with strongly coloured pixels faded (toInkGray) instead of plain luma. */
  ink?: boolean;
  /** On the image turned by its estimated text angle (`textAngle`), when that is well off the axes. */
  tilt?: boolean;
}

/**
 * Text angles the upright and quarter-turned passes already cover: the locator keeps lines within ±20° of
 * its x axis; the deskewed pass is tried beyond 12° (some margin for the estimate) and short of 78°.
 */
const TILT_MIN_DEG = 12;

/**
 * How a reading stands against others, for keeping the best over blocks and passes: a verified reading,
 * then an MRZ-like ambiguous one or a confidently read MRZ failing its check digits, the likelier first,
 * then a less confident check-digit failure, and below 1 anything else by its confidence (other text
 * decoded at random). Ambiguous and check-digit readings compete by confidence: a US card's block with
 * another line of the card in place of its first MRZ line read ambiguous at 0.90 and hid the printed
 * MRZ, read at 0.96 with its failing check digit.
 */
function standing(r: LineReading): number {
  const c = r.decoded?.confidence ?? 0;
  if (r.status === 'ok') return 3 + c;
  if (r.status === 'ambiguous' && c >= MRZ_LIKE_MIN_CONFIDENCE) return 2 + c;
  if (r.status === 'check_digit' && c >= CHECK_DIGIT_MIN_CONFIDENCE)
    return (r.decoded!.repairRefused ? 2 : 1) + c;
  return c * 0.99;
}

/**
 * A reading that ends the search for other blocks and passes: one shaped like an MRZ. Not one whose name
 * line is malformed (`REINARTZ<<<ULRIKE<KATIA<<E`: the line cut with cells between its glyphs), which another
 * threshold or block may cut right (the Belgian card's name line, read exactly by a later pass).
 */
function settled(r: LineReading): boolean {
  return standing(r) >= 1 && !(r.status === 'ambiguous' && r.decoded?.namesMalformed);
}

/**
 * Long side at which text lines are searched (the locator's thresholds are tuned for it: windows,
 * dilation, minimum line length): photos far larger or smaller are resampled to it first. `fine`: the
 * second look at large photos, at twice that, for a document filling a small share of the frame
 * (null when the photo is not large enough for it to differ).
 */
const WORK_LONG_SIDE = 1280;

function workScale(g: GrayImage, fine: boolean): number | null {
  const long = Math.max(g.width, g.height);
  if (fine) return long >= 2 * WORK_LONG_SIDE * 1.25 ? (2 * WORK_LONG_SIDE) / long : null;
  if (long > 1.25 * WORK_LONG_SIDE || long < 0.7 * WORK_LONG_SIDE) return WORK_LONG_SIDE / long;
  return 1;
}

/** Text lines found on `g` resampled by `scale`, in `g`'s coordinates. */
function findLinesAtScale(g: GrayImage, scale: number, delta: number): TextLine[] {
  if (scale === 1) return findTextLines(g, { delta });
  const w = Math.max(1, Math.round(g.width * scale));
  const h = Math.max(1, Math.round(g.height * scale));
  const small: GrayImage = { width: w, height: h, data: resampleBox(g, 0, 0, g.width, g.height, w, h) };
  const sx = g.width / w;
  const sy = g.height / h;
  return findTextLines(small, { delta }).map((l) => ({
    ...l,
    cx: l.cx * sx,
    cy: l.cy * sy,
    s0: l.s0 * sx,
    s1: l.s1 * sx,
    t0: l.t0 * sy,
    t1: l.t1 * sy,
  }));
}

/**
 * A two-line block completed to three: the third line one spacing above or below, or, when the two lines
 * are two spacings apart, between them (a middle line the locator missed: its characters spaced so that
 * it fell apart into short pieces, as on an Austrian card's `7109094F111231AUT<<…`).
 */
function withThirdLine(g: GrayImage, lines: TextLine[]): TextLine[][] {
  if (lines.length !== 2) return [];
  const [a, b] = lines as [TextLine, TextLine];
  // The spacing across the lines only: the centroids also differ along them (ink spread differently over
  // each line), and extrapolating that would slide the guessed line sideways (a Macau card's first line).
  const across = -(b.cx - a.cx) * a.uy + (b.cy - a.cy) * a.ux;
  const dx = -across * a.uy;
  const dy = across * a.ux;
  const shifted = (l: TextLine, k: number): TextLine =>
    settleAcross(g, { ...l, cx: l.cx + k * dx, cy: l.cy + k * dy });
  // MRZ lines are spaced 1.3-2 line heights apart: a pair further than 2.4 heights has room for one between.
  // (Thin or small print makes the measured height small: the lines outside are tried as well.)
  const gap = Math.hypot(dx, dy) / Math.max(a.t1 - a.t0, b.t1 - b.t0);
  return [...(gap > 2.4 ? [[a, shifted(a, 0.5), b]] : []), [a, b, shifted(b, 1)], [shifted(a, -1), a, b]];
}

/**
 * Move a guessed line across its axis (up to 0.6 of its height) onto the darkest band: the ink of the
 * text, where the spacing of the other lines only says roughly where it is.
 */
function settleAcross(g: GrayImage, l: TextLine): TextLine {
  const h = Math.max(2, l.t1 - l.t0);
  const N = 48;
  let bestO = 0;
  let bestInk = -Infinity;
  for (let k = -6; k <= 6; k++) {
    const o = (k / 10) * h;
    let ink = 0;
    for (let i = 0; i < N; i++) {
      const sAlong = l.s0 + ((i + 0.5) / N) * (l.s1 - l.s0);
      for (let j = 0; j < 5; j++) {
        const t = l.t0 + o + ((j + 0.5) / 5) * h;
        ink += 1 - sample(g, l.cx + sAlong * l.ux - t * l.uy, l.cy + sAlong * l.uy + t * l.ux);
      }
    }
    if (ink > bestInk) {
      bestInk = ink;
      bestO = o;
    }
  }
  return { ...l, cx: l.cx - bestO * l.uy, cy: l.cy + bestO * l.ux };
}

/**
 * The read block on its photo's upright frame: its lines, and each repair's character cell (from the cut
 * the reading used), for the reviewer's crop. Coordinates of a quarter-turned pass are turned back.
 */
function placeRepairs(
  best: { r: LineReading; box: MrzBox; lines: TextLine[]; flip: boolean },
  img: { width: number; height: number },
): { view: MrzView; repairs: PlacedRepair[] } {
  const rot = !!best.box.rotated;
  const tilt = best.box.tilt;
  // rotate90: the turned frame's (x', y') shows the original's (y', H - x') (continuous coordinates).
  const back = (p: { x: number; y: number }) =>
    rot ? { x: p.y, y: img.height - p.x } : tilt !== undefined ? turnedToSource(p, img, tilt) : p;
  const view: MrzView = {
    image: best.box.image,
    width: img.width,
    height: img.height,
    lines: best.box.lines.map((l) => {
      const a = back({ x: l.x0, y: l.y0 });
      const b = back({ x: l.x1, y: l.y1 });
      return { x0: a.x, y0: a.y, x1: b.x, y1: b.y, height: l.height };
    }),
  };
  const grids = best.r.grids;
  const repairs = (best.r.decoded?.repairs ?? []).map((rp): PlacedRepair => {
    const grid = grids?.[rp.line];
    const line = best.lines[rp.line];
    if (!grid || !line) return rp;
    const geom = stripGeometry(line, { flip: best.flip });
    const b = grid.bounds;
    const centre = grid.glyphs
      ? grid.glyphs.centres[rp.col]!
      : b.length > rp.col + 1
        ? (b[rp.col]! + b[rp.col + 1]!) / 2
        : grid.offset + (rp.col + 0.5) * grid.pitch;
    const pitch = grid.glyphs?.pitch ?? (b.length > rp.col + 1 ? b[rp.col + 1]! - b[rp.col]! : grid.pitch);
    const c = back(stripToImage(line, geom, centre + 0.5, (grid.top + grid.bottom + 1) / 2));
    let angle = (Math.atan2(line.uy, line.ux) * 180) / Math.PI;
    if (rot) angle -= 90;
    if (tilt !== undefined) angle += tilt;
    return {
      ...rp,
      at: {
        cx: c.x,
        cy: c.y,
        w: pitch / geom.scale,
        h: (grid.bottom - grid.top + 1) / geom.scale,
        angle: ((angle % 360) + 360) % 360,
      },
    };
  });
  return { view, repairs };
}

/** The image turned a quarter clockwise. */
function rotate90(g: GrayImage): GrayImage {
  const { width: w, height: h, data } = g;
  const out = new Float32Array(w * h);
  // New size h × w: new (x', y') shows old (y', h - 1 - x').
  for (let y = 0; y < w; y++) for (let x = 0; x < h; x++) out[y * h + x] = data[(h - 1 - x) * w + y]!;
  return { width: h, height: w, data: out };
}

function boxOf(l: TextLine): MrzBox['lines'][number] {
  return {
    x0: l.cx + l.s0 * l.ux,
    y0: l.cy + l.s0 * l.uy,
    x1: l.cx + l.s1 * l.ux,
    y1: l.cy + l.s1 * l.uy,
    height: l.t1 - l.t0,
  };
}

/**
 * The engine around a loaded glyph classifier and, when given, the spelling model of names (without it
 * each name letter is read on its own, as the decoder's unit tests do).
 */
export function createEngineWith(
  clf: GlyphClassifier,
  opts: DocumentEngineOptions = {},
  names: NameModel | null = null,
): DocumentEngine {
  const decodeOpts: DecodeOptions = { nameModel: names, ...opts.decode };
  const maxBlocks = opts.maxBlocks ?? 6;
  const maxSearchMs = opts.maxSearchMs ?? 6000;

  function readLines(lineImages: (RgbImage | GrayImage)[]): LineReading {
    return readGrayLines(
      clf,
      lineImages.map((i) => (isGray(i) ? i : toGray(i))),
      decodeOpts,
    );
  }

  async function read(input: ReadInput): Promise<DocumentAnalysis> {
    const t0 = performance.now();
    let attempts = 0;
    let best: { r: LineReading; box: MrzBox; lines: TextLine[]; flip: boolean } | null = null;
    const c0 = process.cpuUsage();
    const grays = input.images.map(toGray);
    const inkGrays = new Map<number, GrayImage>();
    // Cheap passes first (upright, default threshold, the working scale) on every image, then the
    // fall-backs: the other threshold contrasts, a quarter turn (photos taken sideways, or an EXIF
    // orientation that turned them), and the finer scale of large photos (a small document in the frame).
    const passes: Pass[] = [
      { delta: 0.05, flip: false, rot: false, fine: false },
      // Coloured marks faded: a red annotation drawn across the MRZ joins its lines into one blob.
      { delta: 0.05, flip: false, rot: false, fine: false, ink: true },
      { delta: 0.05, flip: true, rot: false, fine: false },
      // Strong contrast only: dark print over a busy light background (guilloche, watermarks), which a
      // weak threshold joins to the text into blobs.
      { delta: 0.18, flip: false, rot: false, fine: false },
      { delta: 0.18, flip: true, rot: false, fine: false },
      { delta: 0.025, flip: false, rot: false, fine: false },
      { delta: 0.09, flip: false, rot: false, fine: false },
      { delta: 0.05, flip: false, rot: true, fine: false },
      { delta: 0.05, flip: true, rot: true, fine: false },
      { delta: 0.05, flip: false, rot: false, fine: true },
      { delta: 0.05, flip: true, rot: false, fine: true },
      // A document photographed well askew (beyond the ±20° the locator takes): turned by its text angle.
      { delta: 0.05, flip: false, rot: false, fine: false, tilt: true },
      { delta: 0.05, flip: true, rot: false, fine: false, tilt: true },
      { delta: 0.18, flip: false, rot: false, fine: false, tilt: true },
      { delta: 0.18, flip: true, rot: false, fine: false, tilt: true },
    ];
    const linesCache = new Map<string, TextLine[]>();
    /** Every reading decoded so far, to check repairs against the other views of the same MRZ. */
    const seen: Decoded[] = [];
    const rotated = new Map<number, GrayImage>();
    /** Per image: the text angle and the image turned by it, or null when the angle is near an axis. */
    const tilted = new Map<number, { deg: number; g: GrayImage } | null>();
    search: for (const pass of passes) {
      // Fall-back passes only while no block looked like an MRZ at all: a block that decoded to an
      // ambiguous or check-digit-failing reading was the MRZ, and other text will not do better.
      if (best && settled(best.r)) break;
      for (let im = 0; im < grays.length; im++) {
        let g = grays[im]!;
        if (pass.ink) {
          let k = inkGrays.get(im);
          if (!k) {
            k = toInkGray(input.images[im]!);
            inkGrays.set(im, k);
          }
          g = k;
        }
        if (pass.rot) {
          let r = rotated.get(im);
          if (!r) {
            r = rotate90(g);
            rotated.set(im, r);
          }
          g = r;
        }
        let tiltDeg: number | undefined;
        if (pass.tilt) {
          let t = tilted.get(im);
          if (t === undefined) {
            const deg = textAngle(g);
            const off = Math.abs(deg);
            t = off > TILT_MIN_DEG && off < 90 - TILT_MIN_DEG ? { deg, g: turnImage(g, deg) } : null;
            tilted.set(im, t);
          }
          if (!t) continue;
          g = t.g;
          tiltDeg = t.deg;
        }
        const scale = workScale(g, pass.fine);
        if (scale === null) continue;
        const key = `${im}:${pass.delta}:${pass.rot}:${scale}:${!!pass.ink}:${!!pass.tilt}`;
        let found = linesCache.get(key);
        if (!found) {
          found = findLinesAtScale(g, scale, pass.delta);
          linesCache.set(key, found);
        }
        for (const block of groupBlocks(found, maxBlocks)) {
          const aligned = alignBlock(block.lines);
          // A pair of lines may be two of a TD1's three (the third missed: glare, the card's edge):
          // also read it with a third line where the spacing puts it, above and below.
          for (const lines of [aligned, ...withThirdLine(g, aligned)]) {
            attempts++;
            const ordered = pass.flip ? [...lines].reverse() : lines;
            const strips = ordered.map((l) => extractLine(g, l, { flip: pass.flip }));
            const r = readGrayLines(clf, strips, decodeOpts);
            // A reading whose repairs another view of this MRZ shows clearly printed otherwise (a check
            // digit cut in half at the strip's end, read as an uncertain filler and "repaired") is set
            // aside: the view that shows the print stands.
            const contradicted =
              r.status === 'ok' && !!r.decoded && contradictedRepairs(r.decoded, seen).length > 0;
            if (r.decoded) seen.push(r.decoded);
            opts.onAttempt?.({ image: im, pass, strips, reading: r });
            if (contradicted) continue;
            if (!best || standing(r) > standing(best.r)) {
              best = {
                r,
                lines: ordered,
                flip: pass.flip,
                box: {
                  image: im,
                  flipped: pass.flip,
                  ...(pass.rot ? { rotated: true } : {}),
                  ...(tiltDeg !== undefined ? { tilt: tiltDeg } : {}),
                  lines: ordered.map(boxOf),
                },
              };
            }
            if (r.status === 'ok') break search;
            // A bounded search: a photo where nothing reads after this long goes to the applicant or a
            // reviewer rather than holding a worker (real photos of busy pages otherwise took up to 47 s).
            if (cpuMsSince(c0) > maxSearchMs) break search;
            if (settled(r)) break;
          }
        }
      }
    }
    const totalMs = performance.now() - t0;
    const today = input.today ?? new Date();
    const d = best?.r.decoded ?? null;
    const sides = input.sides ?? (input.images.length === 2 ? ['front', 'back'] : []);
    // Something shaped and read like an MRZ (not the front's other text decoded at random).
    const mrzLike = !!d && best!.r.status !== 'unreadable' && d.confidence >= MRZ_LIKE_MIN_CONFIDENCE;
    const side = mrzLike ? (sides[best!.box.image] ?? undefined) : undefined;
    const expected = d ? EXPECTED_SIDE[d.layout] : undefined;
    const placed = best && mrzLike ? placeRepairs(best, input.images[best.box.image]!) : null;
    const base = {
      lines: d ? d.lines : [],
      confidence: d?.confidence ?? 0,
      nameConfidence: d?.nameConfidence ?? 0,
      repairs: placed?.repairs ?? d?.repairs ?? [],
      ...(placed ? { mrzView: placed.view } : {}),
      timings: { totalMs, attempts },
      ...(best ? { mrzBox: best.box } : {}),
      ...(side ? { side } : {}),
      ...(side && expected && side !== expected && best!.r.status === 'ok' ? { sidesSwapped: true } : {}),
    };
    if (!d || best!.r.status !== 'ok') {
      // No MRZ anywhere and no photo of the back: the applicant photographed only the front of a card.
      const sideMissing =
        !mrzLike && !sides.includes('back') && input.documentType !== 'PASSPORT' && input.images.length > 0;
      const code =
        best?.r.status === 'ambiguous' && mrzLike
          ? 'MRZ_AMBIGUOUS'
          : best?.r.status === 'check_digit' && (d?.confidence ?? 0) >= CHECK_DIGIT_MIN_CONFIDENCE
            ? 'MRZ_CHECK_DIGIT'
            : sideMissing
              ? 'MRZ_SIDE_MISSING'
              : 'MRZ_UNREADABLE';
      const stage: ReadStage =
        code === 'MRZ_AMBIGUOUS'
          ? 'ambiguous'
          : code === 'MRZ_CHECK_DIGIT'
            ? 'check_digit'
            : mrzLike
              ? 'not_cut'
              : 'not_located';
      const detail =
        code === 'MRZ_SIDE_MISSING'
          ? 'no machine-readable zone on the photos and no photo of the back: photograph the back of the card'
          : code === 'MRZ_UNREADABLE'
            ? 'no machine-readable zone could be read'
            : code === 'MRZ_CHECK_DIGIT'
              ? checkDigitDetail(d!)
              : `MRZ reading refused (${best!.r.status})`;
      return {
        status: 'unreadable',
        format: null,
        fields: null,
        findings: [
          code === 'MRZ_CHECK_DIGIT'
            ? { code, detail, failingFields: d!.failingFields, repairs: base.repairs }
            : { code, detail },
        ],
        stage,
        ...base,
      };
    }
    const parsed = parseMrz(d.lines, today);
    if (!parsed) {
      return {
        status: 'unreadable',
        format: null,
        fields: null,
        findings: [{ code: 'MRZ_UNREADABLE', detail: 'MRZ format not recognised' }],
        stage: 'not_cut',
        ...base,
      };
    }
    const findings = validateDocument(parsed, {
      today,
      allowedTypes: input.allowedTypes,
      minimumAge: input.minimumAge,
    });
    return { status: 'read', format: parsed.format, fields: parsed.fields, findings, stage: 'read', ...base };
  }

  return { read, readLines };
}

const cache = new Map<string, Promise<[GlyphClassifier, NameModel]>>();

/** Create the engine; the glyph and name models are loaded once per process and model directory. */
export async function createDocumentEngine(opts: DocumentEngineOptions = {}): Promise<DocumentEngine> {
  const key = opts.modelDir ?? '';
  let p = cache.get(key);
  if (!p) {
    p = Promise.all([loadGlyphClassifier(opts.modelDir), loadNameModel(opts.modelDir)]);
    cache.set(key, p);
    p.catch(() => cache.delete(key));
  }
  const [clf, names] = await p;
  return createEngineWith(clf, opts, names);
}
