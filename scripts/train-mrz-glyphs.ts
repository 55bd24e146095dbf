// Training-data generator for the MRZ glyph classifier (step 1 of scripts/train-mrz-glyphs.sh).
// Renders random MRZ-like lines in OCR-B (Debian fonts-ocr-b), degrades them (blur, noise, JPEG, stroke
// weight, binarisation, glare, background texture, neighbouring lines, sub-pixel shifts), then cuts them
// with the SAME grid fitter the engine uses, so training crops match inference crops. Deterministic from
// the seed. Output: <out>/<split>.bin = uint8 cells (CELL_H×CELL_W, ink 0..255) and <split>.labels.
//
//   npx tsx scripts/train-mrz-glyphs.ts --out /tmp/mrz-train --lines 4000 --val-lines 300 --seed 1
import { createCanvas, GlobalFonts, loadImage } from '@napi-rs/canvas';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { MRZ_ALPHABET } from '../service/document/check-digit.js';
import { CELL_H, CELL_W, lineCells } from '../service/document/line-cells.js';
import { resampleBox, sample, type GrayImage } from '../service/document/gray.js';
import { mulberry32 } from '../service/shared/mulberry32.js';

export const OCRB_FONT = '/usr/share/fonts/opentype/ocr-b/OCRB.otf';
/** The "Sharp" cut of OCR-B (straight joins, as some MRZ printers render it). */
export const OCRB_SHARP_FONT = '/usr/share/fonts/opentype/ocr-b/OCRBS.otf';

/**
 * Share of training lines in the "print" style: clean, high-resolution, binarised lines with the
 * printing variations of real MRZs (heavy or thin strokes, narrow glyphs, the Sharp cut of OCR-B,
 * '<' fillers spaced wider than the letters). The other lines keep the photographed-document style.
 */
export const PRINT_SHARE = 0.4;

/**
 * Share of print-style lines whose glyph band is warped vertically by a monotone power curve: OCR-B
 * implementations differ in their vertical proportions (how far down the middle V of 'M' reaches, the
 * height of the bars of 'H', 'A', 'E', the waist of '8', '3', 'B').
 */
export const WARP_SHARE = Number(process.env.MRZ_WARP_SHARE ?? 0);

/**
 * Share of print-style lines (a third of it for the others) drawing 'M' with a short middle V; its depth
 * range as a fraction of the cap height (`MRZ_SHORT_M_DEPTH=min,max`). All three knobs default to 0 (off):
 * experiments of session 3, see models/mrz/README.md.
 */
export const SHORT_M_SHARE = Number(process.env.MRZ_SHORT_M_SHARE ?? 0);
const SHORT_M_DEPTH = (process.env.MRZ_SHORT_M_DEPTH ?? '0.25,0.6').split(',').map(Number) as [
  number,
  number,
];

/**
 * Share of print-style lines rendered as if scanned or photographed at low resolution, then upscaled
 * and binarised (as the real binarised crops are): blocky, blobby strokes, acute angles filled with ink
 * (the short middle V of a bold 'M'), jagged edges.
 */
export const LOW_RES_SHARE = Number(process.env.MRZ_LOW_RES_SHARE ?? 0);

/**
 * Share of lines (print and photographed alike) whose letters are drawn in another sans-serif monospaced
 * font instead of OCR-B, one font per line, scaled to OCR-B's cap height: MRZ printers differ in glyph
 * shapes (how far the V of 'M' reaches, how narrow 'O' is, the bowls of 'B', 'D', 'J'), and one font
 * teaches the classifier one printer's shapes. Digits stay in OCR-B (these fonts slash or dot their '0')
 * unless `MRZ_ALT_FONT_DIGITS=1` (then '1'-'9' too); the fillers always stay OCR-B. Default 0 (off).
 */
