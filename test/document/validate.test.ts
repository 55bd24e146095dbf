import { describe, expect, it } from 'vitest';
import { frenchIdCardExpiry, parseMrz, validateDocument } from '../../service/document/validate.js';
import { frOld, td1, td3 } from './mrz-builders.js';

const TODAY = new Date('2026-03-15T10:00:00Z');
const RULES = { today: TODAY, allowedTypes: ['ID_CARD', 'PASSPORT', 'RESIDENCE_PERMIT'], minimumAge: 18 };
const codes = (lines: string[], rules = RULES): string[] =>
  validateDocument(parseMrz(lines, TODAY)!, rules).map((f) => f.code);

describe('MRZ parsing and validation', () => {
  it('accepts a valid adult passport and extracts ISO fields', () => {
    const lines = td3({
      names: 'MARTIN<<CLAIRE<ANNE',
      number: '18AB12345',
      birth: '900215',
      sex: 'F',
      expiry: '310101',
    });
    const p = parseMrz(lines, TODAY)!;
    expect(p.format).toBe('TD3');
    expect(p.fields).toMatchObject({
      documentType: 'PASSPORT',
      documentNumber: '18AB12345',
      lastName: 'MARTIN',
      firstNames: 'CLAIRE ANNE',
      birthDate: '1990-02-15',
      expirationDate: '2031-01-01',
      sex: 'F',
    });
    expect(codes(lines)).toEqual([]);
  });

  it('flags an expired document, using the Paris calendar day', () => {
    expect(
      codes(td3({ names: 'A<<B', number: '18AB12345', birth: '900215', sex: 'F', expiry: '260314' })),
    ).toEqual(['DOCUMENT_EXPIRED']);
    // Valid through its expiry day.
    expect(
      codes(td3({ names: 'A<<B', number: '18AB12345', birth: '900215', sex: 'F', expiry: '260315' })),
    ).toEqual([]);
    // 23:30 UTC on the 14th is already the 15th in Paris.
    const late = new Date('2026-03-14T23:30:00Z');
    const l = td3({ names: 'A<<B', number: '18AB12345', birth: '900215', sex: 'F', expiry: '260314' });
    expect(validateDocument(parseMrz(l, late)!, { ...RULES, today: late }).map((f) => f.code)).toEqual([
      'DOCUMENT_EXPIRED',
    ]);
  });

  it('flags a minor (18th birthday tomorrow) and accepts on the birthday', () => {
    expect(
      codes(td1({ number: 'X4RTBPFW4', birth: '080316', sex: 'M', expiry: '330512', names: 'DUPONT<<JEAN' })),
    ).toEqual(['APPLICANT_MINOR']);
    expect(
      codes(td1({ number: 'X4RTBPFW4', birth: '080315', sex: 'M', expiry: '330512', names: 'DUPONT<<JEAN' })),
    ).toEqual([]);
  });

  it('maps document codes to types and enforces the allowed list', () => {
    const permit = td1({
      code: 'IR',
      number: '123456789',
      birth: '800101',
      sex: 'F',
      expiry: '300101',
      names: 'DIALLO<<AWA',
    });
    expect(parseMrz(permit, TODAY)!.fields.documentType).toBe('RESIDENCE_PERMIT');
    expect(codes(permit)).toEqual([]);
    expect(codes(permit, { ...RULES, allowedTypes: ['ID_CARD', 'PASSPORT'] })).toEqual([
      'DOCUMENT_TYPE_NOT_ALLOWED',
    ]);
    const pass = td3({ names: 'A<<B', number: '18AB12345', birth: '900215', sex: 'F', expiry: '310101' });
    expect(codes(pass, { ...RULES, allowedTypes: ['ID_CARD'] })).toEqual(['DOCUMENT_TYPE_NOT_ALLOWED']);
  });

  it('reports check-digit failures', () => {
    const lines = td3({ names: 'A<<B', number: '18AB12345', birth: '900215', sex: 'F', expiry: '310101' });
    const bad = [
      lines[0]!,
      lines[1]!.slice(0, 19) + String((Number(lines[1]![19]) + 1) % 10) + lines[1]!.slice(20),
    ];
    expect(codes(bad)).toContain('MRZ_CHECK_DIGIT');
  });

  it('derives the 1988-2021 ID card validity from the issue month', () => {
    // Issued before 2004-01-02: 10 years.
    expect(frenchIdCardExpiry('0306', '1970-01-01')!.expiry).toBe('2013-06-30');
    // Issued to an adult between 2004-01-02 and 2013-12-31: 15 years.
    expect(frenchIdCardExpiry('0905', '1975-12-06')!.expiry).toBe('2024-05-31');
    expect(frenchIdCardExpiry('1312', '1975-12-06')!.expiry).toBe('2028-12-31');
    // Issued to a minor: 10 years.
    expect(frenchIdCardExpiry('0905', '1995-01-01')!.expiry).toBe('2019-05-31');
    // 1988 issue: century.
    expect(frenchIdCardExpiry('8810', '1960-01-01')!.expiry).toBe('1998-10-31');
  });

  it('validates the 1988-2021 ID card end to end', () => {
    const valid = frOld({
      lastName: 'BERNARD',
      office: '921004',
      issueYymm: '1205',
      dept: '921',
      seq: '10285',
      firstNames: 'LUCIE<MARIE',
      birth: '751206',
      sex: 'F',
    });
    const p = parseMrz(valid, TODAY)!;
    expect(p.format).toBe('FRENCH_NATIONAL_ID');
    expect(p.fields).toMatchObject({
      documentType: 'ID_CARD',
      documentNumber: '120592110285',
      issueDate: '2012-05',
      expirationDate: '2027-05-31',
      lastName: 'BERNARD',
      birthDate: '1975-12-06',
    });
    expect(codes(valid)).toEqual([]);
    const old = frOld({
      lastName: 'BERNARD',
      office: '921004',
      issueYymm: '0306',
      dept: '921',
      seq: '10285',
      firstNames: 'LUCIE',
      birth: '751206',
      sex: 'F',
    });
    expect(codes(old)).toEqual(['DOCUMENT_EXPIRED']);
  });
});
