// Mouth crops for the reviewer: at each spoken digit, a few small pictures of the mouth, cut from the frames the
// lip-sync pass already decoded, around the mouth landmarks it already computed (no extra decode, no detection).
// They go out as one JPEG contact sheet (one row per digit) and its layout; bytes are never logged.
//   const c = mouthCropCollector(segments); c.add(frame, landmarks); const crops = await c.finish();
import { interOcular } from '../face/geometry.js';
import type { Landmarks68 } from '../face/types.js';
import { encodeJpeg } from '../media/image.js';
import type { RgbImage, SpokenSegment } from './types.js';

export interface MouthCropOptions {
  /** Crops per spoken digit, spread over its segment (fewer when fewer frames had a usable face). Default 3. */
  perSegment: number;
  /** Width of one crop (px). Default 96. */
  width: number;
  /** Height of one crop (px). Default 72. */
  height: number;
  /** JPEG quality of the sheet. Default 80. */
  quality: number;
}

export const DEFAULT_MOUTH_CROPS: MouthCropOptions = { perSegment: 3, width: 96, height: 72, quality: 80 };

/** One crop of the sheet: which spoken segment (index in the speech result's segments), when, and where. */
export interface MouthCropTile {
  segment: number;
  timeSec: number;
  /** Tile position in the sheet (column within the row, row = the segment's row). */
  column: number;
  row: number;
}

/** Layout of the contact sheet: `rows` × `columns` tiles of `tileWidth` × `tileHeight` px. */
export interface MouthCropSheet {
  tileWidth: number;
  tileHeight: number;
  columns: number;
  rows: number;
  tiles: MouthCropTile[];
}

export interface MouthCrops {
  jpeg: Buffer;
  sheet: MouthCropSheet;
}

/** Region of the frame (px) shown in a crop: centred on the mouth, 1.6 × 1.2 eye distances (lips, chin top). */
export function mouthRegion(
  lm: Landmarks68,
  aspect: number,
): { cx: number; cy: number; width: number; height: number } {
  let sx = 0;
  let sy = 0;
  for (let p = 48; p < 68; p++) {
    sx += lm[2 * p]!;
    sy += lm[2 * p + 1]!;
  }
  // The eye distance, not the mouth's width, sets the scale: an open mouth must not zoom the picture out.
  const width = 1.6 * interOcular(lm);
  return { cx: sx / 20, cy: sy / 20, width, height: width / aspect };
}

/** Frame pixels held for a cut: `img` is the frame's rectangle at (`x`, `y`) of a `frameWidth` × `frameHeight` frame. */
export interface FramePart {
  img: RgbImage;
  x: number;
  y: number;
  frameWidth: number;
  frameHeight: number;
}

type Region = { cx: number; cy: number; width: number; height: number };

/** Source position (frame px, clamped to the frame) of tile column/row `i` of `n` over [start, start + size). */
const sourceAt = (start: number, size: number, n: number, i: number, hi: number) => {
  const v = start + (i + 0.5) * (size / n) - 0.5;
  return v < 0 ? 0 : v > hi ? hi : v;
};

/**
 * The frame pixels a `width` × `height` cut of `region` reads (the bilinear neighbours of every sample, clamped
 * to the frame): only these are converted from YUV for a reviewer's crop, ~1/10 of a 480-px frame.
 */
export function cutSource(
  frameWidth: number,
  frameHeight: number,
  region: Region,
  width: number,
  height: number,
): { x: number; y: number; width: number; height: number } {
  const span = (start: number, size: number, n: number, frameSize: number) => {
    const a = Math.floor(sourceAt(start, size, n, 0, frameSize - 1));
    const b = Math.min(frameSize - 1, Math.floor(sourceAt(start, size, n, n - 1, frameSize - 1)) + 1);
    return [a, b - a + 1] as const;
  };
  const [x, w] = span(region.cx - region.width / 2, region.width, width, frameWidth);
  const [y, h] = span(region.cy - region.height / 2, region.height, height, frameHeight);
  return { x, y, width: w, height: h };
}

/**
 * Bilinear resampling of `region` of a frame into a `width` × `height` RGB tile (edges repeated outside).
 * `src` is the whole frame, or the part of it that cutSource names (same pixels out).
 */
