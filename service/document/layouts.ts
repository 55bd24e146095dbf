// MRZ layouts (ICAO 9303 TD1/TD2/TD3, visas MRV-A/B, and the French ID card of 1988-2021): per-position
// character classes and the check-digit structure that the constrained decoder enforces.

/**
 * Character classes: A letters+<, L letters, N digits, X alphanumeric+<, S sex, D check digit, P digit or <
 * (optional field's check digit), F the filler alone (where a long document number's check digit would be),
 * and the first letter of the document code, which ICAO 9303 fixes per format: K for cards (TD1, TD2:
 * A, C or I), Y for passports (TD3: P), V for visas (MRV-A, MRV-B: V).
 */
export type CharClass = 'A' | 'L' | 'N' | 'X' | 'S' | 'D' | 'P' | 'F' | 'K' | 'Y' | 'V' | 'R';

export const CLASS_CHARS: Record<CharClass, string> = {
  A: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ<',
  L: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ',
  N: '0123456789',
  X: '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ<',
  S: 'MFX<',
  D: '0123456789',
  P: '0123456789<',
  F: '<',
  K: 'ACI',
  Y: 'P',
  V: 'V',
  // Names of the Russian internal passport: its transliteration writes Ё Ч Ш Э Ю Я Ь as 2 3 4 6 7 8 9.
  R: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ<2346789',
};

/** A position in the MRZ: [line, column]. */
export type Pos = readonly [number, number];
/** A span [line, start, endExclusive]. */
export type Span = readonly [number, number, number];

export interface FieldCheck {
  span: Span;
  /** Position of the check digit (immediately after the span). */
  cd: Pos;
}

export interface Layout {
  name: 'TD1' | 'TD2' | 'TD3' | 'MRVA' | 'MRVB' | 'FR_ID_OLD' | 'RU_INTERNAL';
  /** Format name in the `mrz` package. */
  format: 'TD1' | 'TD2' | 'TD3' | 'FRENCH_NATIONAL_ID';
  lines: number;
  length: number;
  /** One class letter per position, per line. */
  classes: string[];
  fieldChecks: FieldCheck[];
  /** Composite check: spans concatenated in order, then its digit. */
  composite?: { spans: Span[]; cd: Pos };
  /** Name spans (no check digit of their own, confidence reported apart). */
  names: Span[];
  /** Issuing state and nationality: three-letter codes of ICAO 9303 (no check digit, but a closed list). */
  states: Span[];
  /**
   * ICAO 9303 long document numbers (TD1, TD2): the first field check is the document number, a '<'
   * takes its check digit's place and the number continues in the optional data (ending before
   * `optionalEnd`), followed by its check digit.
   */
  longNumber?: { optionalEnd: number };
}

const rep = (c: string, n: number): string => c.repeat(n);

export const TD3: Layout = {
  name: 'TD3',
  format: 'TD3',
  lines: 2,
  length: 44,
  classes: [
    'YA' + rep('A', 3) + rep('A', 39),
    rep('X', 9) + 'D' + rep('A', 3) + rep('N', 6) + 'D' + 'S' + rep('N', 6) + 'D' + rep('X', 14) + 'P' + 'D',
  ],
  fieldChecks: [
    { span: [1, 0, 9], cd: [1, 9] },
    { span: [1, 13, 19], cd: [1, 19] },
    { span: [1, 21, 27], cd: [1, 27] },
    { span: [1, 28, 42], cd: [1, 42] },
  ],
  composite: {
    spans: [
      [1, 0, 10],
      [1, 13, 20],
      [1, 21, 43],
    ],
    cd: [1, 43],
  },
  names: [[0, 5, 44]],
  states: [
    [0, 2, 5],
    [1, 10, 13],
  ],
};

export const MRVA: Layout = {
  ...TD3,
  name: 'MRVA',
  classes: [
    'VA' + TD3.classes[0]!.slice(2),
    rep('X', 9) + 'D' + rep('A', 3) + rep('N', 6) + 'D' + 'S' + rep('N', 6) + 'D' + rep('X', 16),
  ],
  fieldChecks: TD3.fieldChecks.slice(0, 3),
  composite: undefined,
};

/**
 * The Russian internal passport (since 2011): a TD3-sized MRZ headed `PNRUS`, whose names use a national
 * transliteration with digits (ИМЯРЕК → IM8REK, -ВИЧ → VI3), whose expiry is empty (`<<<<<<` and a filler
 * for its check digit: the passport is renewed at set ages) and whose optional data (last digit of the series,
 * issue date, issuing office) has its own check digit. Chosen only when the block's head reads `PNRUS`.
 */
export const RU_INTERNAL: Layout = {
  ...TD3,
  name: 'RU_INTERNAL',
  classes: [
    'YA' + rep('A', 3) + rep('R', 39),
    rep('X', 9) + 'D' + rep('A', 3) + rep('N', 6) + 'D' + 'S' + rep('F', 7) + rep('X', 14) + 'P' + 'D',
  ],
  fieldChecks: [
    { span: [1, 0, 9], cd: [1, 9] },
    { span: [1, 13, 19], cd: [1, 19] },
    { span: [1, 28, 42], cd: [1, 42] },
  ],
};

