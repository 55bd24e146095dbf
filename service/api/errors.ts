// One error shape for every HTTP response: {error: {code, message}}.
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export const badRequest = (code: string, message: string, details?: unknown) =>
  new HttpError(400, code, message, details);
export const unauthorized = (message = 'Authentication required') =>
  new HttpError(401, 'unauthorized', message);
export const forbidden = (message = 'Not allowed for your role') => new HttpError(403, 'forbidden', message);
export const notFound = (message = 'Not found') => new HttpError(404, 'not_found', message);
export const conflict = (code: string, message: string) => new HttpError(409, code, message);
export const tooLarge = (message: string) => new HttpError(413, 'payload_too_large', message);
export const unsupported = (message: string) => new HttpError(415, 'unsupported_media_type', message);
export const tooMany = (message = 'Too many requests, try again later') =>
  new HttpError(429, 'rate_limited', message);
