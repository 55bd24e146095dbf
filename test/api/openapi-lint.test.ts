// The served /openapi.json passes `redocly lint --extends=recommended` with no error: the document clients
// generate code from is valid OpenAPI 3.1, not only something our own tests read.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOpenApiRouter } from '../../service/api/openapi.js';

const run = promisify(execFile);

/**
 * Warnings we accept, each for a reason:
 * - POST /invitations/{token}/confirm and POST /letters/{token} answer only 303 (to the applicant app / the letter)
 *   or 404: they are HTML form posts,
 *   a redirect is its success;
 * - GET /openapi.json, the public evidence key set and the /healthz and /readyz probes cannot fail for the
 *   caller: they have no 4xx answer; nor can the applicant app's HTML page under /v (every path serves it).
 */
const ACCEPTED_WARNINGS = new Set([
  'operation-2xx-response #/paths/~1invitations~1{token}~1confirm/post/responses',
  'operation-2xx-response #/paths/~1letters~1{token}/post/responses',
  'operation-4xx-response #/paths/~1.well-known~1idv-evidence-keys.json/get/responses',
  'operation-4xx-response #/paths/~1openapi.json/get/responses',
  'operation-4xx-response #/paths/~1healthz/get/responses',
  'operation-4xx-response #/paths/~1readyz/get/responses',
  'operation-4xx-response #/paths/~1v~1{rest}/get/responses',
]);

interface LintProblem {
  ruleId: string;
  severity: 'error' | 'warn';
  message: string;
  location: Array<{ pointer: string }>;
}

let server: Server;
let dir: string;

beforeAll(async () => {
  const app = express();
  app.use(createOpenApiRouter());
  server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  dir = await mkdtemp(join(tmpdir(), 'idv-openapi-'));
});
afterAll(async () => {
  await new Promise<void>((r) => server.close(() => r()));
  await rm(dir, { recursive: true, force: true });
});

describe('/openapi.json', () => {
  it('passes redocly lint (recommended) without errors, and only with the accepted warnings', async () => {
    const addr = server.address();
    const port = typeof addr === 'object' && addr ? addr.port : 0;
    const res = await fetch(`http://127.0.0.1:${port}/openapi.json`);
    expect(res.status).toBe(200);
    const file = join(dir, 'openapi.json');
    await writeFile(file, await res.text());
    // redocly exits 1 when it finds errors: read its JSON report either way.
    const out = await run('npx', ['redocly', 'lint', '--extends=recommended', '--format=json', file], {
      maxBuffer: 16 << 20,
    }).catch((e: { stdout?: string }) => ({ stdout: e.stdout ?? '' }));
    const report = JSON.parse(out.stdout) as { totals: { errors: number }; problems: LintProblem[] };
    const errors = report.problems.filter((p) => p.severity === 'error');
    expect(errors.map((p) => `${p.ruleId} ${p.location[0]?.pointer}: ${p.message}`)).toEqual([]);
    expect(report.totals.errors).toBe(0);
    const warnings = report.problems
      .filter((p) => p.severity === 'warn')
      .map((p) => `${p.ruleId} ${p.location[0]?.pointer}`)
      .filter((w) => !ACCEPTED_WARNINGS.has(w));
    expect(warnings).toEqual([]);
  }, 120_000);
});
