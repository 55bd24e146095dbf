// Decoding constrained by the check digits: from per-cell class probabilities, find the most probable
// MRZ text whose characters fit each field's class and whose check digits all verify (exact k-best
// dynamic programming over (field sum mod 10, composite sum mod 10)). Pure: unit-tested without a model.
import { states as MRZ_STATES } from 'mrz';
import { charValue, MRZ_ALPHABET } from './check-digit.js';
import {
  bestAllowed,
  GlyphSimilarity,
  reweighBySameGlyph,
  UNCERTAIN_PROB,
  sameGlyphPairs,
  type ConsistencyOptions,
} from './consistency.js';
import { namePosterior, type NameModel } from './name-model.js';
import {
  CLASS_CHARS,
  FR_ID_OLD,
  MRVA,
  RU_INTERNAL,
  MRVB,
  TD1,
  TD2,
  TD3,
  longNumberLayout,
  type CharClass,
  type FieldCheck,
  type Layout,
  type Pos,
} from './layouts.js';

export interface DecodeOptions {
  /** Readings per DP state kept (k-best). Default 8. */
  beam?: number;
  /** Refuse (ambiguous) when the runner-up valid reading is within this log-probability of the best. Default ln(5). */
  ambiguityMargin?: number;
  /**
   * Refuse (ambiguous) when a character that no check digit covers (names, codes, nationality, sex) has a
   * probability below this. Default 0.7.
   */
  minUncheckedProb?: number;
  /** The same floor for lines cut around their glyphs (non-monospaced printing); used by the engine. Default 0.8. */
  glyphCutMinUncheckedProb?: number;
  /** Refuse when the best valid reading is this much less likely (log) than the raw per-cell reading. Default ln(1e4). */
  maxRepairCost?: number;
  /**
   * Same-glyph evidence within the zone (see consistency.ts), used when the cells are given; `false`
   * turns it off. Default on with its defaults.
   */
  sameGlyph?: ConsistencyOptions | false;
  /** Spelling model of name fields (see name-model.ts); without it each name letter is read on its own. */
  nameModel?: NameModel | null;
  /** Weight of the spelling model against the glyph evidence (log-linear). Default 0.5. */
  nameModelWeight?: number;
  /**
   * Prior odds of a letter against a digit or filler in alphanumeric fields (document numbers, optional
   * data), per character. Default 0.1. Why: those fields are mostly digits (88 % of the document-number
   * characters of the real line set are digits or fillers, and none of its letters is an 'O'), issuers
   * avoiding letters that look like digits: a round glyph there is a '0' unless the check digits say otherwise.
   */
  alnumLetterPrior?: number;
  /**
   * A check-digit-covered character may be changed from what the classifier reads there (its top class
   * over the whole alphabet) to satisfy a check digit only when that reading's probability is below this:
   * a genuinely uncertain glyph. A clearly printed character that the check digits would change makes the
   * block `check_digit` (a wrong printed check digit, an altered document), never a repaired valid
   * reading. Default `REPAIR_MAX_PRINTED_PROB` (calibrated: see models/mrz/README.md).
   */
  maxRepairPrintedProb?: number;
}

/**
 * Bound of the repairs (see `DecodeOptions.maxRepairPrintedProb`). Calibrated on the real line crops and
 * the real document photos (models/mrz/README.md, "Repairs are evidence").
 */
export const REPAIR_MAX_PRINTED_PROB = 0.9;

/** One character the decoder changed from the classifier's reading to satisfy the check digits. */
export interface Repair {
  line: number;
  col: number;
  /** The classifier's most probable character there (over the whole alphabet). */
  printed: string;
  chosen: string;
  /** Classifier probabilities of the printed and the chosen characters. */
  pPrinted: number;
  pChosen: number;
}

/** Names of the check-digit fields of a layout, in `fieldChecks` order then the composite. */
export type CheckedField = 'documentNumber' | 'birthDate' | 'expirationDate' | 'optionalData' | 'composite';

