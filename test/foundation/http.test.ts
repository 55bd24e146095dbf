import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { startService, type RunningService } from '../../service/server.js';
import { createLogger } from '../../service/logger.js';
import { testConfig } from '../helpers/env.js';

let svc: RunningService;
const lines: string[] = [];
const sink = new Writable({
  write(chunk, _enc, cb) {
    lines.push(String(chunk));
    cb();
  },
});

beforeAll(async () => {
  svc = await startService(testConfig(), { logger: createLogger('info', sink) });
});
afterAll(async () => {
  await svc.stop();
});

describe('HTTP skeleton', () => {
  it('answers /healthz and /readyz with Redis and the database up', async () => {
    const h = await fetch(`${svc.url}/healthz`);
    expect(h.status).toBe(200);
    const r = await fetch(`${svc.url}/readyz`);
    const body = (await r.json()) as { status: string; checks: Array<{ name: string; ok: boolean }> };
    expect(r.status).toBe(200);
    expect(body.status).toBe('ready');
    expect(body.checks.map((c) => c.name)).toEqual(expect.arrayContaining(['redis', 'database']));
  });

  it('uses the JSON error format, request ids and security headers', async () => {
    const r = await fetch(`${svc.url}/nope?token=SECRET123`, { headers: { 'x-request-id': 'abc-123' } });
    expect(r.status).toBe(404);
    expect(r.headers.get('x-request-id')).toBe('abc-123');
    expect(r.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await r.json()).toEqual({ error: { code: 'not_found', message: 'No such endpoint' } });
    // The access log never carries the raw URL (tokens travel in paths and queries).
    expect(lines.join('')).not.toContain('SECRET123');
  });

  it('refuses a malformed or oversized JSON body with a JSON error', async () => {
    const bad = await fetch(`${svc.url}/healthz`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{',
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe('invalid_body');
    const big = await fetch(`${svc.url}/healthz`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ x: 'a'.repeat(200_000) }),
    });
    expect(big.status).toBe(413);
  });
});
