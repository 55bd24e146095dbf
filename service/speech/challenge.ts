// Spoken-digit challenges: three digits from a cryptographic RNG, with a language and an expiry.
// Persistence and binding to a case (single use) live in the pipeline's `challenges` table; this module is pure.
import { randomInt } from 'node:crypto';
import type { SpeechLang } from './types.js';

export const CHALLENGE_LENGTH = 3;

export interface Challenge {
  digits: string;
  lang: SpeechLang;
  createdAt: Date;
  expiresAt: Date;
}

/** A fresh challenge. `ttlSec` bounds how long the applicant may take to record the video. */
export function createChallenge(lang: SpeechLang, ttlSec: number, now: Date = new Date()): Challenge {
  if (!(ttlSec > 0)) throw new RangeError('ttlSec must be > 0');
  let digits = '';
  for (let i = 0; i < CHALLENGE_LENGTH; i++) digits += String(randomInt(10));
  return { digits, lang, createdAt: now, expiresAt: new Date(now.getTime() + ttlSec * 1000) };
}

export interface ChallengeState {
  expiresAt: Date;
  /** When the challenge was consumed by a submission (null = not yet used). */
  usedAt: Date | null;
}

/** A challenge may be answered once, before it expires. A resubmission needs a new challenge. */
export function isChallengeUsable(c: ChallengeState, now: Date = new Date()): boolean {
  return c.usedAt === null && now.getTime() < c.expiresAt.getTime();
}

export function isValidDigits(s: string): boolean {
  return new RegExp(`^[0-9]{${CHALLENGE_LENGTH}}$`).test(s);
}