export interface Decoded {
  layout: Layout['name'];
  lines: string[];
  /** Raw per-cell best reading (classes applied, check digits ignored). */
  rawLines: string[];
  /** log P(reading) over all cells. */
  logProb: number;
  /** log P(best valid) − log P(runner-up valid) for the check-digit-covered part (Infinity if none). */
  margin: number;
  /** The runner-up valid reading (same as `lines` outside the checked positions), when there is one. */
  alternative: string[] | null;
  /** log P(raw) − log P(best valid) ≥ 0: how much repair the check digits forced. */
  repairCost: number;
  /** Number of characters changed from the raw reading. */
  repaired: number;
  /** Mean per-cell probability of the chosen characters (0..1). */
  confidence: number;
  /** Minimum per-cell probability over the name characters (no check digit protects them). */
  nameConfidence: number;
  /** Minimum per-cell probability over every character no check digit covers (names included). */
  uncheckedConfidence: number;
  /** Every check-digit-covered character changed from the classifier's reading. */
  repairs: Repair[];
  /** The classifier's top class at each cell (whole alphabet, no prior) and its probability: what is printed. */
  printed: { lines: string[]; probs: number[][] };
  /** Check-digit fields that fail on the classifier's own reading (restricted to each field's class). */
  failingFields: CheckedField[];
  /** True when a repair would change a clearly printed character (above the bound): status check_digit. */
  repairRefused: boolean;
  /** The name field is not ICAO-shaped (a cut with cells between the glyphs): ambiguous, another cut may do. */
  namesMalformed: boolean;
  status: 'ok' | 'ambiguous' | 'check_digit';
}

const LOG_FLOOR = Math.log(1e-9);

/** log p, floored (a class the classifier rules out still costs a finite amount). */
const logP = (p: number): number => (p > 1e-9 ? Math.log(p) : LOG_FLOOR);

/**
 * The issuing-state / nationality codes of ICAO 9303 (the `mrz` package's list), '<'-padded to 3, and
 * '<<<' (no nationality, as on some residence cards).
 */
const STATE_CODES: readonly string[] = [...Object.keys(MRZ_STATES).map((c) => c.padEnd(3, '<')), '<<<'];
const STATE_SET = new Set(STATE_CODES);
/** Prior odds against a code outside the list (specimens' 'UTO', retired or unlisted codes). */
const UNLISTED_PENALTY = Math.log(20);

/**
 * The likeliest state code for a 3-cell span, and its probability among the candidates (the span's
 * confidence: a code is read as a whole, from a closed list, not letter by letter). The per-cell reading
 * stays a candidate when it is not in the list, at a prior penalty, so a clearly printed unlisted code is
 * kept while a blurred one snaps to the listed code it most resembles.
 */
function readStateCode(row: Float32Array, start: number, raw: string): { code: string; conf: number } {
  const K = MRZ_ALPHABET.length;
  const lpOf = (c: string): number => {
    let lp = 0;
    for (let k = 0; k < 3; k++) {
      const p = row[(start + k) * K + MRZ_ALPHABET.indexOf(c[k]!)]!;
      lp += logP(p);
    }
    return lp;
  };
  const cands = STATE_SET.has(raw) ? STATE_CODES : [...STATE_CODES, raw];
  const lps = cands.map((c) => lpOf(c) - (STATE_SET.has(c) ? 0 : UNLISTED_PENALTY));
  let b = 0;
  for (let i = 1; i < lps.length; i++) if (lps[i]! > lps[b]!) b = i;
  const total = lps.reduce((s, lp) => s + Math.exp(lp - lps[b]!), 0);
  return { code: cands[b]!, conf: 1 / total };
}

const WEIGHTS = [7, 3, 1];

/** Per-line probability matrices (n × 37, row-major) → log-probabilities restricted to a class. */
function allowedChoices(
  probs: Float32Array,
  col: number,
  cls: CharClass,
  maxChoices: number,
): { ch: string; lp: number }[] {
  const chars = CLASS_CHARS[cls];
  if (maxChoices === 1) {
    let best = chars[0]!;
    let bp = -1;
    for (const ch of chars) {
      const p = probs[col * MRZ_ALPHABET.length + MRZ_ALPHABET.indexOf(ch)]!;
      if (p > bp) {
        bp = p;
        best = ch;
      }
    }
    return [{ ch: best, lp: logP(bp) }];
  }
  const out: { ch: string; lp: number }[] = [];
  for (const ch of chars) {
    const p = probs[col * MRZ_ALPHABET.length + MRZ_ALPHABET.indexOf(ch)]!;
    out.push({ ch, lp: logP(p) });
  }
  out.sort((a, b) => b.lp - a.lp);
  return out.slice(0, maxChoices);
}

interface Entry {
  lp: number;
  prev: Entry | null;
  ch: string;
}

interface Step {
  pos: Pos;
  /** Own check weight (0 = not in a checked field). */
  w1: number;
  /** True when this position is a field's check digit. */
  isCd: boolean;
  /** Composite weight (0 = not in the composite). */
  w2: number;
}

