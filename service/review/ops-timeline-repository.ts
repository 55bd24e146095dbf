// Last-hour timeline for the ops dashboard, from the case store (no metrics backend needed): review queue depth,
// and p50/p95 of submission-to-automatic-decision time and of review wait, per bucket.
import type { Queryable } from '../db/index.js';

export interface TimelinePoint {
  /** Bucket end, ISO. */
  at: string;
  reviewDepth: number;
  /** Submission -> automatic decision, seconds (null when nothing was decided in the bucket). */
  processingP50: number | null;
  processingP95: number | null;
  /** Entry into review -> reviewer decision, seconds. */
  reviewWaitP50: number | null;
  reviewWaitP95: number | null;
}

function pct(values: number[], p: number): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
}

export async function opsTimeline(
  db: Queryable,
  now = new Date(),
  windowMin = 60,
  bucketMin = 5,
): Promise<TimelinePoint[]> {
  const from = new Date(now.getTime() - windowMin * 60_000);
  const { rows } = await db.query<{
    case_id: string;
    source: string;
    outcome: string;
    created_at: Date;
    submitted_at: Date | null;
  }>(
    `SELECT d.case_id, d.source, d.outcome, d.created_at, c.submitted_at
       FROM decisions d JOIN cases c ON c.id = d.case_id
      WHERE d.case_id IN (SELECT case_id FROM decisions WHERE created_at >= $1 UNION SELECT id FROM cases WHERE status = 'in_review')
      ORDER BY d.case_id, d.created_at`,
    [from],
  );
  // Per case: when it entered review (auto 'review') and when it left (any later non-auto decision).
  const spans: Array<{ enter: number; leave: number | null }> = [];
  const processing: Array<{ at: number; s: number }> = [];
  const waits: Array<{ at: number; s: number }> = [];
  let enter: number | null = null;
  let current = '';
  for (const r of rows) {
    if (r.case_id !== current) {
      if (enter !== null) spans.push({ enter, leave: null });
      current = r.case_id;
      enter = null;
    }
    const at = new Date(r.created_at).getTime();
    if (r.source === 'auto') {
      if (r.submitted_at) processing.push({ at, s: (at - new Date(r.submitted_at).getTime()) / 1000 });
      if (r.outcome === 'review') enter = at;
    } else if (enter !== null) {
      spans.push({ enter, leave: at });
      waits.push({ at, s: (at - enter) / 1000 });
      enter = null;
    }
  }
  if (enter !== null) spans.push({ enter, leave: null });

  const out: TimelinePoint[] = [];
  for (let end = from.getTime() + bucketMin * 60_000; end <= now.getTime() + 1; end += bucketMin * 60_000) {
    const start = end - bucketMin * 60_000;
    const inBucket = (x: { at: number }) => x.at > start && x.at <= end;
    const p = processing.filter(inBucket).map((x) => x.s);
    const w = waits.filter(inBucket).map((x) => x.s);
    out.push({
      at: new Date(end).toISOString(),
      reviewDepth: spans.filter((s) => s.enter <= end && (s.leave === null || s.leave > end)).length,
      processingP50: pct(p, 50),
      processingP95: pct(p, 95),
      reviewWaitP50: pct(w, 50),
      reviewWaitP95: pct(w, 95),
    });
  }
  return out;
}
