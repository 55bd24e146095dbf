// The ID card held up in the video: its portrait is a small face beside the live one. Applicants hold it any
// side up, tilted, partly under a thumb, far from the camera or moving, so the search works on the frames the
// face stage already decoded: the frame pass's small faces first, then tiles around the live face (upright, then
// turned a half and a quarter turn, on the tiles that look most like a card). Pure planning here, one detector
// call per tile through `detect`; no module state (nothing leaks between jobs).
import { iou } from './geometry.js';
import {
  DEFAULT_ANALYSIS,
  type AnalysisParams,
  type ClassifiedFrame,
  type Described,
  type Rect,
} from './analysis.js';
import type { CardInVideoResult, FaceObservation, RgbImage } from './types.js';
import { euclidean, similarityFromDistance } from './calibration.js';

/** Clockwise quarter turns applied to a tile before detection (a card held upside down needs 180). */
export type CardTurn = 0 | 90 | 180 | 270;

/** A card-portrait candidate: a face observation in frame pixels, and the turn that shows it upright. */
export type CardCandidate = FaceObservation & { turn?: CardTurn };

/** Detector call the search needs (the engine's pool): faces of an image, with the worker's CPU time. */
export type DetectTile = (
  image: RgbImage,
  opts: { detector: 'tiny'; inputSize: number; minScore: number },
) => Promise<{ faces: FaceObservation[]; cpuMs: number }>;

/**
 * Passes on the most card-like tiles after the upright search found nothing: upright again but enlarged (a card
 * held far away: a portrait of ~15 px), then upside down (the most common slip), then sideways.
 */
export function passesAfterUpright(p: AnalysisParams): Array<{ turn: CardTurn; inputSize: number }> {
  return [
    { turn: 0, inputSize: p.cardZoomInput },
    { turn: 180, inputSize: p.cardTileInput },
    { turn: 90, inputSize: p.cardTileInput },
    { turn: 270, inputSize: p.cardTileInput },
  ];
}

/**
 * Frames (with a live face) to search for the card portrait, in search order: evenly spread over the
 * video, middle first (applicants hold the card up while speaking, rarely at the very start or end).
 */
export function planCardSearch(
  frames: ClassifiedFrame[],
  p: AnalysisParams = DEFAULT_ANALYSIS,
  exclude: ReadonlySet<number> = new Set(),
): ClassifiedFrame[] {
  const cand = frames.filter((f) => f.live && !exclude.has(f.index));
  const n = Math.min(p.cardSearchFrames, cand.length);
  const spread = Array.from({ length: n }, (_, i) => cand[Math.floor(((i + 0.5) * cand.length) / n)]!);
  const mid = (n - 1) / 2;
  return spread
    .map((f, i) => ({ f, d: Math.abs(i - mid) }))
    .sort((a, b) => a.d - b.d)
    .map((x) => x.f);
}

/**
 * Overlapping square tiles covering the frame except the live face (and a margin around it): where a card
 * portrait can be. Tiles overlap by a quarter so a small face lies whole inside at least one of them.
 */
export function planCardTiles(
  width: number,
  height: number,
  live: Rect,
  p: AnalysisParams = DEFAULT_ANALYSIS,
): Rect[] {
  const side = Math.max(32, Math.round(Math.min(width, height) * p.cardTileFraction));
  const stride = Math.max(1, Math.round(side * 0.75));
  const starts = (len: number): number[] => {
    const out: number[] = [];
    for (let v = 0; v + side < len; v += stride) out.push(v);
    out.push(Math.max(0, len - side));
    return [...new Set(out)];
  };
  const m = live.width * 0.3;
  const exclude = { x: live.x - m, y: live.y - m, width: live.width + 2 * m, height: live.height + 2 * m };
  const tiles: Rect[] = [];
  for (const y of starts(height))
    for (const x of starts(width)) {
      const t = { x, y, width: Math.min(side, width - x), height: Math.min(side, height - y) };
      if (overlapShare(t, exclude) <= 0.5) tiles.push(t);
    }
  return tiles;
}

