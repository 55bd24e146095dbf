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
 * A rectangle of an I420 frame as packed RGB24: the same pixels as converting the whole frame and cutting the
 * rectangle out (chroma is addressed by the frame's own coordinates), for a fraction of the work when only a
 * face crop is needed. The rectangle must lie inside the frame.
 */
export function i420RegionToRgb(src: Uint8Array, width: number, height: number, r: Rect): Buffer {
  // A clamped array clamps each value to 0–255 as it is written (no branch per channel).
  const out = new Uint8ClampedArray(r.width * r.height * 3);
  const cw = width >> 1;
  const uOff = width * height;
  const vOff = uOff + cw * (height >> 1);
  let o = 0;
  for (let y = r.y; y < r.y + r.height; y++) {
    const row = y * width;
    const crow = (y >> 1) * cw;
    for (let x = r.x; x < r.x + r.width; x++) {
      const c = 298 * (src[row + x]! - 16) + 128;
      const u = src[uOff + crow + (x >> 1)]! - 128;
      const v = src[vOff + crow + (x >> 1)]! - 128;
      out[o++] = (c + 409 * v) >> 8;
      out[o++] = (c - 100 * u - 208 * v) >> 8;
      out[o++] = (c + 516 * u) >> 8;
    }
  }
  return Buffer.from(out.buffer, out.byteOffset, out.length);
}
