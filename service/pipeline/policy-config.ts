// The slices of Config that the stages and the policy read (plain data: it crosses into sandboxed children).
import type { Config } from '../config/index.js';
import type { PolicyConfig } from '../decision/index.js';
import type { DocumentSettings } from './engines/document.js';

export function policyConfig(c: Config): PolicyConfig {
  return {
    reviewAll: c.REVIEW_ALL,
    maxAttempts: c.MAX_ATTEMPTS,
    faceAccept: c.FACE_ACCEPT_SIMILARITY,
    faceReject: c.FACE_REJECT_SIMILARITY,
  };
}

export function documentSettings(c: Config): DocumentSettings {
  return { allowedTypes: c.DOCUMENT_TYPES_ALLOWED, minimumAge: c.MINIMUM_AGE };
}