/** Share of `a`'s area covered by `b`. */
function overlapShare(a: Rect, b: Rect): number {
  const w = Math.max(0, Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x));
  const h = Math.max(0, Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y));
  return (w * h) / (a.width * a.height);
}

/**
 * How much a tile looks like a held-up card: the share of its pixels on a strong luminance edge (printed
 * text, the card's border, the portrait). Cheap (one pass over the tile) and only used to order tiles for the
 * costlier turned searches; a plain wall or a blurred room scores low.
 */
export function cardLikeness(img: RgbImage, r: Rect): number {
  const x0 = Math.max(1, Math.floor(r.x));
  const y0 = Math.max(1, Math.floor(r.y));
  const x1 = Math.min(img.width - 1, Math.floor(r.x + r.width));
  const y1 = Math.min(img.height - 1, Math.floor(r.y + r.height));
  const lum = (x: number, y: number): number => {
    const i = (y * img.width + x) * 3;
    return 0.299 * img.data[i]! + 0.587 * img.data[i + 1]! + 0.114 * img.data[i + 2]!;
  };
  let strong = 0;
  let n = 0;
  // Every second pixel on both axes: enough to rank tiles.
  for (let y = y0; y < y1; y += 2)
    for (let x = x0; x < x1; x += 2) {
      const gx = lum(x + 1, y) - lum(x - 1, y);
      const gy = lum(x, y + 1) - lum(x, y - 1);
      if (gx * gx + gy * gy > 40 * 40) strong++;
      n++;
    }
  return n === 0 ? 0 : strong / n;
}

/**
 * The `n` most card-like half-side crops on a grid around the given tiles (step a quarter tile, reaching half a
 * crop beyond each tile: the portrait sits at the card's edge, often a tile's edge too): where a small card is,
 * cut tight enough for the detector to see a ~15 px portrait.
 */
