// Purges: media of decided cases after RETENTION_MEDIA_DAYS, unfinished verifications after
// RETENTION_UNFINISHED_DAYS, evidence files after RETENTION_EVIDENCE_YEARS, old sessions and delivery logs, and
// the business service's erasure request. Each case is purged in one transaction with its row locked: the hold
// and status are checked again under the lock, the objects deleted (idempotent, so a rolled-back purge is simply
// done again by the next sweep), and the receipt written to the audit trail and to retention_purges.
//
// Media are deleted and crypto-shredded: the case's media data key is destroyed in the same transaction, so a copy
// of the store taken before the purge (backup, replica, bucket version) is unreadable too. The evidence file has
// its own data key (purpose 'evidence') and outlives the media.
import type { Db, Queryable } from '../db/index.js';
import { appendAudit } from '../audit/audit-repository.js';
import { deleteCaseKeys, type MediaStore } from '../storage/index.js';
import type { EvidenceService } from '../evidence/service.js';
import { latestEvidence } from '../evidence/evidence-repository.js';
import { deleteSeenBeforeIndex } from '../fraud/seen-before-repository.js';
import { ACTIVE_STATUSES, cutoffs, policyLabel, type PurgePolicy, type RetentionPolicy } from './policy.js';
import {
  closeUnfinished,
  deleteOldDeliveryLogs,
  deleteOldSessions,
  erasePersonalData,
  getRetentionCase,
  hasLiveEvidence,
  insertPurgeReceipt,
  listEvidenceDue,
  listMediaDue,
  listUnfinishedDue,
  liveMediaKeys,
  lockRetentionCase,
  markEvidencePurged,
  markMediaPurged,
} from './retention-repository.js';

export interface PurgeDeps {
  db: Db;
  store: MediaStore;
  policy: RetentionPolicy;
}

export type PurgeOutcome =
  | { status: 'purged'; objects: number; kinds: string[]; auditSeq: number }
  | { status: 'not_found' | 'legal_hold' | 'active' };

const FINAL = ['approved', 'rejected', 'expired'];

async function purgeInTx(
  q: Queryable,
  deps: PurgeDeps,
  caseId: string,
  policy: PurgePolicy,
  opts: { erase: boolean; close: boolean },
  now: Date,
): Promise<PurgeOutcome> {
  const c = await lockRetentionCase(q, caseId);
  if (!c) return { status: 'not_found' };
  if (c.legalHold) return { status: 'legal_hold' };
  if (ACTIVE_STATUSES.includes(c.status)) return { status: 'active' };
  const media = await liveMediaKeys(q, caseId);
  for (const m of media) await deps.store.delete(m.storageKey);
  await deleteCaseKeys(q, caseId, 'media');
  await markMediaPurged(q, caseId, now);
  // The seen-before index (live face descriptor, keyed hashes) lives exactly as long as the biometrics.
  const seenBefore = await deleteSeenBeforeIndex(q, caseId);
  if (opts.erase) await erasePersonalData(q, caseId, now);
  if (opts.close) await closeUnfinished(q, caseId);
  const kinds = [...new Set(media.map((m) => m.kind))].sort();
  const rec = await appendAudit(q, {
    actorType: policy === 'erasure' ? 'service' : 'system',
    actorId: 'retention',
    action: 'retention.purged',
    caseId,
    details: {
      policy,
      rule: policyLabel(policy, deps.policy),
      objects: media.length,
      kinds,
      seenBeforeIndex: seenBefore,
      personalDataErased: opts.erase,
      purgedAt: now.toISOString(),
    },
  });
  await insertPurgeReceipt(q, { caseId, policy, objects: media.length, auditSeq: rec.seq, at: now });
  return { status: 'purged', objects: media.length, kinds, auditSeq: rec.seq };
}

/** Media and face crops of a decided case (the evidence file stays). */
export function purgeCaseMedia(deps: PurgeDeps, caseId: string, now: Date): Promise<PurgeOutcome> {
  return deps.db.tx((q) => purgeInTx(q, deps, caseId, 'media', { erase: false, close: false }, now));
}

/** Everything of a verification that never reached a verdict: nothing needs proving. */
export function purgeUnfinished(deps: PurgeDeps, caseId: string, now: Date): Promise<PurgeOutcome> {
  return deps.db.tx((q) => purgeInTx(q, deps, caseId, 'unfinished', { erase: true, close: true }, now));
}

export interface SweepSummary {
  media: number;
  unfinished: number;
  evidence: number;
  sessions: number;
  deliveryLogs: number;
  /** Cases due but left alone (legal hold or in progress when locked). */
  skipped: number;
}

