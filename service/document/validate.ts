// Parse a decoded MRZ with the `mrz` package and apply the business rules: check digits, expiry
// (Europe/Paris calendar day), minimum age, allowed document types, and the validity of the French
// ID card of 1988-2021 (no expiry in its MRZ: derived from the issue month).
import { DateTime } from 'luxon';
import { parse } from 'mrz';

export const DOCUMENT_TYPES = ['ID_CARD', 'PASSPORT', 'RESIDENCE_PERMIT', 'OTHER'] as const;
export type DocumentType = (typeof DOCUMENT_TYPES)[number];

export const FINDING_CODES = [
  'MRZ_UNREADABLE',
  'MRZ_AMBIGUOUS',
  'MRZ_CHECK_DIGIT',
  'MRZ_SIDE_MISSING',
  'DOCUMENT_EXPIRED',
  'APPLICANT_MINOR',
  'DOCUMENT_TYPE_NOT_ALLOWED',
] as const;
export type FindingCode = (typeof FINDING_CODES)[number];

/** A problem found on the document; the decision policy maps codes to reasons. No personal data in `detail`. */
export interface DocumentFinding {
  code: FindingCode;
  detail: string;
  /** MRZ_CHECK_DIGIT from the decoder: the check-digit fields failing on the printed reading. */
  failingFields?: string[];
  /** MRZ_CHECK_DIGIT from the decoder: the changes the check digits asked for (for the reviewer's MRZ crop). */
  repairs?: {
    line: number;
    col: number;
    printed: string;
    chosen: string;
    pPrinted: number;
    pChosen: number;
  }[];
}

export type MrzFormat = 'TD1' | 'TD2' | 'TD3' | 'FRENCH_NATIONAL_ID';

export interface DocumentFields {
  documentType: DocumentType;
  /** MRZ document code, e.g. ID, P, IR. */
  documentCode: string;
  issuingState: string;
  documentNumber: string;
  lastName: string;
  firstNames: string;
  nationality: string;
  /** ISO date YYYY-MM-DD. */
  birthDate: string;
  sex: 'M' | 'F' | 'X';
  /** ISO date; for the 1988-2021 French ID card, derived from the issue month. */
  expirationDate: string | null;
  /** ISO year-month (YYYY-MM) for the 1988-2021 French ID card. */
  issueDate?: string;
}

export interface ValidationRules {
  today?: Date;
  allowedTypes: readonly string[];
  minimumAge: number;
}

export interface ParsedMrz {
  format: MrzFormat;
  /** True when every check digit verifies. */
  checkDigitsValid: boolean;
  fields: DocumentFields;
}

const ZONE = 'Europe/Paris';

/** Today's calendar date in Paris. */
export function parisDay(today: Date): DateTime {
  return DateTime.fromJSDate(today, { zone: ZONE }).startOf('day');
}

/** MRZ YYMMDD → ISO. Birth dates are never in the future; expiry dates are within the next 50 years. */
export function mrzDateToIso(yymmdd: string, kind: 'birth' | 'expiry', today: DateTime): string | null {
  if (!/^\d{6}$/.test(yymmdd)) return null;
  const yy = Number(yymmdd.slice(0, 2));
  const mm = Number(yymmdd.slice(2, 4));
  const dd = Number(yymmdd.slice(4, 6));
  const cy = today.year % 100;
  const century = today.year - cy;
  let year = century + yy;
  if (kind === 'birth' && year > today.year) year -= 100;
  if (kind === 'expiry' && year > today.year + 50) year -= 100;
  const d = DateTime.fromObject({ year, month: mm, day: dd }, { zone: ZONE });
  return d.isValid ? d.toISODate() : null;
}

export function documentTypeOf(code: string): DocumentType {
  if (code.startsWith('P')) return 'PASSPORT';
  if (code === 'IR' || code === 'RP' || code === 'RT') return 'RESIDENCE_PERMIT';
  if (code.startsWith('I')) return 'ID_CARD';
  return 'OTHER';
}

const clean = (s: string | null | undefined): string =>
  (s ?? '').replace(/</g, ' ').replace(/\s+/g, ' ').trim();

/**
 * Validity end of a 1988-2021 French ID card from its issue month (YYMM): 10 years, or 15 years when
 * issued to an adult from 2004-01-02 on (décret 2013-1188: cards issued to adults 2004-01-02..2013-12-31
 * were extended to 15 years, and those issued from 2014-01-01 are valid 15 years). The MRZ gives the issue month
 * only, so the latest day compatible with it is used: the review desk sees the card and the error is
 * at most one month in the holder's favour.
 */
