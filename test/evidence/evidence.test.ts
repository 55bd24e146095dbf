// Evidence files end to end: a generated case goes through the real pipeline to review, a reviewer approves it,
// the outbox builds the signed evidence file, the business service downloads it, and `idv evidence verify`
// (a separate process, offline, with the published keys only) accepts it and names whatever was altered.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startService, type RunningService } from '../../service/server.js';
import { claimCase } from '../../service/review/lease-repository.js';
import { decideCase } from '../../service/review/decide.js';
import type { EvidenceFile } from '../../service/evidence/evidence-file.js';
import { verifyEvidenceFile } from '../../service/evidence/evidence-file.js';
import { loadSigningKey, toPublished } from '../../service/evidence/keys.js';
import { testConfig, tempDir } from '../helpers/env.js';
import { fixtureCase } from '../helpers/fixtures.js';
import { ApiClient } from '../api/client.js';
import { makeReviewer, PASSWORD } from '../review/seed.js';
import { ReviewClient } from '../review/client.js';

const ARTIFACTS = join(process.cwd(), 'test-artifacts');

let svc: RunningService;
let api: ApiClient;
let caseId: string;
let reviewerId: string;
let evidenceBytes: Buffer;
const dir = tempDir('idv-evidence-');
const keysFile = join(dir, 'keys.json');