/** The ordered steps of the check structure: composite order first, then field checks outside it. */
function buildSteps(layout: Layout): { steps: Step[]; compositeCd?: Pos } {
  const key = (p: Pos): string => `${p[0]}:${p[1]}`;
  const fieldOf = new Map<string, { idx: number; isCd: boolean }>();
  const fieldPositions = (fc: FieldCheck): Pos[] => {
    const out: Pos[] = [];
    for (let c = fc.span[1]; c < fc.span[2]; c++) out.push([fc.span[0], c]);
    return out;
  };
  for (const fc of layout.fieldChecks) {
    fieldPositions(fc).forEach((p, idx) => fieldOf.set(key(p), { idx, isCd: false }));
    fieldOf.set(key(fc.cd), { idx: -1, isCd: true });
  }
  const steps: Step[] = [];
  const seen = new Set<string>();
  const push = (p: Pos, w2: number): void => {
    const f = fieldOf.get(key(p));
    steps.push({ pos: p, w1: f && !f.isCd ? WEIGHTS[f.idx % 3]! : 0, isCd: f?.isCd ?? false, w2 });
    seen.add(key(p));
  };
  if (layout.composite) {
    let i = 0;
    for (const [line, s, e] of layout.composite.spans)
      for (let c = s; c < e; c++) push([line, c], WEIGHTS[i++ % 3]!);
  }
  for (const fc of layout.fieldChecks) {
    if (seen.has(key(fc.cd))) continue;
    for (const p of fieldPositions(fc)) push(p, 0);
    push(fc.cd, 0);
  }
  return { steps, compositeCd: layout.composite?.cd };
}

function insertK(list: Entry[], e: Entry, k: number): void {
  if (list.length >= k && e.lp <= list[list.length - 1]!.lp) return;
  let i = list.length;
  while (i > 0 && list[i - 1]!.lp < e.lp) i--;
  list.splice(i, 0, e);
  if (list.length > k) list.pop();
}

/**
 * Best and runner-up valid readings of the checked positions. `ties` are pairs of position keys printed
 * with the same glyph: readings giving them different characters are passed over while one that does
 * not exists among the candidates.
 */
function kBest(
  layout: Layout,
  probs: Float32Array[],
  beam: number,
  ties: [string, string][] = [],
): { best: Map<string, string>; second: Map<string, string>; lp: number; runnerUp: number } {
  const { steps, compositeCd } = buildSteps(layout);
  let states: Entry[][] = Array.from({ length: 100 }, () => []);
  states[0]!.push({ lp: 0, prev: null, ch: '' });
  const cls = (p: Pos): CharClass => layout.classes[p[0]]![p[1]] as CharClass;
  for (const st of steps) {
    const next: Entry[][] = Array.from({ length: 100 }, () => []);
    const choices = allowedChoices(probs[st.pos[0]]!, st.pos[1], cls(st.pos), st.isCd ? 11 : 8);
    for (let s = 0; s < 100; s++) {
      const list = states[s]!;
      if (list.length === 0) continue;
      const a = Math.floor(s / 10);
      const b = s % 10;
      for (const c of choices) {
        const v = charValue(c.ch);
        let na: number;
        if (st.isCd) {
          if (v !== a) continue;
          na = 0;
        } else na = (a + v * st.w1) % 10;
        const ns = na * 10 + ((b + v * st.w2) % 10);
        for (const e of list) insertK(next[ns]!, { lp: e.lp + c.lp, prev: e, ch: c.ch }, beam);
      }
    }
    states = next;
  }
  const finals: Entry[] = [];
  if (compositeCd) {
    for (const c of allowedChoices(probs[compositeCd[0]]!, compositeCd[1], cls(compositeCd), 10)) {
      const v = charValue(c.ch);
      for (const e of states[v]!) insertK(finals, { lp: e.lp + c.lp, prev: e, ch: c.ch }, beam);
    }
  } else {
    for (let b = 0; b < 10; b++) for (const e of states[b]!) insertK(finals, e, beam);
  }
  const best = new Map<string, string>();
  const second = new Map<string, string>();
  if (finals.length === 0) return { best, second, lp: -Infinity, runnerUp: -Infinity };
  const order = compositeCd ? [...steps.map((s) => s.pos), compositeCd] : steps.map((s) => s.pos);
  const trace = (start: Entry | undefined, into: Map<string, string>): void => {
    let e: Entry | null = start ?? null;
    for (let i = order.length - 1; i >= 0 && e; i--, e = e.prev)
      into.set(`${order[i]![0]}:${order[i]![1]}`, e.ch);
  };
  const readings = finals.map((f) => {
    const m = new Map<string, string>();
    trace(f, m);
    return m;
  });
  // A document number does not start with a filler: '<000000000' is not a number, whatever its check
  // digit says ('<' and '0' both count 0, so a half-cut first glyph read as a filler would otherwise tie).
  // (Fillers inside do occur: the German specimen's 'C<00000004'.)
  const num = layout.fieldChecks[0]!.span;
  const wellFormed = (m: Map<string, string>): boolean => m.get(`${num[0]}:${num[1]}`) !== '<';
  const tied = (m: Map<string, string>): boolean =>
    wellFormed(m) && ties.every(([a, b]) => m.get(a) === m.get(b));
  const consistent = readings.map(tied);
  const first = consistent.indexOf(true);
  const b0 = first >= 0 ? first : 0;
  for (const [k, v] of readings[b0]!) best.set(k, v);
  // The runner-up must differ somewhere that matters: '<' and '0' are the same value in an optional
  // field's check digit (class P), so readings differing only there are one reading.
  for (let k = b0 + 1; k < finals.length; k++) {
    if (first >= 0 && !consistent[k]) continue;
    const alt = readings[k]!;
    const differs = [...alt].some(([key, ch]) => {
      if (best.get(key) === ch) return false;
      const [l, c] = key.split(':').map(Number) as [number, number];
      return layout.classes[l]![c] !== 'P';
    });
    if (differs) {
      for (const [key, ch] of alt) second.set(key, ch);
      return { best, second, lp: finals[b0]!.lp, runnerUp: finals[k]!.lp };
    }
  }
  // No runner-up among the candidates kept: one may lie below the last of a full list.
  const floor = finals.length >= beam ? finals[finals.length - 1]!.lp : -Infinity;
  return { best, second, lp: finals[b0]!.lp, runnerUp: ties.length ? floor : -Infinity };
}