/** One pass of every purge, bounded by `limit` cases per kind. The clock is injected (tests, `idv retention sweep --now`). */
export async function runRetentionSweep(deps: PurgeDeps, now: Date, limit = 200): Promise<SweepSummary> {
  const cut = cutoffs(deps.policy, now);
  const summary: SweepSummary = {
    media: 0,
    unfinished: 0,
    evidence: 0,
    sessions: 0,
    deliveryLogs: 0,
    skipped: 0,
  };
  for (const id of await listMediaDue(deps.db, cut.mediaDecidedBefore, limit)) {
    const r = await purgeCaseMedia(deps, id, now);
    if (r.status === 'purged') summary.media++;
    else summary.skipped++;
  }
  for (const id of await listUnfinishedDue(deps.db, cut.unfinishedExpiredBefore, limit)) {
    const r = await purgeUnfinished(deps, id, now);
    if (r.status === 'purged') summary.unfinished++;
    else summary.skipped++;
  }
  for (const e of await listEvidenceDue(deps.db, cut.evidenceRetainedUntil, limit)) {
    await deps.db.tx(async (q) => {
      await deps.store.delete(e.storageKey);
      await markEvidencePurged(q, e.id, now);
      if (!(await hasLiveEvidence(q, e.caseId))) await deleteCaseKeys(q, e.caseId, 'evidence');
      const rec = await appendAudit(q, {
        actorType: 'system',
        actorId: 'retention',
        action: 'retention.evidence.purged',
        caseId: e.caseId,
        details: {
          policy: 'evidence',
          rule: policyLabel('evidence', deps.policy),
          evidenceId: e.id,
          purgedAt: now.toISOString(),
        },
      });
      await insertPurgeReceipt(q, {
        caseId: e.caseId,
        policy: 'evidence',
        objects: 1,
        auditSeq: rec.seq,
        at: now,
      });
    });
    summary.evidence++;
  }
  await deps.db.tx(async (q) => {
    summary.sessions = await deleteOldSessions(q, cut.sessionsExpiredBefore);
    summary.deliveryLogs = await deleteOldDeliveryLogs(q, cut.deliveryLogsBefore);
    if (summary.sessions + summary.deliveryLogs === 0) return;
    const rec = await appendAudit(q, {
      actorType: 'system',
      actorId: 'retention',
      action: 'retention.logs.purged',
      details: {
        sessions: summary.sessions,
        deliveryLogs: summary.deliveryLogs,
        rules: [
          `RETENTION_SESSION_DAYS=${deps.policy.sessionDays}`,
          `RETENTION_DELIVERY_LOG_DAYS=${deps.policy.deliveryLogDays}`,
        ],
        purgedAt: now.toISOString(),
      },
    });
    await insertPurgeReceipt(q, {
      caseId: null,
      policy: 'sessions',
      objects: summary.sessions + summary.deliveryLogs,
      auditSeq: rec.seq,
      at: now,
    });
  });
  return summary;
}

/** What an erasure request did, for the business service. */
export interface ErasureReport {
  id: string;
  erasedAt: string;
  deleted: Array<{ item: string; count?: number }>;
  kept: Array<{ item: string; until?: string; why: string }>;
  auditSeq: number;
}

export type ErasureResult =
  { status: 'erased'; report: ErasureReport } | { status: 'not_found' | 'legal_hold' | 'active' };

/**
 * `DELETE /v1/verifications/:id/personal-data`: purges at once everything the evidence retention does not require.
 * A decided case keeps its evidence file (built first if the outbox has not yet), its case record (no personal
 * data left) and its audit entries; an unfinished one keeps only the record and the audit entries.
 */
export async function eraseOnRequest(
  deps: PurgeDeps & { evidence: EvidenceService },
  caseId: string,
  now: Date,
): Promise<ErasureResult> {
  const status = (await getRetentionCase(deps.db, caseId))?.status;
  if (!status) return { status: 'not_found' };
  const final = FINAL.includes(status);
  // The proof is secured before the data it summarises go.
  if (final) await deps.evidence.build(caseId);
  const r = await deps.db.tx((q) =>
    purgeInTx(q, deps, caseId, 'erasure', { erase: true, close: !final }, now),
  );
  if (r.status !== 'purged') return r;
  const evidence = final ? await latestEvidence(deps.db, caseId) : undefined;
  const kept: ErasureReport['kept'] = [];
  if (evidence && !evidence.purgedAt)
    kept.push({
      item: 'evidence file',
      until: evidence.retainUntil.toISOString(),
      why: `RETENTION_EVIDENCE_YEARS=${deps.policy.evidenceYears}: the signed proof of the verification (decisions, reviewer ids, check results and scores, challenge and transcript, audit excerpt, sha256 of each media item; no media, no name or contact data)`,
    });
  kept.push(
    {
      item: 'verification record',
      why: 'id, reference, status, outcome, reason codes and timestamps: the evidence file and the audit trail refer to them (no personal data left)',
    },
    {
      item: 'audit trail entries',
      why: 'append-only hash chain (what was done, when, by whom; never personal data); rewriting it would break the chain',
    },
  );
  return {
    status: 'erased',
    report: {
      id: caseId,
      erasedAt: now.toISOString(),
      deleted: [
        { item: 'media (document photos, selfie video, face and mouth crops)', count: r.objects },
        { item: 'declared identity and contact data' },
        { item: 'document reading (MRZ fields)' },
        { item: 'reviewer notes' },
        { item: 'applicant link' },
      ],
      kept,
      auditSeq: r.auditSeq,
    },
  };
}