export const ALT_FONT_SHARE = Number(process.env.MRZ_ALT_FONT_SHARE ?? 0);
const ALT_FONT_DIGITS = process.env.MRZ_ALT_FONT_DIGITS === '1';
/** Letters always drawn in OCR-B on those lines (`MRZ_ALT_FONT_KEEP=O`: other fonts' narrow 'O' is OCR-B's '0'). */
const ALT_FONT_KEEP = process.env.MRZ_ALT_FONT_KEEP ?? '';

/** Sans-serif monospaced fonts from Debian packages (fonts-dejavu-core, fonts-noto-mono, fonts-liberation2,
 * fonts-croscore, fonts-b612, fonts-jetbrains-mono, fonts-hack, fonts-firacode, fonts-inconsolata). */
export const ALT_FONTS = [
  '/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf',
  '/usr/share/fonts/truetype/dejavu/DejaVuSansMono-Bold.ttf',
  '/usr/share/fonts/truetype/noto/NotoSansMono-Regular.ttf',
  '/usr/share/fonts/truetype/noto/NotoSansMono-Bold.ttf',
  '/usr/share/fonts/truetype/liberation2/LiberationMono-Regular.ttf',
  '/usr/share/fonts/truetype/croscore/Cousine-Regular.ttf',
  '/usr/share/fonts/opentype/b612/B612Mono-Regular.otf',
  '/usr/share/fonts/opentype/b612/B612Mono-Bold.otf',
  '/usr/share/fonts/truetype/jetbrains-mono/JetBrainsMono-Regular.ttf',
  '/usr/share/fonts/truetype/jetbrains-mono/JetBrainsMono-Bold.ttf',
  '/usr/share/fonts/truetype/hack/Hack-Regular.ttf',
  '/usr/share/fonts/truetype/firacode/FiraCode-Regular.ttf',
  '/usr/share/fonts/truetype/firacode/FiraCode-Bold.ttf',
  '/usr/share/fonts/truetype/inconsolata/Inconsolata.otf',
];

export type Rng = () => number;

/** mulberry32: small, fast, seedable. */
export function rng(seed: number): Rng {
  return mulberry32(seed);
}

const uni = (r: Rng, a: number, b: number): number => a + (b - a) * r();
const int = (r: Rng, a: number, b: number): number => Math.floor(uni(r, a, b + 1));
const gauss = (r: Rng): number => Math.sqrt(-2 * Math.log(r() + 1e-12)) * Math.cos(2 * Math.PI * r());
const pick = <T>(r: Rng, xs: ArrayLike<T>): T => xs[Math.floor(r() * xs.length)]!;

const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const DIGITS = '0123456789';

/** A random MRZ-like line: runs of letters, digits, fillers and mixed alphanumerics. */
export function randomLine(r: Rng, n: number): string {
  let s = '';
  while (s.length < n) {
    const k = r();
    if (k < 0.3) s += Array.from({ length: int(r, 1, 10) }, () => pick(r, LETTERS)).join('');
    else if (k < 0.55) s += Array.from({ length: int(r, 1, 9) }, () => pick(r, DIGITS)).join('');
    else if (k < 0.8) s += '<'.repeat(int(r, 1, 12));
    else s += Array.from({ length: int(r, 1, 8) }, () => pick(r, MRZ_ALPHABET)).join('');
  }
  return s.slice(0, n);
}