export const TD2: Layout = {
  name: 'TD2',
  format: 'TD2',
  lines: 2,
  length: 36,
  classes: [
    'KA' + rep('A', 3) + rep('A', 31),
    rep('X', 9) + 'D' + rep('A', 3) + rep('N', 6) + 'D' + 'S' + rep('N', 6) + 'D' + rep('X', 7) + 'D',
  ],
  fieldChecks: [
    { span: [1, 0, 9], cd: [1, 9] },
    { span: [1, 13, 19], cd: [1, 19] },
    { span: [1, 21, 27], cd: [1, 27] },
  ],
  composite: {
    spans: [
      [1, 0, 10],
      [1, 13, 20],
      [1, 21, 35],
    ],
    cd: [1, 35],
  },
  names: [[0, 5, 36]],
  states: [
    [0, 2, 5],
    [1, 10, 13],
  ],
  longNumber: { optionalEnd: 35 },
};

export const MRVB: Layout = {
  ...TD2,
  name: 'MRVB',
  classes: [
    'VA' + TD2.classes[0]!.slice(2),
    rep('X', 9) + 'D' + rep('A', 3) + rep('N', 6) + 'D' + 'S' + rep('N', 6) + 'D' + rep('X', 8),
  ],
  composite: undefined,
};

/** French ID card 1988-2021: IDFRA + last name + office code / issue YYMM, office, number, cd, first names, birth date, cd, sex, composite. */
export const FR_ID_OLD: Layout = {
  name: 'FR_ID_OLD',
  format: 'FRENCH_NATIONAL_ID',
  lines: 2,
  length: 36,
  classes: [
    'LL' + rep('A', 3) + rep('A', 25) + rep('X', 6),
    rep('N', 4) + rep('X', 3) + rep('N', 5) + 'D' + rep('A', 14) + rep('N', 6) + 'D' + 'S' + 'D',
  ],
  fieldChecks: [
    { span: [1, 0, 12], cd: [1, 12] },
    { span: [1, 27, 33], cd: [1, 33] },
  ],
  composite: {
    spans: [
      [0, 0, 36],
      [1, 0, 35],
    ],
    cd: [1, 35],
  },
  names: [
    [0, 5, 30],
    [1, 13, 27],
  ],
  states: [[0, 2, 5]],
};

export const TD1: Layout = {
  name: 'TD1',
  format: 'TD1',
  lines: 3,
  length: 30,
  classes: [
    'KA' + rep('A', 3) + rep('X', 9) + 'D' + rep('X', 15),
    rep('N', 6) + 'D' + 'S' + rep('N', 6) + 'D' + rep('A', 3) + rep('X', 11) + 'D',
    rep('A', 30),
  ],
  fieldChecks: [
    { span: [0, 5, 14], cd: [0, 14] },
    { span: [1, 0, 6], cd: [1, 6] },
    { span: [1, 8, 14], cd: [1, 14] },
  ],
  composite: {
    spans: [
      [0, 5, 30],
      [1, 0, 7],
      [1, 8, 15],
      [1, 18, 29],
    ],
    cd: [1, 29],
  },
  names: [[2, 0, 30]],
  states: [
    [0, 2, 5],
    [1, 15, 18],
  ],
  longNumber: { optionalEnd: 30 },
};

/** The layout read with a document number of 9 + k characters (k = 1 .. room left in the optional data). */
export function longNumberLayout(layout: Layout, k: number): Layout | null {
  const opt = layout.longNumber;
  const fc = layout.fieldChecks[0];
  if (!opt || !fc) return null;
  const [line, col] = fc.cd;
  const cd = col + 1 + k;
  if (k < 1 || cd >= opt.optionalEnd) return null;
  const cls = layout.classes[line]!;
  const classes = layout.classes.slice();
  classes[line] = cls.slice(0, col) + 'F' + cls.slice(col + 1, cd) + 'D' + cls.slice(cd + 1);
  return {
    ...layout,
    classes,
    fieldChecks: [
      // The check digit covers the whole run, the filler included (it counts 0 but shifts the 7-3-1
      // weights): so the real Belgian and Canadian cards of the shared line set verify, and so does the
      // `mrz` package, where leaving the filler out (as the ICAO text can be read) fails both.
      { span: [line, fc.span[1], cd], cd: [line, cd] },
      ...layout.fieldChecks.slice(1),
    ],
    longNumber: undefined,
  };
}

export const ALL_LAYOUTS: readonly Layout[] = [TD1, TD2, MRVB, FR_ID_OLD, TD3, MRVA, RU_INTERNAL];

/** Candidate layouts for a block of `lines` lines of `length` characters. */
export function layoutsFor(lines: number, length: number): Layout[] {
  return ALL_LAYOUTS.filter((l) => l.lines === lines && l.length === length);
}
