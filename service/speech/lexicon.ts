// Digit vocabularies per language: the only words the decoders know (a dictionary trimmed to the digits).
// Pronunciations copied from the soundswallower models' dictionaries (CMUdict phones for en-us, LIUM phones for fr-fr).
import type { SpeechLang } from './types.js';

export interface DigitWord {
  word: string;
  digit: string;
  /** Alternative pronunciations (phones separated by spaces). */
  prons: string[];
}

const EN: DigitWord[] = [
  { word: 'zero', digit: '0', prons: ['Z IH R OW', 'Z IY R OW'] },
  { word: 'oh', digit: '0', prons: ['OW'] },
  { word: 'one', digit: '1', prons: ['W AH N'] },
  { word: 'two', digit: '2', prons: ['T UW'] },
  { word: 'three', digit: '3', prons: ['TH R IY'] },
  { word: 'four', digit: '4', prons: ['F AO R'] },
  { word: 'five', digit: '5', prons: ['F AY V'] },
  { word: 'six', digit: '6', prons: ['S IH K S'] },
  { word: 'seven', digit: '7', prons: ['S EH V AH N'] },
  { word: 'eight', digit: '8', prons: ['EY T'] },
  { word: 'nine', digit: '9', prons: ['N AY N'] },
];

const FR: DigitWord[] = [
  { word: 'zéro', digit: '0', prons: ['zz ai rr au', 'zz ei rr au'] },
  // [ɛ̃] as well as [œ̃]: most speakers (and espeak-ng) no longer distinguish "un" from "in".
  { word: 'un', digit: '1', prons: ['un', 'in', 'un nn', 'in nn'] },
  { word: 'une', digit: '1', prons: ['uu nn', 'uu nn ee'] },
  { word: 'deux', digit: '2', prons: ['dd eu', 'dd eu zz'] },
  { word: 'trois', digit: '3', prons: ['tt rr ww aa', 'tt rr ww aa zz'] },
  { word: 'quatre', digit: '4', prons: ['kk aa tt rr', 'kk aa tt rr ee', 'kk aa tt'] },
  { word: 'cinq', digit: '5', prons: ['ss in kk', 'ss in'] },
  { word: 'six', digit: '6', prons: ['ss ii ss', 'ss ii', 'ss ii zz'] },
  { word: 'sept', digit: '7', prons: ['ss ai tt'] },
  { word: 'huit', digit: '8', prons: ['uy ii tt', 'uy ii'] },
  { word: 'neuf', digit: '9', prons: ['nn oe ff', 'nn eu ff'] },
];

export const LEXICON: Record<SpeechLang, DigitWord[]> = { en: EN, fr: FR };

/** Model directory names inside node_modules/soundswallower/model. */
export const MODEL_NAME: Record<SpeechLang, string> = { en: 'en-us', fr: 'fr-fr' };

/** Dictionary file text (Sphinx format: `word phones`, alternatives as `word(2)`). */
export function dictionaryText(lang: SpeechLang): string {
  const lines: string[] = [];
  for (const w of LEXICON[lang]) {
    w.prons.forEach((p, i) => lines.push(i === 0 ? `${w.word} ${p}` : `${w.word}(${i + 1}) ${p}`));
  }
  return `${lines.join('\n')}\n`;
}

export function wordToDigit(lang: SpeechLang, word: string): string | undefined {
  return LEXICON[lang].find((w) => w.word === word)?.digit;
}

/** Grammar of exactly three digits (any word for each digit). Silences and fillers are inserted by the decoder. */
export function freeDigitsGrammar(lang: SpeechLang, count = 3): string {
  const alts = LEXICON[lang].map((w) => w.word).join(' | ');
  return `#JSGF V1.0;\ngrammar digits;\n<d> = ${alts};\npublic <s> = ${Array(count).fill('<d>').join(' ')};\n`;
}

/** Grammar of the expected digits only (forced alignment), accepting any word that denotes each digit. */
export function expectedDigitsGrammar(lang: SpeechLang, digits: string): string {
  const parts = [...digits].map((d) => {
    const words = LEXICON[lang].filter((w) => w.digit === d).map((w) => w.word);
    if (words.length === 0) throw new RangeError(`not a digit: ${d}`);
    return words.length === 1 ? words[0]! : `(${words.join(' | ')})`;
  });
  return `#JSGF V1.0;\ngrammar expected;\npublic <s> = ${parts.join(' ')};\n`;
}

/**
 * Verification grammar: at each of the three positions, the expected digit competes with any digit, the expected one
 * carrying a prior bonus `weight`. A position keeps the expected digit unless another digit explains that stretch of
 * audio better by more than the bonus: a per-digit likelihood-ratio test inside one search.
 */
export function verificationGrammar(lang: SpeechLang, digits: string, weight: number): string {
  const alts = LEXICON[lang].map((w) => w.word).join(' | ');
  const w = weight.toFixed(0);
  const pos = [...digits].map((d) => {
    const words = LEXICON[lang].filter((x) => x.digit === d).map((x) => x.word);
    if (words.length === 0) throw new RangeError(`not a digit: ${d}`);
    return `(/${w}/ (${words.join(' | ')}) | /1/ <d>)`;
  });
  return `#JSGF V1.0;\ngrammar verify;\n<d> = ${alts};\npublic <s> = ${pos.join(' ')};\n`;
}
