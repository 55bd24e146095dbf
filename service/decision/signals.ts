// What the decision policy consumes: the engines' results reduced to the facts the policy needs.
// The pipeline adapters build this; `null` for a stage means it failed after its last retry.

export interface DocumentSignals {
  /** Finding codes reported by the document engine (MRZ_UNREADABLE, DOCUMENT_EXPIRED, ...). */
  findings: string[];
  /** Identity read from the MRZ (absent when unreadable). Dates are ISO yyyy-mm-dd. */
  identity?: { lastName?: string; firstNames?: string; birthDate?: string };
}

export interface FaceSignals {
  /** Live face vs ID portrait similarity in [0, 1]; null when either face was not found. */
  similarity: number | null;
  noFace: boolean;
  faceTooSmall: boolean;
  /**
   * Why the live face is too poor to judge identity from (the face engine's capture check); absent or empty
   * when it is good enough. `too_small` duplicates faceTooSmall.
   */
  captureProblems?: Array<'too_small' | 'blurred' | 'turned' | 'dark' | 'overexposed'>;
  multiplePeople: boolean;
  staticVideo: boolean;
  cardNotSeen: boolean;
}

export interface SpeechSignals {
  decision: 'match' | 'mismatch' | 'uncertain' | 'no_speech';
}

export interface DeclaredIdentity {
  lastName: string;
  firstNames: string;
  birthDate?: string;
}

export interface Signals {
  document: DocumentSignals | null;
  face: FaceSignals | null;
  speech: SpeechSignals | null;
  /** Declared identity; absent when there is none to compare (the `idv verify` CLI without names). */
  declared?: DeclaredIdentity;
  /** 1-based submission number of this case. */
  attempt: number;
}

/** The policy configuration (from Config: REVIEW_ALL, MAX_ATTEMPTS, FACE_*_SIMILARITY). */
export interface PolicyConfig {
  reviewAll: boolean;
  maxAttempts: number;
  faceAccept: number;
  faceReject: number;
}
