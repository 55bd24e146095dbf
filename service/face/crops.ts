// Small JPEG crops of faces for the reviewer UI (never logged, never stored by this module).
import sharp from 'sharp';
import type { Box, RgbImage } from './types.js';

/** JPEG of the region around `box` (padded by `pad` × size on each side), long side at most `maxSide` px. */
/** The region of `img` that faceCropJpeg keeps for this box and padding (pixels). */
export function cropRegion(
  img: { width: number; height: number },
  box: Box,
  pad = 0.4,
): { left: number; top: number; width: number; height: number } {
  const side = Math.max(box.width, box.height);
  const left = Math.max(0, Math.floor(box.x - side * pad));
  const top = Math.max(0, Math.floor(box.y - side * pad));
  const right = Math.min(img.width, Math.ceil(box.x + box.width + side * pad));
  const bottom = Math.min(img.height, Math.ceil(box.y + box.height + side * pad));
  return { left, top, width: Math.max(1, right - left), height: Math.max(1, bottom - top) };
}

/**
 * The 68 landmarks in the crop's own frame, as fractions of its width and height (3 decimals): the console draws
 * them over the crop at any display size and scales crops to the same eye distance.
 */
export function landmarksInCrop(
  img: { width: number; height: number },
  box: Box,
  landmarks: readonly number[],
  pad = 0.4,
): number[] {
  const r = cropRegion(img, box, pad);
  return landmarks.map(
    (v, i) => Math.round((i % 2 === 0 ? (v - r.left) / r.width : (v - r.top) / r.height) * 1000) / 1000,
  );
}

export async function faceCropJpeg(
  img: RgbImage,
  box: Box,
  pad = 0.4,
  maxSide = 256,
  quality = 80,
): Promise<Buffer> {
  const side = Math.max(box.width, box.height);
  const left = Math.max(0, Math.floor(box.x - side * pad));
  const top = Math.max(0, Math.floor(box.y - side * pad));
  const right = Math.min(img.width, Math.ceil(box.x + box.width + side * pad));
  const bottom = Math.min(img.height, Math.ceil(box.y + box.height + side * pad));
  const width = Math.max(1, right - left);
  const height = Math.max(1, bottom - top);
  return sharp(img.data, { raw: { width: img.width, height: img.height, channels: 3 } })
    .extract({ left: Math.min(left, img.width - 1), top: Math.min(top, img.height - 1), width, height })
    .resize({ width: maxSide, height: maxSide, fit: 'inside', withoutEnlargement: true })
    .jpeg({ quality })
    .toBuffer();
}
