// ICAO 9303 check digit: weights 7,3,1 over character values (0-9, A=10..Z=35, '<'=0).
export function charValue(ch: string): number {
  if (ch >= '0' && ch <= '9') return ch.charCodeAt(0) - 48;
  if (ch >= 'A' && ch <= 'Z') return ch.charCodeAt(0) - 55;
  if (ch === '<') return 0;
  throw new Error(`not an MRZ character: ${JSON.stringify(ch)}`);
}

export function checkDigit(field: string): number {
  const w = [7, 3, 1];
  let sum = 0;
  for (let i = 0; i < field.length; i++) sum += charValue(field[i]!) * w[i % 3]!;
  return sum % 10;
}

/** The 37-character MRZ alphabet, in class-index order used by the glyph classifier. */
export const MRZ_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ<';
