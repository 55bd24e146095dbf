// Slow clients are cut: headers trickled past HTTP_HEADERS_TIMEOUT_MS and uploads past HTTP_REQUEST_TIMEOUT_MS get
// a 408 and a closed connection instead of holding it for Node's default 300 s.
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listen } from '../../service/api/server.js';
import { coreEnv } from '../../service/config/core.js';

let server: Server;
let port: number;

beforeAll(async () => {
  const app = express();
  app.post('/upload', (req, res) => {
    req.on('data', () => undefined);
    req.on('end', () => res.json({ ok: true }));
  });
  server = await listen(app, {
    port: 0,
    host: '127.0.0.1',
    headersTimeoutMs: 1_000,
    requestTimeoutMs: 2_000,
  });
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => new Promise<void>((r) => server.close(() => r())));

/** Sends `first`, then one byte every 200 ms; resolves with what the server answered and when it closed. */
function trickle(first: string, drip: string): Promise<{ answer: string; ms: number }> {
  return new Promise((resolve) => {
    const t0 = Date.now();
    let answer = '';
    const s = connect(port, '127.0.0.1', () => s.write(first));
    const timer = setInterval(() => s.writable && s.write(drip), 200);
    s.on('data', (d) => (answer += String(d)));
    s.on('error', () => undefined);
    s.on('close', () => {
      clearInterval(timer);
      resolve({ answer, ms: Date.now() - t0 });
    });
  });
}

describe('HTTP server timeouts', () => {
  it('cuts a client that trickles its headers', async () => {
    const r = await trickle('GET /upload HTTP/1.1\r\nHost: x\r\n', 'X');
    expect(r.answer).toMatch(/^HTTP\/1.1 408/);
    expect(r.ms).toBeLessThan(4_000);
  });

  it('cuts a slow upload at the request timeout', async () => {
    const r = await trickle(
      'POST /upload HTTP/1.1\r\nHost: x\r\nContent-Type: application/octet-stream\r\nContent-Length: 100000\r\n\r\n',
      'a',
    );
    expect(r.answer).toMatch(/^HTTP\/1.1 408/);
    expect(r.ms).toBeGreaterThanOrEqual(1_900);
    expect(r.ms).toBeLessThan(5_000);
  });

  it('has sensible defaults well under the 300 s of Node', () => {
    expect(coreEnv.HTTP_HEADERS_TIMEOUT_MS.parse(undefined)).toBe(15_000);
    expect(coreEnv.HTTP_REQUEST_TIMEOUT_MS.parse(undefined)).toBe(120_000);
  });
});
