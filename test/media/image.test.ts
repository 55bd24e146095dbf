// Still images through sharp: orientation, formats, pixel cap, malformed inputs; encoders; type sniffing.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import {
  decodeImage,
  encodeJpeg,
  encodePng,
  MediaError,
  sniffMediaType,
  type MediaErrorCode,
  type RgbImage,
} from '../../service/media/index.js';
import { tempDir } from '../helpers/env.js';
import { ff, pngBomb } from './generate.js';

async function codeOf(p: Promise<unknown>): Promise<MediaErrorCode> {
  try {
    await p;
  } catch (e) {
    if (e instanceof MediaError) return e.code;
    throw e;
  }
  throw new Error('expected a MediaError, got success');
}

/** W×H RGB image: left half red, right half blue. */
function halves(w: number, h: number): RgbImage {
  const data = Buffer.alloc(w * h * 3);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) data.set(x < w / 2 ? [255, 0, 0] : [0, 0, 255], (y * w + x) * 3);
  return { width: w, height: h, data };
}

function px(img: RgbImage, x: number, y: number): number[] {
  const i = (y * img.width + x) * 3;
  return [img.data[i]!, img.data[i + 1]!, img.data[i + 2]!];
}

const raw = (img: RgbImage) =>
  sharp(img.data, { raw: { width: img.width, height: img.height, channels: 3 } });

describe('decodeImage', () => {
  it('applies EXIF orientation 6 (rotate 90° clockwise): size swapped, content upright', async () => {
    const jpeg = await raw(halves(200, 100))
      .jpeg({ quality: 95 })
      .withMetadata({ orientation: 6 })
      .toBuffer();
    const meta = await sharp(jpeg).metadata();
    expect([meta.width, meta.height, meta.orientation]).toEqual([200, 100, 6]);
    const img = await decodeImage(jpeg);
    expect([img.width, img.height]).toEqual([100, 200]);
    expect(img.data.length).toBe(100 * 200 * 3);
    // stored left (red) becomes the top, right (blue) the bottom
    const top = px(img, 50, 20);
    const bottom = px(img, 50, 180);
    expect(top[0]).toBeGreaterThan(200);
    expect(top[2]).toBeLessThan(60);
    expect(bottom[2]).toBeGreaterThan(200);
    expect(bottom[0]).toBeLessThan(60);
  });

  it('decodes PNG with alpha and WebP to RGB, from a buffer or a path', async () => {
    const dir = tempDir('idv-img-');
    const rgba = await raw(halves(64, 32)).ensureAlpha().png().toBuffer();
    const png = await decodeImage(rgba);
    expect([png.width, png.height, png.data.length]).toEqual([64, 32, 64 * 32 * 3]);
    expect(px(png, 5, 5)).toEqual([255, 0, 0]);
    const webpPath = join(dir, 'x.webp');
    writeFileSync(webpPath, await raw(halves(64, 32)).webp({ lossless: true }).toBuffer());
    const webp = await decodeImage(webpPath);
    expect(px(webp, 60, 5)).toEqual([0, 0, 255]);
  });

  it('decodes BMP (24-bit and 8-bit palette, as ffmpeg writes them), refuses a truncated or oversized one', async () => {
    const dir = tempDir('idv-bmp-');
    const src = join(dir, 'src.png');
    // Red top half, blue bottom half: BMP rows are stored bottom-up.
    writeFileSync(src, await raw(halves(32, 64)).rotate(90).png().toBuffer());
    for (const pixFmt of ['bgr24', 'pal8']) {
      // Named .jpg, as scanners' BMPs sometimes are: the bytes decide.
      const out = join(dir, `${pixFmt}.jpg`);
      ff(['-i', src, '-c:v', 'bmp', '-pix_fmt', pixFmt, '-f', 'image2', out]);
      const bytes = readFileSync(out);
      expect((await sniffMediaType(bytes))?.mime).toBe('image/bmp');
      const img = await decodeImage(out);
      expect([img.width, img.height, img.data.length]).toEqual([64, 32, 64 * 32 * 3]);
      // Upright: red on top, blue below, left and right (ffmpeg's palette rounds to within 8).
      const near = (a: number[], b: number[]) => a.every((v, k) => Math.abs(v - b[k]!) <= 8);
      for (const x of [1, 60]) {
        expect(near(px(img, x, 2), [255, 0, 0])).toBe(true);
        expect(near(px(img, x, 29), [0, 0, 255])).toBe(true);
      }
      expect(await codeOf(decodeImage(bytes.subarray(0, Math.floor(bytes.length * 0.6))))).toBe('corrupt');
      expect(await codeOf(decodeImage(bytes, { maxPixels: 2000 }))).toBe('too_many_pixels');
      const small = await decodeImage(bytes, { maxSide: 16 });
      expect([small.width, small.height]).toEqual([16, 8]);
    }
  });

  it('downscales to maxSide after orientation', async () => {
    const jpeg = await raw(halves(400, 200)).jpeg().withMetadata({ orientation: 6 }).toBuffer();
    const img = await decodeImage(jpeg, { maxSide: 100 });
    expect([img.width, img.height]).toEqual([50, 100]);
  });

  it('refuses a decompression bomb from its header: too_many_pixels', async () => {
    const bomb = pngBomb(30000, 30000);
    expect(bomb.length).toBeLessThan(2000);
    const t0 = Date.now();
    expect(await codeOf(decodeImage(bomb, { maxPixels: 50_000_000 }))).toBe('too_many_pixels');
    expect(Date.now() - t0).toBeLessThan(2000); // refused before decoding
    // a real image just above a low cap, too
    const real = await raw(halves(100, 100)).png().toBuffer();
    expect(await codeOf(decodeImage(real, { maxPixels: 9_999 }))).toBe('too_many_pixels');
  });

  it('malformed and refused images give typed errors', async () => {
    const jpeg = await raw(halves(320, 240)).jpeg().toBuffer();
    expect(await codeOf(decodeImage(jpeg.subarray(0, Math.floor(jpeg.length * 0.6))))).toBe('corrupt');
    const damaged = Buffer.from(jpeg);
    damaged.fill(0xff, 200, 600); // header intact, scan data destroyed
    expect(await codeOf(decodeImage(damaged))).toBe('corrupt');
    expect(await codeOf(decodeImage(Buffer.alloc(0)))).toBe('not_media');
    expect(await codeOf(decodeImage(Buffer.from('hello, not an image')))).toBe('not_media');
    expect(await codeOf(decodeImage(await raw(halves(8, 8)).gif().toBuffer()))).toBe('unsupported_format');
    expect(await codeOf(decodeImage(await raw(halves(8, 8)).tiff().toBuffer()))).toBe('unsupported_format');
    expect(await codeOf(decodeImage(jpeg, { maxBytes: 100 }))).toBe('too_large');
  });
});

