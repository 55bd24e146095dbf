// Documents photographed well askew (beyond the ±20° the locator takes): the text angle is estimated from the
// ink and the photo turned by it. Generated passport photos with the card placed at 30–40°.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createDocumentEngine, type DocumentEngine } from '../../service/document/index.js';
import { textAngle, turnImage, turnedToSource } from '../../service/document/deskew.js';
import { toGray, type GrayImage } from '../../service/document/gray.js';
import {
  generateDocumentSet,
  type MrzIndexEntry,
  type PhotoTruth,
} from '../../service/fixtures/document-set.js';
import { decodeImage } from '../../service/media/index.js';
import { tempDir } from '../helpers/env.js';

const RULES = { allowedTypes: ['ID_CARD', 'PASSPORT', 'RESIDENCE_PERMIT'], minimumAge: 18 };

let engine: DocumentEngine;
let dir: string;
let index: MrzIndexEntry[];
let truth: PhotoTruth[];
beforeAll(async () => {
  engine = await createDocumentEngine();
  dir = tempDir('idv-deskew-');
  index = await generateDocumentSet({
    n: 3,
    seed: 2311,
    out: dir,
    types: ['passport'],
    rotationDeg: [30, 40],
  });
  truth = JSON.parse(readFileSync(join(dir, 'photos.json'), 'utf8')) as PhotoTruth[];
}, 120_000);

/** The direction of the card's top edge in its photo (degrees clockwise), from the corners the generator records. */
function cardAngle(file: string): number {
  const [tl, tr] = truth.find((t) => t.file === file)!.corners as [[number, number], [number, number]];
  return (Math.atan2(tr[1] - tl[1], tr[0] - tl[0]) * 180) / Math.PI;
}

describe('deskew', () => {
  it('a point of the turned frame maps back onto the same pixel of the photo', () => {
    const g: GrayImage = { width: 40, height: 30, data: new Float32Array(1200).fill(1) };
    g.data[12 * 40 + 31] = 0; // one dark pixel
    const t = turnImage(g, 35);
    let best = 0;
    for (let i = 1; i < t.data.length; i++) if (t.data[i]! < t.data[best]!) best = i;
    const p = turnedToSource({ x: (best % t.width) + 0.5, y: Math.floor(best / t.width) + 0.5 }, g, 35);
    expect(Math.abs(p.x - 31.5)).toBeLessThan(1);
    expect(Math.abs(p.y - 12.5)).toBeLessThan(1);
  });

  it('estimates the text angle of the photo', async () => {
    // Coarse (the card's mild perspective tilts its lines a few degrees from its top edge): it only has to
    // bring the lines within the locator's ±20°.
    for (const e of index) {
      const photo = await decodeImage(join(dir, e.file));
      expect(Math.abs(textAngle(toGray(photo)) - cardAngle(e.file))).toBeLessThan(5);
    }
  });

  it('reads passports photographed 30–40° askew, and places the MRZ back on the photo', async () => {
    for (const e of index) {
      const photo = await decodeImage(join(dir, e.file));
      const a = await engine.read({ images: [photo], ...RULES });
      expect(a.status).toBe('read');
      expect(a.lines).toEqual(e.mrz);
      expect(a.mrzBox?.tilt).toBeDefined();
      // The reviewer's crop: each line's ends lie on the photo and run along the card.
      for (const l of a.mrzView!.lines) {
        for (const [x, y] of [
          [l.x0, l.y0],
          [l.x1, l.y1],
        ] as const) {
          expect(x).toBeGreaterThan(0);
          expect(x).toBeLessThan(photo.width);
          expect(y).toBeGreaterThan(0);
          expect(y).toBeLessThan(photo.height);
        }
        const deg = (Math.atan2(l.y1 - l.y0, l.x1 - l.x0) * 180) / Math.PI;
        expect(Math.abs(deg - cardAngle(e.file))).toBeLessThan(5);
      }
    }
  }, 90_000);
});