let fontReady = false;
/** Registered alternate fonts: family name and the size and width factors that give OCR-B's 'H' box. */
let altFonts: { family: string; scale: number; xscale: number }[] = [];
function ensureFont(): void {
  if (!fontReady) {
    GlobalFonts.registerFromPath(OCRB_FONT, 'OCRB');
    GlobalFonts.registerFromPath(OCRB_SHARP_FONT, 'OCRBS');
    if (ALT_FONT_SHARE > 0) {
      const missing = ALT_FONTS.filter((f) => !existsSync(f));
      // Every font must be there: a missing one would silently change the training data.
      if (missing.length) throw new Error(`MRZ_ALT_FONT_SHARE needs these fonts: ${missing.join(' ')}`);
      const ctx = createCanvas(200, 200).getContext('2d');
      const box = (family: string): { h: number; w: number } => {
        ctx.font = `100px ${family}`;
        const m = ctx.measureText('H');
        return { h: m.actualBoundingBoxAscent, w: m.actualBoundingBoxLeft + m.actualBoundingBoxRight };
      };
      const ocrb = box('OCRB');
      altFonts = ALT_FONTS.map((f, i) => {
        const family = `ALT${i}`;
        GlobalFonts.registerFromPath(f, family);
        const b = box(family);
        const scale = ocrb.h / b.h;
        return { family, scale, xscale: ocrb.w / (b.w * scale) };
      });
    }
    fontReady = true;
  }
}

export interface RenderedLine {
  image: GrayImage;
  /** Ground-truth x of each character's centre, in image pixels. */
  centres: number[];
  /** Letter pitch in pixels. */
  pitch: number;
}

function blur(img: GrayImage, sigma: number): void {
  if (sigma < 0.3) return;
  const rad = Math.ceil(sigma * 2.5);
  const k: number[] = [];
  let ks = 0;
  for (let i = -rad; i <= rad; i++) {
    const v = Math.exp((-i * i) / (2 * sigma * sigma));
    k.push(v);
    ks += v;
  }
  const { width: w, height: h, data } = img;
  const tmp = new Float32Array(data.length);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      let s = 0;
      for (let i = -rad; i <= rad; i++) s += data[y * w + Math.min(w - 1, Math.max(0, x + i))]! * k[i + rad]!;
      tmp[y * w + x] = s / ks;
    }
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      let s = 0;
      for (let i = -rad; i <= rad; i++) s += tmp[Math.min(h - 1, Math.max(0, y + i)) * w + x]! * k[i + rad]!;
      data[y * w + x] = s / ks;
    }
}

/**
 * Warp the glyph band [baseline - capHeight, baseline] (following the line's small rotation) so that the
 * row at fraction t from its top shows the source row at fraction t^gamma; rows outside are unchanged.
 */
function warpBand(img: GrayImage, baseline: number, capHeight: number, angle: number, gamma: number): void {
  const { width: w, height: h, data } = img;
  const src = data.slice();
  const slope = Math.tan(angle);
  for (let x = 0; x < w; x++) {
    const bottom = baseline + (x - w / 2) * slope;
    const top = bottom - capHeight;
    for (let y = Math.max(0, Math.ceil(top)); y <= Math.min(h - 1, Math.floor(bottom)); y++) {
      const sy = top + Math.pow((y - top) / capHeight, gamma) * capHeight;
      const y0 = Math.min(h - 1, Math.max(0, Math.floor(sy)));
      const y1 = Math.min(h - 1, y0 + 1);
      const f = sy - Math.floor(sy);
      data[y * w + x] = src[y0 * w + x]! * (1 - f) + src[y1 * w + x]! * f;
    }
  }
}

