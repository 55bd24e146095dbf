// The slices of Config that the stages and the policy read (plain data: it crosses into sandboxed children).
import type { Config } from '../config/index.js';
import type { PolicyConfig } from '../decision/index.js';
import type { DocumentSettings } from './engines/document.js';

/** The face similarity thresholds (FACE_ACCEPT_SIMILARITY, FACE_REJECT_SIMILARITY): the engine's decision,
 * the policy and the console's explanation of a score all read them from here. */
export function faceThresholds(c: Pick<Config, 'FACE_ACCEPT_SIMILARITY' | 'FACE_REJECT_SIMILARITY'>): {
  accept: number;
  reject: number;
} {
  return { accept: c.FACE_ACCEPT_SIMILARITY, reject: c.FACE_REJECT_SIMILARITY };
}

export function policyConfig(c: Config): PolicyConfig {
  const face = faceThresholds(c);
  return {
    reviewAll: c.REVIEW_ALL,
    maxAttempts: c.MAX_ATTEMPTS,
    faceAccept: face.accept,
    faceReject: face.reject,
  };
}

export function documentSettings(c: Config): DocumentSettings {
  return { allowedTypes: c.DOCUMENT_TYPES_ALLOWED, minimumAge: c.MINIMUM_AGE };
}
