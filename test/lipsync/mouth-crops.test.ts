// Mouth crops at each spoken digit (issue #24 item 3): the pure geometry and sheet layout on synthetic frames,
// then the lip-sync engine on a generated genuine case (real ffmpeg decode, real landmark net): one row per digit,
// 2–3 crops inside each digit's time, and the crops show the mouth (darker where the engine measured it open).
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { createLipSyncEngine } from '../../service/lipsync/index.js';
import {
  cutRegion,
  cutSource,
  mouthCropCollector,
  mouthRegion,
  segmentAt,
  spreadIndices,
} from '../../service/lipsync/mouth-crops.js';
import { fixtureCase } from '../helpers/fixtures.js';

/** 68 landmarks: eyes centred at (cx ∓ iod/2, eyeY), the 20 mouth points on an ellipse around (cx, mouthY). */
function face(cx: number, eyeY: number, mouthY: number, iod: number, open: number): number[] {
  const lm = new Array<number>(136).fill(0);
  const set = (p: number, x: number, y: number) => {
    lm[2 * p] = x;
    lm[2 * p + 1] = y;
  };
  for (let p = 0; p < 48; p++) set(p, cx + (p < 42 ? -iod / 2 : iod / 2), eyeY);
  for (let p = 48; p < 68; p++) {
    const a = (2 * Math.PI * (p - 48)) / 20;
    set(p, cx + 0.4 * iod * Math.cos(a), mouthY + open * Math.sin(a));
  }
  return lm;
}

/** A grey frame with a black "mouth" of half-height `open` around (cx, mouthY). */
function frame(w: number, h: number, cx: number, mouthY: number, open: number, timeSec: number) {
  const data = Buffer.alloc(w * h * 3, 200);
  for (let y = Math.round(mouthY - open); y <= Math.round(mouthY + open); y++)
    for (let x = cx - 20; x <= cx + 20; x++) data.fill(0, (y * w + x) * 3, (y * w + x) * 3 + 3);
  return { width: w, height: h, data, timeSec };
}

const lumaAt = (rgb: Buffer, w: number, x: number, y: number) => {
  const o = (y * w + x) * 3;
  return (rgb[o]! + rgb[o + 1]! + rgb[o + 2]!) / 3;
};

describe('mouth crops (pure)', () => {
  it('spreads picks from the first to the last frame and finds the digit of an instant', () => {
    expect(spreadIndices(7, 3)).toEqual([0, 3, 6]);
    expect(spreadIndices(2, 3)).toEqual([0, 1]);
    expect(spreadIndices(1, 3)).toEqual([0]);
    expect(spreadIndices(0, 3)).toEqual([]);
    const segs = [
      { startSec: 1, endSec: 1.4 },
      { startSec: 2, endSec: 2.5 },
    ];
    expect([0.9, 1.2, 1.7, 2.5, 3].map((t) => segmentAt(segs, t))).toEqual([-1, 0, -1, 1, -1]);
  });

  it('frames the mouth at a scale set by the eyes, not by how open the mouth is', () => {
    const closed = mouthRegion(face(130, 100, 170, 60, 2), 4 / 3);
    const open = mouthRegion(face(130, 100, 170, 60, 20), 4 / 3);
    expect(closed.cx).toBeCloseTo(130, 6);
    expect(closed.cy).toBeCloseTo(170, 6);
    expect(closed.width).toBeCloseTo(96, 6);
    expect(closed.height).toBeCloseTo(72, 6);
    expect(open.width).toBeCloseTo(closed.width, 6);
  });

  it('resamples a region exactly at scale 1, repeating the edges outside the frame', () => {
    const img = {
      width: 8,
      height: 6,
      data: Buffer.from(Array.from({ length: 144 }, (_, i) => (i * 37) % 256)),
    };
    expect(cutRegion(img, { cx: 4, cy: 3, width: 8, height: 6 }, 8, 6)).toEqual(img.data);
    // Shifted 2 px left past the border: the first column repeats the frame's first column.
    const shifted = cutRegion(img, { cx: 2, cy: 3, width: 8, height: 6 }, 8, 6);
    for (let y = 0; y < 6; y++) {
      expect(shifted.subarray(y * 24, y * 24 + 3)).toEqual(img.data.subarray(y * 24, y * 24 + 3));
      expect(shifted.subarray(y * 24 + 6, y * 24 + 9)).toEqual(img.data.subarray(y * 24, y * 24 + 3));
    }
  });

  it('cuts the same tile from only the pixels cutSource names as from the whole frame', () => {
    const [w, h] = [61, 47];
    const img = {
      width: w,
      height: h,
      data: Buffer.from(Array.from({ length: w * h * 3 }, (_, i) => (i * 7919) % 251)),
    };
    for (const region of [
      { cx: 30.3, cy: 20.7, width: 17.6, height: 13.2 }, // inside, downscaled
      { cx: 10.1, cy: 30.4, width: 40.3, height: 30.2 }, // past the left edge
      { cx: 55.5, cy: 44.9, width: 9.7, height: 7.3 }, // bottom-right corner, upscaled
    ]) {
      const r = cutSource(w, h, region, 24, 18);
      expect(r.x >= 0 && r.y >= 0 && r.x + r.width <= w && r.y + r.height <= h).toBe(true);
      expect(r.width * r.height).toBeLessThan(w * h);
      const data = Buffer.alloc(r.width * r.height * 3);
      for (let y = 0; y < r.height; y++)
        img.data.copy(data, y * r.width * 3, ((r.y + y) * w + r.x) * 3, ((r.y + y) * w + r.x + r.width) * 3);
      const part = {
        img: { width: r.width, height: r.height, data },
        x: r.x,
        y: r.y,
        frameWidth: w,
        frameHeight: h,
      };
      expect(cutRegion(part, region, 24, 18)).toEqual(cutRegion(img, region, 24, 18));
    }
  });

  it('lays out one row per digit with up to 3 crops spread over its time, the mouth in the middle', async () => {
    const segments = [
      { digit: '4', startSec: 1, endSec: 1.5 },
      { digit: '7', startSec: 2, endSec: 2.2 },
      { digit: '1', startSec: 3, endSec: 3.4 },
    ];
    const c = mouthCropCollector(segments);
    // 12 fps over 0.5–3.6 s; the mouth is open only during the first digit; no usable face in the third.
    for (let k = 6; k <= 43; k++) {
      const t = Math.round((k / 12) * 1000) / 1000;
      if (t >= 3) continue;
      const open = t >= 1 && t <= 1.5 ? 12 : 1;
      c.add(frame(320, 240, 160, 150, open, t), face(160, 90, 150, 60, open));
    }
    const out = (await c.finish())!;
    expect(out.sheet).toMatchObject({ tileWidth: 96, tileHeight: 72, columns: 3, rows: 3 });
    const bySegment = [0, 1, 2].map((s) => out.sheet.tiles.filter((x) => x.segment === s));
    expect(bySegment.map((x) => x.length)).toEqual([3, 3, 0]);
    for (const [s, tiles] of bySegment.entries())
      for (const x of tiles) {
        expect(x.row).toBe(s);
        expect(x.timeSec).toBeGreaterThanOrEqual(segments[s]!.startSec);
        expect(x.timeSec).toBeLessThanOrEqual(segments[s]!.endSec);
      }
    // The first and last frames inside the digit are among the picks.
    expect(bySegment[0]!.map((x) => x.timeSec)).toEqual([1, 1.25, 1.5]);
    const { data, info } = await sharp(out.jpeg).raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height]).toEqual([288, 216]);
    // Open mouth: dark at the tile's centre and 10 px above it; closed mouth: dark only on the centre line.
    expect(lumaAt(data, 288, 48, 36)).toBeLessThan(60);
    expect(lumaAt(data, 288, 48, 26)).toBeLessThan(60);
    expect(lumaAt(data, 288, 48, 72 + 36)).toBeLessThan(100);
    expect(lumaAt(data, 288, 48, 72 + 26)).toBeGreaterThan(170);
    // The row without crops stays plain grey.
    expect(lumaAt(data, 288, 48, 144 + 36)).toBeGreaterThan(110);
    expect(lumaAt(data, 288, 48, 144 + 36)).toBeLessThan(150);
  });

  it('gives nothing when no digit had a usable face', async () => {
    expect(await mouthCropCollector([{ startSec: 1, endSec: 2 }]).finish()).toBeNull();
  });
});

