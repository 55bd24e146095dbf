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
  { word: 'one', digit: '1', prons: ['W AH N'] },
  { word: 'two', digit: '2', prons: ['T UW'] },
  { word: 'three', digit: '3', prons: ['TH R IY'] },
  { word: 'four', digit: '4', prons: ['F AO R'] },
  { word: 'five', digit: '5', prons: ['F AY V'] },
  // "S EH K S": the [ɛ]-like vowel of "six" in some accents (NZ, South African; an FSDD speaker of takes 0–24 read
  // as "seven" 9 times in 10 without it). No other digit comes close to it.
  { word: 'six', digit: '6', prons: ['S IH K S', 'S EH K S'] },
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

/**
 * "Anything else": short frequent words, fillers and number words that are not single digits, none a homophone of a
 * digit (no "for", "to", "ate", "won"). Looped with the digits they form the competing model of an utterance that is
 * not exactly the challenge (a sentence, hesitations, "et", septante/nonante, "twenty"). The challenge only matches
 * when it explains the audio nearly as well as this loop. Prons from the models' dictionaries.
 */
// "oh" for zero is heard but not accepted as a digit: a lone vowel fits the vowel of almost any digit ("two" said as
// "oh" matched a 0 on FSDD); an applicant who says "oh" goes to review instead.
const OTHER_EN: [string, string][] = [
  ['oh', 'OW'],
  ['and', 'AH N D'],
  ['uh', 'AH'],
  ['um', 'AH M'],
  ['the', 'DH AH'],
  ['i', 'AY'],
  ['it', 'IH T'],
  ['is', 'IH Z'],
  ['that', 'DH AE T'],
  ['you', 'Y UW'],
  ['so', 'S OW'],
  ['now', 'N AW'],
  ['at', 'AE T'],
  ['my', 'M AY'],
  ['number', 'N AH M B ER'],
  ['okay', 'OW K EY'],
  ['yes', 'Y EH S'],
  ['no', 'N OW'],
  ['hello', 'HH AH L OW'],
  ['well', 'W EH L'],
  ['then', 'DH EH N'],
  ['was', 'W AA Z'],
  ['we', 'W IY'],
  ['this', 'DH IH S'],
  ['have', 'HH AE V'],
  ['what', 'W AH T'],
  ['with', 'W IH DH'],
  ['but', 'B AH T'],
  ['be', 'B IY'],
  ['not', 'N AA T'],
  ['in', 'IH N'],
  ['like', 'L AY K'],
  ['just', 'JH AH S T'],
  ['think', 'TH IH NG K'],
  ['go', 'G OW'],
  ['said', 'S EH D'],
  ['here', 'HH IY R'],
  ['all', 'AO L'],
  ['up', 'AH P'],
  ['ten', 'T EH N'],
  ['eleven', 'IH L EH V AH N'],
  ['twenty', 'T W EH N T IY'],
  ['hundred', 'HH AH N D R AH D'],
  ['thirty', 'TH ER D IY'],
  ['double', 'D AH B AH L'],
];
const OTHER_FR: [string, string][] = [
  ['et', 'ai'],
  ['et(2)', 'ei'],
  ['euh', 'eu'],
  ['heu', 'oe'],
  ['ben', 'bb in'],
  ['bah', 'bb aa'],
  ['alors', 'aa ll oo rr'],
  ['donc', 'dd on kk'],
  ['le', 'll ee'],
  ['la', 'll aa'],
  ['les', 'll ai'],
  ['de', 'dd ee'],
  ['du', 'dd uu'],
  ['je', 'jj ee'],
  ['il', 'ii ll'],
  ['elle', 'ai ll'],
  ['mais', 'mm ai'],
  ['ou', 'ou'],
  ['oui', 'ww ii'],
  ['non', 'nn on'],
  ['bonjour', 'bb on jj ou rr'],
  ['merci', 'mm ai rr ss ii'],
  ['voila', 'vv ww aa ll aa'],
  ['ca', 'ss aa'],
  ['mon', 'mm on'],
  ['numero', 'nn uu mm ei rr au'],
  ['dix', 'dd ii ss'],
  ['vingt', 'vv in'],
  ['cent', 'ss an'],
  ['septante', 'ss ai pp tt an tt'],
  ['huitante', 'uy ii tt an tt'],
  ['nonante', 'nn oo nn an tt'],
  ['soixante', 'ss ww aa ss an tt'],
  ['quatrevingt', 'kk aa tt rr ee vv in'],
  ['mille', 'mm ii ll'],
  ['onze', 'on zz'],
  ['douze', 'dd ou zz'],
  ['trente', 'tt rr an tt'],
  ['quarante', 'kk aa rr an tt'],
  ['cinquante', 'ss in kk an tt'],
  ['puis', 'pp uy ii'],
];
export const OTHER_WORDS: Record<SpeechLang, [string, string][]> = { en: OTHER_EN, fr: OTHER_FR };

