// What the decision policy consumes: the engines' results reduced to the facts the policy needs.
// Their shapes are the stage-result schemas of contracts/stage-results.ts; `null` for a stage means it failed after its last retry.

export type {
  DocumentSignals,
  FaceSignals,
  LipSyncSignals,
  SpeechSignals,
} from '../contracts/stage-results.js';
import type {
  DocumentSignals,
  FaceSignals,
  LipSyncSignals,
  SpeechSignals,
} from '../contracts/stage-results.js';

export interface DeclaredIdentity {
  lastName: string;
  firstNames: string;
  birthDate?: string;
}

export interface Signals {
  document: DocumentSignals | null;
  face: FaceSignals | null;
  speech: SpeechSignals | null;
  /** Absent (or null) when the lip-sync step did not run: it never holds a decision back. */
  lipSync?: LipSyncSignals | null;
  /** Declared identity; absent when there is none to compare (the `idv verify` CLI without names). */
  declared?: DeclaredIdentity;
  /** 1-based submission number of this case. */
  attempt: number;
  /** What the seen-before look-up found at decision time; absent when it did not run (in-process `idv verify`). */
  seenBefore?: { document: boolean; face: boolean };
}

/** The policy configuration (from Config: REVIEW_ALL, MAX_ATTEMPTS, FACE_*_SIMILARITY). */
export interface PolicyConfig {
  reviewAll: boolean;
  maxAttempts: number;
  faceAccept: number;
  faceReject: number;
}
