// The applicant app's photo pre-check: one document photo, the side and the document type the applicant
// says it shows, and a short verdict with an advice code the app turns into a message before upload.
import type { RgbImage } from '../media/types.js';
import { createDocumentEngine, type DocumentEngine, type DocumentSide } from './engine.js';

/** The document types the applicant chooses from (the 1988-2021 French ID card prints its MRZ in front). */
export type PrecheckDocType = 'ID_CARD' | 'ID_CARD_1988' | 'PASSPORT' | 'RESIDENCE_PERMIT';

export type PrecheckAdvice =
  /** The MRZ is where it belongs and it reads (or this side carries none): go ahead. */
  | 'OK'
  /** A card's front where the MRZ is on the back: nothing to check here; the back must follow. */
  | 'PHOTOGRAPH_BACK_TOO'
  /** The photo said to be the MRZ side shows no MRZ: "photograph the back of your card". */
  | 'PHOTOGRAPH_BACK'
  /** The MRZ is on the photo labelled as the other side. */
  | 'SIDES_SWAPPED'
  /** The MRZ was not found where it should be: the whole document, flat, in frame. */
  | 'MRZ_NOT_FOUND'
  /** An MRZ is there but does not read: sharper, no glare, closer. */
  | 'RETAKE_SHARPER';

export interface PrecheckResult {
  /** An MRZ-like zone was found on the photo. */
  mrzFound: boolean;
  /** It was read and its check digits verify. */
  readable: boolean;
  /** The side the photo shows, as far as the MRZ tells (else the declared side). */
  side: DocumentSide;
  advice: PrecheckAdvice;
}

/** Where each declared type prints its MRZ. */
export const MRZ_SIDE: Record<PrecheckDocType, DocumentSide> = {
  ID_CARD: 'back',
  RESIDENCE_PERMIT: 'back',
  ID_CARD_1988: 'front',
  PASSPORT: 'front',
};

const RULES = { allowedTypes: ['ID_CARD', 'PASSPORT', 'RESIDENCE_PERMIT'], minimumAge: 0 };

/**
 * Pre-check one photo with the document engine (about 0.1-1 CPU-s; the engine loads once per process). Pure verdict from the engine's
 * reading; nothing personal is returned (no MRZ text).
 */
export async function precheckDocumentPhoto(
  image: RgbImage,
  o: { docType: PrecheckDocType; side: DocumentSide },
  engine?: DocumentEngine,
): Promise<PrecheckResult> {
  const e = engine ?? (await createDocumentEngine());
  const a = await e.read({
    images: [image],
    sides: [o.side],
    documentType:
      o.docType === 'PASSPORT'
        ? 'PASSPORT'
        : o.docType === 'RESIDENCE_PERMIT'
          ? 'RESIDENCE_PERMIT'
          : 'ID_CARD',
    ...RULES,
  });
  const codes = a.findings.map((f) => f.code);
  const mrzFound = a.stage !== 'not_located';
  const readable = a.status === 'read' && !codes.includes('MRZ_CHECK_DIGIT');
  const expected = MRZ_SIDE[o.docType];
  if (mrzFound && o.side !== expected) return { mrzFound, readable, side: expected, advice: 'SIDES_SWAPPED' };
  if (o.side !== expected)
    return { mrzFound, readable, side: o.side, advice: expected === 'back' ? 'PHOTOGRAPH_BACK_TOO' : 'OK' };
  if (readable) return { mrzFound, readable, side: o.side, advice: 'OK' };
  if (!mrzFound)
    return {
      mrzFound,
      readable,
      side: o.side,
      advice: expected === 'back' ? 'PHOTOGRAPH_BACK' : 'MRZ_NOT_FOUND',
    };
  return { mrzFound, readable, side: o.side, advice: 'RETAKE_SHARPER' };
}
