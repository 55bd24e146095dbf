// QA (issue #20 item 10): automatic approvals sampled (QA_SAMPLE_RATE) for a second look by a reviewer, the QA
// queue, the verdicts, and the per-reviewer figures of the ops view (decisions and agreement with QA).
import type { Queryable } from '../db/index.js';
import { appendAudit } from '../audit/audit-repository.js';

export type QaVerdict = 'agree' | 'disagree';

/** Idempotent: a case is sampled once. */
export async function sampleForQa(q: Queryable, caseId: string): Promise<void> {
  await q.query('INSERT INTO qa_samples (case_id) VALUES ($1) ON CONFLICT (case_id) DO NOTHING', [caseId]);
}

export interface QaItem {
  caseId: string;
  reference: string;
  status: string;
  sampledAt: string;
  decidedAt: string | null;
  verdict: QaVerdict | null;
  reviewerId: string | null;
  reviewedAt: string | null;
}

/** The QA queue (pending first, oldest sample first), or the latest reviewed samples. */
export async function listQa(
  q: Queryable,
  opts: { pending?: boolean; caseId?: string; limit?: number },
): Promise<QaItem[]> {
  const where =
    opts.caseId !== undefined
      ? 's.case_id = $2'
      : opts.pending
        ? 's.verdict IS NULL'
        : 's.verdict IS NOT NULL';
  const r = await q.query<{
    case_id: string;
    reference: string;
    status: string;
    sampled_at: Date;
    decided_at: Date | null;
    verdict: QaVerdict | null;
    reviewer_id: string | null;
    reviewed_at: Date | null;
  }>(
    `SELECT s.case_id, c.reference, c.status, s.sampled_at, c.decided_at, s.verdict, s.reviewer_id, s.reviewed_at
       FROM qa_samples s JOIN cases c ON c.id = s.case_id
      WHERE ${where}
      ORDER BY ${opts.pending ? 's.sampled_at ASC' : 's.reviewed_at DESC'}, s.case_id LIMIT $1`,
    opts.caseId !== undefined ? [opts.limit ?? 200, opts.caseId] : [opts.limit ?? 200],
  );
  const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);
  return r.rows.map((x) => ({
    caseId: x.case_id,
    reference: x.reference,
    status: x.status,
    sampledAt: new Date(x.sampled_at).toISOString(),
    decidedAt: iso(x.decided_at),
    verdict: x.verdict,
    reviewerId: x.reviewer_id,
    reviewedAt: iso(x.reviewed_at),
  }));
}

export async function qaOf(q: Queryable, caseId: string): Promise<QaItem | undefined> {
  return (await listQa(q, { caseId, limit: 1 }))[0];
}

/**
 * Records a QA verdict (once per sample) and audits it. 'not_sampled' when the case is not in the QA queue,
 * 'already' when it has its verdict.
 */
export async function recordQa(
  q: Queryable,
  input: { caseId: string; reviewerId: string; verdict: QaVerdict; note?: string },
  now: Date,
): Promise<'recorded' | 'not_sampled' | 'already'> {
  const r = await q.query(
    `UPDATE qa_samples SET verdict = $2, reviewer_id = $3, note = $4, reviewed_at = $5
      WHERE case_id = $1 AND verdict IS NULL`,
    [input.caseId, input.verdict, input.reviewerId, input.note ?? null, now],
  );
  if (r.rowCount === 0) {
    const exists = await q.query('SELECT 1 FROM qa_samples WHERE case_id = $1', [input.caseId]);
    return exists.rowCount ? 'already' : 'not_sampled';
  }
  await appendAudit(q, {
    actorType: 'reviewer',
    actorId: input.reviewerId,
    action: 'case.qa.reviewed',
    caseId: input.caseId,
    details: { verdict: input.verdict },
  });
  return 'recorded';
}

export interface ReviewerFigures {
  /** Reviewer id, or 'auto' for the automatic decisions. */
  reviewerId: string;
  decisions: { approve: number; reject: number; resubmit: number };
  /** QA second looks this reviewer gave. */
  qaDone: number;
  /** Of this decider's cases that QA looked at: how many, and how many QA agreed with. */
  qaChecked: number;
  qaAgreed: number;
  /** qaAgreed / qaChecked, null before any check. */
  agreement: number | null;
}

export interface QaFigures {
  sampled: number;
  pending: number;
  agreed: number;
  disagreed: number;
  reviewers: ReviewerFigures[];
}

/** Per reviewer (and the automatic decisions): decisions by outcome, QA done, and agreement of QA with them. */
export async function qaFigures(q: Queryable): Promise<QaFigures> {
  const totals = await q.query<{
    sampled: string | number;
    pending: string | number;
    agreed: string | number;
    disagreed: string | number;
  }>(
    `SELECT count(*) AS sampled, count(*) FILTER (WHERE verdict IS NULL) AS pending,
            count(*) FILTER (WHERE verdict = 'agree') AS agreed, count(*) FILTER (WHERE verdict = 'disagree') AS disagreed
       FROM qa_samples`,
  );
  const decisions = await q.query<{ who: string; outcome: string; n: string | number }>(
    `SELECT COALESCE(reviewer_id::text, 'auto') AS who, outcome, count(*) AS n FROM decisions
      WHERE (source = 'reviewer' AND reviewer_id IS NOT NULL) OR source = 'auto'
      GROUP BY 1, 2`,
  );
  const done = await q.query<{ who: string; n: string | number }>(
    `SELECT reviewer_id::text AS who, count(*) AS n FROM qa_samples WHERE verdict IS NOT NULL GROUP BY 1`,
  );
  // The decider of a sampled case: who made its last final decision.
  const checked = await q.query<{ who: string; checked: string | number; agreed: string | number }>(
    `SELECT who, count(*) AS checked, count(*) FILTER (WHERE s.verdict = 'agree') AS agreed
       FROM qa_samples s
       JOIN LATERAL (SELECT COALESCE(d.reviewer_id::text, 'auto') AS who FROM decisions d
                      WHERE d.case_id = s.case_id AND d.outcome IN ('approve','reject','resubmit')
                      ORDER BY d.id DESC LIMIT 1) last ON true
      WHERE s.verdict IS NOT NULL GROUP BY who`,
  );
  const by = new Map<string, ReviewerFigures>();
  const get = (who: string) => {
    let f = by.get(who);
    if (!f) {
      f = {
        reviewerId: who,
        decisions: { approve: 0, reject: 0, resubmit: 0 },
        qaDone: 0,
        qaChecked: 0,
        qaAgreed: 0,
        agreement: null,
      };
      by.set(who, f);
    }
    return f;
  };
  for (const d of decisions.rows)
    if (d.outcome === 'approve' || d.outcome === 'reject' || d.outcome === 'resubmit')
      get(d.who).decisions[d.outcome] += Number(d.n);
  for (const d of done.rows) get(d.who).qaDone = Number(d.n);
  for (const c of checked.rows) {
    const f = get(c.who);
    f.qaChecked = Number(c.checked);
    f.qaAgreed = Number(c.agreed);
    f.agreement = f.qaChecked ? f.qaAgreed / f.qaChecked : null;
  }
  const t = totals.rows[0]!;
  return {
    sampled: Number(t.sampled),
    pending: Number(t.pending),
    agreed: Number(t.agreed),
    disagreed: Number(t.disagreed),
    reviewers: [...by.values()].sort((a, b) => a.reviewerId.localeCompare(b.reviewerId)),
  };
}
