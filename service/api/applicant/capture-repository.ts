// SQL of the capture facts the applicant app reports for an uploaded medium.
import type { Queryable } from '../../db/index.js';

/** Stores the facts on the current attempt's medium; false when that medium was not uploaded. */
export async function setCaptureFacts(
  q: Queryable,
  caseId: string,
  attempt: number,
  kind: string,
  facts: Record<string, unknown>,
): Promise<boolean> {
  const r = await q.query('UPDATE media SET capture = $4 WHERE case_id = $1 AND attempt = $2 AND kind = $3', [
    caseId,
    attempt,
    kind,
    JSON.stringify(facts),
  ]);
  return (r.rowCount ?? 0) > 0;
}
