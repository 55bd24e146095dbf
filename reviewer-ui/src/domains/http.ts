// The one HTTP client of the console: JSON in and out, every response validated with zod, the CSRF token sent on
// every state-changing call, and one place deciding what a 401 does (back to the login page).
import type { z } from 'zod';

export const API_BASE = '/api/review';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

let csrfToken: string | undefined;
let onUnauthorized: (() => void) | undefined;

export function setCsrfToken(token: string | undefined): void {
  csrfToken = token;
}

export function setUnauthorizedHandler(fn: () => void): void {
  onUnauthorized = fn;
}

export async function api<T>(
  schema: z.ZodType<T>,
  path: string,
  init: { method?: 'GET' | 'POST'; body?: unknown } = {},
): Promise<T> {
  const method = init.method ?? 'GET';
  const headers: Record<string, string> = { accept: 'application/json' };
  if (method !== 'GET') {
    headers['content-type'] = 'application/json';
    if (csrfToken) headers['x-csrf-token'] = csrfToken;
  }
  let res: Response;
  try {
    // Paths of other areas (e.g. /api/ops/summary) are given whole; console paths are relative to API_BASE.
    res = await fetch(path.startsWith('/api/') ? path : API_BASE + path, {
      method,
      headers,
      credentials: 'same-origin',
      body: method === 'GET' ? undefined : JSON.stringify(init.body ?? {}),
    });
  } catch {
    throw new ApiError(0, 'network', 'network');
  }
  const json: unknown = await res.json().catch(() => null);
  if (!res.ok) {
    const err = (json as { error?: { code?: string; message?: string } } | null)?.error;
    if (res.status === 401 && !path.startsWith('/auth/')) onUnauthorized?.();
    throw new ApiError(res.status, err?.code ?? 'http_error', err?.message ?? `HTTP ${res.status}`);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success)
    throw new ApiError(res.status, 'invalid_response', parsed.error.issues[0]?.message ?? 'invalid response');
  return parsed.data;
}

/** URL of a media endpoint (used directly by <img>/<video>, which send the session cookie). */
export const mediaUrl = (path: string) => API_BASE + path;
