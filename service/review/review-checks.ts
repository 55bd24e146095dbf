// What a reviewer actually looked at, and the checklist a decision needs. The console reports playback (seconds
// watched) and the opening of each document side enlarged; both are audit entries of the reviewer, per attempt.
// Before deciding, the reviewer must have played the video and opened each side of the document the case has.
import type { Queryable } from '../db/index.js';
import { appendAudit } from '../audit/audit-repository.js';
import { ReviewError } from './errors.js';
import {
  checkableMediaKinds,
  findCaseAttempt,
  videoLoaded,
  viewedKinds,
} from './review-checks-repository.js';

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
  const a = await findCaseAttempt(q, caseId);
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
  const have = new Set(await checkableMediaKinds(q, caseId, attempt));
  const required = CHECK_ITEMS.filter((i) => have.has(i));
  const done = new Set(
    await viewedKinds(q, {
      caseId,
      attempt,
      reviewerId,
      videoAction: VIEW_ACTIONS.video,
      sideAction: VIEW_ACTIONS.side,
    }),
  );
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
    if (!(await videoLoaded(q, { caseId, attempt, reviewerId, loadedAction: MEDIA_LOADED })))
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
