// What the pipeline reads and writes in the database, as one narrow interface: the handlers depend on it
// (unit tests give them an in-memory fake), and `createPipelineRepository` implements it over the case
// store's repository functions.
import type { Db } from '../db/index.js';
import { tryLease } from '../db/lease.js';
import { appendAudit } from '../audit/audit-repository.js';
import {
  getCase,
  getChallenge,
  getStageResult,
  listMedia,
  listProcessing,
  listStageResults,
  lockCase,
  putStageResult,
  recordDecision,
  replaceMedia,
  setStageProgress,
  type CaseRow,
  type CaseStatus,
  type ChallengeRow,
  type DecisionInput,
  type MediaRow,
  type Stage,
  type StageProgress,
  type StageResultRow,
} from '../cases/index.js';

export interface PipelineRepository {
  getCase(caseId: string): Promise<CaseRow | undefined>;
  getChallenge(caseId: string, attempt: number): Promise<ChallengeRow | undefined>;
  listMedia(caseId: string, attempt: number): Promise<MediaRow[]>;
  /**
   * Inserts or replaces the media of one kind for an attempt, serialised on the case row (each replaced key is
   * returned to exactly one caller); returns the storage key it replaced, if any.
   */
  upsertMedia(m: Omit<MediaRow, 'id'>): Promise<string | undefined>;
  getStageResult(caseId: string, attempt: number, stage: Stage): Promise<StageResultRow | undefined>;
  listStageResults(caseId: string, attempt: number): Promise<StageResultRow[]>;
  /** First write wins: a duplicate run never replaces a stored result. Returns the stored row. */
  putStageResult(row: StageResultRow): Promise<StageResultRow>;
  setStageProgress(caseId: string, stage: Stage, p: StageProgress): Promise<void>;
  /**
   * Records a decision, in one transaction with the case row locked, if the case is still `processing` this
   * attempt. Returns the case's status afterwards (unchanged when it was decided already), undefined when
   * the case does not exist.
   */
  decideIfProcessing(caseId: string, attempt: number, d: DecisionInput): Promise<CaseStatus | undefined>;
  /** Cases left in `processing` since before `olderThan` (recovery sweep). */
  listProcessing(olderThan: Date): Promise<Array<{ id: string; attempt: number }>>;
  /** Takes or renews the deployment-wide lease `name` for `ms` (db/lease.ts); true when `holder` holds it. */
  tryLease(name: string, holder: string, ms: number): Promise<boolean>;
}

export function createPipelineRepository(db: Db): PipelineRepository {
  return {
    getCase: (id) => getCase(db, id),
    getChallenge: (id, attempt) => getChallenge(db, id, attempt),
    listMedia: (id, attempt) => listMedia(db, id, attempt),
    upsertMedia: async (m) => {
      const r = await replaceMedia(db, m);
      return r === 'refused' ? undefined : r.replaced;
    },
    getStageResult: (id, attempt, stage) => getStageResult(db, id, attempt, stage),
    listStageResults: (id, attempt) => listStageResults(db, id, attempt),
    putStageResult: (row) => putStageResult(db, row),
    setStageProgress: (id, stage, p) => setStageProgress(db, id, stage, p),
    decideIfProcessing: (id, attempt, d) =>
      db.tx(async (q) => {
        const c = await lockCase(q, id);
        if (!c) return undefined;
        if (c.status !== 'processing' || c.attempt !== attempt) return c.status;
        const status = await recordDecision(q, c, d);
        // Every decision is in the audit trail (README), automatic ones too: same transaction, same chain.
        await appendAudit(q, {
          actorType: 'system',
          actorId: d.source === 'auto' ? 'decision-policy' : 'pipeline',
          action: 'case.decided',
          caseId: c.id,
          details: {
            attempt: c.attempt,
            source: d.source,
            outcome: d.outcome,
            reasons: d.reasons,
            policyVersion: d.policyVersion ?? null,
          },
        });
        return status;
      }),
    listProcessing: (olderThan) => listProcessing(db, olderThan),
    tryLease: (name, holder, ms) => tryLease(db, name, holder, ms),
  };
}
