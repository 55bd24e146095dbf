// The pipeline's repeat-fraud and QA hooks over the database (see FraudHooks in pipeline/handlers.ts).
import { createHash } from 'node:crypto';
import type { Db } from '../db/index.js';
import type { Logger } from '../logger.js';
import { checkSeenBefore, indexFace } from './seen-before-repository.js';
import { documentNumberOf, seenBeforeKeys } from './seen-before.js';
import { sampleForQa } from '../review/qa-repository.js';

export interface FraudHooksDeps {
  db: Db;
  logger: Logger;
  secret: string;
  /** FACE_ACCEPT_SIMILARITY: two live faces at least this similar are the same person. */
  faceMinSimilarity: number;
  /** QA_SAMPLE_RATE. */
  qaSampleRate: number;
}

/** Deterministic per case (a replay samples the same way): the case id's hash as a number in [0, 1). */
export function qaDraw(caseId: string): number {
  return createHash('sha256').update(`qa:${caseId}`).digest().readUInt32BE(0) / 2 ** 32;
}

export function createFraudHooks(d: FraudHooksDeps) {
  const keys = seenBeforeKeys(d.secret);
  return {
    indexFace: (ref: { caseId: string; attempt: number }, descriptor: readonly number[]) =>
      indexFace(d.db, keys, ref, descriptor),
    async seenBefore(
      ref: { caseId: string; attempt: number },
      declared: { lastName?: string; firstNames?: string; birthDate?: string },
      document: { fields: Record<string, unknown> } | null,
    ) {
      const found = await checkSeenBefore(d.db, keys, {
        ...ref,
        declared,
        documentNumber: documentNumberOf(document?.fields),
        faceMinSimilarity: d.faceMinSimilarity,
      });
      if (found.document.length || found.face.length)
        d.logger.info(
          { caseId: ref.caseId, documentMatches: found.document.length, faceMatches: found.face.length },
          'seen before: other cases found',
        );
      return { document: found.document.length > 0, face: found.face.length > 0 };
    },
    async decided(ref: { caseId: string; attempt: number }, status: string) {
      if (status === 'approved' && d.qaSampleRate > 0 && qaDraw(ref.caseId) < d.qaSampleRate)
        await sampleForQa(d.db, ref.caseId);
    },
  };
}