/**
 * `probs` re-weighed by same-glyph evidence under this layout's field classes, and the pairs of uncertain
 * check-digit-covered cells that print the same glyph (as position keys for the k-best search).
 */
function withSameGlyph(
  layout: Layout,
  probs: Float32Array[],
  sim: GlyphSimilarity,
  opts: ConsistencyOptions,
): { probs: Float32Array[]; ties: [string, string][] } {
  const n = layout.length;
  const K = MRZ_ALPHABET.length;
  const allowed: string[] = [];
  for (let l = 0; l < layout.lines; l++)
    for (let c = 0; c < n; c++) allowed.push(CLASS_CHARS[layout.classes[l]![c] as CharClass]);
  const allProbs = new Float32Array(layout.lines * n * K);
  probs.forEach((p, l) => allProbs.set(p.subarray(0, n * K), l * n * K));
  const out = reweighBySameGlyph(sim, allProbs, allowed, opts);
  const { steps } = buildSteps(layout);
  const uncertain = steps
    .map((st) => st.pos[0] * n + st.pos[1])
    .filter(
      (i) =>
        allowed[i]!.length > 1 && bestAllowed(out, i, allowed[i]!).p < (opts.uncertainProb ?? UNCERTAIN_PROB),
    );
  const key = (i: number): string => `${Math.floor(i / n)}:${i % n}`;
  const ties = sameGlyphPairs(sim, uncertain, opts).map(([a, b]): [string, string] => [key(a), key(b)]);
  return { probs: probs.map((_, l) => out.subarray(l * n * K, (l + 1) * n * K)), ties };
}

/** Extra prior odds of an 'O' (on top of the letter prior) in alphanumeric fields. */
const O_IN_NUMBER_PRIOR = 0.01;

/** `probs` with the letters of alphanumeric ('X') positions weighed by `letterPrior` (rows renormalised). */
function withFieldPriors(layout: Layout, probs: Float32Array[], letterPrior: number): Float32Array[] {
  if (letterPrior === 1) return probs;
  const K = MRZ_ALPHABET.length;
  // In a numeric document number, 'O' further still (1:1000): its glyph is the zero's, and the check
  // digits cannot tell them apart where two stand at weights 7 and 3 ('OO' and '00' both count 0): a real
  // passport's '0000000000' was read 'OO00000000' and verified. Numeric: no letter but 'O' among the
  // number's likeliest characters; alphanumeric numbers (the 2021 French card's) may print an 'O'.
  const num = layout.fieldChecks[0]!.span;
  let numeric = true;
  for (let c = num[1]; c < num[1] + 9 && c < layout.length; c++) {
    const row = probs[num[0]]!;
    let top = 0;
    for (let k = 1; k < K; k++) if (row[c * K + k]! > row[c * K + top]!) top = k;
    const ch = MRZ_ALPHABET[top]!;
    if (ch >= 'A' && ch <= 'Z' && ch !== 'O') numeric = false;
  }
  const w = Float32Array.from(MRZ_ALPHABET, (ch) =>
    ch === 'O' && numeric ? letterPrior * O_IN_NUMBER_PRIOR : ch >= 'A' && ch <= 'Z' ? letterPrior : 1,
  );
  const wOther = Float32Array.from(MRZ_ALPHABET, (ch) => (ch >= 'A' && ch <= 'Z' ? letterPrior : 1));
  return probs.map((row, l) => {
    const cls = layout.classes[l]!;
    if (!cls.includes('X')) return row;
    const out = row.slice();
    for (let c = 0; c < layout.length; c++) {
      if (cls[c] !== 'X') continue;
      // The 'O' odds apply to the document number (optional data may spell codes such as 'KOR').
      const wc = l === num[0] && c >= num[1] && c < num[1] + 9 ? w : wOther;
      let s = 0;
      for (let k = 0; k < K; k++) s += out[c * K + k] = row[c * K + k]! * wc[k]!;
      for (let k = 0; k < K; k++) out[c * K + k] = out[c * K + k]! / s;
    }
    return out;
  });
}

