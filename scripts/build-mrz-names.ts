// Builds the spelling model of MRZ name fields (models/mrz/names.{json,bin}) from the person-name lists
// of @faker-js/faker (MIT): first and last names of its locales, transliterated to the MRZ alphabet
// (ICAO 9303 Part 3: accents dropped, Cyrillic and Greek by the ICAO tables; scripts without such a
// simple table are left out), combined into fields "SURNAME<<GIVEN<NAMES" of the TD1, TD2, TD3 and
// 1988 French ID card widths. Deterministic from the seed.
//
//   npx tsx scripts/build-mrz-names.ts --out models/mrz            # build and write the model
//   npx tsx scripts/build-mrz-names.ts --evaluate                  # held-out cross-entropy per order
import { allLocales } from '@faker-js/faker';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  buildNameModel,
  crossEntropy,
  decodeNameModel,
  encodeNameModel,
  type NameModel,
} from '../service/document/name-model.js';
import { transliterate } from '../service/fixtures/mrz-lines.js';
import { mulberry32 } from '../service/shared/mulberry32.js';

/** ICAO 9303 Part 3 transliteration of Cyrillic (Russian, Ukrainian, Belarusian, Serbian, Macedonian...). */
const CYRILLIC: Record<string, string> = {
  А: 'A',
  Б: 'B',
  В: 'V',
  Г: 'G',
  Ґ: 'G',
  Д: 'D',
  Ѓ: 'G',
  Ђ: 'D',
  Е: 'E',
  Ё: 'E',
  Є: 'IE',
  Ж: 'ZH',
  З: 'Z',
  Ѕ: 'DZ',
  И: 'I',
  І: 'I',
  Ї: 'I',
  Й: 'I',
  Ј: 'J',
  К: 'K',
  Л: 'L',
  Љ: 'LJ',
  М: 'M',
  Н: 'N',
  Њ: 'NJ',
  О: 'O',
  П: 'P',
  Р: 'R',
  С: 'S',
  Т: 'T',
  Ћ: 'C',
  Ќ: 'K',
  У: 'U',
  Ў: 'U',
  Ф: 'F',
  Х: 'KH',
  Ц: 'TS',
  Ч: 'CH',
  Џ: 'DZ',
  Ш: 'SH',
  Щ: 'SHCH',
  Ъ: 'IE',
  Ы: 'Y',
  Ь: '',
  Э: 'E',
  Ю: 'IU',
  Я: 'IA',
};
/** ICAO 9303 Part 3 transliteration of Greek. */
const GREEK: Record<string, string> = {
  Α: 'A',
  Β: 'V',
  Γ: 'G',
  Δ: 'D',
  Ε: 'E',
  Ζ: 'Z',
  Η: 'I',
  Θ: 'TH',
  Ι: 'I',
  Κ: 'K',
  Λ: 'L',
  Μ: 'M',
  Ν: 'N',
  Ξ: 'X',
  Ο: 'O',
  Π: 'P',
  Ρ: 'R',
  Σ: 'S',
  Τ: 'T',
  Υ: 'Y',
  Φ: 'F',
  Χ: 'CH',
  Ψ: 'PS',
  Ω: 'O',
};

