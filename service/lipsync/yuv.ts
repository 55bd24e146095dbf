// Pure colour conversion for the lip-sync frame pass: ffmpeg hands over planar YUV 4:2:0 (half the bytes of RGB
// and no conversion in the decoder process), turned into RGB here (BT.601, limited range, as swscale does).

/** Width and height a 4:2:0 frame needs (even), the largest not above the given ones. */
export function evenSize(width: number, height: number): { width: number; height: number } {
  return { width: Math.max(2, width - (width % 2)), height: Math.max(2, height - (height % 2)) };
}

/** Bytes of one I420 frame. */
export const i420Bytes = (width: number, height: number): number => width * height * 1.5;

/** A rectangle of a frame (px): left, top, width, height. */
export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** One I420 frame (Y plane, then U and V at half resolution) as packed RGB24. */
export function i420ToRgb(src: Uint8Array, width: number, height: number): Buffer {
  return i420RegionToRgb(src, width, height, { x: 0, y: 0, width, height });
}

/**
 * (value >> 8) of the conversion below, clamped to 0–255, at index value + CLAMP_OFFSET: the formula reaches
 * −277…534, and a table read is cheaper than a clamped store (a Uint8ClampedArray rounds and clamps each write).
 */
const CLAMP_OFFSET = 512;
const CLAMP = Uint8Array.from({ length: 1536 }, (_, i) => Math.max(0, Math.min(255, i - CLAMP_OFFSET)));

/**
 * A rectangle of an I420 frame as packed RGB24: the same pixels as converting the whole frame and cutting the
 * rectangle out (chroma is addressed by the frame's own coordinates), for a fraction of the work when only a
 * face crop is needed. The rectangle must lie inside the frame. Each chroma sample's terms are computed once for
 * the two pixels of a row that share it (the lip-sync pass converts ~36 face crops a case: ~60 → ~10 ms).
 */
export function i420RegionToRgb(src: Uint8Array, width: number, height: number, r: Rect): Buffer {
  const out = Buffer.allocUnsafe(r.width * r.height * 3);
  const cw = width >> 1;
  const uOff = width * height;
  const vOff = uOff + cw * (height >> 1);
  const T = CLAMP;
  const K = CLAMP_OFFSET;
  const x1 = r.x + r.width;
  let o = 0;
  for (let y = r.y; y < r.y + r.height; y++) {
    const row = y * width;
    const crow = (y >> 1) * cw;
    let x = r.x;
    while (x < x1) {
      const u = src[uOff + crow + (x >> 1)]! - 128;
      const v = src[vOff + crow + (x >> 1)]! - 128;
      const rv = 409 * v;
      const guv = -100 * u - 208 * v;
      const bu = 516 * u;
      // This pixel and, when it is the left one of its chroma pair and inside the rectangle, its right neighbour.
      const end = Math.min(x1, (x | 1) + 1);
      for (; x < end; x++) {
        const c = 298 * (src[row + x]! - 16) + 128;
        out[o++] = T[((c + rv) >> 8) + K]!;
        out[o++] = T[((c + guv) >> 8) + K]!;
        out[o++] = T[((c + bu) >> 8) + K]!;
      }
    }
  }
  return out;
}
