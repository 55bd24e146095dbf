// One error style: answers that are not pages go through HttpError and the one error middleware, so a UI that
// is not built answers {"error":{"code","message"}} like every API error, with the request id set by the app.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Server } from 'node:http';
import { createApp } from '../../service/api/app.js';
import { createApplicantAppRouter } from '../../service/api/applicant/app-router.js';
import { createConsoleRouter } from '../../service/api/review/console.js';
import { createLogger } from '../../service/logger.js';

let server: Server;
let base: string;

beforeAll(async () => {
  const app = createApp({
    logger: createLogger('silent'),
    readiness: [],
    // '' = no build directory found.
    routers: [
      ['/console', createConsoleRouter('')],
      ['/v', createApplicantAppRouter('')],
    ],
  });
  server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const addr = server.address();
  base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
});
afterAll(async () => new Promise<void>((r) => server.close(() => r())));

describe('error answers', () => {
  it.each([
    ['/console/queue', 503, 'console_not_built'],
    ['/v/some-token', 503, 'app_not_built'],
    ['/nowhere', 404, 'not_found'],
  ])('%s answers %i {error:{code:%s, message}}', async (path, status, code) => {
    const res = await fetch(base + path);
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.headers.get('x-request-id')).toBeTruthy();
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(Object.keys(body)).toEqual(['error']);
    expect(body.error.code).toBe(code);
    expect(body.error.message.length).toBeGreaterThan(0);
  });
});
