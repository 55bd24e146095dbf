// Name matching between the declared identity and the MRZ (ICAO 9303 transliteration), shared by the
// decision policy and the reviewer console.
import { describe, expect, it } from 'vitest';
import { firstNamesMatch, lastNameMatches, normaliseName } from '../../service/decision/names.js';
import { transliterate } from '../../service/fixtures/mrz-lines.js';
import { parseMrz } from '../../service/document/validate.js';
import { td3 } from '../document/mrz-builders.js';

describe('ICAO name transliteration matches the declared identity', () => {
  it('omits apostrophes and turns hyphens and spaces into separators', () => {
    expect(normaliseName("D'Almeida")).toBe('DALMEIDA');
    expect(normaliseName('Jean-Pierre')).toBe('JEAN PIERRE');
    expect(normaliseName('  Le  Goff ')).toBe('LE GOFF');
  });

  it.each([
    ["D'Almeida", 'DALMEIDA'],
    ['D’Almeida', 'DALMEIDA'],
    ["D'Almeida", 'D<ALMEIDA'],
    ['Le Goff', 'LE<GOFF'],
    ['Le Goff', 'LEGOFF'],
    ['Martin-Dupont', 'MARTIN<DUPONT'],
    ['Müller-Lüdenscheidt', 'MULLER<LUDENSCHEIDT'],
    ['Dupont de la Tour-Maubourg', 'DUPONT<DE<LA<TOUR<MAUBO'],
  ])('last name %s matches the MRZ %s', (declared, mrz) => {
    expect(lastNameMatches(declared, mrz.replace(/</g, ' '))).toBe(true);
  });

  it.each([
    ['Jean-Pierre', 'JEAN<PIERRE'],
    ['Jean-Pierre Marie', 'JEAN<PIERRE<MARIE'],
    ["N'Golo", 'NGOLO'],
    ["N'Golo", 'N<GOLO'],
    ['Léa Marie', 'LEA<MARIE'],
  ])('first names %s match the MRZ %s', (declared, mrz) => {
    expect(firstNamesMatch(declared, mrz.replace(/</g, ' '))).toBe(true);
  });

  it('still tells different names apart', () => {
    expect(lastNameMatches("D'Almeida", 'ALMEIDA')).toBe(false);
    expect(lastNameMatches('Dalmas', 'DALMEIDA')).toBe(false);
    expect(firstNamesMatch('Jean', 'PAUL<JEAN')).toBe(false);
    expect(firstNamesMatch("N'Golo", 'PAUL')).toBe(false);
    expect(lastNameMatches('Al', 'A')).toBe(false);
  });

  it('matches the names as the MRZ generator writes them and the parser reads them back', () => {
    const lines = td3({
      names: `${transliterate("D'Almeida")}<<${transliterate('Jean-Pierre')}`,
      number: '18AB12345',
      birth: '900215',
      sex: 'M',
      expiry: '310101',
    });
    expect(lines[0]).toContain('DALMEIDA<<JEAN<PIERRE');
    const p = parseMrz(lines, new Date('2026-01-01'))!;
    expect(lastNameMatches("D'Almeida", p.fields.lastName)).toBe(true);
    expect(firstNamesMatch('Jean-Pierre', p.fields.firstNames)).toBe(true);
  });
});