/**
 * Decode one block of lines with one layout. `probs[line]` is (length × 37); `glyphs`, when given, is
 * the likeness of the block's cells (for the same-glyph evidence).
 */
export function decodeWithLayout(
  layout: Layout,
  probsIn: Float32Array[],
  opts: DecodeOptions = {},
  glyphs?: GlyphSimilarity,
): Decoded {
  const sg =
    glyphs && opts.sameGlyph !== false ? withSameGlyph(layout, probsIn, glyphs, opts.sameGlyph ?? {}) : null;
  const probs = withFieldPriors(layout, sg ? sg.probs : probsIn, opts.alnumLetterPrior ?? 0.1);
  const ties = sg ? sg.ties : [];
  const beam = opts.beam ?? 8;
  const ambiguityMargin = opts.ambiguityMargin ?? Math.log(5);
  const maxRepairCost = opts.maxRepairCost ?? Math.log(1e4);
  const minUncheckedProb = opts.minUncheckedProb ?? 0.7;
  const {
    best,
    second,
    lp: checkedLp,
    runnerUp,
  } = kBest(layout, probs, ties.length ? Math.max(beam, 32) : beam, ties);
  const lines: string[] = [];
  const rawLines: string[] = [];
  let logProb = 0;
  let rawLogProb = 0;
  let sumP = 0;
  let repaired = 0;
  const K = MRZ_ALPHABET.length;
  // State codes come from a closed list: read each as a whole code.
  const stateChar = new Map<string, string>();
  const stateConf = new Map<string, number>();
  for (const [l, s] of layout.states) {
    const raw = [0, 1, 2].map((k) => allowedChoices(probs[l]!, s + k, 'A', 1)[0]!.ch).join('');
    const { code, conf } = readStateCode(probs[l]!, s, raw);
    for (let k = 0; k < 3; k++) {
      stateChar.set(`${l}:${s + k}`, code[k]!);
      stateConf.set(`${l}:${s + k}`, conf);
    }
  }
  const checked = new Set(buildSteps(layout).steps.map((st) => `${st.pos[0]}:${st.pos[1]}`));
  if (layout.composite) checked.add(`${layout.composite.cd[0]}:${layout.composite.cd[1]}`);
  // Names: read as a whole under the spelling model, when there is one (where a check digit covers a
  // name, as on the 1988 French card, the check-digit search decides).
  const nameChar = new Map<string, string>();
  const nameConf = new Map<string, number>();
  // Not for a block the check digits already refuse (other text on the card, a wrong cut): the repair
  // they force on the checked positions alone decides its status.
  const checkedRepair = (): number => {
    let cost = 0;
    for (const [key, ch] of best) {
      const [l, c] = key.split(':').map(Number) as [number, number];
      const top = allowedChoices(probs[l]!, c, layout.classes[l]![c] as CharClass, 1)[0]!;
      const p = probs[l]![c * K + MRZ_ALPHABET.indexOf(ch)]!;
      cost += top.lp - logP(p);
    }
    return cost;
  };
  // The spelling model knows ICAO names (letters and fillers): not the digits of a national transliteration.
  const icaoNames = layout.names.every(([l, s, e]) => /^[AL]*$/.test(layout.classes[l]!.slice(s, e)));
  if (opts.nameModel && icaoNames && Number.isFinite(checkedLp) && checkedRepair() <= maxRepairCost) {
    for (const [l, s, e] of layout.names) {
      const cells = [];
      for (let c = s; c < e; c++) {
        const chars = CLASS_CHARS[layout.classes[l]![c] as CharClass];
        let tot = 0;
        for (const ch of chars) tot += probs[l]![c * K + MRZ_ALPHABET.indexOf(ch)]!;
        cells.push(
          [...chars].map((ch) => ({
            ch,
            p: tot > 0 ? probs[l]![c * K + MRZ_ALPHABET.indexOf(ch)]! / tot : 0,
          })),
        );
      }
      const post = namePosterior(opts.nameModel, cells, { weight: opts.nameModelWeight ?? 0.5 });
      for (let c = s; c < e; c++) {
        if (checked.has(`${l}:${c}`)) continue;
        nameChar.set(`${l}:${c}`, post.chars[c - s]!);
        nameConf.set(`${l}:${c}`, post.probs[c - s]!);
      }
    }
  }
  for (let l = 0; l < layout.lines; l++) {
    let line = '';
    let raw = '';
    for (let c = 0; c < layout.length; c++) {
      const choices = allowedChoices(probs[l]!, c, layout.classes[l]![c] as CharClass, 1);
      // A name read under the spelling model is its own raw reading: the repair cost measures what
      // the check digits forced, not what the spelling chose.
      const spelled = best.has(`${l}:${c}`) ? undefined : nameChar.get(`${l}:${c}`);
      const r = spelled
        ? { ch: spelled, lp: logP(probs[l]![c * K + MRZ_ALPHABET.indexOf(spelled)]!) }
        : choices[0]!;
      raw += r.ch;
      rawLogProb += r.lp;
      const ch = best.get(`${l}:${c}`) ?? stateChar.get(`${l}:${c}`) ?? nameChar.get(`${l}:${c}`) ?? r.ch;
      line += ch;
      const p = probs[l]![c * K + MRZ_ALPHABET.indexOf(ch)]!;
      logProb += logP(p);
      sumP += p;
      if (ch !== r.ch) repaired++;
    }
    lines.push(line);
    rawLines.push(raw);
  }
  // Confidence of a character among those its position allows (a name's 'O' is not weakened by the
  // probability the classifier gives to '0', which the position excludes).
  const inClass = (l: number, c: number): number => {
    const sc = stateConf.get(`${l}:${c}`) ?? nameConf.get(`${l}:${c}`);
    if (sc !== undefined) return sc;
    const row = probs[l]!;
    let s = 0;
    for (const ch of CLASS_CHARS[layout.classes[l]![c] as CharClass])
      s += row[c * K + MRZ_ALPHABET.indexOf(ch)]!;
    const p = row[c * K + MRZ_ALPHABET.indexOf(lines[l]![c]!)]!;
    return s > 0 ? p / s : 0;
  };
  let nameConfidence = 1;
  for (const [l, s, e] of layout.names)
    for (let c = s; c < e; c++) nameConfidence = Math.min(nameConfidence, inClass(l, c));
  let uncheckedConfidence = 1;
  for (let l = 0; l < layout.lines; l++)
    for (let c = 0; c < layout.length; c++)
      if (!checked.has(`${l}:${c}`)) uncheckedConfidence = Math.min(uncheckedConfidence, inClass(l, c));
  const margin = checkedLp - runnerUp;
  const alternative = second.size
    ? lines.map((line, l) => [...line].map((ch, c) => second.get(`${l}:${c}`) ?? ch).join(''))
    : null;
  const repairCost = Math.max(0, rawLogProb - logProb);
  const repairs = listRepairs(layout, probsIn, best);
  const bound = opts.maxRepairPrintedProb ?? REPAIR_MAX_PRINTED_PROB;
  const repairRefused = repairs.some((r) => r.pPrinted >= bound && !lookAlike(r.printed, r.chosen));
  const namesMalformed = !namesWellFormed(layout, lines);
  const status =
    !Number.isFinite(checkedLp) || repairCost > maxRepairCost || repairRefused
      ? 'check_digit'
      : margin < ambiguityMargin || uncheckedConfidence < minUncheckedProb || namesMalformed
        ? 'ambiguous'
        : 'ok';
  return {
    layout: layout.name,
    lines,
    rawLines,
    logProb,
    margin,
    alternative,
    repairCost,
    repaired,
    confidence: sumP / (layout.lines * layout.length),
    nameConfidence,
    uncheckedConfidence,
    repairs,
    printed: printedReading(layout, probsIn),
    failingFields: failingFields(layout, probs),
    repairRefused,
    namesMalformed,
    status,
  };
}

