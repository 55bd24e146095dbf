// The spoken-digit challenge of a submission, created in one place with its lifetime (CHALLENGE_TTL_MINUTES):
// at verification creation, on a reviewer's or the policy's resubmission request, on a renewal by the applicant.
import { createChallenge } from '../speech/index.js';
import type { Lang } from '../contracts/lang.js';

export interface NewChallenge {
  digits: string;
  lang: Lang;
  expiresAt: Date;
}

export function newChallenge(lang: Lang, ttlMinutes: number, now = new Date()): NewChallenge {
  const c = createChallenge(lang, ttlMinutes * 60, now);
  return { digits: c.digits, lang, expiresAt: c.expiresAt };
}
