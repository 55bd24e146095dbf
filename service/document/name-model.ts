// A character n-gram model of MRZ name fields ("SURNAME<<GIVEN<NAMES<<<<"). No check digit protects
// the names, and on blurred prints the classifier alone cannot tell 'M', 'N' and 'H' apart (their thin
// strokes are lost); readers use the spelling of names, and so does the decoder: the model is a prior
// over the letter sequence, combined with the per-cell probabilities (see `namePosterior`). Pure:
// counts in, table out; the table is built by scripts/build-mrz-names.ts and stored in models/mrz.

/** Symbols: 'A'..'Z' = 0..25, '<' = 26; 27 marks "before the start of the field" in contexts. */
export const NAME_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ<';
const V = NAME_ALPHABET.length; // 27 predicted symbols
const S = V + 1; // 28 context symbols (with the start mark)
const START = V;

export interface NameModel {
  /** n of the n-gram: each character is predicted from the n−1 before it. */
  readonly order: number;
  /** log P(symbol | context), dense: index (context · 27 + symbol); context = Σ c_j · 28^j, c_0 the nearest. */
  readonly table: Float32Array;
}

export function symbolOf(ch: string): number {
  const k = NAME_ALPHABET.indexOf(ch);
  if (k < 0 || ch.length !== 1) throw new Error(`not an MRZ name character: ${JSON.stringify(ch)}`);
  return k;
}

/** The context index after `prev` (nearest symbol last), keeping the order−1 nearest. */
function contextIndex(prev: readonly number[], order: number): number {
  let idx = 0;
  let mul = 1;
  for (let j = 0; j < order - 1; j++) {
    const s = prev.length - 1 - j >= 0 ? prev[prev.length - 1 - j]! : START;
    idx += s * mul;
    mul *= S;
  }
  return idx;
}

export interface NameModelBuildOptions {
  /**
   * Share of the unigram distribution mixed into every context. Default 0 (the committed model: 0.05,
   * the share with the best cross-entropy on names of languages left out of the lists).
   */
  unigramMix?: number;
  /** Kneser–Ney absolute discount. Default 0.75. */
  discount?: number;
}

/**
 * Estimate the model from name fields: interpolated Kneser–Ney down to a uniform distribution, so every
 * spelling keeps a non-zero probability (a rare name is unlikely, never impossible).
 */
export function buildNameModel(
  fields: Iterable<string>,
  order: number,
  opts: NameModelBuildOptions = {},
): NameModel {
  const mix = opts.unigramMix ?? 0;
  if (order < 1 || order > 5) throw new Error('name model order must be 1..5');
  // counts[k]: context of length k (index over S^k) × V.
  const counts = Array.from({ length: order }, (_, k) => new Float64Array(S ** k * V));
  for (const f of fields) {
    const syms = [...f].map(symbolOf);
    for (let i = 0; i < syms.length; i++) {
      for (let k = 0; k < order; k++) {
        const ctx = contextIndex(syms.slice(Math.max(0, i - k), i), k + 1);
        counts[k]![ctx * V + syms[i]!]! += 1;
      }
    }
  }
  // Interpolated Kneser–Ney: absolute discount D at every order; the lower orders count, for each
  // continuation, the distinct contexts it follows (so a letter frequent only inside one common name
  // does not look frequent everywhere).
  const D = opts.discount ?? 0.75;
  for (let k = 0; k < order - 1; k++) {
    const lo = counts[k]!;
    lo.fill(0);
    const hi = counts[k + 1]!;
    const nLo = S ** k;
    for (let x = 0; x < S; x++)
      for (let ctx = 0; ctx < nLo; ctx++)
        for (let v = 0; v < V; v++) if (hi[(ctx + x * nLo) * V + v]! > 0) lo[ctx * V + v]! += 1;
  }
  let lower = new Float64Array(V).fill(1 / V);
  let unigram: Float64Array | null = null;
  for (let k = 0; k < order; k++) {
    const nCtx = S ** k;
    const cur = new Float64Array(nCtx * V);
    const c = counts[k]!;
    const sub = k === 0 ? 1 : S ** (k - 1);
    for (let ctx = 0; ctx < nCtx; ctx++) {
      let total = 0;
      let types = 0;
      for (let v = 0; v < V; v++) {
        const x = c[ctx * V + v]!;
        total += x;
        if (x > 0) types++;
      }
      // The suffix context drops the farthest symbol: ctx mod S^(k−1).
      const low = k === 0 ? 0 : ctx % sub;
      for (let v = 0; v < V; v++) {
        const back = lower[low * V + v]!;
        cur[ctx * V + v] = total > 0 ? (Math.max(c[ctx * V + v]! - D, 0) + D * types * back) / total : back;
      }
    }
    lower = cur;
    if (k === 0) unigram = cur;
  }
  // Names of languages the lists lack: a share of the unigram distribution keeps their spellings
  // unlikely rather than all but impossible.
  const table = new Float32Array(lower.length);
  for (let i = 0; i < lower.length; i++) table[i] = Math.log((1 - mix) * lower[i]! + mix * unigram![i % V]!);
  return { order, table };
}