/**
 * ICAO 9303 names: components joined by '<', the primary and secondary identifiers by one '<<', then
 * fillers to the end. A run of three fillers before more letters, or a second '<<' (but on the 1988 French
 * card, which joins given names with '<<'), is a line cut with cells between the glyphs: a reading no
 * check digit can catch, so it is refused and the next cut is tried.
 */
function namesWellFormed(layout: Layout, lines: string[]): boolean {
  for (const [l, s, e] of layout.names) {
    const name = lines[l]!.slice(s, e).replace(/<+$/, '');
    if (name.includes('<<<')) return false;
    if (layout.name !== 'FR_ID_OLD' && name.split('<<').length > 2) return false;
  }
  return true;
}

/** The classifier's top class of every cell and its probability. */
function printedReading(layout: Layout, probs: Float32Array[]): Decoded['printed'] {
  const K = MRZ_ALPHABET.length;
  const lines: string[] = [];
  const ps: number[][] = [];
  for (let l = 0; l < layout.lines; l++) {
    const row = probs[l]!;
    let line = '';
    const p: number[] = [];
    for (let c = 0; c < layout.length; c++) {
      let top = 0;
      for (let k = 1; k < K; k++) if (row[c * K + k]! > row[c * K + top]!) top = k;
      line += MRZ_ALPHABET[top]!;
      p.push(round3(row[c * K + top]!));
    }
    lines.push(line);
    ps.push(p);
  }
  return { lines, probs: ps };
}