export function cardSubTiles(img: RgbImage, tiles: Rect[], n: number): Rect[] {
  const seen = new Set<string>();
  const subs: Array<{ r: Rect; s: number }> = [];
  for (const t of tiles) {
    const w = Math.round(t.width / 2);
    const h = Math.round(t.height / 2);
    for (let j = -1; j < 4; j++)
      for (let i = -1; i < 4; i++) {
        const x = Math.max(0, Math.min(img.width - w, Math.round(t.x + (i * w) / 2)));
        const y = Math.max(0, Math.min(img.height - h, Math.round(t.y + (j * h) / 2)));
        const key = `${x},${y}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const r = { x, y, width: w, height: h };
        subs.push({ r, s: cardLikeness(img, r) });
      }
  }
  return subs
    .sort((a, b) => b.s - a.s)
    .slice(0, n)
    .map((x) => x.r);
}

/** A copy of a rectangle of an RGB image (integer bounds, clipped). */
export function cropRgb(img: RgbImage, r: Rect): RgbImage {
  const x0 = Math.max(0, Math.floor(r.x));
  const y0 = Math.max(0, Math.floor(r.y));
  const w = Math.max(1, Math.min(img.width - x0, Math.round(r.width)));
  const h = Math.max(1, Math.min(img.height - y0, Math.round(r.height)));
  const data = Buffer.allocUnsafe(w * h * 3);
  for (let y = 0; y < h; y++) {
    const from = ((y0 + y) * img.width + x0) * 3;
    data.set(img.data.subarray(from, from + w * 3), y * w * 3);
  }
  return { width: w, height: h, data };
}

/** The image turned clockwise by `turn` degrees (exact pixel moves, no resampling). */
export function turnRgb(img: RgbImage, turn: CardTurn): RgbImage {
  if (turn === 0) return img;
  const { width: w, height: h } = img;
  const quarter = turn === 90 || turn === 270;
  const W = quarter ? h : w;
  const H = quarter ? w : h;
  const out = Buffer.allocUnsafe(W * H * 3);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const [u, v] = turnPoint(x, y, w, h, turn);
      const s = (y * w + x) * 3;
      const d = (v * W + u) * 3;
      out[d] = img.data[s]!;
      out[d + 1] = img.data[s + 1]!;
      out[d + 2] = img.data[s + 2]!;
    }
  return { width: W, height: H, data: out };
}

/** Where pixel (x, y) of a w×h image lands once the image is turned clockwise by `turn`. */
export function turnPoint(x: number, y: number, w: number, h: number, turn: CardTurn): [number, number] {
  switch (turn) {
    case 90:
      return [h - 1 - y, x];
    case 180:
      return [w - 1 - x, h - 1 - y];
    case 270:
      return [y, w - 1 - x];
    default:
      return [x, y];
  }
}

/** The inverse of turnPoint: a point (u, v) of the turned image back in the w×h original. */
export function unturnPoint(u: number, v: number, w: number, h: number, turn: CardTurn): [number, number] {
  switch (turn) {
    case 90:
      return [v, h - 1 - u];
    case 180:
      return [w - 1 - u, h - 1 - v];
    case 270:
      return [w - 1 - v, u];
    default:
      return [u, v];
  }
}

/** A face found on a turned tile, back in frame pixels (box = bounds of the turned box; landmarks pointwise). */
export function unturnFace(
  o: FaceObservation,
  tile: Rect,
  turn: CardTurn,
  tileW: number,
  tileH: number,
): CardCandidate {
  const back = (u: number, v: number): [number, number] => {
    const [x, y] = unturnPoint(u, v, tileW, tileH, turn);
    return [x + tile.x, y + tile.y];
  };
  const corners = [
    back(o.box.x, o.box.y),
    back(o.box.x + o.box.width, o.box.y),
    back(o.box.x, o.box.y + o.box.height),
    back(o.box.x + o.box.width, o.box.y + o.box.height),
  ];
  const xs = corners.map((c) => c[0]);
  const ys = corners.map((c) => c[1]);
  const landmarks: number[] = [];
  for (let i = 0; i + 1 < o.landmarks.length; i += 2)
    landmarks.push(...back(o.landmarks[i]!, o.landmarks[i + 1]!));
  return {
    ...o,
    box: {
      x: Math.min(...xs),
      y: Math.min(...ys),
      width: Math.max(...xs) - Math.min(...xs),
      height: Math.max(...ys) - Math.min(...ys),
    },
    landmarks,
    turn,
  };
}

/** Merges faces found on several tiles (already in frame coordinates): overlapping boxes keep the best score. */
export function mergeTileFaces<T extends FaceObservation>(found: T[]): T[] {
  const out: T[] = [];
  for (const f of found) {
    const dup = out.findIndex((g) => iou(g.box, f.box) > 0.3);
    if (dup < 0) out.push(f);
    else if (out[dup]!.score < f.score) out[dup] = f;
  }
  return out;
}

/** Adds tiled-search faces that are card-sized and away from the live face to the frame's card candidates. */
export function withCards(
  f: ClassifiedFrame,
  found: CardCandidate[],
  p: AnalysisParams = DEFAULT_ANALYSIS,
): ClassifiedFrame {
  if (!f.live) return f;
  const live = f.live.box;
  const cards = found.filter(
    (o) =>
      o.box.width < live.width * p.cardMaxRatio &&
      o.box.width >= p.cardMinPx * 0.75 &&
      iou(o.box, live) === 0 &&
      !insideBox(o.box, live),
  );
  return {
    ...f,
    cards: [...f.cards, ...cards].sort((a, b) => b.box.width * b.score - a.box.width * a.score),
  };
}

function insideBox(a: Rect, b: Rect): boolean {
  const cx = a.x + a.width / 2;
  const cy = a.y + a.height / 2;
  return cx >= b.x && cx <= b.x + b.width && cy >= b.y && cy <= b.y + b.height;
}

/** Faces on the given tiles of `frame`, each tile turned by `turn` first, in frame coordinates. */
export async function searchTiles(
  frame: RgbImage,
  tiles: Rect[],
  turn: CardTurn,
  p: AnalysisParams,
  detect: DetectTile,
  inputSize = p.cardTileInput,
): Promise<{ faces: CardCandidate[]; cpuMs: number }> {
  let cpuMs = 0;
  const perTile = await Promise.all(
    tiles.map(async (t) => {
      const crop = cropRgb(frame, t);
      const r = await detect(turnRgb(crop, turn), {
        detector: 'tiny',
        inputSize,
        minScore: p.cardTileMinScore,
      });
      cpuMs += r.cpuMs;
      return r.faces.map((o) => unturnFace(o, t, turn, crop.width, crop.height));
    }),
  );
  return { faces: mergeTileFaces(perTile.flat()), cpuMs };
}

export interface CardSearchResult {
  frames: ClassifiedFrame[];
  /** Detector CPU ms spent on tiles. */
  cpuMs: number;
  /** Tile detections run (for the CPU budget; tests). */
  tilesSearched: number;
  /** A candidate was confirmed (by `confirm`) as the card portrait. */
  confirmed: boolean;
  /** The frame whose first card candidate was confirmed (null when none was). */
  at: ClassifiedFrame | null;
}

/**
 * Looks at a frame whose first card candidate was just found (describes it, compares it with the ID
 * portrait): the frame as confirmed (its candidate possibly turned, see halfTurned) when it is the card
 * portrait, which ends the search; null otherwise.
 */
export type ConfirmCard = (frame: ClassifiedFrame) => Promise<ClassifiedFrame | null>;

/**
 * The tiled search: upright tiles on each planned frame, then, while nothing is confirmed, the first frames'
 * most card-like tiles enlarged, turned upside down and sideways (passesAfterUpright). Each frame showing a candidate is handed to
 * `confirm`; a candidate that is not the card portrait (a pattern, a hand, a face-like print) does not end
 * the search, so it cannot stand for a card never shown. Returns the frames with the candidates added.
 */
export async function searchCard(
  frames: ClassifiedFrame[],
  imageOf: (index: number) => RgbImage,
  p: AnalysisParams,
  detect: DetectTile,
  confirm: ConfirmCard,
  exclude: ReadonlySet<number> = new Set(),
): Promise<CardSearchResult> {
  let cpuMs = 0;
  let tilesSearched = 0;
  let out = frames;
  let at: ClassifiedFrame | null = null;
  const plan = planCardSearch(frames, p, exclude);
  const tilesOf = new Map<number, Rect[]>();
  // One step: tiles of one frame at one turn; true when a candidate there is confirmed.
  const step = async (
    f: ClassifiedFrame,
    tiles: Rect[],
    turn: CardTurn,
    inputSize = p.cardTileInput,
  ): Promise<boolean> => {
    const r = await searchTiles(imageOf(f.index), tiles, turn, p, detect, inputSize);
    cpuMs += r.cpuMs;
    tilesSearched += tiles.length;
    const withCard = withCards({ ...f, cards: [] }, r.faces, p);
    if (withCard.cards.length === 0) return false;
    out = out.map((x) => (x.index === f.index ? withCard : x));
    const hit = await confirm(withCard);
    if (!hit) return false;
    out = out.map((x) => (x.index === f.index ? hit : x));
    at = hit;
    return true;
  };
  const done = (confirmed: boolean): CardSearchResult => ({ frames: out, cpuMs, tilesSearched, confirmed, at });
  for (const f of plan) {
    const img = imageOf(f.index);
    const tiles = planCardTiles(img.width, img.height, f.live!.box, p);
    tilesOf.set(f.index, tiles);
    if (await step(f, tiles, 0)) return done(true);
  }
  // Nothing upright: the card may be far away, upside down or sideways. Its most card-like tiles only, on fewer
  // frames.
  for (const f of plan.slice(0, p.cardTurnedFrames)) {
    const img = imageOf(f.index);
    const tiles = (tilesOf.get(f.index) ?? [])
      .map((t) => ({ t, s: cardLikeness(img, t) }))
      .sort((a, b) => b.s - a.s)
      .slice(0, p.cardTurnedTiles)
      .map((x) => x.t);
    for (const pass of passesAfterUpright(p))
      if (await step(f, tiles, pass.turn, pass.inputSize)) return done(true);
    // A small card held far away: the most card-like half-side crops around those tiles, enlarged ~2.8×.
    if (p.cardSubTiles > 0 && (await step(f, cardSubTiles(img, tiles, p.cardSubTiles), 0))) return done(true);
  }
  return done(false);
}

/**
 * Frames in which to look again for the card portrait confirmed in `at`: the other frames with a live face,
 * nearest in time first (the card is held up for a stretch of the video, so its neighbours show it too), at most
 * `cardRefineFrames`, without `exclude` (frames whose candidate was described already).
 */
export function planCardRefine(
  frames: ClassifiedFrame[],
  at: ClassifiedFrame,
  p: AnalysisParams = DEFAULT_ANALYSIS,
  exclude: ReadonlySet<number> = new Set(),
): ClassifiedFrame[] {
  return frames
    .filter((f) => f.live && f.index !== at.index && !exclude.has(f.index))
    .map((f) => ({ f, d: Math.abs(f.timeSec - at.timeSec) }))
    .sort((a, b) => a.d - b.d || a.f.index - b.f.index)
    .slice(0, p.cardRefineFrames)
    .map((x) => x.f);
}

/**
 * The tile, in another frame, where the confirmed card portrait `card` should be: a search tile's size
 * (planCardTiles) centred on it, inside the frame. The card sways between frames by much less than half a tile.
 */
export function refineTile(width: number, height: number, card: Rect, p: AnalysisParams = DEFAULT_ANALYSIS): Rect {
  const side = Math.min(width, height, Math.max(32, Math.round(Math.min(width, height) * p.cardTileFraction)));
  const cx = card.x + card.width / 2;
  const cy = card.y + card.height / 2;
  const x = Math.round(Math.max(0, Math.min(width - side, cx - side / 2)));
  const y = Math.round(Math.max(0, Math.min(height - side, cy - side / 2)));
  return { x, y, width: side, height: side };
}

export interface CardRefineResult {
  /** `frames` with the candidates found added (each one's `cards[0]` is the one to describe). */
  frames: ClassifiedFrame[];
  /** The frames where a candidate was found, to describe and compare with the ID portrait. */
  found: ClassifiedFrame[];
  cpuMs: number;
  tilesSearched: number;
}

/**
 * Once a card portrait is confirmed in one frame, the same card in a few other frames (planCardRefine): one
 * detector call each, on the tile around the confirmed position, turned as the confirmed one was. One view of a
 * small printed portrait can be poor (blur, glare, a thumb); the best of several is the comparison to report.
 */
export async function refineCard(
  frames: ClassifiedFrame[],
  at: ClassifiedFrame,
  imageOf: (index: number) => RgbImage,
  p: AnalysisParams,
  detect: DetectTile,
  exclude: ReadonlySet<number> = new Set(),
): Promise<CardRefineResult> {
  const card = at.cards[0] as CardCandidate | undefined;
  if (!card) return { frames, found: [], cpuMs: 0, tilesSearched: 0 };
  const turn = card.turn ?? 0;
  const plan = planCardRefine(frames, at, p, exclude);
  const runs = await Promise.all(
    plan.map(async (f) => {
      const img = imageOf(f.index);
      const r = await searchTiles(img, [refineTile(img.width, img.height, card.box, p)], turn, p, detect);
      return { f: withCards({ ...f, cards: [] }, r.faces, p), cpuMs: r.cpuMs };
    }),
  );
  const found = runs.map((r) => r.f).filter((f) => f.cards.length > 0);
  const byIndex = new Map(found.map((f) => [f.index, f]));
  return {
    frames: frames.map((f) => byIndex.get(f.index) ?? f),
    found,
    cpuMs: runs.reduce((a, r) => a + r.cpuMs, 0),
    tilesSearched: plan.length,
  };
}

/**
 * The frame with its first card candidate given another half turn. The detector sometimes finds an upside-down
 * portrait as it is (turn 0); described upside down it matches the ID portrait poorly (measured: 0.11–0.6 on
 * upside-down cards whose half-turned view gives 0.999–1.0), so a view matching below `cardRefineBelow` is
 * described half turned too.
 */
export function halfTurned(f: ClassifiedFrame): ClassifiedFrame {
  const card = f.cards[0] as CardCandidate | undefined;
  if (!card) return f;
  const turned: CardCandidate = { ...card, turn: (((card.turn ?? 0) + 180) % 360) as CardTurn };
  return { ...f, cards: [turned, ...f.cards.slice(1)] };
}

/**
 * The upright image to describe a card candidate on, and the candidate's box in it: the frame itself for an
 * upright card; for a turned one, a crop around it turned so that the portrait stands upright.
 */
export function uprightCardView(
  frame: RgbImage,
  card: CardCandidate,
): { image: RgbImage; box: { x: number; y: number; width: number; height: number } } {
  const turn = card.turn ?? 0;
  if (turn === 0) return { image: frame, box: card.box };
  const side = Math.max(card.box.width, card.box.height);
  const region = {
    x: Math.max(0, Math.floor(card.box.x - side)),
    y: Math.max(0, Math.floor(card.box.y - side)),
    width: 0,
    height: 0,
  };
  region.width = Math.min(frame.width, Math.ceil(card.box.x + card.box.width + side)) - region.x;
  region.height = Math.min(frame.height, Math.ceil(card.box.y + card.box.height + side)) - region.y;
  const crop = cropRgb(frame, region);
  const image = turnRgb(crop, turn);
  const a = turnPoint(card.box.x - region.x, card.box.y - region.y, crop.width, crop.height, turn);
  const b = turnPoint(
    card.box.x - region.x + card.box.width,
    card.box.y - region.y + card.box.height,
    crop.width,
    crop.height,
    turn,
  );
  return {
    image,
    box: {
      x: Math.min(a[0], b[0]),
      y: Math.min(a[1], b[1]),
      width: Math.abs(a[0] - b[0]),
      height: Math.abs(a[1] - b[1]),
    },
  };
}

/**
 * Is this described candidate the card portrait? Its descriptor must be close enough to the uploaded ID
 * portrait (the card shown is that document): a face-like pattern or another picture is not the card. Without
 * a usable ID portrait any described face counts (nothing to compare with).
 */
export function isCardPortrait(d: Described, portrait: number[] | null, p: AnalysisParams): boolean {
  if (d.descriptor.length === 0) return false;
  if (!portrait || portrait.length === 0) return true;
  return similarityFromDistance(euclidean(d.descriptor, portrait)) >= p.cardConfirmSimilarity;
}

/**
 * The card-in-video result: the described candidate closest to the ID portrait. `found` only when it is the
 * card portrait (isCardPortrait); otherwise nothing was seen that could be the card.
 */
export function cardResult(
  cards: Described[],
  portrait: number[] | null,
  p: AnalysisParams = DEFAULT_ANALYSIS,
): CardInVideoResult {
  const usable = cards.filter((c) => isCardPortrait(c, portrait, p));
  if (usable.length === 0) return { found: false, similarity: null, frameIndex: null };
  if (!portrait || portrait.length === 0)
    return { found: true, similarity: null, frameIndex: usable[0]!.index };
  const best = usable
    .map((c) => ({ c, d: euclidean(c.descriptor, portrait) }))
    .reduce((a, b) => (b.d < a.d ? b : a));
  return { found: true, similarity: similarityFromDistance(best.d), frameIndex: best.c.index };
}
