// The spelling model of MRZ names: estimation, storage, the committed model and the posterior the
// decoder uses.
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultModelDir, ModelIntegrityError } from '../../service/document/classifier.js';
import {
  buildNameModel,
  decodeNameModel,
  encodeNameModel,
  NAME_ALPHABET,
  nameLogProb,
  namePosterior,
  symbolOf,
} from '../../service/document/name-model.js';
import { loadNameModel } from '../../service/document/name-model-file.js';
import { tempDir } from '../helpers/env.js';

const syms = (s: string): number[] => [...s].map(symbolOf);
const total = (m: ReturnType<typeof buildNameModel>, ctx: string): number =>
  [...NAME_ALPHABET].reduce((s, ch) => s + Math.exp(nameLogProb(m, syms(ctx), symbolOf(ch))), 0);

/** Glyph probabilities of a text: each true letter `p`, the second-best letter given per position. */
function cellsOf(text: string, doubt: Record<number, Record<string, number>> = {}, p = 0.99) {
  return [...text].map((ch, i) => {
    const d = doubt[i] ?? { [ch]: p };
    const used = Object.values(d).reduce((a, b) => a + b, 0);
    const rest = (1 - used) / (NAME_ALPHABET.length - Object.keys(d).length);
    return [...NAME_ALPHABET].map((c) => ({ ch: c, p: d[c] ?? rest }));
  });
}

const CORPUS = [
  'MARTIN<<ANNE<<<<<<<<<<<<<<<<<<',
  'BERNARD<<SANDRA<<<<<<<<<<<<<<<',
  'DUBOIS<<JEANNE<MARIE<<<<<<<<<<',
  'MOREAU<<NICOLAS<<<<<<<<<<<<<<<',
  'SIMON<<ANTOINE<<<<<<<<<<<<<<<<',
];

describe('name spelling model', () => {
  it('is a distribution in every context, seen or not, and prefers the spellings it saw', () => {
    const m = buildNameModel(CORPUS, 4, { unigramMix: 0.05 });
    for (const ctx of ['', 'SAN', 'ZZZ', 'A<<', '<<<']) expect(total(m, ctx)).toBeCloseTo(1, 5);
    const lp = (ctx: string, ch: string): number => nameLogProb(m, syms(ctx), symbolOf(ch));
    expect(lp('SAN', 'D')).toBeGreaterThan(lp('SAN', 'H'));
    expect(lp('<<<', '<')).toBeGreaterThan(Math.log(0.5));
    // Never impossible: an unseen continuation keeps a share of the unigram distribution.
    expect(lp('ZZZ', 'Q')).toBeGreaterThan(-12);
  });

  it('survives storage to within 1/64 nat', () => {
    const m = buildNameModel(CORPUS, 3, { unigramMix: 0.05 });
    const { manifest, bin } = encodeNameModel(m);
    const back = decodeNameModel(manifest, bin);
    expect(back.order).toBe(3);
    let worst = 0;
    for (let i = 0; i < m.table.length; i++) worst = Math.max(worst, Math.abs(m.table[i]! - back.table[i]!));
    expect(worst).toBeLessThanOrEqual(1 / 64 + 1e-6);
    expect(() => decodeNameModel(manifest, bin.subarray(1))).toThrow(/size/);
  });

  it('reads an unclear letter by the spelling, keeps a clear one, and stays unsure of a smudge', () => {
    const m = buildNameModel(CORPUS, 4, { unigramMix: 0.05 });
    const text = 'BERNARD<<SANDRA<<<<<<<<<<<<<<<';
    const n = text.indexOf('SANDRA') + 2;
    // 'N' blurred into something closer to 'H'.
    const blurred = namePosterior(m, cellsOf(text, { [n]: { H: 0.5, N: 0.45 } }));
    expect(blurred.chars).toBe(text);
    expect(blurred.probs[n]).toBeGreaterThan(0.7);
    // A clearly printed 'H' (an unusual "SAHDRA") is read as printed.
    const clear = namePosterior(m, cellsOf(text, { [n]: { H: 0.95, N: 0.04 } }));
    expect(clear.chars[n]).toBe('H');
    // Probability spread over many letters: the spelling may pick a letter, not vouch for it.
    const smudge = namePosterior(m, cellsOf(text, { [n]: { N: 0.25 } }));
    expect(smudge.probs[n]).toBeLessThan(0.5);
    // Weight 0: the glyph alone.
    expect(namePosterior(m, cellsOf(text, { [n]: { H: 0.5, N: 0.45 } }), { weight: 0 }).chars[n]).toBe('H');
  });

  it('gives the same posterior whatever the order, for an unambiguous field', () => {
    const text = 'DUBOIS<<JEANNE<MARIE<<<<<<<<<<';
    for (const order of [1, 2, 3, 4]) {
      const post = namePosterior(buildNameModel(CORPUS, order), cellsOf(text));
      expect(post.chars).toBe(text);
      for (const p of post.probs) expect(p).toBeGreaterThan(0.95);
    }
  });

  it('loads the committed model, checked against SHA256SUMS, and refuses a tampered one', async () => {
    const m = await loadNameModel();
    expect(m.order).toBe(4);
    // Learnt from names: "ANDRA" goes on with an 'E' or 'A' sooner than with a 'Q'.
    expect(nameLogProb(m, syms('SAND'), symbolOf('R'))).toBeGreaterThan(
      nameLogProb(m, syms('SAND'), symbolOf('Q')),
    );
    const dir = tempDir('idv-names-');
    for (const f of ['names.json', 'names.bin', 'SHA256SUMS'])
      copyFileSync(join(defaultModelDir(), f), join(dir, f));
    const bin = readFileSync(join(dir, 'names.bin'));
    bin[1000] = bin[1000]! ^ 1;
    writeFileSync(join(dir, 'names.bin'), bin);
    await expect(loadNameModel(dir)).rejects.toBeInstanceOf(ModelIntegrityError);
  });
});