/**
 * Repairs of `d` that another reading of the same MRZ (another cut or view of the photo: most characters
 * alike) saw clearly printed as something else: a check digit cut in half at a strip's end reads as an
 * uncertain filler there, and the view that shows it whole says what is printed. Look-alikes excepted.
 */
export function contradictedRepairs(
  d: Decoded,
  others: readonly Decoded[],
  bound = REPAIR_MAX_PRINTED_PROB,
): Repair[] {
  const out: Repair[] = [];
  for (const o of others) {
    if (o === d || o.layout !== d.layout) continue;
    let same = 0;
    let n = 0;
    o.printed.lines.forEach((line, l) => {
      for (let c = 0; c < line.length; c++, n++) if (line[c] === d.printed.lines[l]?.[c]) same++;
    });
    if (same < 0.8 * n) continue;
    for (const r of d.repairs) {
      const ch = o.printed.lines[r.line]?.[r.col];
      const p = o.printed.probs[r.line]?.[r.col] ?? 0;
      if (ch && ch !== r.chosen && p >= bound && !lookAlike(ch, r.chosen) && !out.includes(r)) out.push(r);
    }
  }
  return out;
}

/** The characters of `best` (checked positions) that differ from the classifier's top class. */
function listRepairs(layout: Layout, probs: Float32Array[], best: Map<string, string>): Repair[] {
  const K = MRZ_ALPHABET.length;
  const out: Repair[] = [];
  for (const [key, ch] of best) {
    const [l, c] = key.split(':').map(Number) as [number, number];
    const row = probs[l]!;
    let top = 0;
    for (let k = 1; k < K; k++) if (row[c * K + k]! > row[c * K + top]!) top = k;
    const printed = MRZ_ALPHABET[top]!;
    if (printed === ch) continue;
    out.push({
      line: l,
      col: c,
      printed,
      chosen: ch,
      pPrinted: round3(row[c * K + top]!),
      pChosen: round3(row[c * K + MRZ_ALPHABET.indexOf(ch)]!),
    });
  }
  return out.sort((a, b) => a.line - b.line || a.col - b.col);
}

/**
 * Letter/digit pairs that OCR-B prints with nearly the same glyph (and issuers avoid mixing): reading
 * one as the other is the classifier's uncertainty, not a change of what is printed, whatever its
 * probability. On the real line crops every confident repair of a correct reading is one of these
 * ('O' → '0' up to 0.997); no other repair of a correct reading is above 0.81.
 */
const LOOK_ALIKE: Record<string, string> = {
  O: '0',
  Q: '0',
  D: '0',
  U: '0',
  I: '1',
  L: '1',
  Z: '2',
  S: '5',
  G: '6',
  B: '8',
};

export function lookAlike(a: string, b: string): boolean {
  return LOOK_ALIKE[a] === b || LOOK_ALIKE[b] === a;
}

const round3 = (x: number): number => Math.round(x * 1000) / 1000;

/** Field names of a layout's check digits (the first is the document number). */
function fieldName(layout: Layout, i: number): CheckedField {
  const fc = layout.fieldChecks[i]!;
  if (i === 0) return 'documentNumber';
  const len = fc.span[2] - fc.span[1];
  if (len === 6) {
    // TD1/TD2/TD3: birth then expiry; the 1988 French card: birth only.
    const dates = layout.fieldChecks.filter((f) => f.span[2] - f.span[1] === 6);
    return dates[0] === fc ? 'birthDate' : 'expirationDate';
  }
  return 'optionalData';
}

