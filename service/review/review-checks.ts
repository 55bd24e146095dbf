// What a reviewer actually looked at, and the checklist a decision needs. The console reports playback (seconds
// watched) and the opening of each document side enlarged; both are audit entries of the reviewer, per attempt.
// Before deciding, the reviewer must have played the video and opened each side of the document the case has.
import type { Queryable } from '../db/index.js';
import { appendAudit } from '../audit/audit-repository.js';
import { ReviewError } from './errors.js';

/** The checklist items: the video played, each document side looked at (opened enlarged). */
export const CHECK_ITEMS = ['video', 'front', 'back'] as const;
export type CheckItem = (typeof CHECK_ITEMS)[number];

export interface ReviewChecks {
  /** Items this case has media for (a case without a back side needs no look at it). */
  required: CheckItem[];
  /** Items the reviewer has done on the current attempt. */
  done: CheckItem[];
}

export type ViewEvent = { kind: 'video'; secondsWatched: number } | { kind: 'front' | 'back' };

/** Audit action of each view event. */
export const VIEW_ACTIONS = { video: 'case.media.viewed', side: 'case.media.zoomed' } as const;
/** Audit action of the bytes of a video served to a reviewer (loaded, not necessarily played). */
export const MEDIA_LOADED = 'case.media.loaded';

/** The current attempt of a case (view events belong to it). */
export async function caseAttempt(q: Queryable, caseId: string): Promise<number> {
  const r = await q.query<{ attempt: number }>('SELECT attempt FROM cases WHERE id = $1', [caseId]);
  const a = r.rows[0]?.attempt;
  if (a === undefined) throw new ReviewError('case_not_found', 'No such case');
  return a;
}

/** Pure: the items still missing. */
export function missingChecks(c: ReviewChecks): CheckItem[] {
  return c.required.filter((i) => !c.done.includes(i));
}

export async function reviewChecks(
  q: Queryable,
  caseId: string,
  attempt: number,
  reviewerId: string,
): Promise<ReviewChecks> {
  const media = await q.query<{ kind: string }>(
    `SELECT kind FROM media WHERE case_id = $1 AND attempt = $2 AND kind IN ('video','front','back')`,
    [caseId, attempt],
  );
  const have = new Set(media.rows.map((m) => m.kind));
  const required = CHECK_ITEMS.filter((i) => have.has(i));
  const seen = await q.query<{ kind: string }>(
    `SELECT DISTINCT details->>'kind' AS kind FROM audit_events
      WHERE case_id = $1 AND actor_type = 'reviewer' AND actor_id = $2 AND (details->>'attempt')::int = $3
        AND ((action = $4 AND (details->>'secondsWatched')::numeric > 0) OR action = $5)`,
    [caseId, reviewerId, attempt, VIEW_ACTIONS.video, VIEW_ACTIONS.side],
  );
  const done = new Set(seen.rows.map((r) => r.kind));
  return { required, done: CHECK_ITEMS.filter((i) => done.has(i)) };
}

/** Refuses a decision until the checklist is complete (called inside the decision's transaction). */
export async function assertChecksDone(
  q: Queryable,
  caseId: string,
  attempt: number,
  reviewerId: string,
): Promise<void> {
  const missing = missingChecks(await reviewChecks(q, caseId, attempt, reviewerId));
  if (missing.length === 0) return;
  throw new ReviewError(
    'review_incomplete',
    `Before deciding, play the video and open each side of the document (still to do: ${missing.join(', ')})`,
  );
}

/**
 * Records a view event of the signed-in reviewer. Playback is accepted only once the video's bytes were served
 * to this reviewer on this attempt (a console cannot claim to have played what it never loaded).
 */
export async function recordView(
  q: Queryable,
  input: { caseId: string; attempt: number; reviewerId: string; event: ViewEvent },
): Promise<void> {
  const { caseId, attempt, reviewerId, event } = input;
  if (event.kind === 'video') {
    const loaded = await q.query(
      `SELECT 1 FROM audit_events WHERE case_id = $1 AND actor_type = 'reviewer' AND actor_id = $2 AND action = $3
          AND details->>'kind' = 'video' AND (details->>'attempt')::int = $4 LIMIT 1`,
      [caseId, reviewerId, MEDIA_LOADED, attempt],
    );
    if (loaded.rowCount === 0)
      throw new ReviewError(
        'media_not_loaded',
        'The video was not loaded by this reviewer: play it in the console',
      );
  }
  await appendAudit(q, {
    actorType: 'reviewer',
    actorId: reviewerId,
    action: event.kind === 'video' ? VIEW_ACTIONS.video : VIEW_ACTIONS.side,
    caseId,
    details:
      event.kind === 'video'
        ? { kind: 'video', attempt, secondsWatched: Math.round(event.secondsWatched * 10) / 10 }
        : { kind: event.kind, attempt },
  });
}