export function frenchIdCardExpiry(
  issueYymm: string,
  birthIso: string | null,
): { issue: string; expiry: string } | null {
  if (!/^\d{4}$/.test(issueYymm)) return null;
  const yy = Number(issueYymm.slice(0, 2));
  const mm = Number(issueYymm.slice(2, 4));
  if (mm < 1 || mm > 12) return null;
  const year = yy >= 88 ? 1900 + yy : 2000 + yy;
  const monthEnd = DateTime.fromObject({ year, month: mm, day: 1 }, { zone: ZONE })
    .endOf('month')
    .startOf('day');
  const monthStart = monthEnd.startOf('month');
  const adultAtIssue = birthIso
    ? DateTime.fromISO(birthIso, { zone: ZONE }).plus({ years: 18 }) <= monthEnd
    : true;
  const extended = adultAtIssue && monthEnd >= DateTime.fromISO('2004-01-02', { zone: ZONE });
  const expiry = monthEnd.plus({ years: extended ? 15 : 10 });
  return { issue: monthStart.toFormat('yyyy-MM'), expiry: expiry.toISODate()! };
}

/** Parse MRZ lines into fields (null when the `mrz` package cannot recognise the format). */
export function parseMrz(lines: string[], today: Date = new Date()): ParsedMrz | null {
  let r: ReturnType<typeof parse>;
  try {
    r = parse(lines);
  } catch {
    return null;
  }
  const f = r.fields as Record<string, string | null | undefined>;
  const format = r.format as string;
  if (format !== 'TD1' && format !== 'TD2' && format !== 'TD3' && format !== 'FRENCH_NATIONAL_ID')
    return null;
  const day = parisDay(today);
  // Only the check-digit fields decide validity: the package also flags unknown country codes, which
  // is not a reading problem.
  // The Russian internal passport (`PNRUS`, see layouts.ts) prints no expiry: `<<<<<<` and a filler where
  // its check digit would be, which the package counts as a wrong check digit.
  const ruInternal = format === 'TD3' && lines[0]!.startsWith('PNRUS');
  const noExpiry = ruInternal && lines[1]!.slice(21, 28) === '<<<<<<<';
  const checkDigitsValid = r.details
    .filter((d) => /CheckDigit$/.test(d.field ?? ''))
    .filter((d) => !(noExpiry && d.field === 'expirationDateCheckDigit'))
    .every((d) => d.valid);
  const birthDate = mrzDateToIso(f.birthDate ?? '', 'birth', day);
  const code = clean(f.documentCode).replace(/ /g, '');
  const sexRaw = f.sex;
  const sex = sexRaw === 'male' ? 'M' : sexRaw === 'female' ? 'F' : 'X';
  let documentNumber = clean(f.documentNumber).replace(/ /g, '');
  let expirationDate: string | null;
  let issueDate: string | undefined;
  if (format === 'FRENCH_NATIONAL_ID') {
    // The full card number is issue YYMM + office + sequence (12 characters, MRZ line 2 [0, 12)).
    documentNumber = lines[1]!.slice(0, 12);
    const v = frenchIdCardExpiry(f.issueDate ?? '', birthDate);
    expirationDate = v?.expiry ?? null;
    issueDate = v?.issue;
  } else {
    expirationDate = mrzDateToIso(f.expirationDate ?? '', 'expiry', day);
  }
  return {
    format,
    checkDigitsValid,
    fields: {
      documentType: documentTypeOf(code),
      documentCode: code,
      issuingState: clean(f.issuingState),
      documentNumber,
      // Its names keep the digits of its transliteration (the package refuses them): read from the line.
      lastName: ruInternal ? clean(lines[0]!.slice(5).split('<<')[0]) : clean(f.lastName),
      firstNames: ruInternal ? clean(lines[0]!.slice(5).split('<<').slice(1).join('<')) : clean(f.firstName),
      nationality: clean(f.nationality) || clean(f.issuingState),
      birthDate: birthDate ?? '',
      sex,
      expirationDate,
      ...(issueDate ? { issueDate } : {}),
    },
  };
}

/** Business-rule findings for a parsed MRZ. */
export function validateDocument(p: ParsedMrz, rules: ValidationRules): DocumentFinding[] {
  const out: DocumentFinding[] = [];
  const day = parisDay(rules.today ?? new Date());
  if (!p.checkDigitsValid) out.push({ code: 'MRZ_CHECK_DIGIT', detail: 'a check digit does not verify' });
  if (!rules.allowedTypes.includes(p.fields.documentType))
    out.push({
      code: 'DOCUMENT_TYPE_NOT_ALLOWED',
      detail: `document type ${p.fields.documentType} is not accepted`,
    });
  const exp = p.fields.expirationDate;
  if (!exp) out.push({ code: 'DOCUMENT_EXPIRED', detail: 'no valid expiry date' });
  else if (DateTime.fromISO(exp, { zone: ZONE }) < day)
    out.push({ code: 'DOCUMENT_EXPIRED', detail: 'document expired' });
  if (!p.fields.birthDate) out.push({ code: 'MRZ_CHECK_DIGIT', detail: 'invalid birth date' });
  else if (DateTime.fromISO(p.fields.birthDate, { zone: ZONE }).plus({ years: rules.minimumAge }) > day)
    out.push({ code: 'APPLICANT_MINOR', detail: `applicant younger than ${rules.minimumAge}` });
  return out;
}
