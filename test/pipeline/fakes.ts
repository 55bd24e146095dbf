// Strict in-memory fakes of the pipeline's repository interface, for the handler unit tests. They keep the
// contract of the database implementation (first write wins for stage results, decisions only while
// `processing` this attempt, the same status per outcome) and refuse what the database would refuse.
import { randomUUID } from 'node:crypto';
import {
  FINAL_STATUSES,
  OUTCOME_STATUS,
  type Applicant,
  type CaseRow,
  type ChallengeRow,
  type DecisionInput,
  type MediaRow,
  type StageResultRow,
} from '../../service/cases/index.js';
import type { OutboxTopic } from '../../service/pipeline/jobs.js';
import type { PipelineRepository } from '../../service/pipeline/pipeline-repository.js';

export interface MemoryPipelineRepository extends PipelineRepository {
  readonly cases: Map<string, CaseRow & { updatedAt: Date }>;
  readonly challenges: ChallengeRow[];
  readonly media: MediaRow[];
  readonly stageResults: StageResultRow[];
  readonly decisions: Array<DecisionInput & { caseId: string; attempt: number }>;
  readonly outbox: Array<{ topic: OutboxTopic; caseId: string }>;
  /** Adds a submitted case (status `processing`, attempt 1) with its challenge. */
  addCase(opts?: {
    applicant?: Applicant;
    submittedAt?: Date;
    updatedAt?: Date;
    declaredDocumentType?: CaseRow['declaredDocumentType'];
  }): CaseRow;
}

export function memoryPipelineRepository(): MemoryPipelineRepository {
  const cases = new Map<string, CaseRow & { updatedAt: Date }>();
  const challenges: ChallengeRow[] = [];
  const media: MediaRow[] = [];
  const stageResults: StageResultRow[] = [];
  const leases = new Map<string, { holder: string; until: number }>();
  const decisions: MemoryPipelineRepository['decisions'] = [];
  const outbox: MemoryPipelineRepository['outbox'] = [];
  const copy = <T>(x: T): T => structuredClone(x);
  const must = (id: string) => {
    const c = cases.get(id);
    if (!c) throw new Error(`fake: no case ${id}`);
    return c;
  };
  return {
    cases,
    challenges,
    media,
    stageResults,
    decisions,
    outbox,
    addCase(o = {}) {
      const now = new Date();
      const c: CaseRow & { updatedAt: Date } = {
        id: randomUUID(),
        reference: `ref-${randomUUID().slice(0, 8)}`,
        status: 'processing',
        lang: 'fr',
        applicant: o.applicant ?? {
          lastName: 'Martin',
          firstNames: 'Léa',
          birthDate: '1990-04-12',
          email: 'lea@example.test',
          mobile: '+33600000000',
        },
        attempt: 1,
        expiresAt: new Date(now.getTime() + 72 * 3600_000),
        submittedAt: o.submittedAt ?? now,
        reviewDeadline: null,
        decidedAt: null,
        outcome: null,
        reasons: [],
        progress: {},
        createdAt: now,
        declaredDocumentType: o.declaredDocumentType ?? null,
        updatedAt: o.updatedAt ?? now,
      };
      cases.set(c.id, c);
      challenges.push({
        caseId: c.id,
        attempt: 1,
        digits: '471',
        lang: 'fr',
        expiresAt: new Date(now.getTime() + 1800_000),
        usedAt: now,
      });
      return copy(c);
    },
    async getCase(id) {
      const c = cases.get(id);
      return c && copy(c);
    },
    async getChallenge(id, attempt) {
      const ch = challenges.find((x) => x.caseId === id && x.attempt === attempt);
      return ch && copy(ch);
    },
    async listMedia(id, attempt) {
      return media.filter((m) => m.caseId === id && m.attempt === attempt).map(copy);
    },
    async upsertMedia(m) {
      must(m.caseId);
      const i = media.findIndex((x) => x.caseId === m.caseId && x.attempt === m.attempt && x.kind === m.kind);
      const prev = i >= 0 ? media[i]!.storageKey : undefined;
      const row = { ...copy(m), id: randomUUID() };
      if (i >= 0) media[i] = row;
      else media.push(row);
      return prev;
    },
    async getStageResult(id, attempt, stage) {
      const r = stageResults.find((x) => x.caseId === id && x.attempt === attempt && x.stage === stage);
      return r && copy(r);
    },
    async listStageResults(id, attempt) {
      return stageResults.filter((x) => x.caseId === id && x.attempt === attempt).map(copy);
    },
    async putStageResult(row) {
      must(row.caseId);
      // The database stores JSON: what is not JSON does not survive (as with the jsonb column).
      const stored = { ...row, result: JSON.parse(JSON.stringify(row.result)) as unknown };
      const prev = stageResults.find(
        (x) => x.caseId === row.caseId && x.attempt === row.attempt && x.stage === row.stage,
      );
      if (!prev) stageResults.push(stored);
      return copy(prev ?? stored);
    },
    async setStageProgress(id, stage, p) {
      const c = cases.get(id);
      if (!c) return; // UPDATE of no row
      c.progress = { ...c.progress, [stage]: { ...p } };
      c.updatedAt = new Date();
    },
    async decideIfProcessing(id, attempt, d) {
      const c = cases.get(id);
      if (!c) return undefined;
      if (c.status !== 'processing' || c.attempt !== attempt) return c.status;
      if (d.outcome === 'review' && !d.reviewDeadline) throw new Error('fake: review needs a deadline');
      if (d.outcome === 'resubmit' && !d.nextChallenge)
        throw new Error('fake: resubmit needs the next challenge');
      const status = OUTCOME_STATUS[d.outcome];
      decisions.push({ ...copy(d), caseId: id, attempt });
      c.status = status;
      c.outcome = d.outcome;
      c.reasons = [...d.reasons];
      if (d.reviewDeadline) c.reviewDeadline = d.reviewDeadline;
      if (status === 'approved' || status === 'rejected' || status === 'expired') c.decidedAt = d.now;
      if (d.outcome === 'resubmit') {
        c.attempt += 1;
        challenges.push({ caseId: id, attempt: c.attempt, ...d.nextChallenge!, usedAt: null });
      }
      c.updatedAt = new Date();
      if (FINAL_STATUSES.has(status)) outbox.push({ topic: 'webhook', caseId: id });
      if (status === 'approved') outbox.push({ topic: 'activation', caseId: id });
      if (status === 'approved' || status === 'rejected' || status === 'expired')
        outbox.push({ topic: 'evidence', caseId: id });
      return status;
    },
    async listProcessing(olderThan) {
      return [...cases.values()]
        .filter((c) => c.status === 'processing' && c.updatedAt < olderThan)
        .map((c) => ({ id: c.id, attempt: c.attempt }));
    },
    async tryLease(name, holder, ms) {
      const l = leases.get(name);
      if (l && l.holder !== holder && l.until > Date.now()) return false;
      leases.set(name, { holder, until: Date.now() + ms });
      return true;
    },
  };
}
