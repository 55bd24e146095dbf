// Repairs are evidence: the check digits may change a character only where the classifier is uncertain
// (below REPAIR_MAX_PRINTED_PROB), every change is listed, and a clearly printed character that the
// check digits contradict makes the reading `check_digit` (an altered document, a specimen's wrong digit).
import { describe, expect, it } from 'vitest';
import {
  contradictedRepairs,
  decodeBlock,
  lookAlike,
  REPAIR_MAX_PRINTED_PROB,
} from '../../service/document/decode.js';
import { probsFor, setCell, td1, td3 } from './mrz-builders.js';

const permit = td1({
  code: 'IR',
  number: 'T7K45TB02',
  birth: '851130',
  sex: 'M',
  expiry: '330512',
  names: 'DUPONT<<JEAN<PIERRE',
});

/** The permit as printed with a wrong document-number check digit (and the composite fixed to match). */
function withWrongNumberDigit(lines: string[]): string[] {
  const l0 = lines[0]!;
  const bad = String((Number(l0[14]) + 3) % 10);
  return [l0.slice(0, 14) + bad + l0.slice(15), lines[1]!, lines[2]!];
}

describe('check-digit repairs', () => {
  it('repairs an uncertain glyph and lists the change with both probabilities', () => {
    const passport = td3({
      names: 'MARTIN<<CLAIRE',
      number: '18AB12345',
      birth: '900215',
      sex: 'F',
      expiry: '310101',
    });
    const probs = probsFor(passport);
    setCell(probs, 1, 5, { '7': 0.6, '2': 0.35 });
    const d = decodeBlock(probs, 44)!;
    expect(d.status).toBe('ok');
    expect(d.lines).toEqual(passport);
    expect(d.repairs).toEqual([{ line: 1, col: 5, printed: '7', chosen: '2', pPrinted: 0.6, pChosen: 0.35 }]);
    expect(d.repairRefused).toBe(false);
  });

  it('never turns a clearly printed T into 7 to satisfy a wrong printed check digit', () => {
    // Check digits computed for '77K45TB02', number printed 'T7K45TB02': only T → 7 verifies.
    const forVerify = td1({
      code: 'IR',
      number: '77K45TB02',
      birth: '851130',
      sex: 'M',
      expiry: '330512',
      names: 'DUPONT<<JEAN<PIERRE',
    });
    const printed = ['IRFRAT' + forVerify[0]!.slice(6), forVerify[1]!, forVerify[2]!];
    const probs = probsFor(printed, 0.97);
    // The T is clearly printed; the classifier gives '7' a little of its mass, as for any T.
    setCell(probs, 0, 5, { T: 0.95, '7': 0.03 });
    // Without the bound, the check digits would "correct" the T into a 7 and verify.
    const unbounded = decodeBlock(probs, 30, { maxRepairPrintedProb: 1.01 })!;
    expect(unbounded.status).toBe('ok');
    expect(unbounded.repairs).toEqual([
      { line: 0, col: 5, printed: 'T', chosen: '7', pPrinted: 0.95, pChosen: 0.03 },
    ]);
    const d = decodeBlock(probs, 30)!;
    expect(d.status).toBe('check_digit');
    expect(d.repairRefused).toBe(true);
    expect(d.repairs).toEqual(unbounded.repairs);
    expect(d.failingFields).toEqual(['documentNumber', 'composite']);
  });

  it('never turns a clearly printed filler into a digit, nor a letter into a digit', () => {
    const probs = probsFor(withWrongNumberDigit(permit), 0.99);
    const d = decodeBlock(probs, 30)!;
    expect(d.status).toBe('check_digit');
    expect(d.failingFields).toEqual(expect.arrayContaining(['documentNumber']));
  });

  it('the bound: the same misread repaired below it, refused above it', () => {
    const passport = td3({
      names: 'MARTIN<<CLAIRE',
      number: '18AB12345',
      birth: '900215',
      sex: 'F',
      expiry: '310101',
    });
    for (const [pPrinted, status] of [
      [REPAIR_MAX_PRINTED_PROB - 0.05, 'ok'],
      [REPAIR_MAX_PRINTED_PROB + 0.05, 'check_digit'],
    ] as const) {
      const probs = probsFor(passport);
      // '2' read as a '7' with pPrinted; the true '2' gets what the check digits need to prefer it.
      setCell(probs, 1, 5, { '7': pPrinted, '2': (1 - pPrinted) * 0.9 });
      const d = decodeBlock(probs, 44)!;
      expect(d.status).toBe(status);
      expect(d.repairs).toHaveLength(1);
      expect(d.repairs[0]).toMatchObject({ printed: '7', chosen: '2' });
    }
  });

  it('look-alike glyphs (O and 0, S and 5...) are uncertainty, not a change of what is printed', () => {
    expect(lookAlike('O', '0')).toBe(true);
    expect(lookAlike('5', 'S')).toBe(true);
    expect(lookAlike('T', '7')).toBe(false);
    expect(lookAlike('<', '2')).toBe(false);
    const passport = td3({
      names: 'MARTIN<<CLAIRE',
      number: '18AB10345',
      birth: '900215',
      sex: 'F',
      expiry: '310101',
    });
    const probs = probsFor(passport);
    setCell(probs, 1, 5, { O: 0.97, '0': 0.02 });
    const d = decodeBlock(probs, 44)!;
    expect(d.status).toBe('ok');
    expect(d.lines).toEqual(passport);
    expect(d.repairs).toMatchObject([{ printed: 'O', chosen: '0' }]);
  });

  it('a repair that another view of the same MRZ shows clearly printed otherwise is contradicted', () => {
    // The Austrian 2002 specimen's case: the composite check digit is printed wrong ('6'); a view whose
    // strip ends in the middle of that digit reads it as an uncertain filler, which the check digits
    // "repair" into the verifying digit.
    const card = td1({
      code: 'ID',
      number: '100009993',
      birth: '710909',
      sex: 'F',
      expiry: '111231',
      names: 'MUSTERFRAU<<ISOLDE',
    });
    const good = card[1]![29]!;
    const bad = String((Number(good) + 2) % 10);
    const printed = [card[0]!, card[1]!.slice(0, 29) + bad, card[2]!];
    const whole = decodeBlock(probsFor(printed, 0.98), 30)!;
    expect(whole.status).toBe('check_digit');
    const cutProbs = probsFor(printed, 0.98);
    setCell(cutProbs, 1, 29, { '<': 0.49, [good]: 0.2, [bad]: 0.1 });
    const cut = decodeBlock(cutProbs, 30)!;
    expect(cut.status).toBe('ok');
    expect(cut.repairs).toMatchObject([{ line: 1, col: 29, printed: '<', chosen: good }]);
    expect(contradictedRepairs(cut, [whole])).toEqual(cut.repairs);
    // A view that is as unsure there, or another document, contradicts nothing.
    expect(contradictedRepairs(cut, [cut])).toEqual([]);
    const other = decodeBlock(probsFor(permit, 0.98), 30)!;
    expect(contradictedRepairs(cut, [other])).toEqual([]);
  });
});