/** A name in MRZ letters ('<' between its parts), or null when its script has no table here. */
export function mrzName(name: string): string | null {
  const upper = name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toUpperCase();
  const mapped = [...upper].map((c) => CYRILLIC[c] ?? GREEK[c] ?? (c === 'Σ' ? 'S' : c)).join('');
  // Letters of other scripts (Arabic, Hebrew, CJK...) would vanish: leave such names out.
  if (/[^\p{Script=Latin}\s'’.-]/u.test(mapped.replace(/[ÆŒßØŁĐÞı]/g, 'A'))) return null;
  const t = transliterate(mapped).replace(/<+/g, '<').replace(/^<|<$/g, '');
  return t.length >= 2 ? t : null;
}

interface Lists {
  first: string[];
  last: string[];
}

const flat = (x: unknown): string[] =>
  !x ? [] : Array.isArray(x) ? (x as string[]) : Object.values(x as object).flatMap(flat);

/** The distinct transliterable names of a faker definition (a list, or lists by gender), sorted. */
const mrzNames = (def: unknown): string[] =>
  [
    ...new Set(
      flat(def)
        .map(mrzName)
        .filter((x): x is string => !!x),
    ),
  ].sort();

/** Per locale, the transliterated first and last names (locales sharing identical lists counted once). */
export function nameLists(): Map<string, Lists> {
  const out = new Map<string, Lists>();
  const seen = new Set<string>();
  for (const [id, loc] of Object.entries(allLocales)) {
    const p = (loc as { person?: { first_name?: unknown; last_name?: unknown } }).person;
    if (!p) continue;
    const first = mrzNames(p.first_name);
    const last = mrzNames(p.last_name);
    if (first.length < 20 || last.length < 20) continue;
    const sig = first.join() + '|' + last.join();
    if (seen.has(sig)) continue;
    seen.add(sig);
    out.set(id, { first, last });
  }
  return out;
}

/** Widths of name fields: TD1 line 3, TD2, TD3, and the 1988 French card's surname / given names. */
const WIDTHS = [30, 31, 39];

/** `count` name fields drawn from the lists (a locale, then its names), as printed in an MRZ. */
export function nameFields(lists: Map<string, Lists>, count: number, seed: number): string[] {
  const r = mulberry32(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const locales = [...lists.values()];
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const l = pick(locales);
    const surname = r() < 0.12 ? `${pick(l.last)}<${pick(l.last)}` : pick(l.last);
    const k = r();
    const nGiven = k < 0.5 ? 1 : k < 0.85 ? 2 : 3;
    const given = Array.from({ length: nGiven }, () => pick(l.first));
    if (r() < 0.1) {
      // The 1988 French card: surname (25) and given names ("<<"-separated, 14) in separate fields.
      out.push(pad(surname, 25), pad(given.join('<<'), 14));
    } else out.push(pad(`${surname}<<${given.join('<')}`, pick(WIDTHS)));
  }
  return out;
}

function pad(s: string, n: number): string {
  return (s + '<'.repeat(n)).slice(0, n);
}

/** Split every list 90/10 by a seeded shuffle: held-out fields use names the model never saw. */
function split(lists: Map<string, Lists>, seed: number): [Map<string, Lists>, Map<string, Lists>] {
  const r = mulberry32(seed);
  const a = new Map<string, Lists>();
  const b = new Map<string, Lists>();
  const cut = (xs: string[]): [string[], string[]] => {
    const ys = xs
      .map((x) => ({ x, k: r() }))
      .sort((p, q) => p.k - q.k)
      .map((p) => p.x);
    const n = Math.max(1, Math.round(ys.length * 0.1));
    return [ys.slice(n), ys.slice(0, n)];
  };
  for (const [id, l] of lists) {
    const [f1, f2] = cut(l.first);
    const [l1, l2] = cut(l.last);
    a.set(id, { first: f1, last: l1 });
    b.set(id, { first: f2, last: l2 });
  }
  return [a, b];
}

/** Write names.json / names.bin into `dir` and record the checksum in its SHA256SUMS. */
export function writeNameModel(m: NameModel, dir: string, source: Record<string, unknown>): string {
  const { manifest, bin } = encodeNameModel(m);
  const sha = createHash('sha256').update(bin).digest('hex');
  writeFileSync(join(dir, 'names.bin'), bin);
  writeFileSync(join(dir, 'names.json'), JSON.stringify({ ...manifest, source }, null, 2) + '\n');
  const sumsPath = join(dir, 'SHA256SUMS');
  const sums = existsSync(sumsPath) ? readFileSync(sumsPath, 'utf8') : '';
  const lines = sums.split('\n').filter((l) => l.trim() && l.trim().split(/\s+/)[1] !== 'names.bin');
  writeFileSync(sumsPath, [...lines, `${sha}  names.bin`].join('\n') + '\n');
  return sha;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      out: { type: 'string' },
      order: { type: 'string', default: '4' },
      fields: { type: 'string', default: '200000' },
      seed: { type: 'string', default: '1' },
      evaluate: { type: 'boolean', default: false },
      mix: { type: 'string', default: '0.05' },
    },
  });
  const seed = Number(values.seed);
  const count = Number(values.fields);
  const lists = nameLists();
  const nFirst = [...lists.values()].reduce((s, l) => s + l.first.length, 0);
  const nLast = [...lists.values()].reduce((s, l) => s + l.last.length, 0);
  process.stderr.write(`name lists: ${lists.size} locales, ${nFirst} first names, ${nLast} last names\n`);
  if (values.evaluate) {
    // Held-out names of the same locales, and whole locales left out (names of languages the lists lack).
    const [train, held] = split(lists, seed);
    const ids = [...lists.keys()];
    const outIds = new Set(ids.filter((_, i) => i % 5 === 2));
    const inLoc = new Map(ids.filter((id) => !outIds.has(id)).map((id) => [id, train.get(id)!]));
    const outLoc = new Map(ids.filter((id) => outIds.has(id)).map((id) => [id, lists.get(id)!]));
    const trainFields = nameFields(inLoc, count, seed);
    const heldNames = nameFields(new Map([...held].filter(([id]) => !outIds.has(id))), 20000, seed + 1);
    const heldLocales = nameFields(outLoc, 20000, seed + 2);
    const result: Record<string, unknown> = {};
    for (const mix of [0, 0.02, 0.05, 0.1])
      for (let order = 2; order <= 4; order++) {
        // Scored as stored (quantised), so the figures are those of the model the engine loads.
        const built = encodeNameModel(buildNameModel(trainFields, order, { unigramMix: mix }));
        const m = decodeNameModel(built.manifest, built.bin);
        const r = { names: crossEntropy(m, heldNames), locales: crossEntropy(m, heldLocales) };
        result[`order_${order}_mix_${mix}`] = {
          names: Number(r.names.toFixed(4)),
          locales: Number(r.locales.toFixed(4)),
        };
        process.stderr.write(
          `order ${order} mix ${mix}: ${JSON.stringify(result[`order_${order}_mix_${mix}`])}\n`,
        );
      }
    console.log(
      JSON.stringify({
        held_out_locales: [...outIds],
        nats_per_char: result,
        uniform: Number(Math.log(27).toFixed(4)),
      }),
    );
    return;
  }
  if (!values.out) throw new Error('--out <dir> or --evaluate');
  const order = Number(values.order);
  const mix = Number(values.mix);
  const m = buildNameModel(nameFields(lists, count, seed), order, { unigramMix: mix });
  const { version } = JSON.parse(
    readFileSync(new URL(import.meta.resolve('@faker-js/faker/package.json')), 'utf8'),
  ) as { version: string };
  const sha = writeNameModel(m, values.out, {
    lists: `@faker-js/faker ${version} person.first_name / person.last_name`,
    locales: [...lists.keys()],
    firstNames: nFirst,
    lastNames: nLast,
    fields: count,
    seed,
    unigramMix: mix,
    command: `npx tsx scripts/build-mrz-names.ts --out models/mrz --order ${order} --mix ${mix} --fields ${count} --seed ${seed}`,
  });
  console.log(JSON.stringify({ order, fields: count, locales: lists.size, sha256: sha }));
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
