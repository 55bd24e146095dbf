// Same-glyph evidence on real rendered OCR-B lines cut by the engine's own cutter (no model: the
// classifier's probabilities are set by hand, as a classifier unsure of one printer's 'M' would give them).
import { createCanvas, GlobalFonts } from '@napi-rs/canvas';
import { beforeAll, describe, expect, it } from 'vitest';
import { MRZ_ALPHABET } from '../../service/document/check-digit.js';
import { GlyphSimilarity, reweighBySameGlyph } from '../../service/document/consistency.js';
import { decodeBlock } from '../../service/document/decode.js';
import type { GrayImage } from '../../service/document/gray.js';
import { CLASS_CHARS } from '../../service/document/layouts.js';
import { lineCuts } from '../../service/document/line-cells.js';
import { OCRB_PATH } from '../../service/fixtures/document.js';
import { probsFor, setCell, td3 } from './mrz-builders.js';

const K = MRZ_ALPHABET.length;

/** One MRZ line drawn in OCR-B, black on white, 24 px pitch. */
function renderLine(text: string): GrayImage {
  const pitch = 24;
  const w = pitch * (text.length + 2);
  const h = 48;
  const c = createCanvas(w, h);
  const ctx = c.getContext('2d');
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, w, h);
  ctx.fillStyle = '#000';
  ctx.font = `${pitch / 0.7}px OCRB`;
  ctx.textAlign = 'center';
  for (let i = 0; i < text.length; i++) ctx.fillText(text[i]!, pitch * (i + 1.5), 36);
  const rgba = ctx.getImageData(0, 0, w, h).data;
  const data = new Float32Array(w * h);
  for (let i = 0; i < w * h; i++) data[i] = rgba[4 * i]! / 255;
  return { width: w, height: h, data };
}

function cellsOf(lines: string[]): Float32Array[] {
  return lines.map((l) => lineCuts(renderLine(l), l.length)[0]!.cells);
}

const passport = td3({
  names: 'BADAT<<SAAJID<MUHAMMAD',
  number: '026725401',
  birth: '790328',
  sex: 'M',
  expiry: '070422',
});

beforeAll(() => {
  GlobalFonts.registerFromPath(OCRB_PATH, 'OCRB');
});

describe('same-glyph evidence', () => {
  it('moves an uncertain cell towards the character that identical cells of the zone are read as', () => {
    const cells = cellsOf(passport);
    const probs = probsFor(passport, 0.995);
    const m = passport[0]!.indexOf('MUHAMMAD') + 5; // the second 'M' of MUHAMMAD
    expect(passport[0]![m]).toBe('M');
    setCell(probs, 0, m, { H: 0.7, M: 0.3 });
    const h = passport[0]!.indexOf('MUHAMMAD') + 2; // the 'H': unsure too, but it looks like no 'M'
    setCell(probs, 0, h, { H: 0.6, M: 0.4 });
    const allowed = Array.from({ length: 88 }, () => CLASS_CHARS.X);
    const allCells = new Float32Array(cells[0]!.length * 2);
    cells.forEach((c, l) => allCells.set(c, l * c.length));
    const all = new Float32Array(88 * K);
    probs.forEach((p, l) => all.set(p, l * 44 * K));
    const out = reweighBySameGlyph(new GlyphSimilarity(allCells), all, allowed);
    const p = (i: number, ch: string): number => out[i * K + MRZ_ALPHABET.indexOf(ch)]!;
    expect(p(m, 'M')).toBeGreaterThan(p(m, 'H'));
    expect(p(h, 'H')).toBeGreaterThan(p(h, 'M'));
    expect(p(h, 'H')).toBeCloseTo(0.6, 1);
    // Confident cells are left as they were.
    expect(p(0, 'P')).toBe(all[MRZ_ALPHABET.indexOf('P')]);
  });

  it('lets the decoder accept a name it would otherwise refuse, and only with the cells', () => {
    const probs = probsFor(passport, 0.995);
    const m = passport[0]!.indexOf('MUHAMMAD') + 5;
    setCell(probs, 0, m, { H: 0.55, M: 0.45 });
    const without = decodeBlock(probs, 44)!;
    expect(without.status).toBe('ambiguous');
    expect(without.lines[0]![m]).toBe('H');
    const withCells = decodeBlock(probs, 44, {}, cellsOf(passport))!;
    expect(withCells.status).toBe('ok');
    expect(withCells.lines).toEqual(passport);
    const off = decodeBlock(probs, 44, { sameGlyph: false }, cellsOf(passport))!;
    expect(off.lines[0]![m]).toBe('H');
  });

  it('gives identical glyphs of a checked field one character (a number of round zeros is not read half as O)', () => {
    const swedish = td3({
      names: 'SPECIMEN<<SVEN',
      number: '590000010',
      birth: '870314',
      sex: 'M',
      expiry: '170102',
    });
    const probs = probsFor(swedish, 0.995);
    // The printer's zeros look like the classifier's 'O' in the document number (not in the dates).
    for (let c = 2; c <= 6; c++) setCell(probs, 1, c, { O: 0.55, '0': 0.45 });
    // Without the prior that favours digits in document numbers (tested in decode.test.ts), so that
    // only the glyph likeness can settle it.
    const noPrior = { alnumLetterPrior: 1 };
    const without = decodeBlock(probs, 44, { ...noPrior, sameGlyph: false })!;
    expect(without.status === 'ok' && without.lines.join() === swedish.join()).toBe(false);
    const d = decodeBlock(probs, 44, noPrior, cellsOf(swedish))!;
    expect(d.lines).toEqual(swedish);
    expect(d.status).toBe('ok');
  });
});