describe('mouth crops from the lip-sync engine', () => {
  it('cuts 2–3 crops inside each spoken digit of a generated genuine case, showing the mouth', async () => {
    const engine = createLipSyncEngine();
    const c = await fixtureCase({ seed: 31, lang: 'en', formats: ['webm'] });
    const segments = c.truth.video.words.map((w) => ({ digit: w.digit, startSec: w.start, endSec: w.end }));
    const r = await engine.analyze({ video: c.webm!, segments, mouthCrops: {} });
    expect(r.decision).toBe('consistent');
    const out = r.mouthCrops!;
    expect(out.sheet.rows).toBe(segments.length);
    for (const [s, seg] of segments.entries()) {
      const tiles = out.sheet.tiles.filter((x) => x.segment === s);
      expect(tiles.length, `digit ${s}`).toBeGreaterThanOrEqual(2);
      expect(tiles.length).toBeLessThanOrEqual(3);
      for (const x of tiles) {
        expect(x.timeSec).toBeGreaterThanOrEqual(seg.startSec - 1e-3);
        expect(x.timeSec).toBeLessThanOrEqual(seg.endSec + 1e-3);
        // Each crop is a frame the engine measured a mouth on.
        expect(r.mouth.find((m) => m.timeSec === x.timeSec)?.opening).not.toBeNull();
      }
    }
    // The crops show the mouth: the most open one (by the engine's own measure) is darker at its centre than the
    // most closed one (the inside of an open mouth).
    const { data, info } = await sharp(out.jpeg).raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height]).toEqual([3 * 96, segments.length * 72]);
    const opening = (t: number) => r.mouth.find((m) => m.timeSec === t)!.opening!;
    const sorted = [...out.sheet.tiles].sort((a, b) => opening(a.timeSec) - opening(b.timeSec));
    const centre = (x: (typeof sorted)[number]) => {
      let sum = 0;
      for (let dy = -4; dy <= 4; dy++)
        for (let dx = -8; dx <= 8; dx++)
          sum += lumaAt(data, info.width, x.column * 96 + 48 + dx, x.row * 72 + 36 + dy);
      return sum / (9 * 17);
    };
    expect(opening(sorted.at(-1)!.timeSec)).toBeGreaterThan(opening(sorted[0]!.timeSec) + 0.1);
    expect(centre(sorted.at(-1)!)).toBeLessThan(centre(sorted[0]!) - 30);
    // Not asked for: no crops, and the measure itself is the same with or without them.
    const plain = await engine.analyze({ video: c.webm!, segments });
    expect(plain.mouthCrops).toBeUndefined();
    expect(plain.mouth).toEqual(r.mouth);
    expect([plain.score, plain.lagSec, plain.framesUsed]).toEqual([r.score, r.lagSec, r.framesUsed]);
  }, 240_000);
});
