// Still images (document photos): JPEG with its EXIF orientation applied, PNG, WebP → RGB24. The header is read
// first so that a decompression bomb is refused from its declared size before any pixel is decoded; sharp's
// `limitInputPixels` is kept as a second guard.
import { readFile, stat } from 'node:fs/promises';
import sharp from 'sharp';
import { MediaError } from './media-error.js';
import { DEFAULT_IMAGE_LIMITS } from './limits.js';
import { sniffMediaType } from './sniff.js';
import type { RgbImage } from './types.js';

export interface DecodeImageOptions {
  /** Refuse images whose header declares more pixels. Default 50 000 000. */
  maxPixels?: number;
  /** Refuse inputs larger than this many bytes. Default 20 MiB. */
  maxBytes?: number;
  /** Downscale so the long side is at most this (after orientation). Default: no downscaling. */
  maxSide?: number;
}

const ACCEPTED = new Set(['jpeg', 'png', 'webp']);

export async function decodeImage(input: Buffer | string, opts: DecodeImageOptions = {}): Promise<RgbImage> {
  const maxPixels = opts.maxPixels ?? DEFAULT_IMAGE_LIMITS.maxPixels;
  const maxBytes = opts.maxBytes ?? DEFAULT_IMAGE_LIMITS.maxBytes;
  const size = typeof input === 'string' ? (await stat(input)).size : input.length;
  if (size > maxBytes)
    throw new MediaError('too_large', `image is ${size} bytes, limit ${maxBytes}`, {
      value: size,
      limit: maxBytes,
    });
  if (size === 0) throw new MediaError('not_media', 'empty file');
  const bytes = typeof input === 'string' ? await readFile(input) : input;

  const kind = await sniffMediaType(bytes);
  if (!kind) throw new MediaError('not_media', 'bytes match no known image type');
  if (kind.accepted !== 'image')
    throw new MediaError('unsupported_format', `${kind.mime} is not an accepted image type`);

  let meta: sharp.Metadata;
  try {
    meta = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch (cause) {
    throw new MediaError('corrupt', 'image header unreadable', undefined, { cause });
  }
  if (!meta.format || !ACCEPTED.has(meta.format))
    throw new MediaError('unsupported_format', `${meta.format ?? 'unknown'} images are not accepted`);
  const w = meta.width ?? 0;
  const h = meta.height ?? 0;
  if (w <= 0 || h <= 0) throw new MediaError('corrupt', 'image has no size');
  if (w * h > maxPixels)
    throw new MediaError('too_many_pixels', `image declares ${w}x${h}`, { value: w * h, limit: maxPixels });

  try {
    // failOn 'error': a truncated JPEG is refused rather than returned half grey.
    let img = sharp(bytes, { limitInputPixels: maxPixels, failOn: 'error' }).rotate();
    if (opts.maxSide)
      img = img.resize({
        width: opts.maxSide,
        height: opts.maxSide,
        fit: 'inside',
        withoutEnlargement: true,
      });
    const { data, info } = await img
      .removeAlpha()
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3)
      throw new MediaError('unsupported_format', `image decodes to ${info.channels} channels`);
    return { width: info.width, height: info.height, data };
  } catch (cause) {
    if (cause instanceof MediaError) throw cause;
    const msg = cause instanceof Error ? cause.message : String(cause);
    if (/pixel limit/i.test(msg))
      throw new MediaError('too_many_pixels', 'image exceeds the pixel limit', undefined, { cause });
    throw new MediaError('corrupt', 'image cannot be decoded', undefined, { cause });
  }
}

/** JPEG bytes of an RGB image (crops shown to reviewers). */
export function encodeJpeg(img: RgbImage, quality = 85): Promise<Buffer> {
  return sharpOf(img).jpeg({ quality, mozjpeg: false }).toBuffer();
}

/** PNG bytes of an RGB image. */
export function encodePng(img: RgbImage): Promise<Buffer> {
  return sharpOf(img).png().toBuffer();
}

function sharpOf(img: RgbImage): sharp.Sharp {
  if (img.data.length !== img.width * img.height * 3)
    throw new RangeError('RGB buffer size does not match width × height × 3');
  return sharp(img.data, { raw: { width: img.width, height: img.height, channels: 3 } });
}