/** Check-digit fields failing on the per-cell reading restricted to each position's class. */
function failingFields(layout: Layout, probs: Float32Array[]): CheckedField[] {
  const ch = (p: Pos): string =>
    allowedChoices(probs[p[0]]!, p[1], layout.classes[p[0]]![p[1]] as CharClass, 1)[0]!.ch;
  const digitOf = (chars: string[]): number => {
    let s = 0;
    chars.forEach((c, i) => (s += charValue(c) * WEIGHTS[i % 3]!));
    return s % 10;
  };
  const out: CheckedField[] = [];
  layout.fieldChecks.forEach((fc, i) => {
    const chars: string[] = [];
    for (let c = fc.span[1]; c < fc.span[2]; c++) chars.push(ch([fc.span[0], c]));
    const cd = ch(fc.cd);
    // An optional field's '<' check digit stands for an empty field.
    if (cd === '<' ? chars.some((x) => x !== '<') : digitOf(chars) !== charValue(cd))
      out.push(fieldName(layout, i));
  });
  if (layout.composite) {
    const chars: string[] = [];
    for (const [l, s, e] of layout.composite.spans) for (let c = s; c < e; c++) chars.push(ch([l, c]));
    if (digitOf(chars) !== charValue(ch(layout.composite.cd))) out.push('composite');
  }
  return out;
}

/** Below this mean per-cell top probability a block gets no same-glyph evidence. */
const SAME_GLYPH_MIN_MEAN_PROB = 0.8;

function meanTopProb(probs: Float32Array[], length: number): number {
  const K = MRZ_ALPHABET.length;
  let s = 0;
  for (const row of probs)
    for (let c = 0; c < length; c++) {
      let m = 0;
      for (let k = 0; k < K; k++) m = Math.max(m, row[c * K + k]!);
      s += m;
    }
  return s / (probs.length * length);
}

/** Pick the layout for a block from its shape and its (raw) document code, then decode. */
export function decodeBlock(
  probs: Float32Array[],
  length: number,
  opts: DecodeOptions = {},
  cells?: Float32Array[],
): Decoded | null {
  const top = (l: number, c: number, cls: CharClass): string => allowedChoices(probs[l]!, c, cls, 1)[0]!.ch;
  const lines = probs.length;
  let layout: Layout | undefined;
  const code0 = top(0, 0, 'L');
  if (lines === 3 && length === 30) layout = TD1;
  else if (lines === 2 && length === 44) {
    const head = [0, 1, 2, 3, 4].map((c) => top(0, c, 'A')).join('');
    layout = code0 === 'V' ? MRVA : head === 'PNRUS' ? RU_INTERNAL : TD3;
  } else if (lines === 2 && length === 36) {
    const head = [0, 1, 2, 3, 4].map((c) => top(0, c, 'A')).join('');
    layout = head === 'IDFRA' ? FR_ID_OLD : code0 === 'V' ? MRVB : TD2;
  }
  if (!layout) return null;
  // Same-glyph evidence, except on a block the classifier mostly cannot read (other text on the card, a
  // bad cut): there it only costs time.
  let glyphs: GlyphSimilarity | undefined;
  if (cells && opts.sameGlyph !== false && meanTopProb(probs, length) >= SAME_GLYPH_MIN_MEAN_PROB) {
    const all = new Float32Array(cells.reduce((s, c) => s + c.length, 0));
    let off = 0;
    for (const c of cells) {
      all.set(c, off);
      off += c.length;
    }
    glyphs = new GlyphSimilarity(all);
  }
  return decodeLayoutVariants(layout, probs, opts, glyphs);
}

/** Decode with `layout` and, when its document number's check digit reads '<', its long-number variants. */
function decodeLayoutVariants(
  layout: Layout,
  probs: Float32Array[],
  opts: DecodeOptions,
  glyphs?: GlyphSimilarity,
): Decoded {
  const top = (l: number, c: number, cls: CharClass): string => allowedChoices(probs[l]!, c, cls, 1)[0]!.ch;
  let best = decodeWithLayout(layout, probs, opts, glyphs);
  // A filler where the document number's check digit belongs: also read it as a long document number
  // (9 + k characters) and keep the likeliest reading that verifies.
  const fc = layout.fieldChecks[0]!;
  if (layout.longNumber && top(fc.cd[0], fc.cd[1], 'X') === '<') {
    const rank = { ok: 2, ambiguous: 1, check_digit: 0 } as const;
    const [line, col] = fc.cd;
    const end = layout.longNumber.optionalEnd;
    for (let k = 1; ; k++) {
      const long = longNumberLayout(layout, k);
      if (!long) break;
      // The number's check digit is followed by a filler (or ends the field): only those lengths.
      const after = col + 2 + k;
      if (after < end && top(line, after, 'X') !== '<') continue;
      const d = decodeWithLayout(long, probs, opts, glyphs);
      if (
        rank[d.status] > rank[best.status] ||
        (rank[d.status] === rank[best.status] && d.logProb > best.logProb)
      )
        best = d;
    }
  }
  return best;
}