/**
 * Number words that contain or sound like a digit, "and"/"et" and hesitations: the words a digit is "heard" inside
 * ("dix-sept" read as 1 7, "onze" as 1, "et" absorbed by "un"). They compete with each challenge digit in
 * `numberWordsGrammar`. Names are distinct from `OTHER_WORDS` (the dictionary holds both); prons from the models'
 * dictionaries.
 */
const NUMBER_EN: [string, string][] = [
  ['n_oh', 'OW'],
  ['n_and', 'AH N D'],
  ['n_and(2)', 'AE N D'],
  ['n_uh', 'AH'],
  ['n_um', 'AH M'],
  ['n_ten', 'T EH N'],
  ['n_eleven', 'IH L EH V AH N'],
  ['n_twelve', 'T W EH L V'],
  ['n_thirteen', 'TH ER T IY N'],
  ['n_fourteen', 'F AO R T IY N'],
  ['n_fifteen', 'F IH F T IY N'],
  ['n_sixteen', 'S IH K S T IY N'],
  ['n_seventeen', 'S EH V AH N T IY N'],
  ['n_eighteen', 'EY T IY N'],
  ['n_nineteen', 'N AY N T IY N'],
  ['n_twenty', 'T W EH N T IY'],
  ['n_twenty(2)', 'T W EH N IY'],
  ['n_thirty', 'TH ER D IY'],
  ['n_forty', 'F AO R T IY'],
  ['n_fifty', 'F IH F T IY'],
  ['n_sixty', 'S IH K S T IY'],
  ['n_seventy', 'S EH V AH N T IY'],
  ['n_eighty', 'EY T IY'],
  ['n_ninety', 'N AY N T IY'],
  ['n_hundred', 'HH AH N D R AH D'],
  ['n_thousand', 'TH AW Z AH N D'],
];
const NUMBER_FR: [string, string][] = [
  ['n_et', 'ai'],
  ['n_et(2)', 'ei'],
  ['n_euh', 'eu'],
  ['n_heu', 'oe'],
  ['n_dix', 'dd ii ss'],
  ['n_dix(2)', 'dd ii'],
  ['n_dix(3)', 'dd ii zz'],
  ['n_onze', 'on zz'],
  ['n_douze', 'dd ou zz'],
  ['n_treize', 'tt rr ai zz'],
  ['n_quatorze', 'kk aa tt oo rr zz'],
  ['n_quinze', 'kk in zz'],
  ['n_seize', 'ss ai zz'],
  ['n_dixsept', 'dd ii ss ai tt'],
  ['n_dixhuit', 'dd ii zz uy ii tt'],
  ['n_dixhuit(2)', 'dd ii zz uy ii'],
  ['n_dixneuf', 'dd ii zz nn oe ff'],
  ['n_vingt', 'vv in'],
  ['n_vingt(2)', 'vv in tt'],
  ['n_trente', 'tt rr an tt'],
  ['n_quarante', 'kk aa rr an tt'],
  ['n_cinquante', 'ss in kk an tt'],
  ['n_soixante', 'ss ww aa ss an tt'],
  ['n_soixantedix', 'ss ww aa ss an tt ee dd ii ss'],
  ['n_septante', 'ss ai pp tt an tt'],
  ['n_huitante', 'uy ii tt an tt'],
  ['n_octante', 'oo kk tt an tt'],
  ['n_nonante', 'nn oo nn an tt'],
  ['n_quatrevingt', 'kk aa tt rr ee vv in'],
  ['n_quatrevingtdix', 'kk aa tt rr ee vv in dd ii ss'],
  ['n_cent', 'ss an'],
  ['n_mille', 'mm ii ll'],
];
export const NUMBER_WORDS: Record<SpeechLang, [string, string][]> = { en: NUMBER_EN, fr: NUMBER_FR };

