// Seen before (database side): the per-attempt index (keyed hashes and the sealed live face descriptor), the
// look-up the decision step runs, and the matches the case page shows. Descriptors are unsealed only in memory.
import type { Queryable } from '../db/index.js';
import { seal, unseal } from '../activation/code.js';
import {
  closeFaces,
  documentHash,
  identityHash,
  packDescriptor,
  unpackDescriptor,
  type SeenBeforeKeys,
} from './seen-before.js';

export interface CaseAttempt {
  caseId: string;
  attempt: number;
}

const aad = (r: CaseAttempt) => `seen-before:${r.caseId}:${r.attempt}`;

/** Records this attempt's live face descriptor (face stage). A replay replaces it. */
export async function indexFace(
  q: Queryable,
  keys: SeenBeforeKeys,
  ref: CaseAttempt,
  descriptor: readonly number[],
): Promise<void> {
  await q.query(
    `INSERT INTO seen_before_index (case_id, attempt, face_sealed) VALUES ($1, $2, $3)
     ON CONFLICT (case_id, attempt) DO UPDATE SET face_sealed = EXCLUDED.face_sealed`,
    [ref.caseId, ref.attempt, seal(keys.seal, packDescriptor(descriptor), aad(ref))],
  );
}

export interface SeenBeforeInput extends CaseAttempt {
  declared: { lastName?: string | null; firstNames?: string | null; birthDate?: string | null };
  documentNumber: string | null;
  /** Calibrated similarity from which two live faces count as the same person. */
  faceMinSimilarity: number;
}

export interface SeenBeforeFound {
  /** Other cases carrying the same document number. */
  document: string[];
  /** Other cases, with a different declared identity, whose live face is close to this one. */
  face: Array<{ caseId: string; similarity: number }>;
}

/**
 * Decision time: indexes this attempt's document and identity hashes, then looks for the same document number
 * on another case and for a close live face on another case declared under another identity. Records what it
 * found (idempotent per attempt) and returns it.
 */
export async function checkSeenBefore(
  q: Queryable,
  keys: SeenBeforeKeys,
  input: SeenBeforeInput,
): Promise<SeenBeforeFound> {
  const docHash = input.documentNumber ? documentHash(keys, input.documentNumber) : null;
  const idHash = identityHash(keys, input.declared);
  const row = await q.query<{ face_sealed: string | null }>(
    `INSERT INTO seen_before_index (case_id, attempt, document_hash, identity_hash) VALUES ($1, $2, $3, $4)
     ON CONFLICT (case_id, attempt) DO UPDATE SET document_hash = EXCLUDED.document_hash,
       identity_hash = EXCLUDED.identity_hash
     RETURNING face_sealed`,
    [input.caseId, input.attempt, docHash, idHash],
  );
  const document = docHash
    ? (
        await q.query<{ case_id: string }>(
          `SELECT DISTINCT case_id FROM seen_before_index WHERE document_hash = $1 AND case_id <> $2`,
          [docHash, input.caseId],
        )
      ).rows.map((r) => r.case_id)
    : [];
  let face: SeenBeforeFound['face'] = [];
  const mine = row.rows[0]?.face_sealed;
  if (mine) {
    const descriptor = unpackDescriptor(unseal(keys.seal, mine, aad(input)));
    // Every other case's latest indexed face, declared under another identity (a genuine second verification
    // of the same person under the same identity is not a warning sign).
    const others = await q.query<{ case_id: string; attempt: number; face_sealed: string }>(
      `SELECT DISTINCT ON (case_id) case_id, attempt, face_sealed FROM seen_before_index
        WHERE case_id <> $1 AND face_sealed IS NOT NULL AND identity_hash IS DISTINCT FROM $2
        ORDER BY case_id, attempt DESC`,
      [input.caseId, idHash],
    );
    const candidates = others.rows.flatMap((o) => {
      try {
        const ref = { caseId: o.case_id, attempt: o.attempt };
        return [
          { caseId: o.case_id, descriptor: unpackDescriptor(unseal(keys.seal, o.face_sealed, aad(ref))) },
        ];
      } catch {
        return []; // sealed under another key (rotated secret): not comparable
      }
    });
    face = closeFaces(descriptor, candidates, input.faceMinSimilarity);
  }
  await q.query('DELETE FROM seen_before_matches WHERE case_id = $1 AND attempt = $2', [
    input.caseId,
    input.attempt,
  ]);
  for (const other of document)
    await q.query(
      `INSERT INTO seen_before_matches (case_id, attempt, other_case_id, kind) VALUES ($1, $2, $3, 'document')`,
      [input.caseId, input.attempt, other],
    );
  for (const m of face)
    await q.query(
      `INSERT INTO seen_before_matches (case_id, attempt, other_case_id, kind, similarity) VALUES ($1, $2, $3, 'face', $4)`,
      [input.caseId, input.attempt, m.caseId, m.similarity],
    );
  return { document, face };
}

/** Retention: the index goes with the case's biometrics (media purge, erasure). */
export async function deleteSeenBeforeIndex(q: Queryable, caseId: string): Promise<number> {
  const r = await q.query('DELETE FROM seen_before_index WHERE case_id = $1', [caseId]);
  return r.rowCount;
}

export interface SeenBeforeMatch {
  otherCaseId: string;
  reference: string;
  status: string;
  kinds: Array<'document' | 'face'>;
  /** Face similarity when the face matched. */
  similarity: number | null;
  declared: { lastName: string | null; firstNames: string | null; birthDate: string | null };
  submittedAt: string | null;
  /** Media of the other case the console may show side by side (not purged). */
  media: string[];
}

/** The other cases found at this case's latest decision, with what the reviewer compares them by. */
export async function seenBeforeOf(q: Queryable, caseId: string): Promise<SeenBeforeMatch[]> {
  const r = await q.query<{
    other_case_id: string;
    kind: 'document' | 'face';
    similarity: number | null;
    reference: string;
    status: string;
    applicant: Record<string, unknown>;
    submitted_at: Date | null;
    media: string[] | null;
  }>(
    `SELECT m.other_case_id, m.kind, m.similarity, c.reference, c.status, c.applicant, c.submitted_at,
            (SELECT array_agg(DISTINCT x.kind) FROM media x
              WHERE x.case_id = c.id AND x.attempt = c.attempt AND x.purged_at IS NULL) AS media
       FROM seen_before_matches m JOIN cases c ON c.id = m.other_case_id
      WHERE m.case_id = $1 AND m.attempt = (SELECT max(attempt) FROM seen_before_matches WHERE case_id = $1)
      ORDER BY c.submitted_at NULLS LAST, m.other_case_id, m.kind`,
    [caseId],
  );
  const out = new Map<string, SeenBeforeMatch>();
  for (const x of r.rows) {
    const str = (k: string) =>
      typeof x.applicant[k] === 'string' && x.applicant[k] ? String(x.applicant[k]) : null;
    const m = out.get(x.other_case_id) ?? {
      otherCaseId: x.other_case_id,
      reference: x.reference,
      status: x.status,
      kinds: [],
      similarity: null,
      declared: { lastName: str('lastName'), firstNames: str('firstNames'), birthDate: str('birthDate') },
      submittedAt: x.submitted_at ? new Date(x.submitted_at).toISOString() : null,
      media: [...(x.media ?? [])].sort(),
    };
    m.kinds.push(x.kind);
    if (x.kind === 'face' && x.similarity !== null) m.similarity = Number(x.similarity);
    out.set(x.other_case_id, m);
  }
  return [...out.values()];
}
