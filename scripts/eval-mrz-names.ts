// What the spelling model of names does to names it has never seen: renders passport MRZs whose name
// fields come from (a) the name lists the model was built from, (b) locales left out of a model built
// for this test, (c) random letters (no spelling at all), degrades them the way the real binarised crops
// are (a low-resolution print, upscaled and binarised: thin strokes of M, N, H lost), then reads them with
// and without the model. Prints per set: names read right, refused, read wrong (accepted but not the
// printed name). Deterministic from the seed.
//
//   npx tsx scripts/eval-mrz-names.ts --n 150 --seed 1
import { parseArgs } from 'node:util';
import { checkDigit } from '../service/document/check-digit.js';
import { loadGlyphClassifier } from '../service/document/classifier.js';
import { createEngineWith } from '../service/document/engine.js';
import { resampleBox, type GrayImage } from '../service/document/gray.js';
import { buildNameModel, type NameModel } from '../service/document/name-model.js';
import { loadNameModel } from '../service/document/name-model-file.js';
import { mulberry32 } from '../service/shared/mulberry32.js';
import { nameFields, nameLists } from './build-mrz-names.js';
import { binarise, renderLine } from './train-mrz-glyphs.js';

type Rng = () => number;
const uni = (r: Rng, a: number, b: number): number => a + (b - a) * r();

/** Print the line at a low resolution, then upscale and binarise it, as the real crops were. */
function lowResBinarised(r: Rng, img: GrayImage, pitch: number): GrayImage {
  const f = Math.min(1, uni(r, 6.5, 10) / pitch);
  const sw = Math.max(8, Math.round(img.width * f));
  const sh = Math.max(4, Math.round(img.height * f));
  const small = { width: sw, height: sh, data: resampleBox(img, 0, 0, img.width, img.height, sw, sh, 1) };
  for (let i = 0; i < small.data.length; i++) small.data[i] = small.data[i]! + 0.04 * (r() - 0.5);
  const big = resampleBox(small, 0, 0, sw, sh, img.width, img.height, 1);
  // Upscaling by area averaging is blocky; a small blur rounds the blocks into blobs before the threshold.
  const w = img.width;
  const h = img.height;
  const out = new Float32Array(big.length);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      let s = 0;
      let c = 0;
      for (let dy = -2; dy <= 2; dy++)
        for (let dx = -2; dx <= 2; dx++) {
          const yy = y + dy;
          const xx = x + dx;
          if (yy >= 0 && yy < h && xx >= 0 && xx < w) {
            s += big[yy * w + xx]!;
            c++;
          }
        }
      out[y * w + x] = s / c;
    }
  binarise(out, uni(r, 0.45, 0.62));
  return { width: w, height: h, data: out };
}

const pad = (s: string, n: number): string => (s + '<'.repeat(n)).slice(0, n);
const cd = (s: string): string => String(checkDigit(s));

function td3Lines(r: Rng, name: string): [string, string] {
  const digits = (n: number): string => Array.from({ length: n }, () => Math.floor(r() * 10)).join('');
  const l1 = pad(`P<FRA${name}`, 44);
  const num = digits(9);
  const birth = `${digits(1)}${Math.floor(r() * 9)}0${1 + Math.floor(r() * 9)}1${Math.floor(r() * 9)}`;
  const expiry = `3${digits(1)}0${1 + Math.floor(r() * 9)}1${Math.floor(r() * 9)}`;
  const pers = pad('', 14);
  const body = `${num}${cd(num)}FRA${birth}${cd(birth)}${r() < 0.5 ? 'F' : 'M'}${expiry}${cd(expiry)}${pers}${cd(pers)}`;
  return [l1, body + cd(body.slice(0, 10) + body.slice(13, 20) + body.slice(21, 43))];
}

interface Tally {
  right: number;
  refused: number;
  wrong: number;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      n: { type: 'string', default: '150' },
      seed: { type: 'string', default: '1' },
      'show-wrong': { type: 'boolean', default: false },
      /** The decoder's floor on characters no check digit covers (default: the engine's, 0.7). */
      floor: { type: 'string' },
    },
  });
  const n = Number(values.n);
  const seed = Number(values.seed);
  const lists = nameLists();
  const ids = [...lists.keys()];
  // A model without every fifth locale, to read the names of those locales as unseen names.
  const leftOut = new Set(ids.filter((_, i) => i % 5 === 2));
  const partial = buildNameModel(
    nameFields(new Map([...lists].filter(([id]) => !leftOut.has(id))), 200000, seed),
    4,
    { unigramMix: 0.05 },
  );
  const committed = await loadNameModel();
  const r = mulberry32(seed);
  const letters = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
  const randomName = (): string => {
    const word = (): string =>
      Array.from({ length: 3 + Math.floor(r() * 7) }, () => letters[Math.floor(r() * 26)]).join('');
    return `${word()}<<${word()}`;
  };
  const sets: { name: string; model: NameModel; names: string[] }[] = [
    { name: 'listed_names', model: committed, names: nameFields(lists, n, seed + 1).slice(0, n) },
    {
      name: 'unseen_locales',
      model: partial,
      names: nameFields(new Map([...lists].filter(([id]) => leftOut.has(id))), n, seed + 2).slice(0, n),
    },
    { name: 'random_letters', model: committed, names: Array.from({ length: n }, randomName) },
  ];
  const clf = await loadGlyphClassifier();
  const result: Record<string, Record<string, Tally>> = {};
  for (const set of sets) {
    const engineOpts = values.floor ? { decode: { minUncheckedProb: Number(values.floor) } } : {};
    const withModel = createEngineWith(clf, engineOpts, set.model);
    const without = createEngineWith(clf, engineOpts, null);
    const t = { with_model: { right: 0, refused: 0, wrong: 0 }, without: { right: 0, refused: 0, wrong: 0 } };
    for (let i = 0; i < set.names.length; i++) {
      const name = pad(set.names[i]!.replace(/<+$/, ''), 39);
      const lines = td3Lines(r, name);
      const imgs: GrayImage[] = [];
      for (const text of lines) {
        const rl = await renderLine(r, text, null);
        imgs.push(lowResBinarised(r, rl.image, rl.pitch));
      }
      for (const [key, engine] of [
        ['with_model', withModel],
        ['without', without],
      ] as const) {
        const read = engine.readLines(imgs);
        const tally = t[key];
        if (read.status !== 'ok') tally.refused++;
        else if (read.decoded!.lines[0] === lines[0]) tally.right++;
        else {
          tally.wrong++;
          if (values['show-wrong'])
            process.stderr.write(`${set.name} ${key}: printed ${lines[0]} read ${read.decoded!.lines[0]}\n`);
        }
      }
      if ((i + 1) % 25 === 0) process.stderr.write(`${set.name}: ${i + 1}/${set.names.length}\n`);
    }
    result[set.name] = t;
  }
  console.log(
    JSON.stringify({
      n,
      seed,
      ...(values.floor ? { floor: Number(values.floor) } : {}),
      left_out_locales: [...leftOut],
      ...result,
    }),
  );
}

await main();
