// Name comparison between the declared identity and the MRZ, shared by the decision policy and the
// reviewer console. ICAO 9303 transliteration: accents dropped, hyphens and spaces become '<' (a word
// separator), apostrophes are omitted (D'ALMEIDA -> DALMEIDA), long names are truncated. Both sides are
// reduced to A-Z words first; some issuers print an apostrophe as '<' (D<ALMEIDA), so names are also
// compared with their separators removed.

/** "Jean-Noël  d'Arc" -> "JEAN NOEL DARC" (apostrophes omitted, as in the MRZ) */
export function normaliseName(s: string): string {
  return s
    .replace(/['’‘ʼ`´]/g, '')
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
  if (m.length >= MIN_TRUNCATED && d.startsWith(m)) return true;
  // Separators are the issuer's choice (DALMEIDA or D<ALMEIDA, JEAN<PIERRE or JEANPIERRE): compare letters.
  const dc = d.replace(/ /g, '');
  const mc = m.replace(/ /g, '');
  return dc === mc || (mc.length >= MIN_TRUNCATED && dc.startsWith(mc));
}

export function lastNameMatches(declared: string, mrz: string): boolean {
  return sameOrTruncated(declared, mrz);
}

/** First names match when the first given name is the same (people often declare only the first). */
export function firstNamesMatch(declared: string, mrz: string): boolean {
  const d = normaliseName(declared).split(' ')[0] ?? '';
  const m = normaliseName(mrz).split(' ')[0] ?? '';
  if (sameOrTruncated(d, m)) return true;
  // An apostrophe printed as '<' splits the first given name in the MRZ (N<GOLO for N'Golo).
  const mAll = normaliseName(mrz).replace(/ /g, '');
  return d.length >= MIN_TRUNCATED && mAll.startsWith(d) && normaliseName(mrz).length > m.length;
}
