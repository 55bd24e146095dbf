// The HTTP app: the access log names the matched route pattern, never the URL with its tokens; the CSP upgrade.
import { Router } from 'express';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../service/api/app.js';
import { HttpError } from '../../service/api/errors.js';
import { createLogger } from '../../service/logger.js';

const lines: Array<Record<string, unknown>> = [];
let server: Server;
let base: string;

beforeAll(async () => {
  const sink = new Writable({
    write(chunk, _enc, cb) {
      for (const l of String(chunk).split('\n').filter(Boolean))
        lines.push(JSON.parse(l) as Record<string, unknown>);
      cb();
    },
  });
  const letters = Router();
  letters.get('/:token', (_req, res) => void res.send('letter'));
  const inner = Router();
  inner.post('/cases/:id/decision', () => {
    throw new HttpError(409, 'conflict', 'Already decided');
  });
  const review = Router();
  review.use('/v2', inner);
  const app = createApp({
    logger: createLogger('info', sink),
    readiness: [],
    routers: [
      ['/letters', letters],
      ['/api/review', review],
    ],
  });
  server = await new Promise<Server>((r) => {
    const s = app.listen(0, '127.0.0.1', () => r(s));
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => new Promise<void>((r) => server.close(() => r())));

const lineOf = async (id: string) => {
  for (let i = 0; i < 50 && !lines.some((l) => (l.req as { id?: string } | undefined)?.id === id); i++)
    await new Promise((r) => setTimeout(r, 20));
  return lines.find((l) => (l.req as { id?: string } | undefined)?.id === id)!;
};

describe('content security policy', () => {
  it('asks for upgrade-insecure-requests only when served over HTTPS (COOKIE_SECURE)', async () => {
    const plain = (await fetch(`${base}/healthz`)).headers.get('content-security-policy')!;
    expect(plain).toContain("default-src 'self'");
    expect(plain).not.toContain('upgrade-insecure-requests');
    const app = createApp({ logger: createLogger('silent'), readiness: [], secure: true });
    const s = await new Promise<Server>((r) => {
      const x = app.listen(0, '127.0.0.1', () => r(x));
    });
    try {
      const url = `http://127.0.0.1:${(s.address() as AddressInfo).port}/healthz`;
      expect((await fetch(url)).headers.get('content-security-policy')).toContain(
        'upgrade-insecure-requests',
      );
    } finally {
      await new Promise<void>((r) => s.close(() => r()));
    }
  });
});

describe('access log', () => {
  it('logs the route pattern of matched, failing and unmatched requests, never the token', async () => {
    const token = 'SeCrEtToKeN_abcdefghijklmnopqrstuvwxyz0123456';
    await fetch(`${base}/letters/${token}`, { headers: { 'x-request-id': 'req-letter' } });
    await fetch(`${base}/api/review/v2/cases/0b6e1c3a-1111-4222-8333-444455556666/decision`, {
      method: 'POST',
      headers: { 'x-request-id': 'req-decision', 'content-type': 'application/json' },
      body: '{}',
    });
    await fetch(`${base}/nowhere/${token}`, { headers: { 'x-request-id': 'req-none' } });
    expect((await lineOf('req-letter')).route).toBe('/letters/:token');
    const decision = await lineOf('req-decision');
    expect(decision.route).toBe('/api/review/v2/cases/:id/decision');
    expect((decision.res as { statusCode: number }).statusCode).toBe(409);
    expect((await lineOf('req-none')).route).toBe('unmatched');
    expect(JSON.stringify(lines)).not.toContain(token);
    expect(JSON.stringify(lines)).not.toContain('0b6e1c3a');
  });
});