describe('encoders', () => {
  it('JPEG and PNG round-trip', async () => {
    const img = halves(40, 20);
    const j = await decodeImage(await encodeJpeg(img, 90));
    expect([j.width, j.height]).toEqual([40, 20]);
    expect(px(j, 2, 2)[0]).toBeGreaterThan(200);
    const p = await decodeImage(await encodePng(img));
    expect(p.data.equals(img.data)).toBe(true);
    expect(() => encodePng({ width: 10, height: 10, data: Buffer.alloc(5) })).toThrow(RangeError);
  });
});

describe('sniffMediaType (types from the bytes)', () => {
  it('recognises accepted images and videos and refuses the rest', async () => {
    const dir = tempDir('idv-sniff-');
    const img = halves(16, 16);
    expect(await sniffMediaType(await encodeJpeg(img))).toEqual({
      ext: 'jpg',
      mime: 'image/jpeg',
      accepted: 'image',
    });
    expect((await sniffMediaType(await encodePng(img)))?.accepted).toBe('image');
    expect((await sniffMediaType(await raw(img).webp().toBuffer()))?.accepted).toBe('image');
    writeFileSync(join(dir, 'x.png'), await encodePng(img));
    const bmp = join(dir, 'x.bmp');
    ff(['-i', join(dir, 'x.png'), '-c:v', 'bmp', '-f', 'image2', bmp]);
    expect(await sniffMediaType(readFileSync(bmp))).toEqual({
      ext: 'bmp',
      mime: 'image/bmp',
      accepted: 'image',
    });
    const gif = await sniffMediaType(await raw(img).gif().toBuffer());
    expect(gif?.mime).toBe('image/gif');
    expect(gif?.accepted).toBeUndefined();
    ff([
      '-f',
      'lavfi',
      '-i',
      'testsrc2=s=64x48:d=0.2',
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      join(dir, 'a.mp4'),
    ]);
    ff(['-f', 'lavfi', '-i', 'testsrc2=s=64x48:d=0.2', '-c:v', 'libvpx', join(dir, 'a.webm')]);
    expect(await sniffMediaType(readFileSync(join(dir, 'a.mp4')))).toMatchObject({ accepted: 'video' });
    expect(await sniffMediaType(readFileSync(join(dir, 'a.webm')))).toMatchObject({
      mime: 'video/webm',
      accepted: 'video',
    });
    expect(await sniffMediaType(Buffer.from('just text'))).toBeUndefined();
    expect(await sniffMediaType(Buffer.alloc(0))).toBeUndefined();
  });
});