/** Model directory names inside node_modules/soundswallower/model. */
export const MODEL_NAME: Record<SpeechLang, string> = { en: 'en-us', fr: 'fr-fr' };

/** Dictionary file text (Sphinx format: `word phones`, alternatives as `word(2)`). */
export function dictionaryText(lang: SpeechLang): string {
  const lines: string[] = [];
  for (const w of LEXICON[lang]) {
    w.prons.forEach((p, i) => lines.push(i === 0 ? `${w.word} ${p}` : `${w.word}(${i + 1}) ${p}`));
  }
  for (const [w, p] of [...OTHER_WORDS[lang], ...NUMBER_WORDS[lang]]) lines.push(`${w} ${p}`);
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

/** Any sequence of digits and other words: the competing model of "anything but exactly the challenge". */
export function anythingGrammar(lang: SpeechLang): string {
  const digits = LEXICON[lang].map((w) => w.word).join(' | ');
  const other = [...new Set(OTHER_WORDS[lang].map(([w]) => w.replace(/\(\d+\)$/, '')))].join(' | ');
  return `#JSGF V1.0;\ngrammar other;\n<d> = ${digits};\n<o> = ${other};\npublic <s> = (<d> | <o>)+;\n`;
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
 * The challenge with one of its digits replaced by a number word, "et"/"and" or a hesitation (`NUMBER_WORDS`): its
 * best path is the strongest such reading ("dix, quatre, un" for 641, "onze, trois, quatre" for 134). Compared in total
 * path score with the challenge's alignment: a word substituted costs about the same whatever the pauses around it.
 * One substitution only: letting number words replace several digits, or fill the pauses, let them explain genuine
 * digits ("quatre" as "quinze, euh") as well as they explain real confusions.
 */
export function numberWordsGrammar(lang: SpeechLang, digits: string): string {
  const num = [...new Set(NUMBER_WORDS[lang].map(([w]) => w.replace(/\(\d+\)$/, '')))].join(' | ');
  const slots = [...digits].map((d) => {
    const words = LEXICON[lang].filter((w) => w.digit === d).map((w) => w.word);
    if (words.length === 0) throw new RangeError(`not a digit: ${d}`);
    return `(${words.join(' | ')})`;
  });
  const branches = slots.map((_, k) => slots.map((x, j) => (j === k ? '<n>' : x)).join(' '));
  return `#JSGF V1.0;\ngrammar numbers;\n<n> = ${num};\npublic <s> = ${branches.map((b) => `(${b})`).join(' | ')};\n`;
}

/**
 * Every three-digit string except the challenge, in one grammar: the first differing position takes any other digit,
 * the positions before it the challenge's digits, the ones after it any digit. Its best path is the strongest
 * competing digit string (e.g. the best single-digit substitution), so the challenge's score against it is a
 * likelihood-ratio test against every alternative at once.
 */
export function exceptDigitsGrammar(lang: SpeechLang, digits: string): string {
  const wordsOf = (pred: (d: string) => boolean) =>
    `(${LEXICON[lang]
      .filter((w) => pred(w.digit))
      .map((w) => w.word)
      .join(' | ')})`;
  const ds = [...digits];
  if (ds.some((d) => !LEXICON[lang].some((w) => w.digit === d))) throw new RangeError('not a digit');
  const any = wordsOf(() => true);
  const branches = ds.map((d, k) =>
    [
      ...ds.slice(0, k).map((e) => wordsOf((x) => x === e)),
      wordsOf((x) => x !== d),
      ...ds.slice(k + 1).map(() => any),
    ].join(' '),
  );
  return `#JSGF V1.0;\ngrammar except;\npublic <s> = ${branches.map((b) => `(${b})`).join(' | ')};\n`;
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