export function cutRegion(src: RgbImage | FramePart, region: Region, width: number, height: number): Buffer {
  const part: FramePart =
    'img' in src ? src : { img: src, x: 0, y: 0, frameWidth: src.width, frameHeight: src.height };
  const { img, frameWidth: fw, frameHeight: fh } = part;
  const out = Buffer.allocUnsafe(width * height * 3);
  const x0 = region.cx - region.width / 2;
  const y0 = region.cy - region.height / 2;
  for (let y = 0; y < height; y++) {
    const fy = sourceAt(y0, region.height, height, y, fh - 1);
    const ya = Math.floor(fy);
    const yb = Math.min(fh - 1, ya + 1);
    const wy = fy - ya;
    // Rows in the part held.
    const ra = (ya - part.y) * img.width;
    const rb = (yb - part.y) * img.width;
    for (let x = 0; x < width; x++) {
      const fx = sourceAt(x0, region.width, width, x, fw - 1);
      const xa = Math.floor(fx);
      const xb = Math.min(fw - 1, xa + 1);
      const wx = fx - xa;
      const a = (ra + xa - part.x) * 3;
      const b = (ra + xb - part.x) * 3;
      const c = (rb + xa - part.x) * 3;
      const d = (rb + xb - part.x) * 3;
      const o = (y * width + x) * 3;
      for (let ch = 0; ch < 3; ch++) {
        const top = img.data[a + ch]! + (img.data[b + ch]! - img.data[a + ch]!) * wx;
        const bottom = img.data[c + ch]! + (img.data[d + ch]! - img.data[c + ch]!) * wx;
        out[o + ch] = Math.round(top + (bottom - top) * wy);
      }
    }
  }
  return out;
}

/** `n` indices spread evenly over `count` items, first to last (fewer when count < n). */
export function spreadIndices(count: number, n: number): number[] {
  if (count <= 0 || n <= 0) return [];
  if (n === 1 || count === 1) return [Math.floor((count - 1) / 2)];
  return [...new Set(Array.from({ length: n }, (_, i) => Math.round((i * (count - 1)) / (n - 1))))];
}

/** The segment whose span holds `t` (segments of the speech result, any order), or -1. */
export function segmentAt(segments: readonly SpokenSegment[], t: number): number {
  return segments.findIndex((s) => t >= s.startSec - 1e-3 && t <= s.endSec + 1e-3);
}

/**
 * A decoded frame: its pixels, or its size and a way to get the pixels of a rectangle (read only for the frames
 * a crop is cut from, and only where the crop is).
 */
export type CropFrame = { timeSec: number } & (
  | RgbImage
  | {
      width: number;
      height: number;
      rgbRect: (r: { x: number; y: number; width: number; height: number }) => RgbImage;
    }
);

export interface MouthCropCollector {
  /** A decoded frame and its 68 landmarks in the frame's pixels; kept when inside a digit. */
  add(frame: CropFrame, lm: Landmarks68): void;
  /** The contact sheet of the chosen crops, or null when no digit had a frame with a usable face. */
  finish(): Promise<MouthCrops | null>;
}

export function mouthCropCollector(
  segments: readonly SpokenSegment[],
  options: Partial<MouthCropOptions> = {},
): MouthCropCollector {
  const o: MouthCropOptions = { ...DEFAULT_MOUTH_CROPS, ...options };
  const found = segments.map(() => [] as Array<{ timeSec: number; frame: CropFrame; lm: Landmarks68 }>);
  // Only the frames picked are cut (and, for the engine's YUV frames, converted to RGB): a few of the ~20.
  const cut = (frame: CropFrame, lm: Landmarks68) => {
    const region = mouthRegion(lm, o.width / o.height);
    if (!('rgbRect' in frame)) return cutRegion(frame, region, o.width, o.height);
    const r = cutSource(frame.width, frame.height, region, o.width, o.height);
    const part = {
      img: frame.rgbRect(r),
      x: r.x,
      y: r.y,
      frameWidth: frame.width,
      frameHeight: frame.height,
    };
    return cutRegion(part, region, o.width, o.height);
  };
  return {
    add(frame, lm) {
      const s = segmentAt(segments, frame.timeSec);
      if (s >= 0) found[s]!.push({ timeSec: frame.timeSec, frame, lm });
    },
    async finish() {
      const tiles: Array<MouthCropTile & { tile: Buffer }> = [];
      found.forEach((list, segment) => {
        const sorted = [...list].sort((a, b) => a.timeSec - b.timeSec);
        spreadIndices(sorted.length, o.perSegment).forEach((k, column) =>
          tiles.push({
            segment,
            timeSec: sorted[k]!.timeSec,
            column,
            row: segment,
            tile: cut(sorted[k]!.frame, sorted[k]!.lm),
          }),
        );
      });
      if (tiles.length === 0) return null;
      const columns = o.perSegment;
      const rows = segments.length;
      const W = columns * o.width;
      const data = Buffer.alloc(W * rows * o.height * 3, 0x80);
      for (const t of tiles)
        for (let y = 0; y < o.height; y++) {
          const to = ((t.row * o.height + y) * W + t.column * o.width) * 3;
          t.tile.copy(data, to, y * o.width * 3, (y + 1) * o.width * 3);
        }
      const jpeg = await encodeJpeg({ width: W, height: rows * o.height, data }, o.quality);
      return {
        jpeg,
        sheet: {
          tileWidth: o.width,
          tileHeight: o.height,
          columns,
          rows,
          tiles: tiles.map(({ tile: _tile, ...t }) => t),
        },
      };
    },
  };
}
