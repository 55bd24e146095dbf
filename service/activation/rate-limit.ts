// Fixed-window rate limiter in Redis, shared by every API process. Keys carry a hash of the subject
// (an IP address or a session reference), never the value itself.
import type { RedisClient } from '../infra/redis.js';
import { sha256Hex } from './code.js';

export interface RateLimit {
  /** Requests allowed per window. */
  limit: number;
  windowMs: number;
}

export interface RateDecision {
  allowed: boolean;
  /** Seconds until the window resets (for Retry-After). */
  retryAfterSec: number;
}

export class RateLimiter {
  constructor(
    private readonly redis: RedisClient,
    private readonly keyPrefix: string,
  ) {}

  /** Hits counted in the current window, without counting one. */
  async count(scope: string, subject: string): Promise<number> {
    return Number((await this.redis.get(this.key(scope, subject))) ?? 0);
  }

  private key(scope: string, subject: string): string {
    return `${this.keyPrefix}:rl:${scope}:${sha256Hex(subject).slice(0, 32)}`;
  }

  async hit(scope: string, subject: string, rule: RateLimit): Promise<RateDecision> {
    const key = this.key(scope, subject);
    // INCR then set the expiry only on the first hit of the window (NX), atomically.
    const res = await this.redis.multi().incr(key).pexpire(key, rule.windowMs, 'NX').pttl(key).exec();
    const count = Number(res?.[0]?.[1] ?? 0);
    const ttl = Number(res?.[2]?.[1] ?? rule.windowMs);
    return { allowed: count <= rule.limit, retryAfterSec: Math.max(1, Math.ceil(ttl / 1000)) };
  }
}
