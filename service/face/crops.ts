// Small JPEG crops of faces for the reviewer UI (never logged, never stored by this module).
import sharp from 'sharp';
import type { Box, RgbImage } from './types.js';

/** JPEG of the region around `box` (padded by `pad` × size on each side), long side at most `maxSide` px. */
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
