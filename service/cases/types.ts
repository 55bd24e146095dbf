// Row shapes of the case store, as the rest of the service sees them (camelCase, typed).
export const CASE_STATUSES = [
  'created',
  'processing',
  'in_review',
  'approved',
  'rejected',
  'resubmission_requested',
  'expired',
] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

export { STAGES, type Stage } from '../contracts/stage-results.js';
export type { Lang } from '../contracts/lang.js';
import type { Stage } from '../contracts/stage-results.js';
import type { Lang } from '../contracts/lang.js';

export type { MediaKind } from '../contracts/media-kind.js';
import type { MediaKind } from '../contracts/media-kind.js';

export interface Applicant {
  lastName: string;
  firstNames: string;
  birthDate: string;
  email: string;
  mobile: string;
}

export interface StageProgress {
  state: 'pending' | 'running' | 'done' | 'failed';
  /** 0..100 */
  percent: number;
}

/** Document types an applicant can declare (the engine's names; ICAO formats are read, not declared). */
export const DECLARED_DOCUMENT_TYPES = ['ID_CARD', 'PASSPORT', 'RESIDENCE_PERMIT'] as const;
export type DeclaredDocumentType = (typeof DECLARED_DOCUMENT_TYPES)[number];

export interface CaseRow {
  id: string;
  reference: string;
  status: CaseStatus;
  lang: Lang;
  applicant: Applicant;
  attempt: number;
  expiresAt: Date;
  submittedAt: Date | null;
  reviewDeadline: Date | null;
  decidedAt: Date | null;
  outcome: string | null;
  reasons: string[];
  progress: Partial<Record<Stage, StageProgress>>;
  createdAt: Date;
  /** Declared by the applicant in the app, or by the business service at creation; null when not said. */
  declaredDocumentType: DeclaredDocumentType | null;
}

export interface ChallengeRow {
  caseId: string;
  attempt: number;
  digits: string;
  lang: Lang;
  expiresAt: Date;
  usedAt: Date | null;
}

export interface MediaRow {
  id: string;
  caseId: string;
  attempt: number;
  kind: MediaKind;
  storageKey: string;
  mime: string;
  sizeBytes: number;
  sha256: string;
  /** Videos: the probe taken when the upload was checked (media engine's MediaProbe), if any. */
  probe?: unknown;
}

export interface StageResultRow<T = unknown> {
  caseId: string;
  attempt: number;
  stage: Stage;
  status: 'ok' | 'failed';
  result: T;
  durationMs: number | null;
}
