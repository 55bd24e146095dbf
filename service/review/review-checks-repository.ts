// Queries behind the reviewer's checklist (review-checks.ts): the case's attempt, its media kinds, and the view
// and load events the reviewer left in the audit trail. The audit actions are passed in by the caller.
import type { Queryable } from '../db/index.js';

/** The current attempt of a case, or undefined when there is no such case. */
export async function findCaseAttempt(q: Queryable, caseId: string): Promise<number | undefined> {
  const r = await q.query<{ attempt: number }>('SELECT attempt FROM cases WHERE id = $1', [caseId]);
  return r.rows[0]?.attempt;
}

/** Which of video, front and back an attempt has media for. */
export async function checkableMediaKinds(q: Queryable, caseId: string, attempt: number): Promise<string[]> {
  const r = await q.query<{ kind: string }>(
    `SELECT kind FROM media WHERE case_id = $1 AND attempt = $2 AND kind IN ('video','front','back')`,
    [caseId, attempt],
  );
  return r.rows.map((m) => m.kind);
}

/** The kinds a reviewer has viewed on an attempt: the video played a while (`videoAction`), or a side opened. */
export async function viewedKinds(
  q: Queryable,
  v: { caseId: string; attempt: number; reviewerId: string; videoAction: string; sideAction: string },
): Promise<string[]> {
  const r = await q.query<{ kind: string }>(
    `SELECT DISTINCT details->>'kind' AS kind FROM audit_events
      WHERE case_id = $1 AND actor_type = 'reviewer' AND actor_id = $2 AND (details->>'attempt')::int = $3
        AND ((action = $4 AND (details->>'secondsWatched')::numeric > 0) OR action = $5)`,
    [v.caseId, v.reviewerId, v.attempt, v.videoAction, v.sideAction],
  );
  return r.rows.map((x) => x.kind);
}

/** Whether the video's bytes were served to this reviewer on this attempt (`loadedAction` audit entry). */
export async function videoLoaded(
  q: Queryable,
  v: { caseId: string; attempt: number; reviewerId: string; loadedAction: string },
): Promise<boolean> {
  const r = await q.query(
    `SELECT 1 FROM audit_events WHERE case_id = $1 AND actor_type = 'reviewer' AND actor_id = $2 AND action = $3
        AND details->>'kind' = 'video' AND (details->>'attempt')::int = $4 LIMIT 1`,
    [v.caseId, v.reviewerId, v.loadedAction, v.attempt],
  );
  return r.rowCount !== 0;
}