function idv(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['bin/idv.js', ...args],
      { env: { ...process.env, IDV_FROM_SOURCE: '1', DATA_DIR: dir, NODE_ENV: 'test' } },
      (err, stdout, stderr) =>
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

beforeAll(async () => {
  svc = await startService(testConfig({ REVIEW_ALL: 'true', FACE_WORKERS: '1', PIPELINE_CONCURRENCY: '1' }));
  const cfg = svc.runtime.config;
  api = new ApiClient(svc.url!, cfg.API_KEYS[0]!);
  const fx = await fixtureCase({ attack: 'none', seed: 1, formats: ['webm'] });
  const created = await api.submitFixture(svc.runtime.db, fx, fx.webm!);
  caseId = created.id;
  const s = await api.waitForDecision(created.token, 240_000);
  expect(s.status).toBe('in_review');
  const reviewer = await makeReviewer(svc.runtime.db, 'reviewer');
  reviewerId = reviewer.id;
  await claimCase(svc.runtime.db, caseId, reviewer.id, 15);
  // The decision checklist (video played, document sides opened), as the console records it.
  const desk = new ReviewClient(svc.url!);
  await desk.login(reviewer.email, PASSWORD);
  await desk.lookAtEverything(caseId);
  const d = await decideCase(svc.runtime.db, {
    caseId,
    reviewer,
    action: 'approve',
    note: 'documents and face checked',
  });
  expect(d).toEqual({ status: 'decided', caseStatus: 'approved' });
}, 300_000);

afterAll(async () => {
  await svc?.stop();
});

describe('evidence file', () => {
  it(
    'is built by the outbox at the final outcome and served to the business service',
    { timeout: 180_000 },
    async () => {
      const db = svc.runtime.db;
      // Generous: the outbox polls, then renders the PDF on a shared, loaded machine.
      const end = Date.now() + 120_000;
      while ((await db.query('SELECT 1 FROM evidence_files WHERE case_id = $1', [caseId])).rowCount === 0) {
        if (Date.now() > end) throw new Error('evidence file not built by the outbox');
        await new Promise((r) => setTimeout(r, 200));
      }
      const noKey = await fetch(`${svc.url}/v1/verifications/${caseId}/evidence`);
      expect(noKey.status).toBe(401);
      const r = await fetch(`${svc.url}/v1/verifications/${caseId}/evidence`, {
        headers: { 'x-api-key': api.apiKey },
      });
      expect(r.status).toBe(200);
      expect(r.headers.get('content-type')).toMatch(/application\/json/);
      evidenceBytes = Buffer.from(await r.arrayBuffer());
      const keys = await fetch(`${svc.url}/.well-known/idv-evidence-keys.json`);
      expect(keys.status).toBe(200);
      const keySet = (await keys.json()) as { keys: Array<{ kid: string; status: string }> };
      writeFileSync(keysFile, JSON.stringify(keySet));
      const file = JSON.parse(evidenceBytes.toString()) as EvidenceFile;
      expect(keySet.keys.map((k) => k.kid)).toContain(file.signature.keyId);
      const m = file.manifest;
      expect(m.case).toMatchObject({ id: caseId, status: 'approved', outcome: 'approve' });
      expect(m.decisions.map((d) => [d.source, d.outcome])).toEqual([
        ['auto', 'review'],
        ['reviewer', 'approve'],
      ]);
      expect(m.decisions[1]).toMatchObject({ reviewerId, withNote: true });
      const attempt = m.attempts[0]!;
      expect(attempt.challenge!.digits).toMatch(/^\d{3}$/);
      expect(attempt.transcript!.recognised).toMatch(/^\d{0,3}$/);
      // The genuine fixture matched: the verdict rests on the challenge digits, located in the audio.
      expect(attempt.transcript!.restsOn).toBe(attempt.challenge!.digits);
      expect(attempt.transcript!.segments).toHaveLength(3);
      expect(attempt.checks.map((c) => c.stage)).toEqual(['ingest', 'document', 'face', 'speech', 'decide']);
      expect(attempt.checks.find((c) => c.stage === 'face')!.score).toBeGreaterThan(0);
      expect(attempt.media.map((x) => x.kind)).toEqual(expect.arrayContaining(['front', 'back', 'video']));
      for (const x of attempt.media) expect(x.sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(m.audit.map((e) => e.action)).toEqual(expect.arrayContaining(['case.claimed', 'case.decided']));
      // No personal data: the declared names and contact data stay out of the file.
      const text = evidenceBytes.toString();
      expect(text).not.toContain('applicant@example.test');
      const rec = await db.query<{ applicant: { lastName: string } }>(
        'SELECT applicant FROM cases WHERE id = $1',
        [caseId],
      );
      expect(text).not.toContain(rec.rows[0]!.applicant.lastName);
      // The PDF alone, for people.
      const pdf = await fetch(`${svc.url}/v1/verifications/${caseId}/evidence?format=pdf`, {
        headers: { 'x-api-key': api.apiKey },
      });
      expect(pdf.headers.get('content-type')).toMatch(/application\/pdf/);
      expect(
        Buffer.from(await pdf.arrayBuffer())
          .subarray(0, 5)
          .toString(),
      ).toBe('%PDF-');
    },
  );

  it('renders to a readable page (pdftoppm), saved under test-artifacts/', () => {
    const file = JSON.parse(evidenceBytes.toString()) as EvidenceFile;
    mkdirSync(ARTIFACTS, { recursive: true });
    const pdfPath = join(ARTIFACTS, 'evidence-summary.pdf');
    writeFileSync(pdfPath, Buffer.from(file.pdf, 'base64'));
    writeFileSync(join(ARTIFACTS, 'evidence-file.json'), evidenceBytes);
    execFileSync('pdftoppm', ['-png', '-r', '90', pdfPath, join(ARTIFACTS, 'evidence-summary')]);
    const info = execFileSync('pdfinfo', [pdfPath]).toString();
    const pages = Number(/Pages:\s+(\d+)/.exec(info)![1]);
    expect(pages).toBeGreaterThanOrEqual(1);
    const first = join(ARTIFACTS, pages > 9 ? 'evidence-summary-01.png' : 'evidence-summary-1.png');
    const png = readFileSync(first);
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect(statSync(first).size).toBeGreaterThan(20_000);
    const text = execFileSync('pdftotext', [pdfPath, '-']).toString();
    expect(text).toContain('Outcome: APPROVE');
    expect(text).toContain(caseId);
    expect(text).toContain('case.decided');
    // The footer names every page and adds none.
    expect(text).toContain(`page ${pages} / ${pages}`);
  });

  it('verifies offline with `idv evidence verify`', async () => {
    const path = join(dir, 'evidence.json');
    writeFileSync(path, evidenceBytes);
    const r = await idv(['evidence', 'verify', path, '--keys', keysFile]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: true, caseId, problems: [] });
  }, 60_000);

  it('fails and names the part when one byte of the manifest, the PDF or one audit entry changes', async () => {
    const text = evidenceBytes.toString();
    // One byte of the manifest: a digit of the case's creation time.
    const at = text.indexOf('"createdAt": "') + '"createdAt": "'.length + 3;
    const digit = text[at]!;
    const manifestEdit = `${text.slice(0, at)}${digit === '9' ? '8' : String(Number(digit) + 1)}${text.slice(at + 1)}`;
    // One byte of the PDF.
    const f = JSON.parse(text) as EvidenceFile;
    const pdf = Buffer.from(f.pdf, 'base64');
    pdf[Math.floor(pdf.length / 2)] ^= 0x01;
    const pdfEdit = JSON.stringify({ ...f, pdf: pdf.toString('base64') }, null, 2);
    // One audit entry: the reviewer's decision turned into a rejection.
    const g = JSON.parse(text) as EvidenceFile;
    const decided = g.manifest.audit.find((e) => e.action === 'case.decided')!;
    decided.details = { ...decided.details, outcome: 'reject' };
    const auditEdit = JSON.stringify(g, null, 2);

    const cases: Array<[string, string, RegExp]> = [
      ['manifest', manifestEdit, /^evidence verify: manifest: sha256 does not match/m],
      [
        'pdf',
        pdfEdit,
        /^evidence verify: pdf: sha256 does not match the signed digest \(the PDF was altered\)/m,
      ],
      [
        'audit',
        auditEdit,
        new RegExp(
          `^evidence verify: audit entry seq ${decided.seq} \\(case\\.decided\\): content does not match its chain hash`,
          'm',
        ),
      ],
    ];
    for (const [name, content, expected] of cases) {
      const path = join(dir, `tampered-${name}.json`);
      writeFileSync(path, content);
      const r = await idv(['evidence', 'verify', path, '--keys', keysFile]);
      expect(r.code, name).toBe(1);
      expect(r.stderr, name).toMatch(expected);
      expect(JSON.parse(r.stdout).ok, name).toBe(false);
    }
  }, 120_000);

  it('refuses a file signed by a key that is not published, and accepts a retired key', () => {
    const other = loadSigningKey(join(dir, 'other-key.pem'), { generate: true });
    const keySet = JSON.parse(readFileSync(keysFile, 'utf8')) as { keys: unknown[] };
    const wrong = verifyEvidenceFile(evidenceBytes, { keys: [toPublished(other.publicKey, 'current')] });
    expect(wrong.ok).toBe(false);
    expect(wrong.problems).toEqual([
      expect.stringMatching(/^signature: signing key [0-9a-f]{16} is not among the published keys$/),
    ]);
    // After a rotation the old key is published as retired: old files still verify.
    const rotated = {
      keys: [
        toPublished(other.publicKey, 'current'),
        ...(keySet.keys as Array<Record<string, unknown>>).map((k) => ({ ...k, status: 'retired' })),
      ],
    } as Parameters<typeof verifyEvidenceFile>[1];
    expect(verifyEvidenceFile(evidenceBytes, rotated).ok).toBe(true);
  });
});
