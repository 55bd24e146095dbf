// Finding a case by its reference or its id (whole, or the first 8+ characters): ids, references and states
// only, no personal data.
import type { Queryable } from '../db/index.js';

export interface SearchHit {
  caseId: string;
  reference: string;
  status: string;
  submittedAt: string | null;
  qaPending: boolean;
}

const likeEscape = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

export async function searchCases(q: Queryable, text: string, limit = 20): Promise<SearchHit[]> {
  const t = text.trim();
  if (!t) return [];
  const idPrefix = /^[0-9a-f-]{8,36}$/i.test(t) ? `${likeEscape(t.toLowerCase())}%` : null;
  const r = await q.query<{
    id: string;
    reference: string;
    status: string;
    submitted_at: Date | null;
    qa_pending: boolean;
  }>(
    `SELECT c.id, c.reference, c.status, c.submitted_at,
            EXISTS (SELECT 1 FROM qa_samples s WHERE s.case_id = c.id AND s.verdict IS NULL) AS qa_pending
       FROM cases c
      WHERE upper(c.reference) LIKE upper($1) ESCAPE '\\'
         OR ($2::text IS NOT NULL AND c.id::text LIKE $2 ESCAPE '\\')
      ORDER BY (upper(c.reference) = upper($3)) DESC, c.created_at DESC
      LIMIT $4`,
    [`${likeEscape(t)}%`, idPrefix, t, limit],
  );
  return r.rows.map((x) => ({
    caseId: x.id,
    reference: x.reference,
    status: x.status,
    submittedAt: x.submitted_at ? new Date(x.submitted_at).toISOString() : null,
    qaPending: x.qa_pending,
  }));
}
