// Still images (document photos): JPEG with its EXIF orientation applied, PNG, WebP, BMP → RGB24. The header is
// read first so that a decompression bomb is refused from its declared size before any pixel is decoded; sharp's
// `limitInputPixels` is kept as a second guard. BMP (document-reader scans, often saved under another name) is
// decoded by Skia through @napi-rs/canvas: libvips, under sharp, has no BMP loader.
import { readFile, stat } from 'node:fs/promises';
import { createCanvas, loadImage } from '@napi-rs/canvas';
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
  if (kind.mime === 'image/bmp') return decodeBmp(bytes, maxPixels, opts.maxSide);

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

/**
 * What a BMP header declares (BITMAPCOREHEADER or a later BITMAPINFOHEADER): the size, and the bytes the file
 * must hold for its pixels (0 when the header cannot say, as for RLE without a stored size); null when the
 * bytes are no BMP header.
 */
export function bmpHeader(bytes: Uint8Array): { width: number; height: number; needBytes: number } | null {
  if (bytes.length < 30 || bytes[0] !== 0x42 || bytes[1] !== 0x4d) return null;
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const offBits = v.getUint32(10, true);
  const dib = v.getUint32(14, true);
  const stride = (w: number, bpp: number): number => Math.ceil((w * bpp) / 32) * 4;
  if (dib === 12) {
    const width = v.getUint16(18, true);
    const height = v.getUint16(20, true);
    return { width, height, needBytes: offBits + stride(width, v.getUint16(24, true)) * height };
  }
  if (dib < 40 || bytes.length < 38) return null;
  // A negative height means rows stored top-down.
  const width = Math.abs(v.getInt32(18, true));
  const height = Math.abs(v.getInt32(22, true));
  const bpp = v.getUint16(28, true);
  const compression = v.getUint32(30, true);
  const sizeImage = v.getUint32(34, true);
  // BI_RGB and BI_BITFIELDS store whole rows; compressed pixels only say their size when it is stored.
  const pixels = compression === 0 || compression === 3 ? stride(width, bpp) * height : sizeImage;
  return { width, height, needBytes: pixels ? offBits + pixels : 0 };
}

async function decodeBmp(bytes: Buffer, maxPixels: number, maxSide?: number): Promise<RgbImage> {
  const head = bmpHeader(bytes);
  if (!head || head.width <= 0 || head.height <= 0)
    throw new MediaError('corrupt', 'image header unreadable');
  const { width: w, height: h } = head;
  if (w * h > maxPixels)
    throw new MediaError('too_many_pixels', `image declares ${w}x${h}`, { value: w * h, limit: maxPixels });
  // Skia paints the missing rows of a truncated BMP grey: refuse it, as a truncated JPEG is.
  if (bytes.length < head.needBytes) throw new MediaError('corrupt', 'image is truncated');
  let rgba: Uint8ClampedArray;
  try {
    const img = await loadImage(bytes);
    if (img.width !== w || img.height !== h) throw new Error(`decoded ${img.width}x${img.height}`);
    const ctx = createCanvas(w, h).getContext('2d');
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, w, h);
    ctx.drawImage(img, 0, 0);
    rgba = ctx.getImageData(0, 0, w, h).data;
  } catch (cause) {
    throw new MediaError('corrupt', 'image cannot be decoded', undefined, { cause });
  }
  const data = Buffer.alloc(w * h * 3);
  for (let i = 0, j = 0; j < data.length; i += 4, j += 3) {
    data[j] = rgba[i]!;
    data[j + 1] = rgba[i + 1]!;
    data[j + 2] = rgba[i + 2]!;
  }
  const out: RgbImage = { width: w, height: h, data };
  if (!maxSide || Math.max(w, h) <= maxSide) return out;
  const r = await sharpOf(out)
    .resize({ width: maxSide, height: maxSide, fit: 'inside', withoutEnlargement: true })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { width: r.info.width, height: r.info.height, data: r.data };
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
