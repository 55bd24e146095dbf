// Stage results, keyed by (case, attempt, stage): the idempotency record of the pipeline. A stage that
// finds its row already written returns it instead of recomputing (retries, stalled re-runs, duplicates).
import type { Queryable } from '../db/index.js';
import type { Stage, StageResultRow } from './types.js';

export async function getStageResult<T>(
  q: Queryable,
  caseId: string,
  attempt: number,
  stage: Stage,
): Promise<StageResultRow<T> | undefined> {
  const r = await q.query<{ status: 'ok' | 'failed'; result: T; duration_ms: number | null }>(
    'SELECT status, result, duration_ms FROM stage_results WHERE case_id = $1 AND attempt = $2 AND stage = $3',
    [caseId, attempt, stage],
  );
  const x = r.rows[0];
  return x && { caseId, attempt, stage, status: x.status, result: x.result, durationMs: x.duration_ms };
}

export async function listStageResults(
  q: Queryable,
  caseId: string,
  attempt: number,
): Promise<StageResultRow[]> {
  const r = await q.query<{
    stage: Stage;
    status: 'ok' | 'failed';
    result: unknown;
    duration_ms: number | null;
  }>('SELECT stage, status, result, duration_ms FROM stage_results WHERE case_id = $1 AND attempt = $2', [
    caseId,
    attempt,
  ]);
  return r.rows.map((x) => ({
    caseId,
    attempt,
    stage: x.stage,
    status: x.status,
    result: x.result,
    durationMs: x.duration_ms,
  }));
}

/** First write wins: a duplicate run never replaces a stored result. Returns the stored row. */
export async function putStageResult<T>(q: Queryable, row: StageResultRow<T>): Promise<StageResultRow<T>> {
  await q.query(
    `INSERT INTO stage_results (case_id, attempt, stage, status, result, duration_ms) VALUES ($1,$2,$3,$4,$5,$6)
     ON CONFLICT (case_id, attempt, stage) DO NOTHING`,
    [row.caseId, row.attempt, row.stage, row.status, JSON.stringify(row.result), row.durationMs],
  );
  return (await getStageResult<T>(q, row.caseId, row.attempt, row.stage))!;
}

/** Each stage's recorded duration over some cases (benchmarks). */
export async function stageDurations(
  q: Queryable,
  caseIds: string[],
): Promise<Array<{ stage: Stage; ms: number }>> {
  const r = await q.query<{ stage: Stage; ms: number | string }>(
    'SELECT stage, duration_ms AS ms FROM stage_results WHERE case_id = ANY($1::uuid[])',
    [caseIds],
  );
  return r.rows.map((x) => ({ stage: x.stage, ms: Number(x.ms) }));
}
