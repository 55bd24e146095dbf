// The Russian internal passport's MRZ (layouts.ts RU_INTERNAL): TD3-sized, headed PNRUS, names in a national
// transliteration that writes some Cyrillic letters as digits, no expiry. Lines built here with their check
// digits computed (made-up holder), read through the decoder from simulated classifier output.
import { describe, expect, it } from 'vitest';
import { checkDigit } from '../../service/document/check-digit.js';
import { decodeBlock } from '../../service/document/decode.js';
import { parseMrz } from '../../service/document/validate.js';
import { probsFor, setCell, td3 } from './mrz-builders.js';

const cd = (s: string): string => String(checkDigit(s));
const pad = (s: string, n: number): string => (s + '<'.repeat(n)).slice(0, n);

/** ТАТЬЯНА → TAT98NA (Ь = 9, Я = 8), -ВНА patronymic; expiry `<<<<<<` with a filler check digit. */
function ruInternal(): string[] {
  const l1 = pad('PNRUSSMIRNOVA<<TAT98NA<IVANOVNA', 44);
  const num = '452012345';
  const opt = pad('6' + '150312' + '770001', 14);
  const body = `${num}${cd(num)}RUS850412${cd('850412')}F<<<<<<<${opt}${cd(opt)}`;
  return [l1, body + cd(body.slice(0, 10) + body.slice(13, 20) + body.slice(21, 43))];
}

describe('Russian internal passport', () => {
  const lines = ruInternal();

  it('reads its names with their transliteration digits and its empty expiry', () => {
    const d = decodeBlock(probsFor(lines), 44)!;
    expect(d.layout).toBe('RU_INTERNAL');
    expect(d.status).toBe('ok');
    expect(d.lines).toEqual(lines);
    const p = parseMrz(lines, new Date('2026-12-07'))!;
    expect(p.checkDigitsValid).toBe(true);
    expect(p.fields).toMatchObject({
      documentType: 'PASSPORT',
      issuingState: 'RUS',
      lastName: 'SMIRNOVA',
      firstNames: 'TAT98NA IVANOVNA',
      expirationDate: null,
    });
  });

  it('still verifies its check digits: a wrong optional-data digit is not read as valid', () => {
    const bad = [
      lines[0]!,
      lines[1]!.slice(0, 42) + String((Number(lines[1]![42]) + 1) % 10) + lines[1]![43],
    ];
    const d = decodeBlock(probsFor(bad), 44)!;
    expect(d.status).toBe('check_digit');
  });

  it('keeps digits out of the names of other passports', () => {
    const fr = td3({
      names: 'DUPONT<<MARIE',
      number: '18AB12345',
      birth: '900101',
      sex: 'F',
      expiry: '300101',
    });
    const probs = probsFor(fr);
    // A blurred letter of a French passport's name that looks more like an '8'.
    const col = fr[0]!.indexOf('MARIE') + 1;
    setCell(probs, 0, col, { '8': 0.6, A: 0.35 });
    const d = decodeBlock(probs, 44)!;
    expect(d.layout).toBe('TD3');
    expect(d.lines[0]![col]).toBe('A');
  });
});