/** Render one degraded MRZ line. `neighbours` are drawn partially above/below like a real MRZ block. */
export async function renderLine(
  r: Rng,
  text: string,
  neighbours: [string, string] | null,
): Promise<RenderedLine> {
  ensureFont();
  const n = text.length;
  const print = r() < PRINT_SHARE;
  const pitch = print ? uni(r, 14, 40) : uni(r, 9, 40);
  // Printed lines leave wider gaps between glyphs (their strokes may be heavy).
  const fontSize = pitch / (print ? uni(r, 0.6, 0.78) : uni(r, 0.55, 0.7));
  const lineGap = fontSize * uni(r, 1.05, 1.35);
  const marginX = pitch * uni(r, 0.3, 2.5);
  const marginTop = fontSize * uni(r, 0.15, 0.7);
  const marginBottom = fontSize * uni(r, 0.15, 0.7);
  // Character advances: monospaced, except some printed lines whose '<' fillers are spaced wider.
  const fillerAdvance = print && r() < 0.25 ? uni(r, 1.1, 1.7) : 1;
  const advance = (s: string): number[] => {
    const xs: number[] = [];
    let x = marginX;
    for (const ch of s) {
      const a = pitch * (ch === '<' ? fillerAdvance : 1);
      xs.push(x + a / 2);
      x += a;
    }
    return xs;
  };
  const centres = advance(text);
  const lineW = centres[n - 1]! + (pitch * fillerAdvance) / 2 - marginX;
  const w = Math.ceil(marginX * 2 + lineW);
  const h = Math.ceil(marginTop + fontSize * 0.75 + marginBottom);
  const canvas = createCanvas(w, h);
  const ctx = canvas.getContext('2d');
  const bg = uni(r, 0.6, 1);
  const fg = uni(r, 0, Math.min(0.45, bg - 0.25));
  const g = (v: number): string =>
    `rgb(${Math.round(v * 255)},${Math.round(v * 255)},${Math.round(v * 255)})`;
  ctx.fillStyle = g(bg);
  ctx.fillRect(0, 0, w, h);
  // Background texture (guilloche-like waves) on some lines.
  if (!print && r() < 0.35) {
    ctx.strokeStyle = g(Math.max(fg + 0.2, bg - uni(r, 0.05, 0.25)));
    ctx.lineWidth = uni(r, 0.5, 1.5);
    const waves = int(r, 2, 8);
    for (let k = 0; k < waves; k++) {
      ctx.beginPath();
      const y0 = uni(r, 0, h);
      const amp = uni(r, 1, h / 3);
      const per = uni(r, 10, 80);
      const ph = uni(r, 0, 6.28);
      for (let x = 0; x <= w; x += 2) ctx.lineTo(x, y0 + amp * Math.sin(x / per + ph));
      ctx.stroke();
    }
  }
  const angle = gauss(r) * 0.006;
  const baseline = marginTop + fontSize * 0.72;
  ctx.translate(w / 2, h / 2);
  ctx.rotate(angle);
  ctx.translate(-w / 2, -h / 2);
  ctx.font = `${fontSize.toFixed(2)}px ${print && r() < 0.35 ? 'OCRBS' : 'OCRB'}`;
  ctx.textAlign = 'center';
  ctx.fillStyle = g(fg);
  ctx.strokeStyle = g(fg);
  ctx.lineJoin = 'round';
  // Stroke weight (printing/scan gain) and glyph aspect (printer and crop scaling) vary per document.
  // Printed lines: from hairline to very heavy strokes, and glyphs down to 0.6 of their usual width.
  const weight = print
    ? r() < 0.25
      ? 0
      : uni(r, 0.02, 0.14) * fontSize
    : r() < 0.4
      ? 0
      : uni(r, 0.05, 1) * fontSize * 0.11;
  const aspect = print ? (r() < 0.3 ? 1 : uni(r, 0.65, 1.1)) : r() < 0.5 ? 1 : uni(r, 0.8, 1.25);
  // Some MRZ printers' 'M' has a short middle V (ending a third of the way down) where the font's
  // reaches two thirds: draw it as strokes on a share of the lines (depth 0.25-0.6 of the cap height).
  const shortM =
    SHORT_M_SHARE > 0 && r() < (print ? SHORT_M_SHARE : SHORT_M_SHARE / 3)
      ? uni(r, SHORT_M_DEPTH[0], SHORT_M_DEPTH[1])
      : 0;
  const drawM = (): void => {
    const stem = 0.1 * fontSize + (weight > 0.2 ? weight : 0);
    const capH = 0.71 * fontSize;
    const hw = uni(r, 0.22, 0.25) * fontSize - 0.05 * fontSize;
    const top = -capH + stem / 2;
    ctx.lineWidth = stem;
    ctx.lineCap = 'butt';
    ctx.beginPath();
    ctx.moveTo(-hw, 0);
    ctx.lineTo(-hw, top);
    ctx.lineTo(0, -capH + shortM * capH);
    ctx.lineTo(hw, top);
    ctx.lineTo(hw, 0);
    ctx.stroke();
  };
  const alt = ALT_FONT_SHARE > 0 && r() < ALT_FONT_SHARE ? pick(r, altFonts) : null;
  const altFont = alt ? `${(fontSize * alt.scale).toFixed(2)}px ${alt.family}` : '';
  const inAlt = (ch: string): boolean =>
    alt !== null &&
    !ALT_FONT_KEEP.includes(ch) &&
    ((ch >= 'A' && ch <= 'Z') || (ALT_FONT_DIGITS && ch >= '1' && ch <= '9'));
  const drawRow = (s: string, y: number): void => {
    const xs = advance(s);
    for (let i = 0; i < s.length; i++) {
      const x = xs[i]! + gauss(r) * pitch * 0.02;
      const yy = y + gauss(r) * fontSize * 0.01;
      ctx.save();
      ctx.translate(x, yy);
      ctx.scale(aspect, 1);
      if (inAlt(s[i]!)) {
        ctx.font = altFont;
        ctx.scale(alt!.xscale, 1);
      }
      if (shortM && s[i] === 'M') drawM();
      else ctx.fillText(s[i]!, 0, 0);
      if (weight > 0.2 && !(shortM && s[i] === 'M')) {
        ctx.lineWidth = weight;
        ctx.strokeText(s[i]!, 0, 0);
      }
      ctx.restore();
    }
  };
  drawRow(text, baseline);
  if (neighbours) {
    drawRow(neighbours[0], baseline - lineGap);
    drawRow(neighbours[1], baseline + lineGap);
  }
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  // Glare: a bright radial blob.
  if (!print && r() < 0.3) {
    const gx = uni(r, 0, w);
    const grad = ctx.createRadialGradient(gx, h / 2, 0, gx, h / 2, uni(r, h, w / 2));
    grad.addColorStop(0, `rgba(255,255,255,${uni(r, 0.2, 0.6).toFixed(2)})`);
    grad.addColorStop(1, 'rgba(255,255,255,0)');
    ctx.fillStyle = grad;
    ctx.fillRect(0, 0, w, h);
  }
  let rgba = ctx.getImageData(0, 0, w, h).data;
  const data = new Float32Array(w * h);
  for (let i = 0; i < w * h; i++) data[i] = rgba[4 * i]! / 255;
  const img: GrayImage = { width: w, height: h, data };
  if (WARP_SHARE > 0 && print && r() < WARP_SHARE)
    warpBand(img, baseline, fontSize * 0.7, angle, Math.exp(uni(r, -0.4, 0.4)));
  // Thin strokes: blur then a high threshold later erodes; here optical blur.
  blur(img, r() < 0.7 ? uni(r, 0, pitch * 0.08) : uni(r, pitch * 0.08, pitch * 0.16));
  const lowRes = LOW_RES_SHARE > 0 && print && r() < LOW_RES_SHARE;
  if (lowRes) {
    // Down to a letter pitch of 6-14 px and back up (bilinear), before the binarisation below.
    const f = Math.max(1, pitch / uni(r, 6, 14));
    const sw = Math.max(2, Math.round(w / f));
    const sh = Math.max(2, Math.round(h / f));
    const small: GrayImage = { width: sw, height: sh, data: resampleBox(img, 0, 0, w, h, sw, sh) };
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++)
        data[y * w + x] = sample(small, ((x + 0.5) * sw) / w - 0.5, ((y + 0.5) * sh) / h - 0.5);
  }
  const noise = !print && r() < 0.6 ? uni(r, 0, 0.08) : lowRes ? uni(r, 0, 0.05) : 0;
  for (let i = 0; i < data.length; i++)
    data[i] = Math.min(1, Math.max(0, data[i]! + (noise ? gauss(r) * noise : 0)));
  if (!print && r() < 0.35) {
    // JPEG round trip.
    const c2 = createCanvas(w, h);
    const x2 = c2.getContext('2d');
    const id = x2.createImageData(w, h);
    for (let i = 0; i < w * h; i++) {
      const v = Math.round(data[i]! * 255);
      id.data[4 * i] = v;
      id.data[4 * i + 1] = v;
      id.data[4 * i + 2] = v;
      id.data[4 * i + 3] = 255;
    }
    x2.putImageData(id, 0, 0);
    const jpg = await c2.encode('jpeg', int(r, 15, 90));
    const im = await loadImage(jpg);
    x2.drawImage(im, 0, 0);
    rgba = x2.getImageData(0, 0, w, h).data;
    for (let i = 0; i < w * h; i++) data[i] = rgba[4 * i]! / 255;
  }
  // Binarised like scanned/real crops; the threshold shift changes stroke weight.
  if (lowRes || r() < (print ? 0.85 : 0.4)) binarise(data, uni(r, 0.35, 0.65));
  return { image: img, centres, pitch };
}

