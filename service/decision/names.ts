// Name comparison between the declared identity and the MRZ. The MRZ has no accents, no hyphens or
// apostrophes ('<' instead) and truncates long names, so both sides are reduced to A-Z words first.

/** "Jean-Noël  d'Arc" -> "JEAN NOEL D ARC" */
export function normaliseName(s: string): string {
  return s
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/ß/g, 'SS')
    .replace(/[Øø]/g, 'O')
    .replace(/[Ææ]/g, 'AE')
    .replace(/[Œœ]/g, 'OE')
    .toUpperCase()
    .replace(/[^A-Z]+/g, ' ')
    .trim();
}

const MIN_TRUNCATED = 3;

/** True when the MRZ value is the declared value, or its truncation (the MRZ field has a fixed width). */
function sameOrTruncated(declared: string, mrz: string): boolean {
  const d = normaliseName(declared);
  const m = normaliseName(mrz);
  if (!d || !m) return false;
  if (d === m) return true;
  return m.length >= MIN_TRUNCATED && d.startsWith(m);
}

export function lastNameMatches(declared: string, mrz: string): boolean {
  return sameOrTruncated(declared, mrz);
}

/** First names match when the first given name is the same (people often declare only the first). */
export function firstNamesMatch(declared: string, mrz: string): boolean {
  const d = normaliseName(declared).split(' ')[0] ?? '';
  const m = normaliseName(mrz).split(' ')[0] ?? '';
  return sameOrTruncated(d, m);
}
