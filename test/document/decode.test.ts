import { describe, expect, it } from 'vitest';
import { decodeBlock, decodeWithLayout } from '../../service/document/decode.js';
import { checkDigit } from '../../service/document/check-digit.js';
import { TD3 } from '../../service/document/layouts.js';
import { buildNameModel } from '../../service/document/name-model.js';
import { parseMrz } from '../../service/document/validate.js';
import { frOld, probsFor, setCell, td1, td3 } from './mrz-builders.js';

const passport = td3({
  names: 'MARTIN<<CLAIRE<ANNE',
  number: '18AB12345',
  birth: '900215',
  sex: 'F',
  expiry: '310101',
});
const card = td1({
  number: 'X4RTBPFW4',
  birth: '851130',
  sex: 'M',
  expiry: '330512',
  names: 'DUPONT<<JEAN<PIERRE',
});
const oldCard = frOld({
  lastName: 'BERNARD',
  office: '921004',
  issueYymm: '0905',
  dept: '921',
  seq: '10285',
  firstNames: 'LUCIE<MARIE',
  birth: '751206',
  sex: 'F',
});

describe('constrained MRZ decoding', () => {
  it('reads clean probabilities of every layout exactly', () => {
    for (const lines of [passport, card, oldCard]) {
      const d = decodeBlock(probsFor(lines), lines[0]!.length)!;
      expect(d.status).toBe('ok');
      expect(d.lines).toEqual(lines);
      expect(d.repaired).toBe(0);
    }
    expect(decodeBlock(probsFor(oldCard), 36)!.layout).toBe('FR_ID_OLD');
  });

  it('repairs a misread digit that the check digit contradicts', () => {
    const probs = probsFor(passport);
    // Document number character 6 ('2') looks more like '7' to the classifier.
    expect(passport[1]![5]).toBe('2');
    setCell(probs, 1, 5, { '7': 0.6, '2': 0.35 });
    const d = decodeBlock(probs, 44)!;
    expect(d.rawLines[1]![5]).toBe('7');
    expect(d.status).toBe('ok');
    expect(d.lines).toEqual(passport);
    expect(d.repaired).toBe(1);
  });

  it('applies field classes: O in a date is a zero, 0 in a name is an O', () => {
    const lines = card;
    const zeroCol = lines[1]!.indexOf('0');
    const p2 = probsFor(lines);
    setCell(p2, 1, zeroCol, { O: 0.7, '0': 0.25 });
    const d = decodeBlock(p2, 30)!;
    expect(d.status).toBe('ok');
    expect(d.rawLines[1]![zeroCol]).toBe('0');
    expect(d.lines).toEqual(lines);

    // A name cell that looks like a zero is read as a letter; the zero, excluded there, does not make
    // the letter any less certain among the letters.
    const nameO = lines[2]!.indexOf('O');
    const p3 = probsFor(lines);
    setCell(p3, 2, nameO, { '0': 0.7, O: 0.3 });
    const d3 = decodeBlock(p3, 30)!;
    expect(d3.lines).toEqual(lines);
    expect(d3.uncheckedConfidence).toBeGreaterThan(0.9);
    expect(d3.status).toBe('ok');

    // Two letters about equally likely in a name: no check digit can tell, so the reading is refused.
    const p4 = probsFor(lines);
    setCell(p4, 2, nameO, { O: 0.55, D: 0.45 });
    const d4 = decodeBlock(p4, 30)!;
    expect(d4.lines).toEqual(lines);
    expect(d4.uncheckedConfidence).toBeCloseTo(0.55, 2);
    expect(d4.status).toBe('ambiguous');
  });

  it('reads a long document number continued in the optional data (TD1)', () => {
    const lines = td1({
      number: 'B10049118270',
      birth: '851130',
      sex: 'F',
      expiry: '330512',
      names: 'DUPONT<<JEANNE',
    });
    expect(lines[0]![14]).toBe('<');
    const d = decodeBlock(probsFor(lines), 30)!;
    expect(d.status).toBe('ok');
    expect(d.lines).toEqual(lines);
    // The 9-character reading is not forced onto it: a digit in the filler's place would be a repair.
    expect(d.repaired).toBe(0);
    expect(parseMrz(d.lines, new Date('2026-01-01'))?.fields.documentNumber).toBe('B10049118270');
  });

  it('refuses when two valid readings are about equally likely', () => {
    // Alternative valid passport: a different document number digit with its own check digits.
    const alt = td3({
      names: 'MARTIN<<CLAIRE<ANNE',
      number: '18AB12845',
      birth: '900215',
      sex: 'F',
      expiry: '310101',
    });
    const probs = probsFor(passport);
    for (let c = 0; c < 44; c++) {
      if (passport[1]![c] !== alt[1]![c])
        setCell(probs, 1, c, { [passport[1]![c]!]: 0.49, [alt[1]![c]!]: 0.49 });
    }
    const d = decodeWithLayout(TD3, probs);
    expect(d.status).toBe('ambiguous');
    expect(d.margin).toBeLessThan(Math.log(5));
  });

  it('reports a check-digit failure instead of inventing a reading', () => {
    const probs = probsFor(passport, 0.9999);
    const wrong = String((checkDigit(passport[1]!.slice(13, 19)) + 3) % 10);
    setCell(probs, 1, 19, { [wrong]: 0.99999 });
    const d = decodeBlock(probs, 44)!;
    expect(d.status).toBe('check_digit');
  });

  it('reports name confidence apart from the checked fields', () => {
    const probs = probsFor(passport);
    setCell(probs, 0, 6, { [passport[0]![6]!]: 0.75, X: 0.25 });
    const d = decodeBlock(probs, 44)!;
    expect(d.status).toBe('ok');
    expect(d.nameConfidence).toBeCloseTo(0.75, 2);
    expect(d.confidence).toBeGreaterThan(0.9);
  });

  it('reads state codes as whole codes from the ICAO list, keeping a clearly printed unlisted one', () => {
    const probs = probsFor(passport);
    // 'FRA' with a doubtful middle letter: 'FPA' is no state, 'FRA' is.
    setCell(probs, 0, 3, { P: 0.5, R: 0.4 });
    const d = decodeBlock(probs, 44)!;
    expect(d.lines[0]!.slice(2, 5)).toBe('FRA');
    expect(d.status).toBe('ok');
    // ICAO's specimen state 'UTO' is in no list, but printed clearly it is read as printed.
    const utopia = passport.map((l, i) =>
      i === 0 ? l.slice(0, 2) + 'UTO' + l.slice(5) : l.slice(0, 10) + 'UTO' + l.slice(13),
    );
    const u = decodeBlock(probsFor(utopia, 0.995), 44)!;
    expect(u.lines).toEqual(utopia);
  });
  it('reads the document code from the letters ICAO 9303 allows for the format', () => {
    // A blurred 'P' that looks more like 'R': a TD3 document code starts with P (V: visa).
    const p = probsFor(passport);
    setCell(p, 0, 0, { R: 0.6, P: 0.35 });
    const d = decodeBlock(p, 44)!;
    expect(d.lines).toEqual(passport);
    expect(d.status).toBe('ok');
    // Cards (TD1, TD2) start with A, C or I: an 'I' read as 'Z' or 'T' is an 'I'.
    const c = probsFor(card);
    setCell(c, 0, 0, { Z: 0.55, I: 0.4 });
    const dc = decodeBlock(c, 30)!;
    expect(dc.lines).toEqual(card);
    expect(dc.status).toBe('ok');
  });

  it('reads round glyphs in a document number as zeros unless the check digits say otherwise', () => {
    // 'O' (24) at two positions weighted 7 and 3 leaves every check digit valid: 590OO001 verifies as
    // well as 59000001, so only the prior against letters in numbers tells them apart.
    const swedish = td3({
      names: 'ANDERSSON<<SVEN',
      number: '59000001',
      birth: '870314',
      sex: 'M',
      expiry: '170102',
    });
    const probs = probsFor(swedish, 0.995);
    for (const c of [3, 4]) setCell(probs, 1, c, { O: 0.55, '0': 0.45 });
    const noPrior = decodeBlock(probs, 44, { alnumLetterPrior: 1 })!;
    expect(noPrior.lines[1]!.slice(0, 8)).not.toBe('59000001');
    expect(noPrior.status).not.toBe('ok');
    const d = decodeBlock(probs, 44)!;
    expect(d.lines).toEqual(swedish);
    expect(d.status).toBe('ok');
    // A letter the glyph shows clearly stays a letter.
    const letters = probsFor(passport, 0.995);
    const d2 = decodeBlock(letters, 44)!;
    expect(d2.lines[1]!.slice(0, 9)).toBe('18AB12345');
  });

  it('checks a long document number over the whole run, the filler included (as real cards print it)', () => {
    // A real Belgian card of the shared line set: number 000610022 + 001, check digit 0 computed over
    // "000610022<001" ("000610022001" would give 4).
    const lines = [
      'IDBEL000610022<0010<<<<<<<<<<<',
      '0002015F0910190BEL000201002005',
      'SPECIMEN<<ANNE<<<<<<<<<<<<<<<<',
    ];
    expect(checkDigit('000610022<001')).toBe(0);
    const d = decodeBlock(probsFor(lines), 30)!;
    expect(d.status).toBe('ok');
    expect(d.lines).toEqual(lines);
    expect(d.repaired).toBe(0);
    expect(parseMrz(d.lines, new Date('2026-01-01'))?.fields.documentNumber).toBe('000610022001');
  });

  it('reads an unclear name letter with the spelling of names, never against a clear glyph', () => {
    const names = buildNameModel(
      [
        'MARTIN<<CLAIRE<ANNE<<<<<<<<<<<<<<<<<<<<<',
        'BERNARD<<ANNE<<<<<<<<<<<<<<<<<<<<<<<<<<<',
        'DURAND<<SANDRA<<<<<<<<<<<<<<<<<<<<<<<<<<',
        'PETIT<<JEANNE<<<<<<<<<<<<<<<<<<<<<<<<<<<<',
      ],
      3,
      { unigramMix: 0.05 },
    );
    // The second 'N' of ANNE blurred: the glyph says H a little more than N ("ANHE").
    const col = passport[0]!.indexOf('ANNE') + 2;
    const p = probsFor(passport, 0.995);
    setCell(p, 0, col, { H: 0.52, N: 0.46 });
    const alone = decodeBlock(p, 44)!;
    expect(alone.lines[0]![col]).toBe('H');
    expect(alone.status).toBe('ambiguous');
    const spelled = decodeBlock(p, 44, { nameModel: names })!;
    expect(spelled.lines).toEqual(passport);
    expect(spelled.status).toBe('ok');
    expect(spelled.nameConfidence).toBeGreaterThan(0.7);
    // Clearly printed, an unusual spelling is read as printed ("ANHE"), whatever the model prefers.
    const clear = probsFor(passport, 0.995);
    setCell(clear, 0, col, { H: 0.95, N: 0.03 });
    const kept = decodeBlock(clear, 44, { nameModel: names })!;
    expect(kept.lines[0]![col]).toBe('H');
    // A glyph that spreads its probability over many letters stays uncertain.
    const smudge = probsFor(passport, 0.995);
    setCell(smudge, 0, col, { N: 0.3 });
    expect(decodeBlock(smudge, 44, { nameModel: names })!.status).toBe('ambiguous');
  });
});
