// The one HTTP client of the applicant app: the link token as bearer, JSON in and out, every response
// validated (zod/mini keeps the bundle small), errors as ApiError with the server's code.
import type { z } from 'zod/mini';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

let bearer = '';
export function setToken(token: string): void {
  bearer = token;
}
export function authHeader(): Record<string, string> {
  return { authorization: `Bearer ${bearer}` };
}

export function toApiError(status: number, json: unknown): ApiError {
  const err = (json as { error?: { code?: string; message?: string; details?: unknown } } | null)?.error;
  return new ApiError(status, err?.code ?? 'http_error', err?.message ?? `HTTP ${status}`, err?.details);
}

export async function api<T>(
  schema: z.ZodMiniType<T>,
  path: string,
  init: { method?: 'GET' | 'POST'; body?: unknown } = {},
): Promise<T> {
  const method = init.method ?? 'GET';
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers: {
        accept: 'application/json',
        ...authHeader(),
        ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
      cache: 'no-store',
    });
  } catch {
    throw new ApiError(0, 'network', 'network');
  }
  const json: unknown = await res.json().catch(() => null);
  if (!res.ok) throw toApiError(res.status, json);
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new ApiError(res.status, 'invalid_response', 'invalid response');
  return parsed.data;
}