/** Threshold `data` in place at `level` (0..1) between its darkest and brightest values: 0 ink, 1 paper. */
export function binarise(data: Float32Array, level: number): void {
  let mn = 1;
  let mx = 0;
  for (const v of data) {
    mn = Math.min(mn, v);
    mx = Math.max(mx, v);
  }
  const t = mn + (mx - mn) * level;
  for (let i = 0; i < data.length; i++) data[i] = data[i]! < t ? 0 : 1;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      out: { type: 'string', default: '/tmp/mrz-train' },
      lines: { type: 'string', default: '4000' },
      'val-lines': { type: 'string', default: '300' },
      seed: { type: 'string', default: '1' },
    },
  });
  const out = values.out!;
  mkdirSync(out, { recursive: true });
  const seed = Number(values.seed);
  for (const [split, count, s] of [
    ['train', Number(values.lines), seed],
    ['val', Number(values['val-lines']), seed + 1000003],
  ] as const) {
    const r = rng(s);
    const xs: Buffer[] = [];
    const ys: number[] = [];
    let skipped = 0;
    for (let li = 0; li < count; li++) {
      const n = pick(r, [30, 36, 44] as const);
      const text = randomLine(r, n);
      const nb: [string, string] | null = r() < 0.35 ? [randomLine(r, n), randomLine(r, n)] : null;
      const rl = await renderLine(r, text, nb);
      const cut = lineCells(rl.image, n);
      // Keep only lines whose cells are centred on their glyphs: a shifted cut would mislabel cells.
      const misfit =
        !cut ||
        rl.centres.some((c, k) => {
          const g = cut.grid;
          const x = g.glyphs ? g.glyphs.centres[k]! : (g.bounds[k]! + g.bounds[k + 1]!) / 2;
          return Math.abs(x - c) > 0.3 * rl.pitch;
        });
      if (misfit) {
        skipped++;
        continue;
      }
      const buf = Buffer.alloc(n * CELL_W * CELL_H);
      for (let i = 0; i < buf.length; i++) buf[i] = Math.round(cut.cells[i]! * 255);
      xs.push(buf);
      for (const ch of text) ys.push(MRZ_ALPHABET.indexOf(ch));
      if ((li + 1) % 500 === 0)
        process.stderr.write(`${split}: ${li + 1}/${count} lines, skipped ${skipped}\n`);
    }
    writeFileSync(join(out, `${split}.bin`), Buffer.concat(xs));
    writeFileSync(join(out, `${split}.labels`), Buffer.from(ys));
    process.stderr.write(`${split}: ${ys.length} cells, ${skipped} lines skipped (grid mismatch)\n`);
  }
  writeFileSync(
    join(out, 'meta.json'),
    JSON.stringify({ cellW: CELL_W, cellH: CELL_H, classes: MRZ_ALPHABET }),
  );
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((e: unknown) => {
    process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
    process.exit(1);
  });
}
