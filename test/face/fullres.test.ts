// Descriptor views cut from the full-resolution frame (service/face/fullres.ts): the region, box and landmarks
// must show the same face as the analysed frame, at the full frame's pixels.
import { describe, expect, it } from 'vitest';
import { cardFullView, liveFullView } from '../../service/face/fullres.js';
import type { RgbImage } from '../../service/face/types.js';

/** A frame whose pixel at (x, y) encodes its position (R, G: low bytes of x and y; B: their high bits). */
function positional(width: number, height: number): RgbImage {
  const data = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      data[i] = x & 255;
      data[i + 1] = y & 255;
      data[i + 2] = (x >> 8) | ((y >> 8) << 4);
    }
  return { width, height, data };
}
const at = (img: RgbImage, x: number, y: number) => {
  const i = (Math.floor(y) * img.width + Math.floor(x)) * 3;
  const hi = img.data[i + 2]!;
  return { x: img.data[i]! + 256 * (hi & 15), y: img.data[i + 1]! + 256 * (hi >> 4) };
};

describe('full-resolution views', () => {
  const analysed = { width: 640, height: 360, data: Buffer.alloc(640 * 360 * 3) };
  const full = positional(1280, 720);

  it('the live face: box and landmarks scaled, in the crop’s coordinates, over the same full-frame pixels', () => {
    const box = { x: 300, y: 100, width: 60, height: 70 };
    const landmarks = Array.from({ length: 136 }, (_, i) => (i % 2 === 0 ? 310 + (i % 40) : 120 + (i % 30)));
    const v = liveFullView(analysed, full, box, landmarks);
    expect(v.box.width).toBe(120);
    expect(v.box.height).toBe(140);
    // One face side of margin: the region is 3× the face, so dlib's padded chip sees real pixels.
    expect(v.image.width).toBe(120 + 2 * 140);
    // The box's corner in the crop is the full frame's pixel (600, 200).
    expect(at(v.image, v.box.x, v.box.y)).toEqual({ x: 600, y: 200 });
    for (let i = 0; i < 136; i += 2)
      expect(at(v.image, v.landmarks![i]!, v.landmarks![i + 1]!)).toEqual({
        x: Math.floor(landmarks[i]! * 2),
        y: Math.floor(landmarks[i + 1]! * 2),
      });
  });

  it('stays inside the frame near its edge', () => {
    const v = liveFullView(analysed, full, { x: 2, y: 300, width: 50, height: 55 }, Array(136).fill(10));
    expect(v.image.height).toBeLessThanOrEqual(720 - Math.floor(600 - 110));
    expect(at(v.image, v.box.x, v.box.y)).toEqual({ x: 4, y: 600 });
  });

  it('a card candidate: upright at full resolution, turned views too', () => {
    const card = {
      box: { x: 400, y: 200, width: 20, height: 24 },
      score: 0.5,
      landmarks: [],
      descriptor: [],
      sharpness: 0,
    };
    const up = cardFullView(analysed, full, card);
    expect([up.box.width, up.box.height]).toEqual([40, 48]);
    expect(at(up.image, up.box.x, up.box.y)).toEqual({ x: 800, y: 400 });
    const down = cardFullView(analysed, full, { ...card, turn: 180 });
    expect([down.box.width, down.box.height]).toEqual([40, 48]);
    // Turned half round: the view's top-left is the candidate's bottom-right corner (within a pixel).
    const p = at(down.image, down.box.x, down.box.y);
    expect(Math.abs(p.x - 840)).toBeLessThanOrEqual(1);
    expect(Math.abs(p.y - 448)).toBeLessThanOrEqual(1);
  });
});
