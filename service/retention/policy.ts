// The retention policy (pure): from the configuration and a clock, the cut-off dates of each purge.
export interface RetentionPolicy {
  /** Raw media and face crops: days after the final outcome. */
  mediaDays: number;
  /** Verifications never submitted or abandoned: days after their link expired. */
  unfinishedDays: number;
  /** Evidence files: years after the final outcome. */
  evidenceYears: number;
  /** Reviewer sessions and login attempts: days after expiry. */
  sessionDays: number;
  /** Delivered outbox rows and finished e-letter/SMS delivery records: days after the last update. */
  deliveryLogDays: number;
}

export type PurgePolicy = 'media' | 'unfinished' | 'evidence' | 'erasure';

export function retentionPolicyFrom(c: {
  RETENTION_MEDIA_DAYS: number;
  RETENTION_UNFINISHED_DAYS: number;
  RETENTION_EVIDENCE_YEARS: number;
  RETENTION_SESSION_DAYS: number;
  RETENTION_DELIVERY_LOG_DAYS: number;
}): RetentionPolicy {
  return {
    mediaDays: c.RETENTION_MEDIA_DAYS,
    unfinishedDays: c.RETENTION_UNFINISHED_DAYS,
    evidenceYears: c.RETENTION_EVIDENCE_YEARS,
    sessionDays: c.RETENTION_SESSION_DAYS,
    deliveryLogDays: c.RETENTION_DELIVERY_LOG_DAYS,
  };
}

const DAY_MS = 86_400_000;
const daysBefore = (now: Date, days: number) => new Date(now.getTime() - days * DAY_MS);

export interface Cutoffs {
  /** Final cases decided at or before this lose their media. */
  mediaDecidedBefore: Date;
  /** Unfinished cases whose link expired at or before this are purged whole. */
  unfinishedExpiredBefore: Date;
  /** Evidence files whose retain_until is at or before this are purged. */
  evidenceRetainedUntil: Date;
  sessionsExpiredBefore: Date;
  deliveryLogsBefore: Date;
}

export function cutoffs(p: RetentionPolicy, now: Date): Cutoffs {
  return {
    mediaDecidedBefore: daysBefore(now, p.mediaDays),
    unfinishedExpiredBefore: daysBefore(now, p.unfinishedDays),
    evidenceRetainedUntil: now,
    sessionsExpiredBefore: daysBefore(now, p.sessionDays),
    deliveryLogsBefore: daysBefore(now, p.deliveryLogDays),
  };
}

/** The receipt's wording of the rule applied, e.g. `RETENTION_MEDIA_DAYS=30`. */
export function policyLabel(policy: PurgePolicy, p: RetentionPolicy): string {
  switch (policy) {
    case 'media':
      return `RETENTION_MEDIA_DAYS=${p.mediaDays}`;
    case 'unfinished':
      return `RETENTION_UNFINISHED_DAYS=${p.unfinishedDays}`;
    case 'evidence':
      return `RETENTION_EVIDENCE_YEARS=${p.evidenceYears}`;
    case 'erasure':
      return 'erasure request (DELETE /v1/verifications/:id/personal-data)';
  }
}

/** Statuses whose data must never be purged: the case is being processed or reviewed. */
export const ACTIVE_STATUSES: readonly string[] = ['processing', 'in_review'];