/** log P(symbol | the symbols before it in the field). */
export function nameLogProb(m: NameModel, prev: readonly number[], sym: number): number {
  return m.table[contextIndex(prev, m.order) * V + sym]!;
}

/** Mean negative log-likelihood per character (nats) of fields under the model (held-out evaluation). */
export function crossEntropy(m: NameModel, fields: Iterable<string>): number {
  let nll = 0;
  let n = 0;
  for (const f of fields) {
    const syms = [...f].map(symbolOf);
    syms.forEach((s, i) => {
      nll -= nameLogProb(m, syms.slice(0, i), s);
      n++;
    });
  }
  return nll / Math.max(1, n);
}

export interface NamePosterior {
  /** The likeliest character per position (marginal maximum). */
  chars: string;
  /**
   * Per position, the posterior probability of that character times the share of the glyph's
   * probability that the considered characters carry (0..1): a glyph that spreads its probability over
   * many characters stays uncertain whatever the spelling says.
   */
  probs: number[];
}

export interface NamePosteriorOptions {
  /** Weight of the spelling model against the glyph evidence (log-linear). Default 0.5. */
  weight?: number;
  /** Characters considered per position, the likeliest by glyph first. Default 5. */
  candidates?: number;
  /**
   * A character is considered only when its glyph probability is at least this share of the likeliest
   * one's, so a clearly printed letter is never overridden, however unusual the name. Default 0.1.
   */
  minRatio?: number;
}

const logAdd = (a: number, b: number): number =>
  a === -Infinity ? b : b === -Infinity ? a : Math.max(a, b) + Math.log1p(Math.exp(-Math.abs(a - b)));

/**
 * Posterior of each character of a name field given its cells' glyph probabilities and the spelling
 * model: P(c_1..c_n | cells) ∝ Π p(c_i | cell_i) · P_model(c_1..c_n)^weight, by forward–backward over
 * the model's contexts (a state is the choice at the last order−1 positions). `cells[i]` gives each
 * character the position allows with its glyph probability (the classifier was trained on uniformly
 * drawn characters, so that is proportional to the likelihood).
 */
