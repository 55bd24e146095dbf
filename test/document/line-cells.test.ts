// Pure segmentation helpers of the cell cutter (no model).
import { describe, expect, it } from 'vitest';
import { glyphsToN } from '../../service/document/line-cells.js';

/** Column ink profile of glyphs given as [start, width] runs, each `h` pixels of ink per column. */
function profile(width: number, runs: [number, number][], h = 20): Float64Array {
  const cols = new Float64Array(width);
  for (const [a, w] of runs) for (let x = a; x < a + w; x++) cols[x] = h;
  return cols;
}

describe('glyphsToN', () => {
  const bandH = 24;
  const even = Array.from({ length: 10 }, (_, i): [number, number] => [10 + i * 20, 12]);

  it('returns the glyph centres when the runs are the glyphs', () => {
    const g = glyphsToN(profile(230, even), bandH, 10)!;
    expect(g.centres).toEqual(even.map(([a, w]) => a + w / 2));
    expect(g.pitch).toBe(20);
  });

  it('merges a glyph broken in two and drops specks', () => {
    const runs = even.slice();
    runs.splice(3, 1, [70, 5], [77, 5]);
    const cols = profile(230, runs);
    cols[225] = 1; // a speck: far below a glyph's ink
    const g = glyphsToN(cols, bandH, 10)!;
    expect(g.centres).toHaveLength(10);
    expect(g.centres[3]).toBeCloseTo(76, 5);
  });

  it('splits two touching glyphs at their thinnest column', () => {
    const runs = even.slice();
    runs.splice(4, 2, [90, 32]);
    const cols = profile(230, runs);
    cols[106] = 3; // the thin join between the two glyphs
    const g = glyphsToN(cols, bandH, 10)!;
    expect(g.centres).toHaveLength(10);
    expect(g.centres[4]).toBeCloseTo(98, 5);
    expect(g.centres[5]).toBeCloseTo(114, 5);
  });
});
