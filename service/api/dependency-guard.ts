// Fail fast while a dependency is down: a request that cannot complete is answered 503 with Retry-After at once,
// instead of waiting for the outage (Redis commands queue until it returns, then run: an activation sent during an
// outage used to be counted later, after its client had given up). The readiness probes say what is down; their
// results are cached briefly so that a busy API probes at most once a second.
import type { NextFunction, Request, Response } from 'express';
import { HttpError } from './errors.js';

export interface DependencyCheck {
  name: string;
  check(): Promise<void>;
}

export interface DependencyGuardOptions {
  /** How long a probe result is trusted (ms). Default 1000. */
  ttlMs?: number;
  /** A probe slower than this counts as down (ms). Default 800. */
  timeoutMs?: number;
  /** Retry-After of the 503 (s). Default 5. */
  retryAfterSec?: number;
  /** Requests that can still complete with these dependencies down (e.g. submit without Redis). */
  tolerates?(req: Request, down: readonly string[]): boolean;
}

/** Retry-After sent with every 503 caused by a dependency. */
export const DEPENDENCY_RETRY_AFTER_SEC = 5;

export class DependencyUnavailableError extends HttpError {
  constructor(readonly down: readonly string[]) {
    super(503, 'service_unavailable', 'A service this request needs is unavailable; retry shortly');
    this.name = 'DependencyUnavailableError';
  }
}

interface ProbeState {
  ok: boolean;
  at: number;
  pending?: Promise<void>;
}

export function createDependencyProbe(checks: DependencyCheck[], o: DependencyGuardOptions = {}) {
  const ttl = o.ttlMs ?? 1000;
  const timeout = o.timeoutMs ?? 800;
  const state = new Map<string, ProbeState>(checks.map((c) => [c.name, { ok: true, at: 0 }]));
  const probe = (c: DependencyCheck): Promise<void> => {
    const s = state.get(c.name)!;
    if (Date.now() - s.at < ttl) return Promise.resolve();
    s.pending ??= (async () => {
      let t: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          c.check(),
          new Promise((_, rej) => (t = setTimeout(() => rej(new Error('probe timed out')), timeout))),
        ]);
        s.ok = true;
      } catch {
        s.ok = false;
      } finally {
        clearTimeout(t);
        s.at = Date.now();
        s.pending = undefined;
      }
    })();
    return s.pending;
  };
  return {
    /** Names of the dependencies down now (probing those whose result is stale). */
    async down(): Promise<string[]> {
      await Promise.all(checks.map(probe));
      return checks.filter((c) => !state.get(c.name)!.ok).map((c) => c.name);
    },
    /** Forget cached results (a request failed on a dependency: probe again next time). */
    invalidate(): void {
      for (const s of state.values()) s.at = 0;
    },
  };
}

export function dependencyGuard(checks: DependencyCheck[], o: DependencyGuardOptions = {}) {
  const probe = createDependencyProbe(checks, o);
  const retryAfter = String(o.retryAfterSec ?? DEPENDENCY_RETRY_AFTER_SEC);
  return (req: Request, res: Response, next: NextFunction): void => {
    probe.down().then((down) => {
      if (down.length === 0 || o.tolerates?.(req, down)) return next();
      res.setHeader('Retry-After', retryAfter);
      next(new DependencyUnavailableError(down));
    }, next);
  };
}

/**
 * Errors that mean a dependency is unreachable rather than a bug: PostgreSQL connection failures and shutdowns
 * (SQLSTATE classes 08 and 57P), socket errors, pool connect timeouts, Redis connections closed or offline.
 */
export function isDependencyError(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (/^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|EHOSTUNREACH|ENOTFOUND|EAI_AGAIN)$/.test(code))
      return true;
    if (/^(08...|57P0[1-3])$/.test(code)) return true;
  }
  return /Connection terminated|timeout exceeded when trying to connect|Connection is closed|Stream isn't writeable|enableOfflineQueue|MaxRetriesPerRequest/i.test(
    err.message,
  );
}
