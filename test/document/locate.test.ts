// Grouping located text lines into candidate MRZ blocks.
import { describe, expect, it } from 'vitest';
import { groupBlocks, type TextLine } from '../../service/document/locate.js';

/** A horizontal line centred at (cx, cy), `length` long and `height` high. */
const line = (cx: number, cy: number, length: number, height: number): TextLine => ({
  cx,
  cy,
  ux: 1,
  uy: 0,
  s0: -length / 2,
  s1: length / 2,
  t0: -height / 2,
  t1: height / 2,
  mass: length * height,
});

describe('MRZ block grouping', () => {
  it('groups two or three parallel lines of one height, longest blocks first', () => {
    const mrz = [line(500, 600, 900, 24), line(500, 640, 900, 24), line(500, 680, 880, 24)];
    const blocks = groupBlocks(mrz);
    expect(blocks[0]!.lines).toHaveLength(3);
    expect(blocks.slice(1).every((b) => b.lines.length === 2)).toBe(true);
  });

  it('does not pair an MRZ line with a band several times taller (a portrait, a block of text)', () => {
    // Found as one tall "line" above the MRZ: it must not be tried as a line of it.
    const tall = line(480, 420, 880, 130);
    const mrz = [line(500, 620, 900, 24), line(500, 660, 900, 24)];
    const blocks = groupBlocks([tall, ...mrz]);
    expect(blocks).toHaveLength(1);
    expect(blocks[0]!.lines).toEqual(mrz);
  });
});