export function namePosterior(
  m: NameModel,
  cells: readonly (readonly { ch: string; p: number }[])[],
  opts: NamePosteriorOptions = {},
): NamePosterior {
  const weight = opts.weight ?? 0.5;
  const R = Math.max(1, opts.candidates ?? 5);
  const ratio = opts.minRatio ?? 0.1;
  const n = cells.length;
  if (n === 0) return { chars: '', probs: [] };
  const cand = cells.map((row) => {
    const sorted = row.filter((c) => NAME_ALPHABET.includes(c.ch)).sort((a, b) => b.p - a.p);
    const top = sorted[0]?.p ?? 0;
    return sorted
      .filter((c, i) => i === 0 || c.p >= ratio * top)
      .slice(0, R)
      .map((c) => ({ s: symbolOf(c.ch), p: c.p }));
  });
  const kept = cand.map((cs, i) => {
    const total = cells[i]!.reduce((s, c) => s + (NAME_ALPHABET.includes(c.ch) ? c.p : 0), 0);
    return total > 0 ? Math.min(1, cs.reduce((s, c) => s + c.p, 0) / total) : 0;
  });
  // Every glyph clear: nothing for the spelling to decide.
  if (cand.every((cs) => cs.length === 1))
    return { chars: cand.map((cs) => NAME_ALPHABET[cs[0]!.s]!).join(''), probs: kept };
  const h = m.order - 1;
  // State at position i: candidate indices of positions i, i−1, … (up to h of them) as digits base R,
  // the nearest position as the lowest digit.
  const len = (i: number): number => Math.min(h, i + 1);
  const size = (i: number): number => R ** len(i);
  /** log P_model(symbol of candidate k at i | the state `prev` at i − 1), weighted. */
  const lm = (i: number, prev: number, k: number): number => {
    let ctx = 0;
    let mul = 1;
    for (let j = 0; j < h; j++) {
      const pos = i - 1 - j;
      ctx += (pos >= 0 ? cand[pos]![Math.floor(prev / R ** j) % R]!.s : START) * mul;
      mul *= S;
    }
    return weight * m.table[ctx * V + cand[i]![k]!.s]!;
  };
  const emit = cand.map((cs) => cs.map((c) => Math.log(Math.max(c.p, 1e-12))));
  let chars = '';
  const probs: number[] = [];
  const pick = (marg: number[], i: number): void => {
    let z = -Infinity;
    let b = 0;
    marg.forEach((x, k) => {
      z = logAdd(z, x);
      if (x > marg[b]!) b = k;
    });
    chars += NAME_ALPHABET[cand[i]![b]!.s]!;
    probs.push(Math.exp(marg[b]! - z) * kept[i]!);
  };
  if (h === 0) {
    // Order 1: the positions are independent.
    for (let i = 0; i < n; i++)
      pick(
        cand[i]!.map((_, k) => emit[i]![k]! + lm(i, 0, k)),
        i,
      );
    return { chars, probs };
  }
  const next = (i: number, prev: number, k: number): number => k + R * (prev % R ** (len(i) - 1));
  const alpha: Float64Array[] = [];
  for (let i = 0; i < n; i++) {
    const a = new Float64Array(size(i)).fill(-Infinity);
    if (i === 0) cand[0]!.forEach((_, k) => (a[k] = emit[0]![k]! + lm(0, 0, k)));
    else {
      const pa = alpha[i - 1]!;
      for (let prev = 0; prev < pa.length; prev++) {
        if (pa[prev] === -Infinity) continue;
        for (let k = 0; k < cand[i]!.length; k++) {
          const code = next(i, prev, k);
          a[code] = logAdd(a[code]!, pa[prev]! + emit[i]![k]! + lm(i, prev, k));
        }
      }
    }
    alpha.push(a);
  }
  const beta: Float64Array[] = new Array(n);
  // Codes naming a candidate a position lacks never get a forward value, so need no backward one.
  beta[n - 1] = new Float64Array(size(n - 1));
  for (let i = n - 2; i >= 0; i--) {
    const b = new Float64Array(size(i)).fill(-Infinity);
    for (let code = 0; code < b.length; code++) {
      if (alpha[i]![code] === -Infinity) continue;
      let acc = -Infinity;
      for (let k = 0; k < cand[i + 1]!.length; k++)
        acc = logAdd(acc, emit[i + 1]![k]! + lm(i + 1, code, k) + beta[i + 1]![next(i + 1, code, k)]!);
      b[code] = acc;
    }
    beta[i] = b;
  }
  for (let i = 0; i < n; i++) {
    const marg = new Array<number>(cand[i]!.length).fill(-Infinity);
    const a = alpha[i]!;
    for (let code = 0; code < a.length; code++) {
      if (a[code] === -Infinity) continue;
      const k = code % R;
      marg[k] = logAdd(marg[k]!, a[code]! + beta[i]![code]!);
    }
    pick(marg, i);
  }
  return { chars, probs };
}

/**
 * Serialised form: `names.json` (this manifest) and `names.bin`, one byte per table entry holding
 * −log P in steps of 1/`scale` nat (the 5 % unigram share keeps every entry above −8 nats; the
 * rounding, at most 1/64 nat, is far below what separates two spellings).
 */
export interface NameModelManifest {
  format: 'idv-mrz-names/1';
  order: number;
  alphabet: string;
  scale: number;
}

const SCALE = 32;

export function encodeNameModel(m: NameModel): { manifest: NameModelManifest; bin: Uint8Array } {
  const bin = new Uint8Array(m.table.length);
  for (let i = 0; i < bin.length; i++) bin[i] = Math.min(255, Math.round(-m.table[i]! * SCALE));
  return {
    manifest: { format: 'idv-mrz-names/1', order: m.order, alphabet: NAME_ALPHABET, scale: SCALE },
    bin,
  };
}

export function decodeNameModel(manifest: NameModelManifest, bin: Uint8Array): NameModel {
  if (manifest.format !== 'idv-mrz-names/1' || manifest.alphabet !== NAME_ALPHABET)
    throw new Error('unknown name model format');
  if (!Number.isInteger(manifest.order) || manifest.order < 1 || manifest.order > 5)
    throw new Error('name model order must be 1..5');
  if (bin.byteLength !== S ** (manifest.order - 1) * V) throw new Error('name model size mismatch');
  const table = new Float32Array(bin.byteLength);
  for (let i = 0; i < table.length; i++) table[i] = -bin[i]! / manifest.scale;
  return { order: manifest.order, table };
}
