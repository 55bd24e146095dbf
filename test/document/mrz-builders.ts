// Test helpers: build valid MRZ lines from field values (check digits computed), and probability
// matrices that simulate a glyph classifier's output for a given text.
import { checkDigit, MRZ_ALPHABET } from '../../service/document/check-digit.js';

const cd = (s: string): string => String(checkDigit(s));
const pad = (s: string, n: number): string => (s + '<'.repeat(n)).slice(0, n);

export function td3(o: {
  code?: string;
  state?: string;
  names: string;
  number: string;
  nat?: string;
  birth: string;
  sex: string;
  expiry: string;
  personal?: string;
}): string[] {
  const l1 = pad(`${pad(o.code ?? 'P', 2)}${o.state ?? 'FRA'}${o.names}`, 44);
  const num = pad(o.number, 9);
  const pers = pad(o.personal ?? '', 14);
  const body = `${num}${cd(num)}${o.nat ?? 'FRA'}${o.birth}${cd(o.birth)}${o.sex}${o.expiry}${cd(o.expiry)}${pers}${cd(pers)}`;
  return [l1, body + cd(body.slice(0, 10) + body.slice(13, 20) + body.slice(21, 43))];
}

export function td1(o: {
  code?: string;
  number: string;
  birth: string;
  sex: string;
  expiry: string;
  names: string;
}): string[] {
  // ICAO 9303 long document number: '<' in the check digit's place, the rest and the check digit after
  // (computed over the whole run, the filler included, as real cards and the `mrz` package do).
  const long = `${o.number.slice(0, 9)}<${o.number.slice(9)}`;
  const number = o.number.length > 9 ? `${long}${cd(long)}` : `${pad(o.number, 9)}${cd(pad(o.number, 9))}`;
  const l1 = pad(`${pad(o.code ?? 'ID', 2)}FRA${number}`, 30);
  const l2 = `${o.birth}${cd(o.birth)}${o.sex}${o.expiry}${cd(o.expiry)}FRA${'<'.repeat(11)}`;
  const comp = cd(l1.slice(5, 30) + l2.slice(0, 7) + l2.slice(8, 15) + l2.slice(18, 29));
  return [l1, l2 + comp, pad(o.names, 30)];
}

/** French ID card 1988-2021 (2 × 36). */
export function frOld(o: {
  lastName: string;
  office: string;
  issueYymm: string;
  dept: string;
  seq: string;
  firstNames: string;
  birth: string;
  sex: string;
}): string[] {
  const l1 = `IDFRA${pad(o.lastName, 25)}${pad(o.office, 6)}`;
  const num = `${o.issueYymm}${o.dept}${o.seq}`;
  const head = `${num}${cd(num)}${pad(o.firstNames, 14)}${o.birth}${cd(o.birth)}${o.sex}`;
  return [l1, head + cd(l1 + head)];
}

/** Per-line probability matrices: each true character gets `p`, the rest share 1 − p. */
export function probsFor(lines: string[], p = 0.97): Float32Array[] {
  return lines.map((line) => {
    const out = new Float32Array(line.length * 37).fill((1 - p) / 36);
    for (let i = 0; i < line.length; i++) out[i * 37 + MRZ_ALPHABET.indexOf(line[i]!)] = p;
    return out;
  });
}

/** Set the distribution of one cell: {char: prob}, the rest sharing what is left. */
export function setCell(
  probs: Float32Array[],
  line: number,
  col: number,
  dist: Record<string, number>,
): void {
  const used = Object.values(dist).reduce((a, b) => a + b, 0);
  const rest = Math.max(0, 1 - used) / (37 - Object.keys(dist).length);
  for (let k = 0; k < 37; k++) probs[line]![col * 37 + k] = dist[MRZ_ALPHABET[k]!] ?? rest;
}
